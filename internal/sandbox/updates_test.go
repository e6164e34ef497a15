package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func updatesOf(t *testing.T, r apiResp) []Update {
	t.Helper()
	wantOK(t, r)
	var us []Update
	if err := json.Unmarshal(r.Result, &us); err != nil {
		t.Fatalf("result is not []Update: %s", r.Result)
	}
	return us
}

func TestGetUpdatesOffsetSemantics(t *testing.T) {
	sb := NewTest(t, fast())
	var ids []int64
	for _, text := range []string{"one", "two", "three"} {
		s, err := sb.SendText(42, text, MsgOpts{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.UpdateID)
	}
	us := updatesOf(t, callJSON(t, sb, "getUpdates", nil))
	if len(us) != 3 || us[0].UpdateID != ids[0] || us[0].Message.Text != "one" {
		t.Fatalf("first poll = %+v", us)
	}
	// Without a higher offset the same updates come again.
	if us := updatesOf(t, callJSON(t, sb, "getUpdates", map[string]any{"limit": 2})); len(us) != 2 || us[1].UpdateID != ids[1] {
		t.Fatalf("limit 2 = %+v", us)
	}
	// offset confirms everything below it, for good.
	if us := updatesOf(t, callJSON(t, sb, "getUpdates", map[string]any{"offset": ids[1]})); len(us) != 2 || us[0].UpdateID != ids[1] {
		t.Fatalf("offset = %+v", us)
	}
	if us := updatesOf(t, callJSON(t, sb, "getUpdates", map[string]any{"offset": ids[0]})); len(us) != 2 {
		t.Fatalf("a lower offset brought confirmed updates back: %+v", us)
	}
	// A negative offset keeps only the last updates.
	if us := updatesOf(t, callJSON(t, sb, "getUpdates", map[string]any{"offset": -1})); len(us) != 1 || us[0].UpdateID != ids[2] {
		t.Fatalf("offset -1 = %+v", us)
	}
	if us := updatesOf(t, callJSON(t, sb, "getUpdates", map[string]any{"offset": ids[2] + 1})); len(us) != 0 {
		t.Fatalf("after the last = %+v", us)
	}
	// The message update carries the user, the chat and the date.
	if m := us[0].Message; m.From == nil || m.From.ID != 42 || m.Chat.ID != 42 || m.Chat.Type != "private" || m.Date == 0 {
		t.Errorf("message = %+v", m)
	}
}

// waitPolling waits until a long poll is waiting in the sandbox.
func waitPolling(t *testing.T, sb *Server) {
	t.Helper()
	waitUntil(t, "a long poll", func() bool {
		sb.mu.Lock()
		defer sb.mu.Unlock()
		return sb.st.poll != nil
	})
}

func TestLongPollWakesOnUpdate(t *testing.T) {
	sb := NewTest(t, fast())
	done := make(chan []Update, 1)
	go func() { done <- updatesOf(t, callJSON(t, sb, "getUpdates", map[string]any{"timeout": 10})) }()
	waitPolling(t, sb)
	began := time.Now()
	if _, err := sb.SendText(42, "wake", MsgOpts{}); err != nil {
		t.Fatal(err)
	}
	select {
	case us := <-done:
		if len(us) != 1 || us[0].Message.Text != "wake" {
			t.Errorf("poll got %+v", us)
		}
		if d := time.Since(began); d > time.Second {
			t.Errorf("poll returned %v after the update", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("long poll did not wake")
	}
	// An empty long poll returns after the (capped) timeout.
	opts := fast()
	opts.LongPollMax = 100 * time.Millisecond
	sb2 := NewTest(t, opts)
	began = time.Now()
	if us := updatesOf(t, callJSON(t, sb2, "getUpdates", map[string]any{"timeout": 30})); len(us) != 0 {
		t.Errorf("empty poll = %+v", us)
	}
	if d := time.Since(began); d < 90*time.Millisecond || d > 2*time.Second {
		t.Errorf("empty poll took %v", d)
	}
}

func TestOverlappingLongPollsConflict(t *testing.T) {
	sb := NewTest(t, fast())
	first := make(chan apiResp, 1)
	go func() { first <- callJSON(t, sb, "getUpdates", map[string]any{"timeout": 10}) }()
	waitPolling(t, sb)
	second := make(chan apiResp, 1)
	go func() { second <- callJSON(t, sb, "getUpdates", map[string]any{"timeout": 10}) }()
	select {
	case r := <-first:
		wantErr(t, r, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
	case <-time.After(3 * time.Second):
		t.Fatal("the first poll was not terminated")
	}
	sb.SendText(42, "for the second", MsgOpts{})
	if us := updatesOf(t, <-second); len(us) != 1 {
		t.Errorf("second poll = %+v", us)
	}
}

func TestGetUpdatesWhileWebhookIsSet(t *testing.T) {
	sb := NewTest(t, fast())
	wantOK(t, callJSON(t, sb, "setWebhook", map[string]any{"url": "http://127.0.0.1:1/hook"}))
	wantErr(t, callJSON(t, sb, "getUpdates", nil), 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
	wantOK(t, callJSON(t, sb, "deleteWebhook", nil))
	wantOK(t, callJSON(t, sb, "getUpdates", nil))
}

func TestAllowedUpdates(t *testing.T) {
	sb := NewTest(t, fast())
	start(t, sb, 42)
	m := mustMessage(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "x",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "a", "callback_data": "a"}}}}}))
	// Only callback queries from now on.
	us := updatesOf(t, callJSON(t, sb, "getUpdates", map[string]any{"allowed_updates": []string{"callback_query"}}))
	if len(us) != 1 { // the /start from before the subscription stays
		t.Fatalf("got %+v", us)
	}
	skipped, _ := sb.SendText(42, "ignored", MsgOpts{})
	if skipped.UpdateID != 0 {
		t.Errorf("a filtered message got update_id %d", skipped.UpdateID)
	}
	tap, _ := sb.Tap(42, m.MessageID, "a", false)
	us = updatesOf(t, callJSON(t, sb, "getUpdates", map[string]any{"offset": us[0].UpdateID + 1}))
	if len(us) != 1 || us[0].CallbackQuery == nil || us[0].UpdateID != tap.UpdateID {
		t.Errorf("got %+v", us)
	}
	// The transcript keeps the filtered message all the same.
	if tr := sb.Transcript(42); tr.Messages[len(tr.Messages)-1].Text != "ignored" {
		t.Errorf("transcript lost the message")
	}
}

