package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// env is one test's database, sandbox and sender.
type env struct {
	pool   *pgxpool.Pool
	db     *postgres.DB
	sb     *sandbox.Server
	client *delivery.Client
	sender *delivery.Sender
}

func newEnv(t *testing.T, limits sandbox.RateLimits, so delivery.SenderOptions) *env {
	t.Helper()
	pool := pgtest.DB(t)
	sb := sandbox.NewTest(t, sandbox.Options{RateLimits: limits})
	c := delivery.NewClient(sb.BotAPIURL(), sb.Token(), nil)
	so.Logger = quiet()
	return &env{pool: pool, db: postgres.New(pool), sb: sb, client: c, sender: delivery.NewSender(c, pool, so)}
}

func (e *env) start(t *testing.T, users ...int64) {
	t.Helper()
	for _, u := range users {
		if _, err := e.sb.SendText(u, "/start", sandbox.MsgOpts{}); err != nil {
			t.Fatal(err)
		}
	}
}

// botTexts lists the texts of the bot's messages in a chat, in order.
func botTexts(sb *sandbox.Server, chat int64) []string {
	var out []string
	for _, m := range sb.Transcript(chat).Messages {
		if m.From == "bot" && !m.Deleted {
			out = append(out, m.Text)
		}
	}
	return out
}

