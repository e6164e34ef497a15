package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// OutboxRow is one queued reply.
type OutboxRow struct {
	ID        int64
	ChatID    int64
	UpdateID  int64
	Method    string
	Payload   []byte
	Attempts  int       // attempts including the current one
	CreatedAt time.Time // when the reply was queued
	More      bool      // other replies of the chat were open when it was claimed
	Ambiguous bool      // a previous attempt may have reached Telegram
	// ProbeFloor is the highest message id known in the chat before the
	// first attempt began: an unrecorded message of ours is above it.
	ProbeFloor int64
	// Unreachable is true when the chat was marked unreachable as the
	// reply was claimed (the claim looks, so the sender need not).
	Unreachable bool
}

// InsertOutbox queues a reply in the context's transaction (or on its own)
// and returns its id.
func (db *DB) InsertOutbox(ctx context.Context, chatID, updateID int64, method string, payload []byte) (id int64, err error) {
	defer wrap(&err, "queue reply")
	err = db.q(ctx).QueryRow(ctx, `
		INSERT INTO outbox (chat_id, update_id, method, payload, created_at, next_attempt_at)
		VALUES ($1, nullif($2::bigint, 0), $3, $4, $5, $5) RETURNING id`,
		chatID, updateID, method, payload, db.now()).Scan(&id)
	return id, err
}

// InsertOutboxClaimed queues a reply in the context's transaction like
// InsertOutbox and, when the chat has no other open reply (it is the
// chat's head), claims it at once for the caller (as ClaimOutbox would:
// 'sending', attempt 1, the lease running lease from now, the chat's
// message floor for a post), so that once the transaction commits the
// caller sends it without a claim of its own. The claim commits with the
// transaction: if the caller dies before sending, the row is taken over
// when the lease ends and probed for, like any interrupted send. claimed
// says which it was; row is the row as claimed.
func (db *DB) InsertOutboxClaimed(ctx context.Context, chatID int64, method string, payload []byte, lease time.Duration) (row OutboxRow, claimed bool, err error) {
	defer wrap(&err, "queue reply")
	now := db.now()
	var floor *int64
	err = db.q(ctx).QueryRow(ctx, `
		WITH head AS (SELECT NOT EXISTS (SELECT 1 FROM outbox WHERE chat_id = $1 AND status IN ('pending', 'sending')) AS free)
		INSERT INTO outbox (chat_id, method, payload, created_at, next_attempt_at, status, attempts, lease_until, probe_floor)
		SELECT $1, $2, $3, $4, $4, CASE WHEN free THEN 'sending' ELSE 'pending' END, CASE WHEN free THEN 1 ELSE 0 END,
		       CASE WHEN free THEN $5::timestamptz END,
		       CASE WHEN free AND $2 IN ('sendMessage', 'sendLocation', 'sendVoice') THEN chat_message_floor($1) END
		  FROM head
		RETURNING id, status = 'sending', probe_floor, EXISTS (SELECT 1 FROM unreachable_chats WHERE chat_id = $1)`,
		chatID, method, payload, now, now.Add(lease)).Scan(&row.ID, &claimed, &floor, &row.Unreachable)
	if err != nil {
		return OutboxRow{}, false, err
	}
	row.ChatID, row.Method, row.Payload, row.CreatedAt = chatID, method, payload, now
	if claimed {
		row.Attempts = 1
	}
	if floor != nil {
		row.ProbeFloor = *floor
	}
	return row, claimed, nil
}

// ReleaseOutboxClaims puts replies claimed as they were queued, and never
// attempted, back in line as pending (a sender stopping before it got to
// them), so that the next sender sends them at once instead of waiting for
// their leases to end and probing. Rows no longer in their first claim
// are left alone.
func (db *DB) ReleaseOutboxClaims(ctx context.Context, ids []int64) (err error) {
	defer wrap(&err, "release reply claims")
	_, err = db.q(ctx).Exec(ctx, `
		UPDATE outbox SET status = 'pending', attempts = 0, lease_until = NULL, probe_floor = NULL
		 WHERE id = ANY($1::bigint[]) AND status = 'sending' AND attempts = 1`, ids)
	return err
}

