package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/pgcluster"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestRestoreDrill is the restore drill of docs/OPERATIONS.md, run on the
// real wiring of `crmbot run` against the sandbox with an injected clock:
//
//  1. A rep is onboarded through an invite, adds a customer, logs a call
//     with a follow-up due tomorrow at 10:00, searches twice and starts
//     adding a second customer (the bot asks for the name; the flow is open).
//  2. The app is stopped, the database dumped with `pg_dump -Fc` and the
//     original database dropped, so that only the dump is left. The rep
//     types the second customer's name while the bot is down.
//  3. The dump is restored with `pg_restore` into a new database and the
//     app started against it.
//
// Then: the name typed during the outage is taken by the open flow and the
// second customer is created; the rep's next searches are answered once
// each, and the second customer's flow gets as many bot messages per user
// message as the first one's did; nothing that was answered before the
// dump is answered again (the chat before the stop is unchanged, no update
// is processed again, no update queues more replies); the follow-up's
// reminder arrives once when the clock reaches it, not twice; and every
// Bot API call succeeded.
func TestRestoreDrill(t *testing.T) {
	t.Parallel()
	began := time.Now()
	ctx := context.Background()
	pgDump, pgRestore := pgClientTool(t, "pg_dump"), pgClientTool(t, "pg_restore")
	teh, err := time.LoadLocation("Asia/Tehran")
	if err != nil {
		t.Fatal(err)
	}
	// Sunday 22 November 2026, 12:30 in Tehran; the follow-up is due Monday
	// at 10:00, within working hours.
	clock := &fakeClock{t: time.Date(2026, 11, 22, 12, 30, 0, 0, teh)}
	due := time.Date(2026, 11, 23, 10, 0, 0, 0, teh)
	sb := sandbox.NewTest(t, sandbox.Options{Now: clock.Now, BotUsername: "crm_restore_bot", RateLimits: sandbox.RateLimits{Disabled: true}})
	t.Cleanup(func() { checkAllCallsOK(t, sb) })
	srcURL := pgtest.URL(t)
	cfg := config.Config{BotToken: sb.Token(), DatabaseURL: srcURL, APIURL: sb.BotAPIURL(), DefaultLocale: "en",
		TimeZone: "Asia/Tehran", PhoneRegion: "IR", GlobalRate: 1000, LogLevel: "warn"}
	opts := appOptions{Now: clock.Now, PollTimeout: time.Second, ChatInterval: 10 * time.Millisecond, SweepInterval: 100 * time.Millisecond}

	// 1. The rep's morning, on the original database.
	stop := runApp(t, cfg, opts, "app before the dump")
	src := openStore(t, srcURL, clock.Now)
	e := &e2e{t: t, sb: sb, db: src, clock: clock, ctx: ctx}
	u := e.user(7301, "Rep", "en")
	token, err := src.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleRep, TeamName: "Tehran North"})
	if err != nil {
		t.Fatal(err)
	}
	u.say("/start " + token)
	u.tap("ol:o:en")
	u.tap("oc:o:")
	u.tap("oz:o:0") // Asia/Tehran
	u.say(label(t, "en", "menu.new_customer"))
	u.say("علی کریمی")
	u.say("۰۹۱۲ ۳۴۵ ۶۷۸۹")
	u.say("نارنج")
	// A search ends the flow's last turn: taps are not messages, so what the
	// call's taps bring would count towards the company's turn (checkSameFlow).
	if card := u.say("علی کریمی"); !hasData(card, "lc:") {
		t.Fatalf("the search did not open the card:\n%s", card.Text)
	}
	u.tap("lc:")
	u.tap("ao:")
	u.voice(12)
	u.say("tomorrow 10am")
	var followUps int
	if err := src.Pool.QueryRow(ctx, `SELECT count(*) FROM follow_ups WHERE status = 'open' AND due_at = $1`, due).Scan(&followUps); err != nil || followUps != 1 {
		t.Fatalf("open follow-ups due %s: %d (%v), want 1\n%s", due, followUps, err, sb.Transcript(u.id).String())
	}
	probe(t, u, 0)
	probe(t, u, 1)
	u.say(label(t, "en", "menu.new_customer")) // the bot asks for the name
	waitSettled(t, src.Pool, sb)
	var flow string
	if err := src.Pool.QueryRow(ctx, `SELECT flow FROM conversation_state WHERE chat_id = $1`, u.id).Scan(&flow); err != nil {
		t.Fatalf("no open flow before the stop: %v", err)
	}
	stop()
	stopped := time.Now()
	before := sb.Transcript(u.id)
	processed := processedAt(t, src.Pool)
	repliesBefore := repliesPerUpdate(t, src.Pool)
	unconfirmed := 0
	for _, up := range sb.Updates() {
		if up.State == "returned" {
			unconfirmed++
		}
	}

	// 2. The dump; the original database goes away.
	dump := filepath.Join(t.TempDir(), "crm.dump")
	pgRun(t, pgDump, "--format=custom", "--file="+dump, "--dbname="+srcURL)
	src.Pool.Close()
	dropDatabase(t, srcURL)
	during, err := sb.SendText(u.id, "سارا احمدی", u.opts()) // the bot is down
	if err != nil {
		t.Fatal(err)
	}

	// 3. The restore, and the app on the restored database.
	dstURL := createDatabase(t, srcURL, "_restored")
	pgRun(t, pgRestore, "--exit-on-error", "--single-transaction", "--no-owner", "--dbname="+dstURL, dump)
	restored := time.Now()
	cfg.DatabaseURL = dstURL
	runApp(t, cfg, opts, "app on the restored database")
	dst := openStore(t, dstURL, clock.Now)
	e.db = dst
	t.Logf("app stopped, dumped and restored in %v (%d updates handed out but not confirmed at the stop)", restored.Sub(stopped).Round(time.Millisecond), unconfirmed)

	// The open flow takes the name typed during the outage.
	if got := u.settle(during.Seq); len(got) != 1 {
		t.Fatalf("the name typed while the bot was down got %d messages, want 1 (the next question):\n%s", len(got), sb.Transcript(u.id).String())
	}
	u.say("۰۹۱۲ ۱۱۱ ۲۲۳۳")
	u.say("ترنج")
	var second int
	if err := dst.Pool.QueryRow(ctx, `SELECT count(*) FROM customers WHERE name = 'سارا احمدی' AND company = 'ترنج'`).Scan(&second); err != nil || second != 1 {
		t.Fatalf("customers named سارا احمدی at ترنج after the restore: %d (%v), want 1\n%s", second, err, sb.Transcript(u.id).String())
	}
	probe(t, u, 2)
	probe(t, u, 3)
	waitSettled(t, dst.Pool, sb)

	// Nothing answered before the dump was answered again.
	after := sb.Transcript(u.id)
	if n := len(before.Messages); len(after.Messages) < n || !slices.EqualFunc(before.Messages, after.Messages[:n], sameMessage) {
		t.Errorf("the chat before the stop changed after the restore:\nbefore:\n%s\nafter:\n%s", before.String(), after.String())
	}
	processedNow := processedAt(t, dst.Pool)
	for id, at := range processed {
		if now, ok := processedNow[id]; !ok || !now.Equal(at) {
			t.Errorf("update %d: processed at %v before the dump, %v (present %v) after the restore; want it untouched", id, at, now, ok)
		}
	}
	for id, n := range repliesPerUpdate(t, dst.Pool) {
		if old, ok := repliesBefore[id]; ok && n != old {
			t.Errorf("update %d: %d replies queued before the dump, %d after the restore", id, old, n)
		}
	}
	checkUpdatesOnce(t, dst.Pool, sb)
	checkSameFlow(t, after, label(t, "en", "menu.new_customer"), 4)

	// The reminder: not early, once at 10:00, not again.
	mark := sb.Seq()
	calls := len(sb.Calls(sandbox.CallFilter{}))
	clock.Set(due.Add(-time.Minute))
	time.Sleep(time.Second)
	if tr := sb.TranscriptSince(u.id, mark); len(tr.Messages) != 0 {
		t.Fatalf("reminder came early:\n%s", tr.String())
	}
	clock.Set(due)
	rem := u.wait(mark, sandbox.TextContains("علی کریمی"))
	if !hasData(rem, "fd:") {
		t.Fatalf("the reminder lacks its Done button: %s %v", rem.Text, rem.ButtonLabels())
	}
	clock.Set(due.Add(2 * time.Minute))
	time.Sleep(1500 * time.Millisecond)
	if got := sb.TranscriptSince(u.id, mark).Messages; len(got) != 1 {
		t.Errorf("after the reminder came due the chat got %d messages, want the reminder once:\n%s", len(got), sb.TranscriptSince(u.id, mark).String())
	}
	var sends int
	for _, c := range sb.Calls(sandbox.CallFilter{})[calls:] {
		if c.Method == "sendMessage" && strings.Contains(c.Params["text"], "علی کریمی") {
			sends++
		}
	}
	if sends != 1 {
		t.Errorf("the reminder was sent %d times, want once", sends)
	}
	var sent int
	if err := dst.Pool.QueryRow(ctx, `SELECT count(*) FROM sends WHERE chat_id = $1 AND status = 'sent'`, u.id).Scan(&sent); err != nil || sent != 1 {
		t.Errorf("sends records %d notifications sent to the rep (%v), want the reminder alone", sent, err)
	}
	t.Logf("drill took %v", time.Since(began).Round(time.Millisecond))
}