func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func run(t *testing.T, fn func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); fn(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// The whole inbound-to-outbound path in one process, with Telegram's real
// limits on: a poller, a dispatcher whose echo handler replies through the
// outbox inside the update's transaction, and the sender. Every message
// gets one reply, in order per chat, and no call is answered 429.
func TestEchoThroughInboxAndOutbox(t *testing.T) {
	e := newEnv(t, sandbox.RateLimits{}, delivery.SenderOptions{})
	out := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{SweepInterval: 50 * time.Millisecond, Logger: quiet()})
	echo := inbox.HandlerFunc(func(ctx context.Context, u *models.Update) error {
		if u.Message == nil {
			return nil
		}
		return out.Reply(ctx, delivery.Message{Method: "sendMessage", ChatID: u.Message.Chat.ID, Text: "echo: " + u.Message.Text})
	})
	d := inbox.NewDispatcher(e.db, echo, e.pool, inbox.DispatcherOptions{Workers: 4, AfterCommit: out.AfterCommit, Logger: quiet()})
	p := inbox.NewPoller(e.client, e.db, e.pool, inbox.PollerOptions{Timeout: time.Second, Logger: quiet()})
	run(t, out.Run)
	run(t, d.Run)
	run(t, p.Run)

	const users, per = 6, 3
	var want []string
	for i := 1; i <= per; i++ {
		want = append(want, fmt.Sprintf("echo: m%d", i))
	}
	for i := 1; i <= per; i++ {
		for u := int64(1); u <= users; u++ {
			if _, err := e.sb.SendText(u, fmt.Sprintf("m%d", i), sandbox.MsgOpts{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitFor(t, "all replies", 20*time.Second, func() bool {
		for u := int64(1); u <= users; u++ {
			if len(botTexts(e.sb, u)) < per {
				return false
			}
		}
		return true
	})
	time.Sleep(200 * time.Millisecond) // a duplicate would show up now
	for u := int64(1); u <= users; u++ {
		if got := botTexts(e.sb, u); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("chat %d: bot said %q, want %q", u, got, want)
		}
	}
	if th := e.sb.Throttles(); len(th) > 0 {
		t.Errorf("the sandbox answered 429 %d times: %+v", len(th), th[0])
	}
}

// A reply marked 'sending' by a process that died during the call is
// resolved by probing the chat: found there, it is recorded and not sent
// again; not found, it is sent once.
func TestOutboxResolvesAmbiguousSends(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{})
	e.start(t, 1, 2)
	// Chat 1: the reply did reach Telegram before the "crash".
	// Chat 2: the process died before the call.
	for _, chat := range []int64{1, 2} {
		m := delivery.Message{Method: "sendMessage", ChatID: chat, Text: "reply", ReplyMarkup: map[string]any{
			"inline_keyboard": [][]map[string]string{{{"text": "OK", "callback_data": "ok"}}}}}
		if err := postgres.New(e.pool).InTx(ctx, func(ctx context.Context) error {
			return delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{}).Reply(ctx, m)
		}); err != nil {
			t.Fatal(err)
		}
		// It was claimed as it was queued (the chat had nothing open); the
		// outbox that queued it dies, and its lease runs out...
		expireLease(t, e.pool, chat)
		if chat == 1 { // ...and the call went through, unrecorded.
			if _, err := e.sender.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	out := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{Logger: quiet()})
	for _, chat := range []int64{1, 2} {
		if err := out.Flush(ctx, chat); err != nil {
			t.Fatal(err)
		}
		if got := botTexts(e.sb, chat); len(got) != 1 {
			t.Errorf("chat %d: bot messages %q, want exactly one reply", chat, got)
		}
		var status string
		var msgID *int64
		e.pool.QueryRow(ctx, `SELECT status, message_id FROM outbox WHERE chat_id = $1`, chat).Scan(&status, &msgID)
		if status != "sent" || msgID == nil {
			t.Errorf("chat %d: outbox row %s (message %v), want sent with its message id", chat, status, msgID)
		}
	}
}

// expireLease ends the lease of the chat's open reply, which must be
// 'sending': claimed as it was queued by an outbox that died since.
func expireLease(t *testing.T, pool *pgxpool.Pool, chat int64) {
	t.Helper()
	tag, err := pool.Exec(context.Background(), `UPDATE outbox SET lease_until = now() - interval '1 ms' WHERE chat_id = $1 AND status = 'sending'`, chat)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("chat %d: %d replies 'sending' (err %v), want the one claimed as it was queued", chat, tag.RowsAffected(), err)
	}
}

// notifyEnv adds a River client (as one replica) and a notifier.
func notifyEnv(t *testing.T, e *env, id string) (*delivery.Scheduler, *river.Client[pgx.Tx]) {
	t.Helper()
	n := delivery.NewNotifier(e.db, e.sender, nil, quiet(), nil)
	workers := river.NewWorkers()
	river.AddWorker(workers, n.Worker())
	c, err := delivery.NewRiver(e.pool, delivery.RiverOptions{Workers: workers, ID: id, Logger: quiet(), FetchPollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		c.Stop(sctx)
		cancel()
	})
	return delivery.NewScheduler(c), c
}

func schedule(t *testing.T, db *postgres.DB, n *delivery.Scheduler, no delivery.Notification) {
	t.Helper()
	if err := db.InTx(context.Background(), func(ctx context.Context) error { return n.Schedule(ctx, no) }); err != nil {
		t.Fatal(err)
	}
}

func sendsStatus(t *testing.T, pool *pgxpool.Pool, key string) string {
	var s string
	pool.QueryRow(context.Background(), `SELECT status FROM sends WHERE dedup_key = $1`, key).Scan(&s)
	return s
}

// Two replicas work the same notifications, each scheduled twice: each
// is sent exactly once.
func TestNotificationsOnceAcrossReplicas(t *testing.T) {
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{ChatInterval: 10 * time.Millisecond})
	const chats, per = 4, 5
	for c := int64(1); c <= chats; c++ {
		e.start(t, c)
	}
	n1, _ := notifyEnv(t, e, "r1")
	n2, _ := notifyEnv(t, e, "r2")
	now := time.Now()
	for c := int64(1); c <= chats; c++ {
		for i := 0; i < per; i++ {
			key := fmt.Sprintf("test:%d:%d", c, i)
			msg := &delivery.Message{Method: "sendMessage", ChatID: c, Text: key}
			no := delivery.Notification{Kind: "test", ChatID: c, DedupKey: key, Due: now, Message: msg}
			schedule(t, e.db, n1, no)
			schedule(t, e.db, n2, no) // the same key again, from the other replica
		}
	}
	waitFor(t, "all notifications", 15*time.Second, func() bool {
		var sent int
		e.pool.QueryRow(context.Background(), `SELECT count(*) FROM sends WHERE status = 'sent'`).Scan(&sent)
		return sent == chats*per
	})
	time.Sleep(300 * time.Millisecond)
	for c := int64(1); c <= chats; c++ {
		if got := botTexts(e.sb, c); len(got) != per {
			t.Errorf("chat %d got %d notifications %q, want %d", c, len(got), got, per)
		}
	}
}