// OutboxClaim says what ClaimOutbox found.
type OutboxClaim int

// The outcomes of ClaimOutbox.
const (
	OutboxEmpty   OutboxClaim = iota // nothing open in the chat
	OutboxBusy                       // another sender holds the chat's head row
	OutboxLater                      // the head row waits for a retry time
	OutboxClaimed                    // the head row is ours until the lease ends
)

// ClaimOutbox takes the oldest open reply of a chat for sending (answers
// to button presses first, so a button never spins behind paced sends,
// though the handler queues its answer last): it marks it 'sending' with a
// lease, in one statement that commits on its own, so that a crash during
// the Bot API call leaves it visibly ambiguous. A row found 'sending' with
// its lease run out is returned with Ambiguous set. When the head row is
// not claimable, next tells when to look again (zero if unknown).
//
// The head is locked without SKIP LOCKED on purpose: skipping it would let
// another replica send the chat's next reply before this one. When a
// concurrent claim changed the head under the lock, LIMIT with FOR UPDATE
// may return no row: that is reported as OutboxBusy (the other sender goes
// on with the chat), as is nothing open at all as OutboxEmpty.
func (db *DB) ClaimOutbox(ctx context.Context, chatID int64, lease time.Duration) (row OutboxRow, res OutboxClaim, next time.Time, err error) {
	defer wrap(&err, "claim reply")
	now := db.now()
	var (
		status     string
		nextAt     time.Time
		leaseUntil *time.Time
		upd, floor *int64
		claimed    bool
		open       bool
	)
	// Only a reply that posts a message can be probed for after a crash
	// (an edit or a callback answer is repeated harmlessly), so only it
	// needs the chat's message floor, which costs a look at three tables;
	// an ambiguous row keeps the floor of its first attempt.
	err = db.q(ctx).QueryRow(ctx, `
		WITH head AS (
			SELECT id, chat_id, update_id, method, payload, attempts, status, next_attempt_at, lease_until, probe_floor, created_at
			  FROM outbox WHERE chat_id = $1 AND status IN ('pending', 'sending')
			 ORDER BY method = 'answerCallbackQuery' DESC, id LIMIT 1 FOR UPDATE),
		claim AS (
			UPDATE outbox o
			   SET status = 'sending', attempts = h.attempts + 1, lease_until = $3,
			       probe_floor = CASE WHEN h.status = 'sending' AND h.probe_floor IS NOT NULL THEN h.probe_floor
			                          WHEN h.method IN ('sendMessage', 'sendLocation', 'sendVoice') THEN chat_message_floor(h.chat_id) END
			  FROM head h
			 WHERE o.id = h.id
			   AND NOT (h.status = 'sending' AND coalesce(h.lease_until > $2, false))
			   AND NOT (h.status = 'pending' AND h.next_attempt_at > $2)
			RETURNING o.probe_floor)
		SELECT h.id, h.chat_id, h.update_id, h.method, h.payload, h.attempts, h.status, h.next_attempt_at, h.lease_until,
		       c.probe_floor, h.created_at, EXISTS (SELECT 1 FROM claim),
		       (SELECT count(*) > 1 FROM outbox o WHERE o.chat_id = $1 AND o.status IN ('pending', 'sending')), true,
		       EXISTS (SELECT 1 FROM unreachable_chats WHERE chat_id = $1)
		  FROM head h LEFT JOIN claim c ON true
		UNION ALL
		SELECT 0, $1, NULL, '', NULL, 0, '', $2, NULL, NULL, $2, false, false,
		       EXISTS (SELECT 1 FROM outbox WHERE chat_id = $1 AND status IN ('pending', 'sending')), false
		 WHERE NOT EXISTS (SELECT 1 FROM head)`, chatID, now, now.Add(lease)).
		Scan(&row.ID, &row.ChatID, &upd, &row.Method, &row.Payload, &row.Attempts, &status, &nextAt, &leaseUntil,
			&floor, &row.CreatedAt, &claimed, &row.More, &open, &row.Unreachable)
	if err != nil {
		return OutboxRow{}, OutboxEmpty, time.Time{}, err
	}
	switch {
	case row.ID == 0 && open:
		return OutboxRow{}, OutboxBusy, time.Time{}, nil
	case row.ID == 0:
		return OutboxRow{}, OutboxEmpty, time.Time{}, nil
	case !claimed && status == "sending" && leaseUntil != nil:
		return OutboxRow{}, OutboxBusy, *leaseUntil, nil
	case !claimed:
		return OutboxRow{}, OutboxLater, nextAt, nil
	}
	if upd != nil {
		row.UpdateID = *upd
	}
	if floor != nil {
		row.ProbeFloor = *floor
	}
	row.Ambiguous = status == "sending"
	row.Attempts++
	return row, OutboxClaimed, time.Time{}, nil
}

