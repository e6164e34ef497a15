package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// Claiming a reply computes the chat's message floor (what a probe after a
// crash looks above) only for a reply that posts a message: an edit or a
// button's answer is never probed for, and the floor costs a look at
// three tables on every claim.
func TestClaimTakesTheFloorOnlyForPosts(t *testing.T) {
	t.Parallel()
	db := postgres.New(pgtest.DB(t))
	ctx := context.Background()
	const chat = 42
	for _, method := range []string{"answerCallbackQuery", "editMessageText", "sendMessage"} {
		if _, err := db.InsertOutbox(ctx, chat, 0, method, []byte(`{"method":"`+method+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []struct {
		method string
		floor  bool
	}{{"answerCallbackQuery", false}, {"editMessageText", false}, {"sendMessage", true}} {
		row, res, _, err := db.ClaimOutbox(ctx, chat, time.Minute)
		if err != nil || res != postgres.OutboxClaimed || row.Method != want.method {
			t.Fatalf("claim: %+v %v %v, want %s", row, res, err, want.method)
		}
		var hasFloor bool
		if err := db.Pool.QueryRow(ctx, `SELECT probe_floor IS NOT NULL FROM outbox WHERE id = $1`, row.ID).Scan(&hasFloor); err != nil {
			t.Fatal(err)
		}
		if hasFloor != want.floor {
			t.Errorf("%s claimed with a floor: %v, want %v", want.method, hasFloor, want.floor)
		}
		if err := db.MarkOutboxSent(ctx, row.ID, 0); err != nil {
			t.Fatal(err)
		}
	}
}

// The one-statement claim tells a head held by another sender (busy until
// its lease ends) and one waiting for its retry time (later) from one it
// takes, and takes over a 'sending' row whose lease ran out as ambiguous,
// with the floor of its first attempt.
func TestClaimBusyLaterAndAmbiguous(t *testing.T) {
	t.Parallel()
	db := postgres.New(pgtest.DB(t))
	ctx := context.Background()
	const chat = 43
	if _, err := db.InsertOutbox(ctx, chat, 0, "sendMessage", []byte(`{"method":"sendMessage"}`)); err != nil {
		t.Fatal(err)
	}
	first, res, _, err := db.ClaimOutbox(ctx, chat, time.Hour)
	if err != nil || res != postgres.OutboxClaimed || first.Ambiguous || first.Attempts != 1 {
		t.Fatalf("first claim: %+v %v %v", first, res, err)
	}
	if _, res, next, err := db.ClaimOutbox(ctx, chat, time.Hour); err != nil || res != postgres.OutboxBusy || next.IsZero() {
		t.Fatalf("claim of a held head: %v next %v err %v, want busy until its lease ends", res, next, err)
	}
	// The sender died: its lease ran out.
	if _, err := db.Pool.Exec(ctx, `UPDATE outbox SET lease_until = now() - interval '1 s', probe_floor = 7 WHERE id = $1`, first.ID); err != nil {
		t.Fatal(err)
	}
	again, res, _, err := db.ClaimOutbox(ctx, chat, time.Hour)
	if err != nil || res != postgres.OutboxClaimed || again.ID != first.ID || !again.Ambiguous || again.ProbeFloor != 7 || again.Attempts != 2 {
		t.Fatalf("takeover: %+v %v %v, want row %d ambiguous with floor 7, attempt 2", again, res, err, first.ID)
	}
	retryAt := time.Now().Add(time.Hour)
	if err := db.MarkOutboxRetry(ctx, again.ID, "429", retryAt); err != nil {
		t.Fatal(err)
	}
	if _, res, next, err := db.ClaimOutbox(ctx, chat, time.Hour); err != nil || res != postgres.OutboxLater || !next.Equal(retryAt.Truncate(time.Microsecond)) {
		t.Fatalf("claim of a head waiting for its retry: %v next %v err %v, want later at %v", res, next, err, retryAt)
	}
	if err := db.MarkOutboxSent(ctx, again.ID, 9); err != nil {
		t.Fatal(err)
	}
	if _, res, _, err := db.ClaimOutbox(ctx, chat, time.Hour); err != nil || res != postgres.OutboxEmpty {
		t.Fatalf("claim of an empty chat: %v %v, want empty", res, err)
	}
}

// A reply queued while its chat has nothing open is claimed as it is
// queued ('sending', attempt 1, a lease, the floor for a post); the next
// one waits as pending behind it, and marking the first sent says that the
// chat has more, marking the second that it has not.
func TestInsertClaimedTakesOnlyTheHead(t *testing.T) {
	t.Parallel()
	db := postgres.New(pgtest.DB(t))
	ctx := context.Background()
	const chat = 44
	var first, second postgres.OutboxRow
	err := db.InTx(ctx, func(ctx context.Context) error {
		var claimed bool
		var err error
		if first, claimed, err = db.InsertOutboxClaimed(ctx, chat, "sendMessage", []byte(`{"method":"sendMessage"}`), time.Hour); err != nil || !claimed {
			t.Errorf("first reply: claimed %v, err %v; want claimed", claimed, err)
		}
		if second, claimed, err = db.InsertOutboxClaimed(ctx, chat, "editMessageText", []byte(`{"method":"editMessageText"}`), time.Hour); err != nil || claimed {
			t.Errorf("second reply: claimed %v, err %v; want pending behind the first", claimed, err)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var status string
	var attempts int
	var leased, floored bool
	if err := db.Pool.QueryRow(ctx, `SELECT status, attempts, lease_until > now(), probe_floor IS NOT NULL FROM outbox WHERE id = $1`, first.ID).
		Scan(&status, &attempts, &leased, &floored); err != nil {
		t.Fatal(err)
	}
	if status != "sending" || attempts != 1 || !leased || !floored || first.Attempts != 1 {
		t.Errorf("first reply stored %s, attempt %d, leased %v, floor %v; want sending, 1, leased, with a floor", status, attempts, leased, floored)
	}
	if _, res, _, err := db.ClaimOutbox(ctx, chat, time.Hour); err != nil || res != postgres.OutboxBusy {
		t.Errorf("claim behind a reply claimed as queued: %v %v, want busy", res, err)
	}
	if more, err := db.MarkOutboxSentMore(ctx, first.ID, 5, 0); err != nil || !more {
		t.Errorf("first marked sent: more %v, err %v; want more", more, err)
	}
	row, res, _, err := db.ClaimOutbox(ctx, chat, time.Hour)
	if err != nil || res != postgres.OutboxClaimed || row.ID != second.ID {
		t.Fatalf("claim after the head was sent: %+v %v %v, want the second reply", row, res, err)
	}
	if more, err := db.MarkOutboxSentMore(ctx, second.ID, 0, 0); err != nil || more {
		t.Errorf("second marked sent: more %v, err %v; want none left", more, err)
	}
}

// A claim says whether the chat is marked unreachable, so that the sender
// ends the reply without a look of its own; both claims do.
func TestClaimsSayUnreachable(t *testing.T) {
	t.Parallel()
	db := postgres.New(pgtest.DB(t))
	ctx := context.Background()
	const chat = 45
	if err := db.MarkUnreachable(ctx, chat, "blocked"); err != nil {
		t.Fatal(err)
	}
	row, claimed, err := db.InsertOutboxClaimed(ctx, chat, "sendMessage", []byte(`{"method":"sendMessage"}`), time.Millisecond)
	if err != nil || !claimed || !row.Unreachable {
		t.Fatalf("claimed as queued: %+v claimed %v err %v, want claimed and unreachable", row, claimed, err)
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE outbox SET lease_until = now() - interval '1 s' WHERE id = $1`, row.ID); err != nil {
		t.Fatal(err)
	}
	again, res, _, err := db.ClaimOutbox(ctx, chat, time.Minute)
	if err != nil || res != postgres.OutboxClaimed || !again.Unreachable {
		t.Fatalf("claim: %+v %v %v, want claimed and unreachable", again, res, err)
	}
	if err := db.ClearUnreachable(ctx, chat); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkOutboxRetry(ctx, again.ID, "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if row, res, _, err := db.ClaimOutbox(ctx, chat, time.Minute); err != nil || res != postgres.OutboxClaimed || row.Unreachable {
		t.Fatalf("claim after the mark was cleared: %+v %v %v, want claimed and reachable", row, res, err)
	}
}

// Replies of several chats marked sent in one statement each say whether
// their own chat has more, record their message ids, and push only the
// spacing of the chats whose send waited.
func TestMarkOutboxSentManyTellsEachChat(t *testing.T) {
	t.Parallel()
	db := postgres.New(pgtest.DB(t))
	ctx := context.Background()
	const busy, lone = 46, 47
	var heads []postgres.OutboxRow
	err := db.InTx(ctx, func(ctx context.Context) error {
		for _, chat := range []int64{busy, busy, lone} {
			row, claimed, err := db.InsertOutboxClaimed(ctx, chat, "sendMessage", []byte(`{"method":"sendMessage"}`), time.Hour)
			if err != nil {
				return err
			}
			if claimed {
				heads = append(heads, row)
			}
		}
		return nil
	})
	if err != nil || len(heads) != 2 {
		t.Fatalf("queued: heads %d, err %v; want a head in each chat", len(heads), err)
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO chat_pacing (chat_id, next_at) VALUES ($1, '-infinity'), ($2, '-infinity')`, busy, lone); err != nil {
		t.Fatal(err)
	}
	more, err := db.MarkOutboxSentMany(ctx, []postgres.SentMark{
		{ID: heads[0].ID, ChatID: busy, MessageID: 700, Push: 30 * time.Second},
		{ID: heads[1].ID, ChatID: lone, MessageID: 701},
		{ID: 1 << 40, ChatID: 48, MessageID: 702}, // no such reply
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, false, false}; !slices.Equal(more, want) {
		t.Errorf("more = %v, want %v (the busy chat has its second reply open)", more, want)
	}
	for i, want := range []int64{700, 701} {
		var status string
		var msg int64
		if err := db.Pool.QueryRow(ctx, `SELECT status, message_id FROM outbox WHERE id = $1`, heads[i].ID).Scan(&status, &msg); err != nil {
			t.Fatal(err)
		}
		if status != "sent" || msg != want {
			t.Errorf("reply %d: %s with message %d, want sent with %d", i, status, msg, want)
		}
	}
	var pushed, untouched bool
	if err := db.Pool.QueryRow(ctx, `SELECT
		(SELECT next_at > clock_timestamp() + interval '20 seconds' FROM chat_pacing WHERE chat_id = $1),
		(SELECT next_at = '-infinity' FROM chat_pacing WHERE chat_id = $2)`, busy, lone).Scan(&pushed, &untouched); err != nil {
		t.Fatal(err)
	}
	if !pushed || !untouched {
		t.Errorf("spacing: busy chat pushed %v, lone chat untouched %v; want both", pushed, untouched)
	}
}