// A user who blocked the bot is marked unreachable on the first 403, that
// notification ends as 'unreachable' (no retry loop), and later ones to
// the chat are not even attempted.
func TestBlockedUserMarkedUnreachable(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{})
	e.start(t, 5)
	if _, err := e.sb.Block(5); err != nil {
		t.Fatal(err)
	}
	n, _ := notifyEnv(t, e, "r1")
	seq := e.sb.Calls(sandbox.CallFilter{})
	since := int64(0)
	if len(seq) > 0 {
		since = seq[len(seq)-1].Seq
	}
	for i := 0; i < 2; i++ {
		key := fmt.Sprintf("blocked:%d", i)
		schedule(t, e.db, n, delivery.Notification{Kind: "test", ChatID: 5, DedupKey: key, Due: time.Now(),
			Message: &delivery.Message{Method: "sendMessage", ChatID: 5, Text: "hello"}})
		waitFor(t, key+" settled", 10*time.Second, func() bool { return sendsStatus(t, e.pool, key) == "unreachable" })
	}
	if un, _ := e.db.Unreachable(ctx, 5); !un {
		t.Fatal("chat 5 not marked unreachable")
	}
	time.Sleep(300 * time.Millisecond)
	if calls := e.sb.Calls(sandbox.CallFilter{Method: "sendMessage", Since: since}); len(calls) != 1 {
		t.Fatalf("%d sendMessage calls to the blocked chat, want 1", len(calls))
	}
	// Writing to the bot again clears the mark.
	if _, err := e.sb.Unblock(5); err != nil {
		t.Fatal(err)
	}
	u, _ := inbox.ParseUpdate([]byte(`{"update_id":1,"message":{"message_id":9,"chat":{"id":5},"from":{"id":5},"text":"hi"}}`))
	if _, err := e.db.InsertUpdates(ctx, []postgres.InboxUpdate{u}); err != nil {
		t.Fatal(err)
	}
	if un, _ := e.db.Unreachable(ctx, 5); un {
		t.Fatal("chat 5 still unreachable after the user wrote")
	}
}

// A 429 storm: every call gets 429 retry_after=1 for a while. No call is
// made within retry_after of a 429 (beyond calls already in flight), no
// message is retried early, and everything is delivered afterwards.
func Test429Storm(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{ChatInterval: time.Millisecond, Attempts: 10})
	const chats = 8
	for c := int64(1); c <= chats; c++ {
		e.start(t, c)
	}
	if _, err := e.sb.InjectFault(sandbox.Fault{Kind: "429", RetryAfter: 1, Count: 3, Methods: []string{"sendMessage"}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for c := int64(1); c <= chats; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.sender.Send(ctx, delivery.Message{Method: "sendMessage", ChatID: c, Text: fmt.Sprint("n", c)}); err != nil {
				t.Errorf("chat %d: %v", c, err)
			}
		}()
	}
	wg.Wait()
	calls := e.sb.Calls(sandbox.CallFilter{Method: "sendMessage"})
	var ok, throttled int
	const inflight = 100 * time.Millisecond
	for _, c := range calls {
		if c.ErrorCode == 429 {
			throttled++
			for _, d := range calls {
				if gap := d.Time.Sub(c.Time); d.Seq > c.Seq && gap > inflight && gap < time.Duration(c.RetryAfter)*time.Second {
					t.Errorf("call %d at +%v after the 429 of call %d (retry_after %ds)", d.Seq, gap, c.Seq, c.RetryAfter)
				}
			}
		} else if c.OK {
			ok++
		}
	}
	if throttled != 3 || ok != chats {
		t.Fatalf("%d throttled, %d delivered; want 3 and %d", throttled, ok, chats)
	}
	for c := int64(1); c <= chats; c++ {
		if got := botTexts(e.sb, c); len(got) != 1 {
			t.Errorf("chat %d: %q, want one message", c, got)
		}
	}
}