// MarkOutboxSent records that Telegram accepted a reply (messageID 0 for
// methods that return no message). An uploaded file's bytes (an export:
// customer data, up to megabytes) leave the payload at once; the text
// stays until the retention scrub.
func (db *DB) MarkOutboxSent(ctx context.Context, id, messageID int64) (err error) {
	_, err = db.MarkOutboxSentMore(ctx, id, messageID, 0)
	return err
}

// MarkOutboxSentMore is MarkOutboxSent, and reports in the same statement
// whether the reply's chat has another open reply (committed before the
// statement began), so that a flush knows whether to claim again. When
// push is positive (a send that waited: delivery.Sent.ChatPush) the same
// statement pushes the chat's shared spacing to push after now, as
// delivery_chat_sent does, by the database's clock as every booking.
func (db *DB) MarkOutboxSentMore(ctx context.Context, id, messageID int64, push time.Duration) (more bool, err error) {
	mores, err := db.MarkOutboxSentMany(ctx, []SentMark{{ID: id, MessageID: messageID, Push: push}})
	if err != nil {
		return false, err
	}
	return mores[0], nil
}

// SentMark is a reply Telegram accepted (MarkOutboxSentMany): its outbox
// id, its chat (which batches go by; the statement reads the chat from
// the row), the message's id (0 for a call that makes none) and the
// chat's spacing push (MarkOutboxSentMore).
type SentMark struct {
	ID, ChatID, MessageID int64
	Push                  time.Duration
}

// MarkOutboxSentMany is MarkOutboxSentMore for several replies in one
// statement (and one commit): more[i] says whether marks[i]'s chat has
// another open reply. The replies must be of different chats (the
// senders' group commit never batches two of one chat; a chat's replies
// go one after another anyway), or one's "more" would count the other. A
// reply no longer in the outbox reports false.
func (db *DB) MarkOutboxSentMany(ctx context.Context, marks []SentMark) (more []bool, err error) {
	defer wrap(&err, "mark replies sent")
	ids, msgs, pushes := make([]int64, len(marks)), make([]int64, len(marks)), make([]float64, len(marks))
	for i, m := range marks {
		ids[i], msgs[i], pushes[i] = m.ID, m.MessageID, m.Push.Seconds()
	}
	rows, err := db.q(ctx).Query(ctx, markSentSQL, ids, msgs, pushes, db.now())
	if err != nil {
		return nil, err
	}
	found := make(map[int64]bool, len(marks))
	var id int64
	var m bool
	if _, err := pgx.ForEachRow(rows, []any{&id, &m}, func() error { found[id] = m; return nil }); err != nil {
		return nil, err
	}
	more = make([]bool, len(marks))
	for i, mk := range marks {
		more[i] = found[mk.ID]
	}
	return more, nil
}

