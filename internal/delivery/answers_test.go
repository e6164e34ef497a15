package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// A button's answer is sent once its update's transaction commits, and
// never for an attempt that was rolled back: an update that fails after
// queuing its answer and succeeds on the retry answers the button once,
// with the retry's text, before the retry's message. Two such presses
// taken in one transaction fail one in the optimistic run (the whole
// transaction rolls back) and the other in the careful run (its savepoint
// rolls back): each is answered once. Answers are not written to the
// outbox.
func TestButtonAnsweredOnceAfterCommit(t *testing.T) {
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{})
	out := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{SweepInterval: 50 * time.Millisecond, Logger: quiet()})
	var attempts [2]atomic.Int32
	h := inbox.HandlerFunc(func(ctx context.Context, u *models.Update) error {
		switch {
		case u.Message != nil:
			return out.Reply(ctx, delivery.Message{Method: "sendMessage", ChatID: u.Message.Chat.ID, Text: "menu",
				ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{
					{Text: "flaky", CallbackData: "flaky"}, {Text: "plain", CallbackData: "plain"}}}}})
		case u.CallbackQuery != nil:
			chat := u.CallbackQuery.From.ID
			n := attempts[chat%2].Add(1)
			text := fmt.Sprintf("%s attempt %d", u.CallbackQuery.Data, n)
			if err := out.Reply(ctx, delivery.Message{Method: "answerCallbackQuery", ChatID: chat, CallbackQueryID: u.CallbackQuery.ID, Text: text}); err != nil {
				return err
			}
			if n == 1 {
				return errors.New("the first attempt fails after queuing its answer")
			}
			return out.Reply(ctx, delivery.Message{Method: "sendMessage", ChatID: chat, Text: "done " + u.CallbackQuery.Data})
		}
		return nil
	})
	d := inbox.NewDispatcher(e.db, h, e.pool, inbox.DispatcherOptions{Workers: 1, Backoff: 50 * time.Millisecond,
		Linger: 100 * time.Millisecond, AfterCommit: out.AfterCommit, Logger: quiet()})
	p := inbox.NewPoller(e.client, e.db, e.pool, inbox.PollerOptions{Timeout: time.Second, Logger: quiet()})
	run(t, out.Run)
	run(t, d.Run)
	run(t, p.Run)

	const flaky, plain = 51, 52
	e.start(t, flaky, plain)
	waitFor(t, "the menus", 10*time.Second, func() bool { return len(botTexts(e.sb, flaky)) == 1 && len(botTexts(e.sb, plain)) == 1 })
	menu := func(user int64) int64 { return e.sb.Transcript(user).Messages[1].MessageID }
	// Both presses arrive together, so that one transaction may take both.
	if _, err := e.sb.Tap(flaky, menu(flaky), "flaky", false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sb.Tap(plain, menu(plain), "plain", false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both presses handled", 10*time.Second, func() bool {
		return len(botTexts(e.sb, flaky)) == 2 && len(botTexts(e.sb, plain)) == 2
	})
	time.Sleep(200 * time.Millisecond) // a doubled answer would show up now
	answers := map[string]int{}
	var order []string
	for _, c := range e.sb.Calls(sandbox.CallFilter{}) {
		switch {
		case c.Method == "answerCallbackQuery":
			answers[c.Params["text"]]++
			order = append(order, "answer:"+c.Params["text"])
			if !c.OK {
				t.Errorf("answer %q refused: %s", c.Params["text"], c.Description)
			}
		case c.Method == "sendMessage" && strings.HasPrefix(c.Params["text"], "done "):
			order = append(order, c.Params["text"])
		}
	}
	want := map[string]int{"flaky attempt 2": 1, "plain attempt 2": 1}
	if fmt.Sprint(answers) != fmt.Sprint(want) {
		t.Errorf("button answers %v, want %v (none for the rolled-back attempts)", answers, want)
	}
	for _, b := range []string{"flaky", "plain"} {
		if slices.Index(order, "answer:"+b+" attempt 2") > slices.Index(order, "done "+b) {
			t.Errorf("calls in order %v, want %s's answer before its message", order, b)
		}
	}
	var rows int
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM outbox WHERE method = 'answerCallbackQuery'`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Errorf("%d button answers written to the outbox, want none", rows)
	}
}

// An outbox that stops with replies it claimed as they were queued but
// never got to puts them back in line, so that the next sender sends them
// at once, without waiting for their leases and probing the chat.
func TestStoppedOutboxReleasesUnsentClaims(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{})
	e.start(t, 61)
	first := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{SweepInterval: time.Hour, Logger: quiet()})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); first.Run(rctx) }()
	time.Sleep(50 * time.Millisecond) // the first sweep has run
	if err := e.db.InTx(ctx, func(ctx context.Context) error {
		return first.Reply(ctx, delivery.Message{Method: "sendMessage", ChatID: 61, Text: "queued before the stop"})
	}); err != nil {
		t.Fatal(err)
	}
	var status string
	var attempts int
	if err := e.pool.QueryRow(ctx, `SELECT status, attempts FROM outbox WHERE chat_id = 61`).Scan(&status, &attempts); err != nil || status != "sending" {
		t.Fatalf("reply stored %s (err %v), want claimed as it was queued", status, err)
	}
	stop() // no AfterCommit, no sweep: the reply is still this outbox's to send
	<-done
	if err := e.pool.QueryRow(ctx, `SELECT status, attempts FROM outbox WHERE chat_id = 61`).Scan(&status, &attempts); err != nil || status != "pending" || attempts != 0 {
		t.Fatalf("after the stop: %s after %d attempts (err %v), want pending, never attempted", status, attempts, err)
	}
	next := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{Logger: quiet()})
	if err := next.Flush(ctx, 61); err != nil {
		t.Fatal(err)
	}
	if got := botTexts(e.sb, 61); len(got) != 1 || got[0] != "queued before the stop" {
		t.Errorf("bot said %q, want the reply once", got)
	}
	if probes := e.sb.Calls(sandbox.CallFilter{Method: "editMessageReplyMarkup"}); len(probes) != 0 {
		t.Errorf("%d probes, want none: the reply was never attempted", len(probes))
	}
}