// probe sends the i-th customer search that finds nobody and checks that
// the bot answers it with exactly one message quoting it.
func probe(t *testing.T, u *user, i int) {
	t.Helper()
	q := searchQuery(u.id, i)
	s, err := u.e.sb.SendText(u.id, q, u.opts())
	if err != nil {
		t.Fatal(err)
	}
	got := u.settle(s.Seq)
	if len(got) != 1 || !strings.Contains(got[0].Text, "“"+q+"”") {
		t.Fatalf("search %q: want one reply quoting it, got %d:\n%s", q, len(got), u.e.sb.TranscriptSince(u.id, s.Seq-1).String())
	}
}

// runApp runs the real wiring of `crmbot run` like startApp, and returns a
// function that stops it gracefully (as systemd's SIGTERM does) and waits
// for it; the drill stops the app in the middle of the test. It also stops
// when the test ends.
func runApp(t *testing.T, cfg config.Config, o appOptions, name string) (stop func()) {
	t.Helper()
	if err := cfg.Validate(config.FToken, config.FDatabase); err != nil {
		t.Fatal(err)
	}
	o.Logger = testLog(t, name)
	ready := make(chan struct{})
	o.OnReady = func(*app) { close(ready) }
	ctx, cancel := context.WithCancel(context.Background())
	a, err := newApp(ctx, cfg, o)
	if err != nil {
		cancel()
		t.Fatalf("%s: %v", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("%s stopped with %v", name, err)
			}
		})
	}
	t.Cleanup(stop)
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("%s did not start: %v", name, err)
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start in 30 s", name)
	}
	return stop
}