// markSentSQL is MarkOutboxSentMany's statement. Two batches never share
// a chat (a chat is flushed by one sender at a time), so they never wait
// for each other's spacing rows.
const markSentSQL = `
	WITH m AS (
		SELECT m.id, m.message_id, m.push, o.chat_id
		  FROM unnest($1::bigint[], $2::bigint[], $3::float8[]) AS m(id, message_id, push)
		  JOIN outbox o ON o.id = m.id
	), paced AS (
		UPDATE chat_pacing p SET next_at = greatest(p.next_at, clock_timestamp() + make_interval(secs => m.push))
		  FROM (SELECT chat_id, max(push) AS push FROM m WHERE push > 0 GROUP BY chat_id) m
		 WHERE p.chat_id = m.chat_id
	)
	UPDATE outbox o SET status = 'sent', message_id = nullif(m.message_id, 0), sent_at = $4, lease_until = NULL, last_error = NULL,
	       payload = payload - 'file'
	  FROM m WHERE o.id = m.id
	RETURNING o.id, EXISTS (SELECT 1 FROM outbox x WHERE x.chat_id = o.chat_id AND x.status IN ('pending', 'sending') AND x.id <> o.id)`

// MarkOutboxRetry puts a reply back in line after an attempt that surely
// did not reach Telegram; it is tried again at next.
func (db *DB) MarkOutboxRetry(ctx context.Context, id int64, cause string, next time.Time) (err error) {
	defer wrap(&err, "mark reply retry")
	_, err = db.q(ctx).Exec(ctx, `
		UPDATE outbox SET status = 'pending', next_attempt_at = $3, lease_until = NULL, last_error = $2 WHERE id = $1`,
		id, cause, next)
	return err
}

// MarkOutboxAmbiguous keeps a reply 'sending' after an attempt whose outcome
// is unknown (a network error): it is probed before it is tried again at
// next.
func (db *DB) MarkOutboxAmbiguous(ctx context.Context, id int64, cause string, next time.Time) (err error) {
	defer wrap(&err, "mark reply ambiguous")
	_, err = db.q(ctx).Exec(ctx, `UPDATE outbox SET lease_until = $3, last_error = $2 WHERE id = $1`, id, cause, next)
	return err
}

// MarkOutboxFinal ends a reply that will not be sent: status is 'failed' or
// 'unreachable'. Its file's bytes go at once, as a sent reply's do.
func (db *DB) MarkOutboxFinal(ctx context.Context, id int64, status, cause string) (err error) {
	defer wrap(&err, "mark reply final")
	_, err = db.q(ctx).Exec(ctx, `
		UPDATE outbox SET status = $2, last_error = $3, lease_until = NULL, sent_at = $4, payload = payload - 'file' WHERE id = $1`,
		id, status, cause, db.now())
	return err
}

