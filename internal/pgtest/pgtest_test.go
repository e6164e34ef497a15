package pgtest_test

import (
	"context"
	"testing"

	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

func TestDBIsMigratedAndIsolated(t *testing.T) {
	ctx := context.Background()
	a, b := pgtest.DB(t), pgtest.DB(t)
	var stages int
	if err := a.QueryRow(ctx, "SELECT count(*) FROM stages WHERE template = 'ladder'").Scan(&stages); err != nil {
		t.Fatal(err)
	}
	if stages != 10 {
		t.Fatalf("ladder stages: got %d, want 10", stages)
	}
	if _, err := a.Exec(ctx, "INSERT INTO teams (name) VALUES ('north')"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM teams").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("second database sees %d teams of the first; want isolation", n)
	}
	var ext string
	if err := a.QueryRow(ctx, "SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'").Scan(&ext); err != nil {
		t.Fatalf("pg_trgm not installed: %v", err)
	}
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	var applied []string
	logf := func(format string, args ...any) { applied = append(applied, format) }
	if err := postgres.Migrate(ctx, url, logf); err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("migrating an up-to-date database applied %d steps", len(applied))
	}
	st, err := postgres.Status(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if !st.UpToDate() || st.Version < 2 || st.RiverVersion == 0 {
		t.Fatalf("status after migrate: %+v", st)
	}
}

func TestMigrateEmptyDatabaseTwice(t *testing.T) {
	ctx := context.Background()
	c := pgtest.NewCluster(t) // NewCluster migrates its "postgres" database once
	if err := postgres.Migrate(ctx, c.URL("postgres"), nil); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	st, err := postgres.Status(ctx, c.URL("postgres"))
	if err != nil || !st.UpToDate() {
		t.Fatalf("status: %+v, %v", st, err)
	}
	// The cluster survives a crash and restart with its data.
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	st, err = postgres.Status(ctx, c.URL("postgres"))
	if err != nil || !st.UpToDate() {
		t.Fatalf("status after restart: %+v, %v", st, err)
	}
}
