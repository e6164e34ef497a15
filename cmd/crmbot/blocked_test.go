package main

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestBlockedRepReminder: a rep plans a follow-up through the bot, then
// blocks the bot. Telegram tells the bot at once (my_chat_member "kicked"),
// so the chat is marked unreachable before anything is tried: when the
// reminder comes due no sendMessage is attempted at all, its send is
// recorded 'unreachable' and its River job completes, with no retry loop.
// (A block the bot has not heard of yet is met by one 403 and the same
// end: internal/delivery's TestBlockedUserMarkedUnreachable.)
func TestBlockedRepReminder(t *testing.T) {
	t.Parallel()
	teh, _ := time.LoadLocation("Asia/Tehran")
	e := startE2E(t, time.Date(2026, 11, 22, 12, 30, 0, 0, teh)) // Sunday
	rep := newRep(t, e.db, 7401, "Sara", "fa")
	u := e.user(rep.TelegramUserID, "Sara", "fa")
	q := quiet{e: e, u: u, rep: rep}
	due := time.Date(2026, 11, 22, 15, 0, 0, 0, teh)
	q.plan("آرش کاظمی", "ساعت ۱۵", due)
	if _, err := e.sb.Block(u.id); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	waitUntil(t, "the block to mark the chat unreachable", 10*time.Second, func() (bool, string) {
		un, err := e.db.Unreachable(ctx, u.id)
		return un, fmt.Sprint("unreachable ", un, err)
	})
	calls := e.sb.Calls(sandbox.CallFilter{})
	since := calls[len(calls)-1].Seq
	e.clock.Set(due)
	waitUntil(t, "the reminder to end as unreachable", 20*time.Second, func() (bool, string) {
		var status string
		e.db.Pool.QueryRow(ctx, `SELECT status FROM sends WHERE dedup_key = $1`, q.key).Scan(&status)
		state, _ := q.job()
		return status == "unreachable" && state == "completed", fmt.Sprintf("send %q, job %s", status, state)
	})
	if un, err := e.db.Unreachable(ctx, u.id); err != nil || !un {
		t.Fatalf("chat %d not marked unreachable (%v)", u.id, err)
	}
	var attempts int
	if err := e.db.Pool.QueryRow(ctx, `SELECT attempt FROM river_job WHERE kind = 'notification' AND args->>'key' = $1`, q.key).Scan(&attempts); err != nil || attempts != 1 {
		t.Fatalf("the reminder's job ran %d times (%v), want 1", attempts, err)
	}
	var sends []sandbox.Call
	for _, c := range e.sb.Calls(sandbox.CallFilter{Method: "sendMessage", Since: since}) {
		if c.Params["chat_id"] == strconv.FormatInt(u.id, 10) {
			sends = append(sends, c)
		}
	}
	if len(sends) != 0 {
		t.Fatalf("sendMessage calls to the blocked rep: %+v; want none (the block was known)", sends)
	}
}
