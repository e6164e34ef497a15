package delivery_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// The retention purge deletes finished replies and notification records
// past their retention and erases older replies' text, and keeps what the
// exactly-once probe needs: after the purge, a reply whose sender died
// during the call is still found delivered (chat 1) or sent once (chat 2),
// though every older bot message in the chat has the same keyboard and no
// row left; a chat with an ambiguous reply keeps its rows until the probe
// has run (chat 3: an old notification there is not taken for the reply).
func TestRetentionKeepsWhatTheProbeNeeds(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{ChatInterval: 10 * time.Millisecond})
	e.start(t, 1, 2, 3, 4)
	out := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{Logger: quiet()})
	markup := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "OK", CallbackData: "ok"}}}}
	msg := func(chat int64, text, ref string) delivery.Message {
		return delivery.Message{Method: "sendMessage", ChatID: chat, Text: text, ReplyMarkup: markup, Ref: ref}
	}
	reply := func(m delivery.Message) {
		t.Helper()
		if err := e.db.InTx(ctx, func(ctx context.Context) error { return out.Reply(ctx, m) }); err != nil {
			t.Fatal(err)
		}
	}
	// replyAndDie queues a reply through an outbox that dies before sending
	// it: the reply was claimed as it was queued, and its lease runs out.
	replyAndDie := func(m delivery.Message) {
		t.Helper()
		dead := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{Logger: quiet()})
		if err := e.db.InTx(ctx, func(ctx context.Context) error { return dead.Reply(ctx, m) }); err != nil {
			t.Fatal(err)
		}
		expireLease(t, e.pool, m.ChatID)
	}
	sendReply := func(m delivery.Message) {
		t.Helper()
		reply(m)
		if err := out.Flush(ctx, m.ChatID); err != nil {
			t.Fatal(err)
		}
	}
	notify := func(chat int64, key string) {
		t.Helper()
		sent, err := e.sender.Send(ctx, msg(chat, "notification "+key, ""))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.db.FinishSend(ctx, key, chat, "test", "sent", sent.MessageID, ""); err != nil {
			t.Fatal(err)
		}
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := e.pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		if err := e.pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	floor := func(chat int64) int64 {
		t.Helper()
		f, err := e.db.ChatMessageFloor(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}

	// Chats 1 and 2: two old replies (the same keyboard as the next) and an
	// old notification.
	for _, chat := range []int64{1, 2} {
		sendReply(msg(chat, "old reply 1", ""))
		sendReply(msg(chat, "old reply 2", "old"))
		notify(chat, "old:"+string(rune('0'+chat)))
	}
	// Chat 3: an old reply, then a reply claimed by a sender that died
	// before the call, then a notification sent after that claim.
	sendReply(msg(3, "old reply", ""))
	replyAndDie(msg(3, "the reply", ""))
	notify(3, "old:3")
	// Chat 4: replies within the retention, one of them past ScrubAfter.
	sendReply(msg(4, "two hours old", "recent"))
	sendReply(msg(4, "new", ""))
	notify(4, "recent:4")

	now := time.Now()
	exec(`UPDATE outbox SET sent_at = $1 WHERE status = 'sent' AND chat_id IN (1, 2, 3)`, now.Add(-49*time.Hour))
	exec(`UPDATE outbox SET sent_at = $1 WHERE chat_id = 4 AND payload->>'text' = 'two hours old'`, now.Add(-2*time.Hour))
	exec(`UPDATE sends SET sent_at = $1 WHERE chat_id IN (1, 2, 3)`, now.Add(-31*24*time.Hour))
	exec(`UPDATE sends SET sent_at = $1 WHERE chat_id = 4`, now.Add(-29*24*time.Hour))
	exec(`UPDATE chat_pacing SET next_at = now() - interval '2 hours' WHERE chat_id = 1`)
	before := map[int64]int64{}
	for chat := int64(1); chat <= 4; chat++ {
		before[chat] = floor(chat)
	}

	p, err := delivery.NewRetention(e.db, delivery.RetentionOptions{Logger: quiet()}).RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := postgres.DeliveryPurged{Scrubbed: 6, Replies: 4, Sends: 2, Pacing: 1} // every old reply is scrubbed first
	if p != want {
		t.Errorf("purged %+v, want %+v", p, want)
	}
	for _, c := range []struct {
		what string
		sql  string
		want int
	}{
		{"replies of chats 1 and 2", `SELECT count(*) FROM outbox WHERE chat_id IN (1, 2)`, 0},
		{"notifications of chats 1 and 2", `SELECT count(*) FROM sends WHERE chat_id IN (1, 2)`, 0},
		{"replies of chat 3 (in flight)", `SELECT count(*) FROM outbox WHERE chat_id = 3`, 2},
		{"notifications of chat 3 (in flight)", `SELECT count(*) FROM sends WHERE chat_id = 3`, 1},
		{"replies of chat 4", `SELECT count(*) FROM outbox WHERE chat_id = 4`, 2},
		{"notifications of chat 4", `SELECT count(*) FROM sends WHERE chat_id = 4`, 1},
		{"chat 4's replies with their text", `SELECT count(*) FROM outbox WHERE chat_id = 4 AND payload ? 'text'`, 1},
		{"chat 4's scrubbed reply, its ref kept", `SELECT count(*) FROM outbox WHERE chat_id = 4 AND payload = '{"ref": "recent"}'`, 1},
		{"pacing rows", `SELECT count(*) FROM chat_pacing WHERE chat_id IN (1, 2, 3, 4)`, 3},
	} {
		if got := count(c.sql); got != c.want {
			t.Errorf("%s: %d rows, want %d", c.what, got, c.want)
		}
	}
	for chat, f := range before {
		if got := floor(chat); got != f {
			t.Errorf("chat %d: message floor went from %d to %d", chat, f, got)
		}
	}
	if id, err := e.db.MessageIDByRef(ctx, 4, "recent"); err != nil || id == 0 {
		t.Errorf("the scrubbed reply's ref: message %d (err %v), want its id", id, err)
	}

	// Chats 1 and 2: a reply claimed by a sender that died during the call
	// (chat 1: it reached Telegram; chat 2: it did not).
	for _, chat := range []int64{1, 2} {
		m := msg(chat, "the reply", "")
		replyAndDie(m)
		if chat == 1 {
			if _, err := e.sender.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	for chat := int64(1); chat <= 3; chat++ {
		if err := out.Flush(ctx, chat); err != nil {
			t.Fatal(err)
		}
		got := botTexts(e.sb, chat)
		n := 0
		for _, text := range got {
			if text == "the reply" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("chat %d: bot messages %q, want the reply exactly once", chat, got)
		}
		var last int64
		for _, m := range e.sb.Transcript(chat).Messages {
			if m.From == "bot" && m.Text == "the reply" {
				last = m.MessageID
			}
		}
		if c := count(`SELECT count(*) FROM outbox WHERE chat_id = $1 AND payload->>'text' = 'the reply' AND status = 'sent' AND message_id = $2`, chat, last); c != 1 {
			t.Errorf("chat %d: the reply is not recorded sent as message %d", chat, last)
		}
	}
}
