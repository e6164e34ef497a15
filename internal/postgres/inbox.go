package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
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
	// NextAttemptAt is when a failed update may be tried again.
	NextAttemptAt time.Time
}

// InsertUpdates stores updates, dropping those already stored (by
// update_id), files their chats in inbox_chats for the dispatcher, and
// clears the unreachable mark of every chat that wrote to the bot. It joins
// the context's transaction, if any, and reports how many updates were new.
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
	slices.Sort(writers)
	writers = slices.Compact(writers)
	// One statement, so that outside a transaction it is one round trip
	// and one commit: store, file the chats (in chat order, so concurrent
	// inserts never deadlock), clear the writers' unreachable marks, notify.
	// An idle chat ('infinity') becomes due; a chat waiting for a retry
	// keeps its time (its head blocks it anyway). Bumping seq tells a
	// dispatcher about to mark the chat idle that something arrived.
	err = db.q(ctx).QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO update_inbox (update_id, chat_id, user_id, message_id, kind, payload, received_at, next_attempt_at)
			SELECT u.id, u.chat, nullif(u.usr, 0), nullif(u.msg, 0), u.kind, u.payload::jsonb, $7, $7
			  FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])
			       AS u(id, chat, usr, msg, kind, payload)
			ON CONFLICT (update_id) DO NOTHING
			RETURNING chat_id),
		filed AS (
			INSERT INTO inbox_chats AS c (chat_id, due_at, seq)
			SELECT chat_id, $7, count(*) FROM ins GROUP BY chat_id ORDER BY chat_id
			ON CONFLICT (chat_id) DO UPDATE
			   SET seq = c.seq + excluded.seq,
			       due_at = CASE WHEN c.due_at = 'infinity' THEN excluded.due_at ELSE c.due_at END),
		del AS (DELETE FROM unreachable_chats WHERE chat_id = ANY($8::bigint[])),
		cnt AS (SELECT count(*) AS n FROM ins)
		SELECT cnt.n FROM cnt LEFT JOIN LATERAL (SELECT pg_notify($9, '') WHERE cnt.n > 0) x ON true`,
		ids, chats, users, msgs, kinds, payloads, db.now(), writers, InboxChannel).Scan(&n)
	return n, err
}

// InboxChat is a chat claimed for dispatch with its pending updates, oldest
// first.
type InboxChat struct {
	ChatID  int64
	Seq     int64 // inbox_chats.seq when the updates were read
	Updates []InboxUpdate
	// Complete is true when Updates holds every pending update the chat
	// had (false when perChat cut the list short).
	Complete bool
}

// ClaimChats takes up to limit due chats that no other transaction holds
// and returns them with up to perChat pending updates each (inbox_claim in
// migrations/016_inbox_claim_due.sql, with generic plans since 019: one
// round trip). It must run inside InTx: each chat is held by an advisory
// lock until the transaction ends, so no worker of any replica takes it
// meanwhile, and its updates are read after the lock is held, so they
// include everything a previous holder committed.
//
// due is how many chats were due when the claim looked, those other
// workers hold included (at most the claim's window; 0 when it took none).
// The chats come in due order (ties by chat id): the longest waiting
// first, so that a transaction cut short by its time budget leaves the
// newest.
func (db *DB) ClaimChats(ctx context.Context, now time.Time, limit, perChat int) (chats []InboxChat, due int, err error) {
	defer wrap(&err, "claim chats")
	tx, ok := TxFrom(ctx)
	if !ok {
		return nil, 0, errors.New("no transaction in context")
	}
	rows, err := tx.Query(ctx, `SELECT * FROM inbox_claim($1, $2, $3)`, now, limit, perChat)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			chat, seq     int64
			id, user, msg *int64
			kind          *string
			payload       []byte
			attempts      *int
			next          *time.Time
		)
		if err := rows.Scan(&chat, &seq, &id, &user, &msg, &kind, &payload, &attempts, &next, &due); err != nil {
			return nil, 0, err
		}
		if len(chats) == 0 || chats[len(chats)-1].ChatID != chat {
			chats = append(chats, InboxChat{ChatID: chat, Seq: seq, Complete: true})
		}
		c := &chats[len(chats)-1]
		if id == nil {
			continue // no pending update: the chat is idle
		}
		if len(c.Updates) == perChat {
			c.Complete = false
			continue
		}
		u := InboxUpdate{UpdateID: *id, ChatID: chat, Kind: *kind, Payload: payload, Attempts: *attempts, NextAttemptAt: *next}
		if user != nil {
			u.UserID = *user
		}
		if msg != nil {
			u.MessageID = *msg
		}
		c.Updates = append(c.Updates, u)
	}
	return chats, due, rows.Err()
}

// UpdateFailure is a failed attempt at an update: it is retried at Next,
// or parked (never retried, no longer blocking its chat) when Park is set.
type UpdateFailure struct {
	UpdateID int64
	Cause    string
	Next     time.Time
	Park     bool
}

// ChatOutcome says what becomes of a claimed chat: Idle when every pending
// update it had was processed (it is marked idle unless an update arrived
// since Seq was read), else it is due again at Due.
type ChatOutcome struct {
	ChatID int64
	Seq    int64
	Idle   bool
	Due    time.Time
}

// FinishChats records, in the context's transaction, the updates processed
// (done), the failed attempts and the chats' next due times (inbox_finish
// in migrations/019_inbox_plans.sql: one round trip, generic plans). It
// returns the chats that were to become idle but got an update since their
// Seq was read: they are still due, and their holder may take them again
// at once.
func (db *DB) FinishChats(ctx context.Context, done []int64, failed []UpdateFailure, chats []ChatOutcome) (again []int64, err error) {
	defer wrap(&err, "finish chats")
	fIDs := make([]int64, len(failed))
	fCauses := make([]string, len(failed))
	fNext := make([]time.Time, len(failed))
	fPark := make([]bool, len(failed))
	for i, f := range failed {
		fIDs[i], fCauses[i], fNext[i], fPark[i] = f.UpdateID, f.Cause, f.Next, f.Park
	}
	// In chat order, as InsertUpdates files chats: the two never deadlock.
	slices.SortFunc(chats, func(a, b ChatOutcome) int { return cmp.Compare(a.ChatID, b.ChatID) })
	cIDs := make([]int64, len(chats))
	cSeqs := make([]int64, len(chats))
	cIdle := make([]bool, len(chats))
	cDue := make([]time.Time, len(chats))
	for i, c := range chats {
		cIDs[i], cSeqs[i], cIdle[i], cDue[i] = c.ChatID, c.Seq, c.Idle, c.Due
	}
	rows, err := db.q(ctx).Query(ctx, `SELECT * FROM inbox_finish($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		db.now(), done, fIDs, fCauses, fNext, fPark, cIDs, cSeqs, cIdle, cDue)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// MarkUpdateFailed records a failed attempt on its own (when the
