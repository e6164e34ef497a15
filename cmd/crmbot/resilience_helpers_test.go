package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// Helpers of the resilience tests (database restart, replicas, quiet
// hours): an app run in the background with its log kept for failures,
// staff created straight in the store, polling waits with deadlines and a
// round-robin load balancer in front of webhook replicas.

// startApp runs the real wiring of `crmbot run` (newApp + run) until the
// test ends and returns it once it is ready. Its log is printed if the
// test fails (or always with E2E_LOG set).
func startApp(t *testing.T, cfg config.Config, o appOptions) *app {
	t.Helper()
	if err := cfg.Validate(config.FToken, config.FDatabase); err != nil {
		t.Fatal(err)
	}
	if o.Logger == nil {
		o.Logger = testLog(t, "app")
	}
	ready := make(chan struct{})
	o.OnReady = func(*app) { close(ready) }
	ctx, cancel := context.WithCancel(context.Background())
	a, err := newApp(ctx, cfg, o)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("app stopped with %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("app did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("app did not start in 30 s")
	}
	return a
}

// testLog returns a logger whose output is shown when the test fails.
func testLog(t *testing.T, name string) *slog.Logger {
	t.Helper()
	if os.Getenv("E2E_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	var buf syncBuffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of %s:\n%s", name, tail(buf.String(), 8000))
		}
	})
	return slog.New(slog.NewTextHandler(&buf, nil))
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// newRep makes Telegram user tgID an active rep speaking locale, as a
// redeemed invite does, without going through onboarding.
func newRep(t *testing.T, db *postgres.DB, tgID int64, name, locale string) crm.Staff {
	t.Helper()
	ctx := context.Background()
	token, err := db.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleRep})
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.RedeemInvite(ctx, token, postgres.TelegramUser{ID: tgID, FirstName: name, LanguageCode: locale}, locale)
	if err != nil {
		t.Fatal(err)
	}
	// They opened the invite link: the bot has welcomed them already.
	if err := db.MarkWelcomed(ctx, s.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitUntil polls cond every 20 ms until it holds, and fails the test
// with cond's last explanation after timeout.
func waitUntil(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s: %s", timeout, what, why)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// botMessages lists the bot's messages in a chat, oldest first.
func botMessages(sb *sandbox.Server, chat int64) []sandbox.Entry {
	var out []sandbox.Entry
	for _, m := range sb.Transcript(chat).Messages {
		if m.From == "bot" && !m.Deleted {
			out = append(out, m)
		}
	}
	return out
}

// inboxSettled reports whether every update in update_inbox is done and
// every reply in the outbox is sent: nothing more can reach a chat.
func inboxSettled(ctx context.Context, pool *pgxpool.Pool, wantUpdates int) (bool, string) {
	var done, other, open, failed int
	err := pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM update_inbox WHERE status = 'done'),
		(SELECT count(*) FROM update_inbox WHERE status <> 'done'),
		(SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')),
		(SELECT count(*) FROM outbox WHERE status NOT IN ('pending', 'sending', 'sent'))`).Scan(&done, &other, &open, &failed)
	if err != nil {
		return false, err.Error()
	}
	why := fmt.Sprintf("%d/%d updates done, %d not done, %d replies open, %d replies failed", done, wantUpdates, other, open, failed)
	return done == wantUpdates && other == 0 && open == 0, why
}

// searchQuery is the text chat c sends as its i-th message: a customer
// search that finds nobody, so the bot's one reply quotes it back.
func searchQuery(c int64, i int) string { return fmt.Sprintf("probe c%d m%d", c, i) }

// checkReplies asserts that chat c got exactly one reply per message, in
// the order sent. Notifications a test sent itself ("notify:…") are
// checked on their own.
func checkReplies(t *testing.T, sb *sandbox.Server, c int64, n int) {
	t.Helper()
	if once, ordered := replies(sb, c, n); !once || !ordered {
		t.Errorf("chat %d: want exactly one reply to each of its %d messages, in order; got:\n%s", c, n, sb.Transcript(c).String())
	}
}

// replies reports whether chat c got exactly one reply to each of its n
// messages, and whether they came in the order sent.
func replies(sb *sandbox.Server, c int64, n int) (once, ordered bool) {
	var got []string
	for _, m := range botMessages(sb, c) {
		if !strings.HasPrefix(m.Text, "notify:") {
			got = append(got, m.Text)
		}
	}
	if len(got) != n {
		return false, false
	}
	seen := make([]bool, n)
	ordered = true
	for i, text := range got {
		found := -1
		for k := 0; k < n; k++ {
			if strings.Contains(text, "“"+searchQuery(c, k)+"”") {
				found = k
				break
			}
		}
		if found < 0 || seen[found] {
			return false, false
		}
		seen[found] = true
		ordered = ordered && found == i
	}
	return true, ordered
}

// rrProxy is a naive round-robin load balancer: each request goes to the
// next backend; a backend that cannot be reached is answered 502, as a
// real balancer with no health checks would, and Telegram retries.
type rrProxy struct {
	next     atomic.Int64
	client   *http.Client
	mu       sync.Mutex
	backends []string // host:port
	served   map[string]int
}

func newRRProxy(backends ...string) *rrProxy {
	return &rrProxy{backends: backends, served: map[string]int{}, client: &http.Client{Timeout: 15 * time.Second}}
}

// SetBackends replaces the backends (host:port).
func (p *rrProxy) SetBackends(backends ...string) {
	p.mu.Lock()
	p.backends = backends
	p.mu.Unlock()
}

func (p *rrProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	if len(p.backends) == 0 {
		p.mu.Unlock()
		http.Error(w, "no backend yet", http.StatusServiceUnavailable)
		return
	}
	be := p.backends[int(p.next.Add(1))%len(p.backends)]
	p.mu.Unlock()
	req, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+be+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header = r.Header.Clone()
	res, err := p.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	if res.StatusCode/100 == 2 {
		p.mu.Lock()
		p.served[be]++
		p.mu.Unlock()
	}
	w.WriteHeader(res.StatusCode)
	io.Copy(w, res.Body)
}

// Served counts the 2xx answers each backend gave.
func (p *rrProxy) Served() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.served))
	for k, v := range p.served {
		out[k] = v
	}
	return out
}

// webhookSecret is the secret the tests' webhooks use.
const webhookSecret = "resilience-test-secret"