// openStore opens the test's own store on dbURL, closed when the test ends.
func openStore(t *testing.T, dbURL string, now func() time.Time) *postgres.DB {
	t.Helper()
	pool, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return postgres.New(pool, postgres.WithClock(now))
}

// pgClientTool finds a PostgreSQL client program (pg_dump, pg_restore) in
// the directory of the server binaries the throwaway cluster runs, so that
// its version matches the server's (pg_dump refuses a newer server), or
// else on PATH. A missing program fails the test with what to install.
func pgClientTool(t *testing.T, name string) string {
	t.Helper()
	if dir, err := pgcluster.FindBinDir(); err == nil {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	t.Fatalf("%s not found: install Debian's postgresql-client (apt-get install -y postgresql-client)", name)
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// pgRun runs a PostgreSQL client program and fails the test with its
// output if it fails.
func pgRun(t *testing.T, prog string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, prog, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(prog), strings.Join(redactArgs(args), " "), err, out)
	}
}

func redactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if k, v, ok := strings.Cut(a, "="); ok && k == "--dbname" {
			if u, err := url.Parse(v); err == nil {
				a = k + "=" + u.Redacted()
			}
		}
		out[i] = a
	}
	return out
}

var restoredDBs atomic.Int64

// createDatabase creates an empty database (from template0, as pg_restore
// wants) on the server of like, named after like's database plus suffix,
// dropped when the test ends, and returns its URL.
func createDatabase(t *testing.T, like, suffix string) string {
	t.Helper()
	u, err := url.Parse(like)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("%s%s_%d", strings.TrimPrefix(u.Path, "/"), suffix, restoredDBs.Add(1))
	admin(t, like, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE template0")
	u.Path = "/" + name
	dbURL := u.String()
	t.Cleanup(func() { dropDatabase(t, dbURL) })
	return dbURL
}

// dropDatabase drops the database of dbURL, closing its other sessions.
func dropDatabase(t *testing.T, dbURL string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	admin(t, dbURL, "DROP DATABASE IF EXISTS "+pgx.Identifier{strings.TrimPrefix(u.Path, "/")}.Sanitize()+" WITH (FORCE)")
}

// admin runs sql on the maintenance database of dbURL's server.
func admin(t *testing.T, dbURL, sql string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/postgres"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// waitSettled waits until every update the sandbox made is stored and done
// and every reply is sent: nothing more is on its way to the chat.
func waitSettled(t *testing.T, pool *pgxpool.Pool, sb *sandbox.Server) {
	t.Helper()
	waitUntil(t, "every update done and every reply sent", 20*time.Second, func() (bool, string) {
		return inboxSettled(context.Background(), pool, len(sb.Updates()))
	})
}

// checkUpdatesOnce asserts that update_inbox holds every update the sandbox
// made, done, and nothing else (update_id is its key, so none twice).
func checkUpdatesOnce(t *testing.T, pool *pgxpool.Pool, sb *sandbox.Server) {
	t.Helper()
	var ids []int64
	for _, up := range sb.Updates() {
		ids = append(ids, up.UpdateID)
	}
	checkInbox(t, pool, ids)
}

// processedAt maps each update in update_inbox to when it was processed;
// an update processed again would show a later time.
func processedAt(t *testing.T, pool *pgxpool.Pool) map[int64]time.Time {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT update_id, processed_at FROM update_inbox WHERE processed_at IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]time.Time{}
	var id int64
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&id, &at}, func() error { out[id] = at; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// repliesPerUpdate counts the outbox rows each update queued.
func repliesPerUpdate(t *testing.T, pool *pgxpool.Pool) map[int64]int {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT update_id, count(*) FROM outbox WHERE update_id IS NOT NULL GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int{}
	var id int64
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&id, &n}, func() error { out[id] = n; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// turns counts, for each user message of a transcript, the bot messages
// that follow it before the next user message (what a button tap brings
// counts towards the message before the tap).
func turns(tr sandbox.Transcript) (said []string, replies []int) {
	for _, m := range tr.Messages {
		switch {
		case m.From == "user":
			said, replies = append(said, m.Text), append(replies, 0)
		case !m.Deleted && len(replies) > 0:
			replies[len(replies)-1]++
		}
	}
	return said, replies
}

// checkSameFlow asserts that the last time the user sent start, the bot
// answered that message and the n-1 after it with as many messages each as
// the first time: a restored flow is answered as the original was, none of
// its replies lost or doubled.
func checkSameFlow(t *testing.T, tr sandbox.Transcript, start string, n int) {
	t.Helper()
	said, replies := turns(tr)
	first, last := slices.Index(said, start), -1
	for i, s := range said {
		if s == start {
			last = i
		}
	}
	if first < 0 || first == last || last+n > len(said) {
		t.Fatalf("the chat does not hold %q twice followed by %d messages:\n%s", start, n-1, tr.String())
	}
	if a, b := replies[first:first+n], replies[last:last+n]; !slices.Equal(a, b) {
		t.Errorf("bot messages per user message: %v the first time, %v after the restore; want the same:\n%s", a, b, tr.String())
	}
}

// sameMessage compares two transcript entries as the user sees them.
func sameMessage(a, b sandbox.Entry) bool {
	return a.MessageID == b.MessageID && a.From == b.From && a.Text == b.Text && a.Caption == b.Caption &&
		a.EditCount == b.EditCount && a.Deleted == b.Deleted && string(a.ReplyMarkup) == string(b.ReplyMarkup)
}

// checkAllCallsOK fails the test on any Bot API call the sandbox refused:
// a refused reply is a user who sees nothing.
func checkAllCallsOK(t *testing.T, sb *sandbox.Server) {
	for _, c := range sb.Calls(sandbox.CallFilter{}) {
		if !c.OK {
			t.Errorf("the sandbox refused %s (%d %s) with %v", c.Method, c.ErrorCode, c.Description, c.Params)
		}
	}
}
