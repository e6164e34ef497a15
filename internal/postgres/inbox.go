package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// InboxChannel is the LISTEN/NOTIFY channel InsertUpdates signals on, so
// dispatchers wake as soon as an update is committed.
const InboxChannel = "crm_inbox"

// InboxUpdate is one Telegram update as the inbox keeps it.
type InboxUpdate struct {
	UpdateID  int64
	ChatID    int64 // 0 for updates without a chat
	UserID    int64
	MessageID int64 // the message id the update carries, if any
	Kind      string
	Payload   []byte // the update's JSON as Telegram sent it
	Attempts  int    // failed attempts so far
}

// InsertUpdates stores updates, dropping those already stored (by
// update_id), and clears the unreachable mark of every chat that wrote to
// the bot. It joins the context's transaction, if any, and reports how many
// updates were new.
func (db *DB) InsertUpdates(ctx context.Context, ups []InboxUpdate) (n int, err error) {
	defer wrap(&err, "insert updates")
	if len(ups) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(ups))
	chats := make([]int64, len(ups))
	users := make([]int64, len(ups))
	msgs := make([]int64, len(ups))
	kinds := make([]string, len(ups))
	payloads := make([]string, len(ups))
	writers := []int64{}
	for i, u := range ups {
		ids[i], chats[i], users[i], msgs[i], kinds[i], payloads[i] = u.UpdateID, u.ChatID, u.UserID, u.MessageID, u.Kind, string(u.Payload)
		if u.Kind == "message" || u.Kind == "callback_query" || u.Kind == "edited_message" {
			writers = append(writers, u.ChatID)
		}
	}
	// One statement, so that outside a transaction it is one round trip
	// and one commit: store, clear the writers' unreachable marks, notify.
	err = db.q(ctx).QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO update_inbox (update_id, chat_id, user_id, message_id, kind, payload, received_at, next_attempt_at)
			SELECT u.id, u.chat, nullif(u.usr, 0), nullif(u.msg, 0), u.kind, u.payload::jsonb, $7, $7
			  FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])
			       AS u(id, chat, usr, msg, kind, payload)
			ON CONFLICT (update_id) DO NOTHING
			RETURNING 1),
		del AS (DELETE FROM unreachable_chats WHERE chat_id = ANY($8::bigint[])),
		cnt AS (SELECT count(*) AS n FROM ins)
		SELECT cnt.n FROM cnt LEFT JOIN LATERAL (SELECT pg_notify($9, '') WHERE cnt.n > 0) x ON true`,
		ids, chats, users, msgs, kinds, payloads, db.now(), writers, InboxChannel).Scan(&n)
	return n, err
}

// ClaimUpdate locks the oldest due pending update of a chat whose earlier
// updates are all processed and which no other transaction holds, and
// returns it; found is false when there is none. It must run inside InTx:
// the row stays locked (so no replica takes that chat) until the
// transaction ends, and the mark of MarkUpdateDone commits with it.
func (db *DB) ClaimUpdate(ctx context.Context, now time.Time) (u InboxUpdate, found bool, err error) {
	defer wrap(&err, "claim update")
	tx, ok := TxFrom(ctx)
	if !ok {
		return u, false, errors.New("no transaction in context")
	}
	var user, msg *int64
	err = tx.QueryRow(ctx, `
		SELECT update_id, chat_id, user_id, message_id, kind, payload, attempts
		  FROM update_inbox u
		 WHERE status = 'pending' AND next_attempt_at <= $1
		   AND NOT EXISTS (SELECT 1 FROM update_inbox p
		                    WHERE p.chat_id = u.chat_id AND p.status = 'pending' AND p.update_id < u.update_id)
		 ORDER BY update_id
		 LIMIT 1
		   FOR UPDATE SKIP LOCKED`, now).
		Scan(&u.UpdateID, &u.ChatID, &user, &msg, &u.Kind, &u.Payload, &u.Attempts)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, false, nil
	}
	if err != nil {
		return u, false, err
	}
	if user != nil {
		u.UserID = *user
	}
	if msg != nil {
		u.MessageID = *msg
	}
	return u, true, nil
}

// MarkUpdateDone marks an update processed, in the context's transaction.
func (db *DB) MarkUpdateDone(ctx context.Context, updateID int64) (err error) {
	defer wrap(&err, "mark update done")
	_, err = db.q(ctx).Exec(ctx, `UPDATE update_inbox SET status = 'done', processed_at = $2, last_error = NULL WHERE update_id = $1`,
		updateID, db.now())
	return err
}

// MarkUpdateFailed records a failed attempt: the update is retried at next,
// or parked (never retried, no longer blocking its chat) when park is true.
func (db *DB) MarkUpdateFailed(ctx context.Context, updateID int64, cause string, next time.Time, park bool) (err error) {
	defer wrap(&err, "mark update failed")
	status := "pending"
	if park {
		status = "parked"
	}
	_, err = db.q(ctx).Exec(ctx, `
		UPDATE update_inbox
		   SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, status = $4::text,
		       processed_at = CASE WHEN $4::text = 'parked' THEN $5::timestamptz END
		 WHERE update_id = $1`, updateID, cause, next, status, db.now())
	return err
}

// InSavepoint runs fn in a savepoint of the context's transaction: when fn
// fails, its writes are undone and the transaction goes on. Without a
// transaction in ctx it behaves as InTx.
func (db *DB) InSavepoint(ctx context.Context, fn func(ctx context.Context) error) error {
	tx, ok := TxFrom(ctx)
	if !ok {
		return db.InTx(ctx, fn)
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	if err := fn(context.WithValue(ctx, txKey{}, sp)); err != nil {
		if rerr := sp.Rollback(context.WithoutCancel(ctx)); rerr != nil {
			return errors.Join(err, fmt.Errorf("roll back savepoint: %w", rerr))
		}
		return err
	}
	return sp.Commit(ctx)
}

// InboxCounts reports how many updates are pending, done and parked.
func (db *DB) InboxCounts(ctx context.Context) (pending, done, parked int, err error) {
	defer wrap(&err, "count updates")
	err = db.q(ctx).QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'done'),
		       count(*) FILTER (WHERE status = 'parked')
		  FROM update_inbox`).Scan(&pending, &done, &parked)
	return pending, done, parked, err
}