// Several notifications queued at once for a chat that blocked the bot: the
// first 403 stops the rest without asking Telegram again (they were waiting
// behind the per-chat spacing when it came), and a reply to the user who
// then unblocks and writes goes through at once.
func TestBlockedChatRefusesQueuedNotificationsOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{ChatInterval: 300 * time.Millisecond})
	e.start(t, 6)
	if _, err := e.sb.Block(6); err != nil {
		t.Fatal(err)
	}
	n, _ := notifyEnv(t, e, "r1")
	var since int64
	if calls := e.sb.Calls(sandbox.CallFilter{}); len(calls) > 0 {
		since = calls[len(calls)-1].Seq
	}
	const queued = 4
	for i := 0; i < queued; i++ {
		schedule(t, e.db, n, delivery.Notification{Kind: "test", ChatID: 6, DedupKey: fmt.Sprintf("queued:%d", i), Due: time.Now(),
			Message: &delivery.Message{Method: "sendMessage", ChatID: 6, Text: fmt.Sprint("escalation ", i)}})
	}
	for i := 0; i < queued; i++ {
		key := fmt.Sprintf("queued:%d", i)
		waitFor(t, key+" settled", 15*time.Second, func() bool { return sendsStatus(t, e.pool, key) == "unreachable" })
	}
	if calls := e.sb.Calls(sandbox.CallFilter{Method: "sendMessage", Since: since}); len(calls) != 1 {
		t.Fatalf("%d sendMessage calls to the blocked chat for %d notifications, want 1", len(calls), queued)
	}
	if _, err := e.sb.Unblock(6); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sender.Send(ctx, delivery.Message{Method: "sendMessage", ChatID: 6, Text: "welcome back"}); err != nil {
		t.Fatalf("a reply after the user unblocked must go through: %v", err)
	}
}

// A database failure while booking the send slot happens before any call to
// Telegram: the send is temporary (retried later), never ambiguous and never
// a refusal that would give the message up.
func TestSlotBookingFailureIsTemporary(t *testing.T) {
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{})
	e.start(t, 7)
	e.pool.Close()
	_, err := e.sender.Send(context.Background(), delivery.Message{Method: "sendMessage", ChatID: 7, Text: "hi"})
	var le *delivery.LocalError
	if err == nil || !errors.As(err, &le) || !delivery.IsTemporary(err) || delivery.IsAmbiguous(err) || delivery.IsUnreachable(err) {
		t.Fatalf("got %v; want a temporary local error", err)
	}
	if n := len(e.sb.Calls(sandbox.CallFilter{Method: "sendMessage"})); n != 0 {
		t.Fatalf("%d calls reached Telegram", n)
	}
}

// A notification whose worker died after its Bot API call and before its
// outcome was recorded (its record left 'sending') is probed for when its
// job runs again: one that reached the chat is recorded with its message
// id and not sent again; one that never left is sent once.
func TestNotificationInterruptedAfterItsCallIsProbedNotResent(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{ChatInterval: 10 * time.Millisecond})
	e.start(t, 11, 12)
	// Chat 11: the call went through before the "crash". Chat 12: the
	// worker died before its call.
	nos := map[int64]delivery.Notification{}
	delivered := int64(0)
	for _, chat := range []int64{11, 12} {
		key := fmt.Sprintf("crash:%d", chat)
		msg := &delivery.Message{Method: "sendMessage", ChatID: chat, Text: "due today: call Sara"}
		nos[chat] = delivery.Notification{Kind: "test", ChatID: chat, DedupKey: key, Due: time.Now(), Message: msg}
		if _, err := e.db.BeginSends(ctx, []postgres.SendBegin{{DedupKey: key, ChatID: chat, Kind: "test"}}); err != nil {
			t.Fatal(err)
		}
		if chat == 11 {
			sent, err := e.sender.Send(ctx, *msg)
			if err != nil {
				t.Fatal(err)
			}
			delivered = sent.MessageID
		}
	}
	n, _ := notifyEnv(t, e, "r1")
	for _, chat := range []int64{11, 12} {
		schedule(t, e.db, n, nos[chat])
	}
	for _, chat := range []int64{11, 12} {
		key := nos[chat].DedupKey
		waitFor(t, key+" sent", 15*time.Second, func() bool { return sendsStatus(t, e.pool, key) == "sent" })
		if got := botTexts(e.sb, chat); len(got) != 1 {
			t.Errorf("chat %d: bot messages %q, want the notification exactly once", chat, got)
		}
	}
	var recorded int64
	if err := e.pool.QueryRow(ctx, `SELECT telegram_message_id FROM sends WHERE dedup_key = 'crash:11'`).Scan(&recorded); err != nil || recorded != delivered {
		t.Errorf("crash:11 recorded message %d (%v), want %d, the one the dead worker sent", recorded, err, delivered)
	}
}
