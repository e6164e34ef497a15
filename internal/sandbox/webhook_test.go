package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// receiver is a webhook endpoint that records what it gets.
type receiver struct {
	mu       sync.Mutex
	got      []Update
	secrets  []string
	inflight map[int64]int
	now      int
	maxNow   int
	overlap  bool // two updates of one chat in flight at once
	fail     int  // answer 500 to this many requests first
	hold     time.Duration
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var u Update
	json.Unmarshal(body, &u)
	chat := updateChat(u)
	rc.mu.Lock()
	rc.secrets = append(rc.secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
	if rc.fail > 0 {
		rc.fail--
		rc.mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	rc.inflight[chat]++
	if rc.inflight[chat] > 1 {
		rc.overlap = true
	}
	rc.now++
	rc.maxNow = max(rc.maxNow, rc.now)
	rc.mu.Unlock()
	time.Sleep(rc.hold)
	rc.mu.Lock()
	rc.inflight[chat]--
	rc.now--
	rc.got = append(rc.got, u)
	rc.mu.Unlock()
}

func updateChat(u Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}

func (rc *receiver) snapshot() []Update {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Update(nil), rc.got...)
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func webhookInfo(t *testing.T, sb *Server) WebhookInfo {
	t.Helper()
	r := callJSON(t, sb, "getWebhookInfo", nil)
	wantOK(t, r)
	var info WebhookInfo
	json.Unmarshal(r.Result, &info)
	return info
}

func TestWebhookSecretAndRetry(t *testing.T) {
	sb := NewTest(t, fast())
	rc := &receiver{inflight: map[int64]int{}, fail: 2}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)

	sb.SendText(42, "queued before the webhook", MsgOpts{})
	if info := webhookInfo(t, sb); info.URL != "" || info.PendingUpdateCount != 1 {
		t.Errorf("before setWebhook: %+v", info)
	}
	wantErr(t, callJSON(t, sb, "setWebhook", map[string]any{"url": "not a url"}), 400, "Bad Request: invalid webhook URL specified")
	wantOK(t, callJSON(t, sb, "setWebhook", map[string]any{"url": hook.URL, "secret_token": "s3cret_-X", "max_connections": 5}))
	sent, _ := sb.SendText(42, "after", MsgOpts{})

	// The receiver records an update before the sandbox reads its answer.
	waitUntil(t, "both updates delivered", func() bool {
		return len(rc.snapshot()) == 2 && webhookInfo(t, sb).PendingUpdateCount == 0
	})
	got := rc.snapshot()
	if got[0].Message.Text != "queued before the webhook" || got[1].UpdateID != sent.UpdateID {
		t.Errorf("delivered %+v", got)
	}
	rc.mu.Lock()
	for _, s := range rc.secrets {
		if s != "s3cret_-X" {
			t.Errorf("secret header = %q", s)
		}
	}
	if len(rc.secrets) != 4 { // two 500s, then two successes
		t.Errorf("%d requests, want 4", len(rc.secrets))
	}
	rc.mu.Unlock()
	info := webhookInfo(t, sb)
	if info.URL != hook.URL || info.PendingUpdateCount != 0 || info.MaxConnections != 5 ||
		info.LastErrorMessage != "Wrong response from the webhook: 500 Internal Server Error" || info.LastErrorDate == 0 {
		t.Errorf("info = %+v", info)
	}
}

func TestWebhookOrderPerChatAndMaxConnections(t *testing.T) {
	sb := NewTest(t, fast())
	rc := &receiver{inflight: map[int64]int{}, hold: 30 * time.Millisecond}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	wantOK(t, callJSON(t, sb, "setWebhook", map[string]any{"url": hook.URL, "max_connections": 3}))

	want := map[int64][]int64{}
	for i := 0; i < 4; i++ {
		for _, chat := range []int64{1, 2, 3, 4, 5} {
			s, err := sb.SendText(chat, "m", MsgOpts{})
			if err != nil {
				t.Fatal(err)
			}
			want[chat] = append(want[chat], s.UpdateID)
		}
	}
	waitUntil(t, "20 deliveries", func() bool { return len(rc.snapshot()) == 20 })
	byChat := map[int64][]int64{}
	for _, u := range rc.snapshot() {
		byChat[updateChat(u)] = append(byChat[updateChat(u)], u.UpdateID)
	}
	for chat, ids := range want {
		for i := range ids {
			if byChat[chat][i] != ids[i] {
				t.Errorf("chat %d got %v, want %v", chat, byChat[chat], ids)
				break
			}
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.overlap {
		t.Errorf("two updates of one chat were in flight at once")
	}
	if rc.maxNow > 3 {
		t.Errorf("%d deliveries at once, max_connections is 3", rc.maxNow)
	}
	if rc.maxNow < 2 {
		t.Errorf("chats were not delivered concurrently (max %d at once)", rc.maxNow)
	}
}

func TestWebhookConnectionErrorAndDropPending(t *testing.T) {
	sb := NewTest(t, fast())
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close() // nothing listens there now
	wantOK(t, callJSON(t, sb, "setWebhook", map[string]any{"url": url}))
	sb.SendText(42, "lost", MsgOpts{})
	waitUntil(t, "a delivery error", func() bool { return webhookInfo(t, sb).LastErrorMessage != "" })
	if info := webhookInfo(t, sb); info.LastErrorMessage != "Connection refused" || info.PendingUpdateCount != 1 {
		t.Errorf("info = %+v", info)
	}
	wantOK(t, callJSON(t, sb, "deleteWebhook", map[string]any{"drop_pending_updates": true}))
	if info := webhookInfo(t, sb); info.URL != "" || info.PendingUpdateCount != 0 {
		t.Errorf("after deleteWebhook: %+v", info)
	}
}

// TestWebhookWithRealClient serves go-telegram/bot's WebhookHandler and sets
// the webhook with its SetWebhook.
func TestWebhookWithRealClient(t *testing.T) {
	sb := NewTest(t, fast())
	ctx, cancel := context.WithCancel(ctxT(t))
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	b := newBot(t, sb, bot.WithWebhookSecretToken("tok"), bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
		if u.Message != nil {
			b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "got " + u.Message.Text})
		}
	}))
	hook := httptest.NewServer(b.WebhookHandler())
	t.Cleanup(hook.Close)
	wg.Add(1)
	go func() { defer wg.Done(); b.StartWebhook(ctx) }()
	if ok, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: hook.URL, SecretToken: "tok"}); err != nil || !ok {
		t.Fatalf("SetWebhook: %v %v", ok, err)
	}
	sent, _ := sb.SendText(42, "hi", MsgOpts{})
	sb.ExpectBotMessage(t, ctx, 42, sent.Seq, TextIs("got hi"))
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != hook.URL {
		t.Errorf("GetWebhookInfo = %+v, %v", info, err)
	}
}
