package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// A replica waiting for another one's stuck migration gives up after the
// wait with an error that says what to look at, instead of blocking for
// ever.
func TestMigrationLockWaitIsBounded(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	ctx := context.Background()
	holder, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	if _, err := holder.Exec(ctx, "SELECT pg_advisory_lock($1)", postgres.MigrateLockKey); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	err = postgres.WithMigrationLock(ctx, url, 300*time.Millisecond, func(*pgx.Conn) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "migration lock") || !strings.Contains(err.Error(), "stuck") {
		t.Fatalf("waiting for a held migration lock: %v", err)
	}
	if waited := time.Since(began); waited > 5*time.Second {
		t.Errorf("gave up after %v, want about the wait", waited)
	}
	if _, err := holder.Exec(ctx, "SELECT pg_advisory_unlock($1)", postgres.MigrateLockKey); err != nil {
		t.Fatal(err)
	}
	if err := postgres.WithMigrationLock(ctx, url, time.Second, func(*pgx.Conn) error { return nil }); err != nil {
		t.Fatalf("the free lock: %v", err)
	}
}

// Every statement of the app's pool is bounded, so a query stuck behind a
// lock cannot hold an update (or a reply) for ever.
func TestPoolBoundsStatements(t *testing.T) {
	t.Parallel()
	pool, err := postgres.Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var st, idle string
	if err := pool.QueryRow(context.Background(), "SELECT current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout')").Scan(&st, &idle); err != nil {
		t.Fatal(err)
	}
	if st != "30s" || idle != "1min" {
		t.Errorf("statement_timeout %q, idle_in_transaction_session_timeout %q; want 30s and 1min", st, idle)
	}
}
