package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/telecrm/crmbot/internal/crm"
)

// SendBegin is a notification about to be sent (BeginSends).
type SendBegin struct {
	DedupKey string
	ChatID   int64
	Kind     string
}

// SendStart is what BeginSends found for one notification.
type SendStart struct {
	// Prev is the record as it stood before, when Found: a final one
	// (sent, unreachable, failed, skipped) is left alone, a 'sending' one
	// means an earlier attempt's outcome is unknown. Without Found this
	// is the first attempt, recorded now as 'sending' with the chat's
	// message floor.
	Prev  SendRecord
	Found bool
	// Unreachable is true when the chat was marked unreachable as the
	// send began (the same statement looks, so the notifier need not).
	Unreachable bool
}

// SendOutcome is a notification's outcome (FinishSends): Status sent (with
// Telegram's MessageID), unreachable, failed or skipped, Cause the error.
type SendOutcome struct {
	DedupKey  string
	ChatID    int64
	Kind      string
	Status    string
	MessageID int64
	Cause     string
}

// BeginSends records that notifications are about to be sent, in one
// statement, and returns what was recorded of each before (in the order of
// begins): a first attempt is inserted as 'sending' with its chat's message
// floor, a 'sending' record counts one more attempt, a final one is left
// alone. The dedup keys must differ (crm.EConflict otherwise).
func (db *DB) BeginSends(ctx context.Context, begins []SendBegin) (starts []SendStart, err error) {
	defer wrap(&err, "begin sends")
	keys := make([]string, len(begins))
	chats := make([]int64, len(begins))
	kinds := make([]string, len(begins))
	for i, b := range begins {
		keys[i], chats[i], kinds[i] = b.DedupKey, b.ChatID, b.Kind
	}
	if distinct(keys) != len(keys) {
		return nil, crm.Errorf(crm.EConflict, "a notification begun twice in one batch")
	}
	rows, err := db.q(ctx).Query(ctx, beginSendsSQL, keys, chats, kinds, db.now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	starts = make([]SendStart, 0, len(begins))
	for rows.Next() {
		b := begins[len(starts)]
		st := SendStart{Prev: SendRecord{DedupKey: b.DedupKey, ChatID: b.ChatID, Kind: b.Kind}}
		p := &st.Prev
		if err := rows.Scan(&st.Found, &p.Status, &p.Attempts, &p.MessageID, &p.Error, &p.ProbeFloor, &st.Unreachable); err != nil {
			return nil, err
		}
		if !st.Found {
			st.Prev = SendRecord{}
		}
		starts = append(starts, st)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(starts) != len(begins) {
		return nil, fmt.Errorf("%d rows for %d notifications", len(starts), len(begins))
	}
	return starts, nil
}

// FinishSends records notifications' outcomes in one statement. The dedup
// keys must differ (crm.EConflict otherwise).
func (db *DB) FinishSends(ctx context.Context, outcomes []SendOutcome) (err error) {
	defer wrap(&err, "finish sends")
	n := len(outcomes)
	keys, chats, kinds, statuses := make([]string, n), make([]int64, n), make([]string, n), make([]string, n)
	msgs, causes := make([]int64, n), make([]string, n)
	for i, o := range outcomes {
		keys[i], chats[i], kinds[i], statuses[i], msgs[i], causes[i] = o.DedupKey, o.ChatID, o.Kind, o.Status, o.MessageID, o.Cause
	}
	if distinct(keys) != n {
		return crm.Errorf(crm.EConflict, "a notification finished twice in one batch")
	}
	// In key order, so that two batches lock their rows in one order.
	_, err = db.q(ctx).Exec(ctx, `
		INSERT INTO sends (dedup_key, chat_id, kind, status, telegram_message_id, error, sent_at)
		SELECT k, c, kd, st, nullif(m, 0), nullif(e, ''), $7
		  FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS i(k, c, kd, st, m, e)
		 ORDER BY k
		ON CONFLICT (dedup_key) DO UPDATE
		   SET status = excluded.status, telegram_message_id = excluded.telegram_message_id,
		       error = excluded.error, sent_at = excluded.sent_at`,
		keys, chats, kinds, statuses, msgs, causes, db.now())
	return err
}

// beginSendsSQL is BeginSends' statement.
const beginSendsSQL = `
		WITH input AS (
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) WITH ORDINALITY AS i(dedup_key, chat_id, kind, n)),
		prev AS (
			SELECT i.n, s.status, s.attempts, s.telegram_message_id, s.error, s.probe_floor
			  FROM input i JOIN sends s ON s.dedup_key = i.dedup_key),
		ins AS (
			INSERT INTO sends (dedup_key, chat_id, kind, status, attempts, sent_at, probe_floor)
			SELECT i.dedup_key, i.chat_id, i.kind, 'sending', 1, $4, chat_message_floor(i.chat_id)
			  FROM input i WHERE NOT EXISTS (SELECT 1 FROM prev p WHERE p.n = i.n)
			 ORDER BY i.dedup_key),
		bump AS (
			UPDATE sends s SET attempts = s.attempts + 1
			  FROM input i JOIN prev p ON p.n = i.n
			 WHERE s.dedup_key = i.dedup_key AND p.status = 'sending')
		SELECT p.n IS NOT NULL, coalesce(p.status, ''), coalesce(p.attempts, 0), coalesce(p.telegram_message_id, 0),
		       coalesce(p.error, ''), coalesce(p.probe_floor, 0),
		       EXISTS (SELECT 1 FROM unreachable_chats u WHERE u.chat_id = i.chat_id)
		  FROM input i LEFT JOIN prev p ON p.n = i.n
		 ORDER BY i.n`

// distinct counts the different strings in ss.
func distinct(ss []string) int {
	s := slices.Clone(ss)
	slices.Sort(s)
	return len(slices.Compact(s))
}