// TestEchoBotWithRealClient runs go-telegram/bot's own polling loop against
// the sandbox: updates in, replies out, commands with @botname.
func TestEchoBotWithRealClient(t *testing.T) {
	sb := NewTest(t, fast())
	ctx, cancel := context.WithCancel(ctxT(t))
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	b := newBot(t, sb, bot.WithHTTPClient(2*time.Second, &http.Client{Timeout: 5 * time.Second}), bot.WithNotAsyncHandlers(),
		bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
			if u.Message == nil {
				return
			}
			text := "echo: " + u.Message.Text
			if len(u.Message.Entities) > 0 && u.Message.Entities[0].Type == models.MessageEntityTypeBotCommand {
				text = "command " + u.Message.Text[:u.Message.Entities[0].Length]
			}
			b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: text})
		}))
	wg.Add(1)
	go func() { defer wg.Done(); b.Start(ctx) }()

	sent, err := sb.SendText(42, "سلام", MsgOpts{FirstName: "Ali", LanguageCode: "fa"})
	if err != nil {
		t.Fatal(err)
	}
	e := sb.ExpectBotMessage(t, ctx, 42, sent.Seq, TextIs("echo: سلام"))
	if e.From != "bot" || e.FromID != 7000000001 {
		t.Errorf("entry = %+v", e)
	}
	sent, _ = sb.SendText(42, "/help@crm_sandbox_bot now", MsgOpts{})
	sb.ExpectBotMessage(t, ctx, 42, sent.Seq, TextIs("command /help@crm_sandbox_bot"))

	// The bot's calls are in the log; getUpdates polls too.
	// The transcript shows the reply a moment before the call is logged.
	waitUntil(t, "two sendMessage calls", func() bool { return len(sb.Calls(CallFilter{Method: "sendMessage"})) == 2 })
	calls := sb.Calls(CallFilter{Method: "sendmessage"})
	if len(calls) != 2 || calls[0].Params["chat_id"] != "42" || !calls[0].OK || len(calls[0].Result) == 0 {
		t.Errorf("calls = %+v", calls)
	}
	if len(sb.Calls(CallFilter{Method: "getUpdates"})) == 0 {
		t.Errorf("no getUpdates logged")
	}
	if since := sb.Calls(CallFilter{Since: calls[0].Seq}); len(since) == 0 || since[0].Seq <= calls[0].Seq {
		t.Errorf("since filter = %+v", since)
	}
}

func TestWaitBotMessageTimeoutShowsTranscript(t *testing.T) {
	sb := NewTest(t, fast())
	start(t, sb, 42)
	callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "Pick",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "Yes", "callback_data": "y"}}}}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := sb.WaitBotMessage(ctx, 42, 0, TextIs("never"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"user: /start", "bot: Pick", "[Yes → y]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// An edit after the seq is a match too.
	seq := sb.Seq()
	m := sb.Transcript(42).Messages[1]
	callJSON(t, sb, "editMessageText", map[string]any{"chat_id": 42, "message_id": m.MessageID, "text": "Picked"})
	e, err := sb.WaitBotMessage(ctxT(t), 42, seq, All(TextIs("Picked")))
	if err != nil || !e.Edited {
		t.Errorf("edit not seen: %+v %v", e, err)
	}
}
