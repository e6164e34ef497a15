package schedule_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/schedule"
)

// The risk sweep over 100,000 customers (issue 14: ≤ 5 s).
//
//	go test -run '^$' -bench RiskSweep -benchtime 3x ./internal/schedule/
//
// Seeds 100 reps and 100,000 customers with 3–6 invoices each (COPY), all
// value rows stale as after an import, then times a full sweep: every
// stale row recomputed, the segments ranked, the risk flags set and the
// win-back follow-ups planned, as many RunOnce calls as it takes until
// nothing is stale. It reports the sweep's milliseconds, the RunOnce calls
// and what they did.

const (
	benchReps      = 100
	benchCustomers = 100_000
)

// seedRisk fills the database with the reps, customers and invoices, the
// value rows stale, and returns when "now" is.
func seedRisk(tb testing.TB, pool *pgxpool.Pool) time.Time {
	tb.Helper()
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	var staff [][]any
	for i := range benchReps {
		staff = append(staff, []any{int64(10_000 + i), fmt.Sprintf("Rep %03d", i), "rep", "fa", "Asia/Tehran", true})
	}
	_, err := pool.CopyFrom(ctx, pgx.Identifier{"staff"}, []string{"telegram_user_id", "display_name", "role", "locale", "time_zone", "onboarded"}, pgx.CopyFromRows(staff))
	must(err)
	var reps []int64
	rows, err := pool.Query(ctx, `SELECT id FROM staff ORDER BY id`)
	must(err)
	reps, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	must(err)
	var stage int64
	must(pool.QueryRow(ctx, `SELECT id FROM stages WHERE template = 'ladder' AND key = 'repeat'`).Scan(&stage))
	n := 0
	_, err = pool.CopyFrom(ctx, pgx.Identifier{"customers"}, []string{"name", "name_norm", "owner_id", "stage_id"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == benchCustomers {
				return nil, nil
			}
			n++
			name := fmt.Sprintf("Customer %06d", n)
			return []any{name, name, reps[n%len(reps)], stage}, nil
		}))
	must(err)
	rows, err = pool.Query(ctx, `SELECT id FROM customers ORDER BY id`)
	must(err)
	custs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	must(err)
	// Each customer buys every 10–60 days; the last invoice is up to four
	// intervals ago, so about a third are at risk and a fifth lapsed.
	rng := rand.New(rand.NewPCG(14, 14))
	var purchases [][]any
	for _, c := range custs {
		gap := time.Duration(10+rng.IntN(51)) * 24 * time.Hour
		last := now.Add(-time.Duration(rng.Float64() * 4 * float64(gap)))
		k := 3 + rng.IntN(4)
		for j := range k {
			purchases = append(purchases, []any{c, "invoice", fmt.Sprintf("%d.00", 100_000+rng.IntN(9_900_000)), "IRR", "paid",
				last.Add(-time.Duration(j) * gap)})
		}
	}
	// As an import does: the rows are written by COPY and the trigger that
	// marks each customer's value stale runs row by row; marked here in one
	// statement instead, with the same result.
	_, err = pool.Exec(ctx, `ALTER TABLE purchases DISABLE TRIGGER purchases_value_stale`)
	must(err)
	_, err = pool.CopyFrom(ctx, pgx.Identifier{"purchases"}, []string{"customer_id", "kind", "amount", "currency", "status", "issued_at"}, pgx.CopyFromRows(purchases))
	must(err)
	_, err = pool.Exec(ctx, `ALTER TABLE purchases ENABLE TRIGGER purchases_value_stale`)
	must(err)
	_, err = pool.Exec(ctx, `INSERT INTO customer_values (customer_id, stale) SELECT DISTINCT customer_id, true FROM purchases`)
	must(err)
	_, err = pool.Exec(ctx, `ANALYZE`)
	must(err)
	return now
}

// resetRisk brings the data back to "just imported": every value row
// stale, no flag, no win-back planned.
func resetRisk(tb testing.TB, pool *pgxpool.Pool) {
	tb.Helper()
	ctx := context.Background()
	for _, sql := range []string{
		`DELETE FROM follow_ups`,
		`UPDATE customer_values SET stale = true, risk = '', segment = '', winback_at = NULL, winback_id = NULL, relation_at = NULL`,
		`VACUUM ANALYZE customer_values`,
		`VACUUM ANALYZE follow_ups`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			tb.Fatal(err)
		}
	}
}

func BenchmarkRiskSweep100k(b *testing.B) {
	pool := pgtest.DB(b)
	start := time.Now()
	now := seedRisk(b, pool)
	b.Logf("seeded %d customers and their invoices in %v", benchCustomers, time.Since(start).Round(time.Millisecond))
	db := postgres.New(pool)
	sweep := schedule.Risk{Store: db, Locale: "fa", Note: func(_ context.Context, kind string, _, _ int64) string { return kind }}
	ctx := context.Background()
	run := func(b *testing.B, at time.Time) schedule.RiskReport {
		b.Helper()
		t0 := time.Now()
		rep, err := sweep.RunOnce(ctx, at)
		if err != nil {
			b.Fatal(err)
		}
		load, _ := os.ReadFile("/proc/loadavg")
		b.Logf("one sweep: %v: %d recomputed, %d segments changed, %d risk flags changed, %d win-backs planned; load %s",
			time.Since(t0).Round(time.Millisecond), rep.Refreshed, rep.Segmented, rep.RiskChanged, rep.WinBacks, string(load[:min(len(load), 14)]))
		return rep
	}
	// After an import: every value row stale, no flag, no win-back yet.
	b.Run("imported", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			resetRisk(b, pool)
			b.StartTimer()
			rep := run(b, now)
			b.StopTimer()
			if rep.Refreshed != benchCustomers || rep.WinBacks == 0 {
				b.Fatalf("the sweep left work: %+v", rep)
			}
			if again, err := sweep.RunOnce(ctx, now); err != nil || again.Refreshed != 0 || again.WinBacks != 0 {
				b.Fatalf("a second sweep found more to do: %+v, %v", again, err)
			}
			b.StartTimer()
		}
	})
	// An hour later: 1 % of the customers bought again since the last sweep.
	b.Run("hourly", func(b *testing.B) {
		at := now
		rng := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			b.StopTimer()
			at = at.Add(time.Hour)
			var rows [][]any
			for range benchCustomers / 100 {
				rows = append(rows, []any{int64(1 + rng.IntN(benchCustomers)), "invoice", "250000.00", "IRR", "paid", at.Add(-time.Minute)})
			}
			if _, err := pool.CopyFrom(ctx, pgx.Identifier{"purchases"}, []string{"customer_id", "kind", "amount", "currency", "status", "issued_at"}, pgx.CopyFromRows(rows)); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			run(b, at)
		}
	})
}
