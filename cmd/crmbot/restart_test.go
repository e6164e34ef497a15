package main

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestPostgresRestartUnderLoad crashes PostgreSQL (immediate stop) in the
// middle of a steady stream of messages from many chats to the real app in
// webhook mode, keeps the stream going while the database is down, starts
// it again, and checks that the same process recovers on its own: /readyz
// says 503 while the database is down and 200 after, and every message
// gets exactly one reply, in order per chat. Updates posted while the
// database is down are refused (503) and redelivered by the sandbox, as
// Telegram does; transactions cut by the crash are redone from scratch.
func TestPostgresRestartUnderLoad(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.NewCluster(t)
	// With synchronous_commit off a crash would lose the last commits (an
	// update already answered 200 would vanish); production runs with it
	// on, and so must this test.
	l := startLoad(t, cl.URL("postgres")+"&synchronous_commit=on")
	var syncCommit string
	if err := l.pool.QueryRow(ctx, "SHOW synchronous_commit").Scan(&syncCommit); err != nil || syncCommit != "on" {
		t.Fatalf("synchronous_commit = %q (%v), want on", syncCommit, err)
	}
	if s := l.readyz(); s != http.StatusOK {
		t.Fatalf("/readyz = %d before the restart, want 200", s)
	}

	// Up, then a crash while updates and replies are in flight.
	l.stream(0, 4, 80*time.Millisecond)
	began := time.Now()
	if err := cl.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "/readyz to report the database down", 5*time.Second, func() (bool, string) {
		s := l.readyz()
		return s == http.StatusServiceUnavailable, "status " + http.StatusText(s)
	})
	// Down for about two seconds while the chats keep writing.
	l.stream(4, 9, 400*time.Millisecond)
	if s := l.readyz(); s != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d while the database is down, want 503", s)
	}
	if err := cl.Start(ctx); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	waitUntil(t, "/readyz to report the database back", 15*time.Second, func() (bool, string) {
		s := l.readyz()
		return s == http.StatusOK, "status " + http.StatusText(s)
	})
	l.stream(9, loadRounds, 80*time.Millisecond)

	l.settle()
	t.Logf("database down %v; everything answered %v after it came back", restarted.Sub(began).Round(time.Millisecond), time.Since(restarted).Round(time.Millisecond))
	l.check()
}

// TestConnectionsDroppedUnderLoad terminates every connection of the app
// to the database, four times in the middle of a stream of messages (what
// a failover behind a pooler, or a pooler's restart, does): the database
// answers again at once, so a transaction that broke is retried while the
// worker that ran it may still be failing. Every message still gets
// exactly one reply, in order.
func TestConnectionsDroppedUnderLoad(t *testing.T) {
	ctx := context.Background()
	l := startLoad(t, pgtest.URL(t))
	for i := 0; i < loadRounds; i++ {
		l.round(i)
		if i%3 == 2 {
			if _, err := l.pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE pid <> pg_backend_pid() AND datname = current_database()`); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(60 * time.Millisecond)
	}
	l.settle()
	l.check()
}

// load is the real app in webhook mode behind the sandbox, with loadChats
// reps who each send loadRounds searches.
type load struct {
	t    *testing.T
	sb   *sandbox.Server
	pool *pgxpool.Pool // the test's own, for checks
	app  *app
}

const (
	loadChats, loadRounds = 16, 12
	firstLoadChat         = 91000
)

func startLoad(t *testing.T, dbURL string) *load {
	t.Helper()
	ctx := context.Background()
	pool, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := postgres.New(pool)
	for c := int64(firstLoadChat); c < firstLoadChat+loadChats; c++ {
		newRep(t, db, c, "Rep", "en")
	}
	sb := sandbox.NewTest(t, sandbox.Options{BotUsername: "crm_restart_bot", RateLimits: sandbox.RateLimits{Disabled: true},
		WebhookRetryMin: 50 * time.Millisecond, WebhookRetryMax: 400 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{BotToken: sb.Token(), DatabaseURL: dbURL, APIURL: sb.BotAPIURL(),
		WebhookURL: "http://" + ln.Addr().String() + "/telegram", WebhookSecret: webhookSecret, ListenAddr: ln.Addr().String(),
		DefaultLocale: "en", TimeZone: "Asia/Tehran", GlobalRate: 1000, LogLevel: "warn"}
	a := startApp(t, cfg, appOptions{ChatInterval: 10 * time.Millisecond, SweepInterval: 100 * time.Millisecond, ListenOverride: ln})
	return &load{t: t, sb: sb, pool: pool, app: a}
}

// round has every chat send its i-th message.
func (l *load) round(i int) {
	for c := int64(firstLoadChat); c < firstLoadChat+loadChats; c++ {
		if _, err := l.sb.SendText(c, searchQuery(c, i), sandbox.MsgOpts{FirstName: "Rep", LanguageCode: "en"}); err != nil {
			l.t.Fatal(err)
		}
	}
}

// stream sends rounds [from, to), gap apart.
func (l *load) stream(from, to int, gap time.Duration) {
	for i := from; i < to; i++ {
		l.round(i)
		time.Sleep(gap)
	}
}

// readyz is the status of the app's /readyz (0 if it does not answer).
func (l *load) readyz() int {
	c := http.Client{Timeout: 5 * time.Second}
	res, err := c.Get("http://" + l.app.addr + "/readyz")
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// settle waits until every update is done and every reply sent.
func (l *load) settle() {
	l.t.Helper()
	waitUntil(l.t, "every update done and every reply sent", 60*time.Second, func() (bool, string) {
		return inboxSettled(context.Background(), l.pool, loadChats*loadRounds)
	})
}

// check asserts one reply per message, in order, in every chat.
func (l *load) check() {
	l.t.Helper()
	for c := int64(firstLoadChat); c < firstLoadChat+loadChats; c++ {
		checkReplies(l.t, l.sb, c, loadRounds)
	}
}
