package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// update builds a message update's JSON.
func update(id, chat int64, text string) postgres.InboxUpdate {
	raw := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"U"},"text":%q}}`,
		id, id, chat, chat, text)
	u, err := inbox.ParseUpdate([]byte(raw))
	if err != nil {
		panic(err)
	}
	return u
}

func setup(t *testing.T) (*pgxpool.Pool, *postgres.DB) {
	t.Helper()
	pool := pgtest.DB(t)
	if _, err := pool.Exec(context.Background(), `CREATE TABLE handled (seq bigint GENERATED ALWAYS AS IDENTITY, update_id bigint UNIQUE, chat_id bigint)`); err != nil {
		t.Fatal(err)
	}
	return pool, postgres.New(pool)
}

// record is a handler that writes each update it handles in the update's
// transaction; a duplicate would violate the unique constraint.
func record(ctx context.Context, u *models.Update) error {
	tx, ok := postgres.TxFrom(ctx)
	if !ok {
		return errors.New("no transaction")
	}
	_, err := tx.Exec(ctx, `INSERT INTO handled (update_id, chat_id) VALUES ($1, $2)`, u.ID, u.Message.Chat.ID)
	return err
}

func runFor(t *testing.T, ctx context.Context, run func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); run(ctx) }()
	return func() { cancel(); <-done }
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

// Two dispatchers (as two replicas) on one database: every update is
// handled exactly once, each chat's in update_id order, even though the
// handler fails at random (its writes roll back and the update is retried).
func TestDispatcherOrderOnceAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	pool, db := setup(t)
	const chats, per = 12, 15
	var ups []postgres.InboxUpdate
	id := int64(1000)
	for i := 0; i < per; i++ {
		for c := int64(1); c <= chats; c++ {
			id++
			ups = append(ups, update(id, c, "hi"))
		}
	}
	if _, err := db.InsertUpdates(ctx, ups); err != nil {
		t.Fatal(err)
	}
	// Inserting again is a no-op: duplicates by update_id are dropped.
	if n, err := db.InsertUpdates(ctx, ups[:10]); err != nil || n != 0 {
		t.Fatalf("re-insert: n=%d err=%v, want 0 new", n, err)
	}
	var calls atomic.Int64
	flaky := inbox.HandlerFunc(func(ctx context.Context, u *models.Update) error {
		if err := record(ctx, u); err != nil {
			return err
		}
		if calls.Add(1)%7 == 0 {
			return errors.New("flaky") // after the write: it must roll back
		}
		return nil
	})
	opts := inbox.DispatcherOptions{Workers: 4, Backoff: time.Millisecond, MaxAttempts: 100, PollInterval: 20 * time.Millisecond, Logger: quiet()}
	stop1 := runFor(t, ctx, inbox.NewDispatcher(db, flaky, pool, opts).Run)
	stop2 := runFor(t, ctx, inbox.NewDispatcher(db, flaky, pool, opts).Run)
	defer stop1()
	defer stop2()
	waitFor(t, "all updates handled", 20*time.Second, func() bool {
		_, done, _, err := db.InboxCounts(ctx)
		return err == nil && done == len(ups)
	})
	rows, err := pool.Query(ctx, `SELECT chat_id, update_id FROM handled ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	last := map[int64]int64{}
	n := 0
	for rows.Next() {
		var c, u int64
		rows.Scan(&c, &u)
		if u <= last[c] {
			t.Errorf("chat %d: update %d handled after %d", c, u, last[c])
		}
		last[c] = u
		n++
	}
	if n != len(ups) {
		t.Fatalf("handled %d updates, want %d", n, len(ups))
	}
	if calls.Load() <= int64(len(ups)) {
		t.Fatalf("handler called %d times: the flaky failures did not happen", calls.Load())
	}
}

