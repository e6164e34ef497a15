package postgres

import (
	"context"
	"time"
)

// DeliveryCutoffs say what PurgeDelivery removes (delivery.Retention
// computes them from its options).
type DeliveryCutoffs struct {
	// ScrubBefore: finished replies (sent, failed, unreachable) that
	// finished before it lose their text: the payload keeps only its Ref.
	ScrubBefore time.Time
	// RepliesBefore: finished replies that finished before it are deleted.
	RepliesBefore time.Time
	// SendsBefore: notification records final before it are deleted.
	SendsBefore time.Time
	// PacingIdle: a chat's pacing row is deleted once its spacing ended
	// longer ago than this, by the database's clock (the clock that wrote
	// it).
	PacingIdle time.Duration
}

// DeliveryPurged counts what PurgeDelivery did.
type DeliveryPurged struct {
	Scrubbed, Replies, Sends, Pacing int64
}

// purgeBatch bounds the rows one purge statement touches, so that none
// holds its locks for long; each statement commits on its own.
const purgeBatch = 2000

// PurgeDelivery removes what the outbound path no longer needs, in batches
// of purgeBatch rows per statement (rows another transaction holds are
// skipped, for the next run), until nothing is left or ctx ends; it
// returns what it did so far either way.
//
// What stays, and why exactly-once holds without the rest:
//
//   - Open replies ('pending', 'sending') and 'sending' notification records
//     are never touched: they are work, or ambiguous sends to be probed.
//   - The payload of a finished reply is read again only by MessageIDByRef
//     (its "ref"), so scrubbing keeps that key alone.
//   - A deleted row's message id is folded into message_floor in the same
//     statement, so chat_message_floor never goes down: a probe floor taken
//     later is at least every deleted id, and Sender.Probe looks only above
//     its floor, where KnownBotMessage still has every recorded message.
//   - A probe floor taken before a message was recorded can be older than
//     the retention only in a chat with an open reply or a 'sending'
//     notification (the probe has not run yet): such a chat keeps all its
//     rows until it has none, so KnownBotMessage still knows the bot's later
//     messages there and does not take one of them for the lost send.
//   - A final notification record is what stops a second job for its
//     DedupKey from sending again once River has cleaned the first job
//     (completed and cancelled jobs after 24 h, discarded after 7 days; a
//     job's own 25 attempts span about 20 days). SendsBefore must be older
//     than any of that and than any window in which a cause schedules the
//     same key again.
//   - A chat_pacing row whose next_at has passed books exactly as a missing
//     one (delivery_reserve_chat creates it at -infinity); it is deleted
//     only while no booking holds it.
func (db *DB) PurgeDelivery(ctx context.Context, c DeliveryCutoffs) (p DeliveryPurged, err error) {
	defer wrap(&err, "purge delivery")
	steps := []struct {
		n    *int64
		sql  string
		args []any
	}{
		{&p.Scrubbed, scrubRepliesSQL, []any{c.ScrubBefore}},
		{&p.Replies, deleteRepliesSQL, []any{c.RepliesBefore}},
		{&p.Sends, deleteSendsSQL, []any{c.SendsBefore}},
		{&p.Pacing, deletePacingSQL, []any{c.PacingIdle.Seconds()}},
	}
	for _, s := range steps {
		for {
			var n int64
			if err := db.Pool.QueryRow(ctx, s.sql, append(s.args, purgeBatch)...).Scan(&n); err != nil {
				return p, err
			}
			*s.n += n
			if n < purgeBatch {
				break
			}
		}
	}
	return p, nil
}

const scrubRepliesSQL = `
	WITH done AS (
		UPDATE outbox SET payload = jsonb_strip_nulls(jsonb_build_object('ref', payload->'ref'))
		 WHERE id IN (
			SELECT id FROM outbox
			 WHERE status IN ('sent', 'failed', 'unreachable') AND payload - 'ref' <> '{}'::jsonb AND sent_at < $1
			 LIMIT $2 FOR UPDATE SKIP LOCKED)
		RETURNING 1)
	SELECT count(*) FROM done`

var deleteRepliesSQL = `
	WITH gone AS (
		DELETE FROM outbox WHERE id IN (
			SELECT o.id FROM outbox o
			 WHERE o.status IN ('sent', 'failed', 'unreachable') AND o.sent_at < $1
			   AND NOT ` + inFlight("o.chat_id") + `
			 LIMIT $2 FOR UPDATE OF o SKIP LOCKED)
		RETURNING chat_id, message_id),
	floor AS (` + raiseFloor + `)
	SELECT count(*) FROM gone`

var deleteSendsSQL = `
	WITH gone AS (
		DELETE FROM sends WHERE id IN (
			SELECT s.id FROM sends s
			 WHERE s.status <> 'sending' AND s.sent_at < $1
			   AND NOT ` + inFlight("s.chat_id") + `
			 LIMIT $2 FOR UPDATE OF s SKIP LOCKED)
		RETURNING chat_id, telegram_message_id AS message_id),
	floor AS (` + raiseFloor + `)
	SELECT count(*) FROM gone`

// deletePacingSQL reads no index: one on next_at would make every booking's
// update a non-HOT one, for a sweep of a table of recently active chats.
const deletePacingSQL = `
	WITH gone AS (
		DELETE FROM chat_pacing WHERE chat_id IN (
			SELECT chat_id FROM chat_pacing WHERE next_at < now() - make_interval(secs => $1)
			 LIMIT $2 FOR UPDATE SKIP LOCKED)
		RETURNING 1)
	SELECT count(*) FROM gone`

// raiseFloor keeps the highest message id of each chat among the deleted
// rows ("gone"), in chat order so that concurrent purges never deadlock.
const raiseFloor = `
		INSERT INTO message_floor AS f (chat_id, message_id)
		SELECT chat_id, max(message_id) FROM gone WHERE message_id IS NOT NULL GROUP BY chat_id ORDER BY chat_id
		ON CONFLICT (chat_id) DO UPDATE SET message_id = greatest(f.message_id, excluded.message_id)`

// inFlight is the condition that a chat has an open reply or a 'sending'
// notification: a probe may still look at the bot's messages there.
func inFlight(chat string) string {
	return `(EXISTS (SELECT 1 FROM outbox p WHERE p.chat_id = ` + chat + ` AND p.status IN ('pending', 'sending'))
			    OR EXISTS (SELECT 1 FROM sends q WHERE q.chat_id = ` + chat + ` AND q.status = 'sending'))`
}