// transaction that tried the update broke): the update is retried at next,
// or parked when park is true. Its chat is due again at once and looks at
// the update's retry time itself.
func (db *DB) MarkUpdateFailed(ctx context.Context, updateID int64, cause string, next time.Time, park bool) (err error) {
	defer wrap(&err, "mark update failed")
	_, err = db.FinishChats(ctx, nil, []UpdateFailure{{UpdateID: updateID, Cause: cause, Next: next, Park: park}}, nil)
	return err
}

// PurgeUpdates deletes processed updates older than doneBefore and parked
// ones older than parkedBefore, in batches, and forgets idle chats. Purging
// matters beyond disk space: Telegram may restart update_id numbering after
// a quiet week, and an old row would make a new update look like a
// duplicate. The chats' highest message ids are kept (message_floor). It
// returns how many updates were deleted.
func (db *DB) PurgeUpdates(ctx context.Context, doneBefore, parkedBefore time.Time) (n int64, err error) {
	defer wrap(&err, "purge updates")
	const batch = 5000
	for {
		var deleted int64
		err := db.Pool.QueryRow(ctx, `
			WITH gone AS (
				DELETE FROM update_inbox WHERE update_id IN (
					SELECT update_id FROM update_inbox
					 WHERE status <> 'pending'
					   AND processed_at < CASE WHEN status = 'done' THEN $1::timestamptz ELSE $2::timestamptz END
					 LIMIT $3 FOR UPDATE SKIP LOCKED)
				RETURNING chat_id, message_id),
			floor AS (
				INSERT INTO message_floor AS f (chat_id, message_id)
				SELECT chat_id, max(message_id) FROM gone WHERE message_id IS NOT NULL GROUP BY chat_id ORDER BY chat_id
				ON CONFLICT (chat_id) DO UPDATE SET message_id = greatest(f.message_id, excluded.message_id))
			SELECT count(*) FROM gone`, doneBefore, parkedBefore, batch).Scan(&deleted)
		if err != nil {
			return n, err
		}
		n += deleted
		if deleted < batch {
			break
		}
	}
	// An idle chat's row is deleted only while still idle: an insert that
	// files the chat meanwhile makes it due (or re-creates it after).
	_, err = db.Pool.Exec(ctx, `DELETE FROM inbox_chats WHERE due_at = 'infinity'`)
	return n, err
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
	// The savepoint's commit hooks join the transaction's only when it is
	// released.
	hooks := &commitHooks{}
	if err := fn(context.WithValue(context.WithValue(ctx, txKey{}, sp), hooksKey{}, hooks)); err != nil {
		if rerr := sp.Rollback(context.WithoutCancel(ctx)); rerr != nil {
			return errors.Join(err, fmt.Errorf("roll back savepoint: %w", rerr))
		}
		return err
	}
	if err := sp.Commit(ctx); err != nil {
		return err
	}
	if outer, ok := ctx.Value(hooksKey{}).(*commitHooks); ok {
		outer.fns = append(outer.fns, hooks.fns...)
		outer.pipelineWritten = outer.pipelineWritten || hooks.pipelineWritten
	}
	return nil
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