// A poison update is retried MaxAttempts times, then parked with its error,
// and its chat's later updates go on.
func TestDispatcherParksPoison(t *testing.T) {
	ctx := context.Background()
	pool, db := setup(t)
	ups := []postgres.InboxUpdate{update(1, 7, "ok"), update(2, 7, "poison"), update(3, 7, "ok")}
	if _, err := db.InsertUpdates(ctx, ups); err != nil {
		t.Fatal(err)
	}
	var poisonCalls atomic.Int64
	h := inbox.HandlerFunc(func(ctx context.Context, u *models.Update) error {
		if u.Message.Text == "poison" {
			poisonCalls.Add(1)
			panic("boom")
		}
		return record(ctx, u)
	})
	var parked []int64
	var mu sync.Mutex
	d := inbox.NewDispatcher(db, h, nil, inbox.DispatcherOptions{Workers: 1, MaxAttempts: 3, Backoff: time.Millisecond, Logger: quiet(),
		OnParked: func(_ context.Context, u postgres.InboxUpdate) {
			mu.Lock()
			parked = append(parked, u.UpdateID)
			mu.Unlock()
		}})
	for i := 0; i < 20; i++ {
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Millisecond) // let the tiny backoff pass
	}
	var status, lastErr string
	var attempts int
	if err := pool.QueryRow(ctx, `SELECT status, attempts, last_error FROM update_inbox WHERE update_id = 2`).Scan(&status, &attempts, &lastErr); err != nil {
		t.Fatal(err)
	}
	if status != "parked" || attempts != 3 || poisonCalls.Load() != 3 {
		t.Fatalf("poison: status %s attempts %d calls %d, want parked after 3", status, attempts, poisonCalls.Load())
	}
	if lastErr == "" {
		t.Fatal("parked update has no last_error")
	}
	if mu.Lock(); len(parked) != 1 || parked[0] != 2 {
		t.Fatalf("OnParked heard %v, want [2] once (so the user is told)", parked)
	}
	mu.Unlock()
	var handled int
	pool.QueryRow(ctx, `SELECT count(*) FROM handled WHERE update_id IN (1, 3)`).Scan(&handled)
	if handled != 2 {
		t.Fatalf("handled %d of the healthy updates, want 2", handled)
	}
}

// A failing update blocks the later updates of its own chat only (order),
// while other chats proceed.
func TestDispatcherFailureBlocksOnlyItsChat(t *testing.T) {
	ctx := context.Background()
	pool, _ := setup(t)
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	db := postgres.New(pool, postgres.WithClock(clock))
	if _, err := db.InsertUpdates(ctx, []postgres.InboxUpdate{update(1, 1, "fail"), update(2, 1, "ok"), update(3, 2, "ok")}); err != nil {
		t.Fatal(err)
	}
	failing := true
	h := inbox.HandlerFunc(func(ctx context.Context, u *models.Update) error {
		if u.Message.Text == "fail" && failing {
			return errors.New("not yet")
		}
		return record(ctx, u)
	})
	d := inbox.NewDispatcher(db, h, nil, inbox.DispatcherOptions{Workers: 1, Backoff: time.Minute, Now: clock, Logger: quiet()})
	for i := 0; i < 5; i++ {
		d.RunOnce(ctx)
	}
	got := handledIDs(t, pool)
	if fmt.Sprint(got) != "[3]" {
		t.Fatalf("handled %v while chat 1's head fails, want [3]", got)
	}
	failing = false
	mu.Lock()
	now = now.Add(2 * time.Minute) // past the backoff, on the injected clock
	mu.Unlock()
	for i := 0; i < 5; i++ {
		d.RunOnce(ctx)
	}
	if got := handledIDs(t, pool); fmt.Sprint(got) != "[3 1 2]" {
		t.Fatalf("handled %v, want [3 1 2]", got)
	}
}

func handledIDs(t *testing.T, pool *pgxpool.Pool) []int64 {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT update_id FROM handled ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

// An update that arrives while its chat's previous one is being handled is
// handled as soon as that transaction commits, by the worker that held the
// chat: nobody can claim the chat meanwhile, and waiting for the next poll
// (an hour here) would leave the user without an answer.
func TestDispatcherTakesAnUpdateThatArrivedWhileHeld(t *testing.T) {
	ctx := context.Background()
	pool, db := setup(t)
	if _, err := db.InsertUpdates(ctx, []postgres.InboxUpdate{update(1, 5, "first")}); err != nil {
		t.Fatal(err)
	}
	inFirst, release := make(chan struct{}), make(chan struct{})
	h := inbox.HandlerFunc(func(ctx context.Context, u *models.Update) error {
		if u.Message.Text == "first" {
			close(inFirst)
			<-release
		}
		return record(ctx, u)
	})
	// No pool: no NOTIFY wakes a worker; only the poll would, once an hour.
	d := inbox.NewDispatcher(db, h, nil, inbox.DispatcherOptions{Workers: 2, PollInterval: time.Hour, Logger: quiet()})
	stop := runFor(t, ctx, d.Run)
	defer stop()
	<-inFirst
	if _, err := db.InsertUpdates(ctx, []postgres.InboxUpdate{update(2, 5, "second")}); err != nil {
		t.Fatal(err)
	}
	close(release)
	waitFor(t, "the second update handled", 5*time.Second, func() bool { return len(handledIDs(t, pool)) == 2 })
	if got := handledIDs(t, pool); fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("handled %v, want [1 2]", got)
	}
}
