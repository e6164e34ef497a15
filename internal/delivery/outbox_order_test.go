package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// A button press is answered before the other replies of its update, though
// the handler queues the answer last (the spinner must not wait behind paced
// sends); an edit by Ref finds the message sent under that name, and falls
// back to a new message when there is none.
func TestButtonAnsweredFirstAndEditsByRef(t *testing.T) {
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{ChatInterval: 300 * time.Millisecond})
	out := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{SweepInterval: 50 * time.Millisecond, Logger: quiet()})
	h := inbox.HandlerFunc(func(ctx context.Context, u *models.Update) error {
		switch {
		case u.Message != nil && u.Message.Text == "/start":
			return out.Reply(ctx, delivery.Message{Method: "sendMessage", ChatID: u.Message.Chat.ID, Text: "summary v1", Ref: "sum",
				ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "go", CallbackData: "go"}}}}})
		case u.Message != nil && u.Message.Text == "edit":
			return out.Reply(ctx, delivery.Message{Method: "editMessageText", ChatID: u.Message.Chat.ID, Text: "summary v2", Ref: "sum"})
		case u.Message != nil && u.Message.Text == "edit missing":
			if err := out.Reply(ctx, delivery.Message{Method: "editMessageReplyMarkup", ChatID: u.Message.Chat.ID, Ref: "nothing",
				ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}}); err != nil {
				return err
			}
			return out.Reply(ctx, delivery.Message{Method: "editMessageText", ChatID: u.Message.Chat.ID, Text: "fresh", Ref: "nothing"})
		case u.CallbackQuery != nil:
			chat := u.CallbackQuery.From.ID
			for _, text := range []string{"one", "two", "three"} {
				if err := out.Reply(ctx, delivery.Message{Method: "sendMessage", ChatID: chat, Text: text}); err != nil {
					return err
				}
			}
			return out.Reply(ctx, delivery.Message{Method: "answerCallbackQuery", ChatID: chat, CallbackQueryID: u.CallbackQuery.ID})
		}
		return nil
	})
	d := inbox.NewDispatcher(e.db, h, e.pool, inbox.DispatcherOptions{Workers: 2, AfterCommit: out.AfterCommit, Logger: quiet()})
	p := inbox.NewPoller(e.client, e.db, e.pool, inbox.PollerOptions{Timeout: time.Second, Logger: quiet()})
	run(t, out.Run)
	run(t, d.Run)
	run(t, p.Run)

	const user = 42
	e.start(t, user)
	waitFor(t, "the summary", 10*time.Second, func() bool { return len(botTexts(e.sb, user)) == 1 })
	msg := e.sb.Transcript(user).Messages
	var mid int64
	for _, m := range msg {
		if m.From == "bot" {
			mid = m.MessageID
		}
	}
	if _, err := e.sb.Tap(user, mid, "go", false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the three replies", 10*time.Second, func() bool { return len(botTexts(e.sb, user)) == 4 })
	var order []string
	for _, c := range e.sb.Calls(sandbox.CallFilter{}) {
		if c.Method == "answerCallbackQuery" || (c.Method == "sendMessage" && c.Params["text"] != "summary v1") {
			order = append(order, c.Method+":"+c.Params["text"])
		}
	}
	if strings.Join(order, ",") != "answerCallbackQuery:,sendMessage:one,sendMessage:two,sendMessage:three" {
		t.Errorf("calls in order %v, want the answer first", order)
	}

	if _, err := e.sb.SendText(user, "edit", sandbox.MsgOpts{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the summary edited in place", 10*time.Second, func() bool {
		texts := botTexts(e.sb, user)
		return len(texts) == 4 && texts[0] == "summary v2"
	})
	if _, err := e.sb.SendText(user, "edit missing", sandbox.MsgOpts{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a new message for an edit of a message that is not there", 10*time.Second, func() bool {
		texts := botTexts(e.sb, user)
		return len(texts) == 5 && texts[4] == "fresh"
	})
	for _, c := range e.sb.Calls(sandbox.CallFilter{}) {
		if !c.OK {
			t.Errorf("refused call %s: %s", c.Method, c.Description)
		}
	}
	if n := out.Refused(); n != 0 {
		t.Errorf("%d replies counted as refused", n)
	}
}