// OutboxChatsDue lists chats with a reply to send now: pending and due, or
// 'sending' with the lease run out (a sender died).
func (db *DB) OutboxChatsDue(ctx context.Context, limit int) (chats []int64, err error) {
	defer wrap(&err, "chats with replies due")
	rows, err := db.q(ctx).Query(ctx, `
		SELECT DISTINCT chat_id FROM outbox
		 WHERE status IN ('pending', 'sending')
		   AND ((status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until <= $1))
		 LIMIT $2`, db.now(), limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// ChatMessageFloor is the highest message id known in a chat: our replies
// and notifications that Telegram confirmed, and the users' own messages.
// A message the bot sent but could not record has a higher id.
func (db *DB) ChatMessageFloor(ctx context.Context, chatID int64) (id int64, err error) {
	defer wrap(&err, "chat message floor")
	err = db.q(ctx).QueryRow(ctx, `SELECT chat_message_floor($1)`, chatID).Scan(&id)
	return id, err
}

// KnownBotMessage reports whether a message id in a chat is recorded as one
// of the bot's confirmed sends.
func (db *DB) KnownBotMessage(ctx context.Context, chatID, messageID int64) (known bool, err error) {
	defer wrap(&err, "known bot message")
	err = db.q(ctx).QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM outbox WHERE chat_id = $1 AND message_id = $2)
		    OR EXISTS (SELECT 1 FROM sends WHERE chat_id = $1 AND telegram_message_id = $2)`,
		chatID, messageID).Scan(&known)
	return known, err
}

// RenewOutboxLease moves the lease of a reply being sent to until, when
// the row is still 'sending' under the claim made at attempt attempts; it
// reports false when it is not (another sender took it over).
func (db *DB) RenewOutboxLease(ctx context.Context, id int64, attempts int, until time.Time) (ok bool, err error) {
	defer wrap(&err, "renew reply lease")
	tag, err := db.q(ctx).Exec(ctx, `UPDATE outbox SET lease_until = $3 WHERE id = $1 AND status = 'sending' AND attempts = $2`,
		id, attempts, until)
	return err == nil && tag.RowsAffected() == 1, err
}

// MessageIDByRef returns the id of the latest sent message of a chat whose
// reply carried ref (see delivery.Message.Ref), or 0 when there is none.
func (db *DB) MessageIDByRef(ctx context.Context, chatID int64, ref string) (id int64, err error) {
	defer wrap(&err, "message id by ref")
	err = db.q(ctx).QueryRow(ctx, `SELECT coalesce((SELECT message_id FROM outbox
		WHERE chat_id = $1 AND payload->>'ref' = $2 AND message_id IS NOT NULL AND method = 'sendMessage'
		ORDER BY id DESC LIMIT 1), 0)`, chatID, ref).Scan(&id)
	return id, err
}

// MarkUnreachable records that the bot may no longer write to a chat.
func (db *DB) MarkUnreachable(ctx context.Context, chatID int64, reason string) (err error) {
	defer wrap(&err, "mark chat unreachable")
	_, err = db.q(ctx).Exec(ctx, `
		INSERT INTO unreachable_chats (chat_id, reason, detected_at) VALUES ($1, $2, $3)
		ON CONFLICT (chat_id) DO UPDATE SET reason = excluded.reason, detected_at = excluded.detected_at`,
		chatID, reason, db.now())
	return err
}

// ClearUnreachable lifts a chat's unreachable mark (the user unblocked the
// bot or started it again).
func (db *DB) ClearUnreachable(ctx context.Context, chatID int64) (err error) {
	defer wrap(&err, "clear chat unreachable")
	_, err = db.q(ctx).Exec(ctx, `DELETE FROM unreachable_chats WHERE chat_id = $1`, chatID)
	return err
}

// Unreachable reports whether a chat is marked unreachable.
func (db *DB) Unreachable(ctx context.Context, chatID int64) (yes bool, err error) {
	defer wrap(&err, "chat unreachable")
	err = db.q(ctx).QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM unreachable_chats WHERE chat_id = $1)`, chatID).Scan(&yes)
	return yes, err
}

// SendRecord is the recorded outcome of a notification.
type SendRecord struct {
	DedupKey  string
	ChatID    int64
	Kind      string
	Status    string // sending, sent, unreachable, failed, skipped
	Attempts  int
	MessageID int64
	Error     string
	// ProbeFloor is the highest message id known in the chat when the
	// first attempt began.
	ProbeFloor int64
}

// FinishSend records a notification's outcome (status sent, unreachable,
// failed or skipped).
func (db *DB) FinishSend(ctx context.Context, dedupKey string, chatID int64, kind, status string, messageID int64, cause string) error {
	return db.FinishSends(ctx, []SendOutcome{{DedupKey: dedupKey, ChatID: chatID, Kind: kind, Status: status, MessageID: messageID, Cause: cause}})
}

// AbandonSend forgets a 'sending' record after an attempt that surely did
// not reach Telegram (a 429 or a 5xx answer), so the retry starts clean.
func (db *DB) AbandonSend(ctx context.Context, dedupKey string) (err error) {
	defer wrap(&err, "abandon send")
	_, err = db.q(ctx).Exec(ctx, `DELETE FROM sends WHERE dedup_key = $1 AND status = 'sending'`, dedupKey)
	return err
}
