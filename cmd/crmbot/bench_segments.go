package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
)

// The segments benchmark (`crmbot bench -scenario segments`): 100,000
// customers of 200 reps in 20 teams, with tags, cities, Telegram links
// and value rows, seeded with COPY into a database of its own. It measures
// a campaign builder's count and sample (what every tap of the builder
// runs) for an admin, a manager and a rep over several filter
// combinations, p50/p95 of 30 runs each, against the budget of 100 ms at
// p95, with the server's execution time of one EXPLAIN ANALYZE run each,
// and prints the plans of each viewer's slowest combination.

const (
	segmentsDatabase   = "crmbot_bench_segments"
	segmentsTeams      = 20
	segmentsReps       = 10 // per team
	segmentsCustomers  = 100_000
	segmentsRuns       = 30
	segmentsBudget     = 100 * time.Millisecond
	segmentsFirstStaff = 820_000_000
)

var segmentsNow = time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)

var (
	segmentsTags   = []string{"cheese", "wine", "bread", "coffee", "tea", "olive", "saffron", "dates", "pistachio", "honey", "rice", "spice"}
	segmentsCities = []string{"Tehran", "Shiraz", "Tabriz", "Mashhad", "Isfahan", "Karaj", "Qom", "Ahvaz", "Rasht", "Kerman", "Dubai", "Riyadh", "Jeddah", "Doha", "London"}
)

func benchSegments(ctx context.Context, url string, w io.Writer) error {
	dbURL, err := freshDatabase(ctx, url, segmentsDatabase)
	if err != nil {
		return err
	}
	if err := postgres.Migrate(ctx, dbURL, nil); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SET statement_timeout = 0`); err != nil {
		return err
	}
	start := time.Now()
	viewers, stages, err := seedSegments(ctx, conn)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(w, "segments: seeded %d customers of %d reps in %d teams in %v\n", segmentsCustomers, segmentsTeams*segmentsReps,
		segmentsTeams, time.Since(start).Round(time.Millisecond))
	db := postgres.New(pool, postgres.WithClock(func() time.Time { return segmentsNow }))
	combos := []struct {
		name string
		a    crm.Audience
	}{
		{"no filter", crm.Audience{}},
		{"one tag", crm.Audience{Tags: []string{"cheese"}}},
		{"city", crm.Audience{City: "shiraz"}},
		{"two stages, two tags, linked", crm.Audience{Stages: stages[:2], Tags: []string{"wine", "tea"}, Linked: crm.LinkedYes}},
		{"top value, linked", crm.Audience{Value: crm.SegmentTop, Linked: crm.LinkedYes}},
		{"at risk, bought before 90 days", crm.Audience{AtRisk: true, BoughtBefore: segmentsNow.AddDate(0, 0, -90)}},
		{"everything", crm.Audience{Stages: stages[:3], Tags: []string{"cheese", "saffron"}, City: "Tehran", Value: crm.SegmentMiddle,
			BoughtAfter: segmentsNow.AddDate(-1, 0, 0), BoughtBefore: segmentsNow.AddDate(0, 0, -30), Linked: crm.LinkedNo}},
	}
	fmt.Fprintf(w, "segments: count + sample, %d runs each (load %s)\n", segmentsRuns, loadAvg())
	fmt.Fprintf(w, "%-8s %-34s %8s %10s %10s %10s %12s\n", "viewer", "filters", "matches", "p50", "p95", "budget", "server exec")
	over := 0
	for _, v := range viewers {
		var worst time.Duration
		var worstA crm.Audience
		for _, c := range combos {
			var ds []time.Duration
			var n crm.AudienceCount
			for range segmentsRuns {
				t0 := time.Now()
				if n, err = db.AudienceCount(ctx, v, c.a); err != nil {
					return err
				}
				if _, err := db.AudienceSample(ctx, v, c.a); err != nil {
					return err
				}
				ds = append(ds, time.Since(t0))
			}
			slices.Sort(ds)
			p95 := ds[len(ds)*95/100]
			verdict := "ok"
			if p95 > segmentsBudget {
				verdict, over = "OVER", over+1
			}
			if p95 > worst {
				worst, worstA = p95, c.a
			}
			plans, err := db.AudiencePlans(ctx, v, c.a)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%-8s %-34s %8d %10v %10v %10s %12s\n", v.Role, c.name, n.Total, ds[len(ds)/2].Round(10*time.Microsecond),
				p95.Round(10*time.Microsecond), verdict, executionTime(plans))
		}
		plans, err := db.AudiencePlans(ctx, v, worstA)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "segments: plans of the %s's slowest combination (count, then sample):\n", v.Role)
		for _, p := range plans {
			fmt.Fprintln(w, indent(p))
		}
	}
	if over > 0 {
		return fmt.Errorf("%d combinations over the p95 budget of %v", over, segmentsBudget)
	}
	fmt.Fprintf(w, "segments: every combination within p95 %v\n", segmentsBudget)
	return nil
}

// executionTime is the server's own time for count + sample, from their
// EXPLAIN ANALYZE (less sensitive to a loaded machine's queueing than the
// wall clock).
func executionTime(plans []string) string {
	var total float64
	for _, p := range plans {
		if i := strings.LastIndex(p, "Execution Time: "); i >= 0 {
			var ms float64
			if _, err := fmt.Sscanf(p[i+len("Execution Time: "):], "%f", &ms); err == nil {
				total += ms
			}
		}
	}
	return fmt.Sprintf("%.1fms", total)
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }

// seedSegments seeds the staff and customers, and returns an admin, a
// manager and a rep to measure as, and the ladder's stages.
func seedSegments(ctx context.Context, conn *pgx.Conn) ([]crm.Staff, []int64, error) {
	rnd := rand.New(rand.NewPCG(14, 14))
	var teams []int64
	for i := range segmentsTeams {
		var id int64
		if err := conn.QueryRow(ctx, `INSERT INTO teams (name) VALUES ($1) RETURNING id`, fmt.Sprintf("Team %02d", i+1)).Scan(&id); err != nil {
			return nil, nil, err
		}
		teams = append(teams, id)
	}
	staffRows := [][]any{{int64(segmentsFirstStaff), "Admin", "admin", nil, "fa", true}}
	for i, t := range teams {
		staffRows = append(staffRows, []any{int64(segmentsFirstStaff + 1 + i), fmt.Sprintf("Manager %02d", i+1), "manager", t, "fa", true})
		for r := range segmentsReps {
			staffRows = append(staffRows, []any{int64(segmentsFirstStaff + 1000 + i*segmentsReps + r), fmt.Sprintf("Rep %02d-%02d", i+1, r+1), "rep", t, "fa", true})
		}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"staff"}, []string{"telegram_user_id", "display_name", "role", "team_id", "locale", "onboarded"},
		pgx.CopyFromRows(staffRows)); err != nil {
		return nil, nil, err
	}
	ids := func(sql string) ([]int64, error) {
		rows, err := conn.Query(ctx, sql)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	reps, err := ids(`SELECT id FROM staff WHERE role = 'rep' ORDER BY id`)
	if err != nil {
		return nil, nil, err
	}
	stages, err := ids(`SELECT id FROM stages WHERE template = 'ladder' AND NOT archived ORDER BY position`)
	if err != nil {
		return nil, nil, err
	}
	ago := func(days int) time.Time {
		return segmentsNow.Add(-time.Duration(rnd.Int64N(int64(days) * int64(24*time.Hour))))
	}
	i := 0
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"customers"}, []string{"name", "name_norm", "owner_id", "stage_id", "city", "tags",
		"telegram_user_id", "telegram_linked_at", "consent_at", "opted_out_at", "chat_locale", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == segmentsCustomers {
				return nil, nil
			}
			i++
			name := fmt.Sprintf("Customer %06d", i)
			var owner any = reps[rnd.IntN(len(reps))]
			if i%50 == 0 {
				owner = nil // the pool
			}
			tags := []string{}
			for range rnd.IntN(4) {
				if t := segmentsTags[min(len(segmentsTags)-1, int(rnd.ExpFloat64()*3))]; !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
			var tg, linked, consent, optOut, locale any
			if rnd.IntN(10) < 3 {
				tg, linked, locale = int64(900_000_000+i), ago(300), []string{"fa", "ar", "en"}[rnd.IntN(3)]
				if rnd.IntN(10) < 9 {
					consent = linked
				}
				if rnd.IntN(20) == 0 {
					optOut = ago(30)
				}
			}
			return []any{name, strings.ToLower(name), owner, stages[min(len(stages)-1, int(rnd.ExpFloat64()*1.3))],
				segmentsCities[rnd.IntN(len(segmentsCities))], tags, tg, linked, consent, optOut, locale, ago(700)}, nil
		}))
	if err != nil {
		return nil, nil, err
	}
	// Six in ten bought: a value row each, a segment, and some at risk.
	if _, err := conn.Exec(ctx, `INSERT INTO customer_values (customer_id, stale, segment, risk, ltv, invoices, last_invoice_at, interval_seconds)
		SELECT id, false, (ARRAY['top', 'middle', 'middle', 'low', 'low'])[1 + (id % 5)],
			CASE WHEN id % 7 = 0 THEN 'at_risk' WHEN id % 23 = 0 THEN 'lapsed' ELSE '' END,
			1000 * (id % 97), 1 + id % 9, $1::timestamptz - make_interval(days => (id * 37 % 365)::int), 2592000
		FROM customers WHERE id % 10 < 6`, segmentsNow); err != nil {
		return nil, nil, err
	}
	if _, err := conn.Exec(ctx, `VACUUM ANALYZE customers`); err != nil {
		return nil, nil, err
	}
	if _, err := conn.Exec(ctx, `VACUUM ANALYZE customer_values`); err != nil {
		return nil, nil, err
	}
	var viewers []crm.Staff
	for _, role := range []string{"admin", "manager", "rep"} {
		var s crm.Staff
		var team *int64
		if err := conn.QueryRow(ctx, `SELECT id, role, team_id FROM staff WHERE role = $1 ORDER BY id LIMIT 1`, role).Scan(&s.ID, &s.Role, &team); err != nil {
			return nil, nil, err
		}
		if team != nil {
			s.TeamID = *team
		}
		s.Active = true
		viewers = append(viewers, s)
	}
	return viewers, stages, nil
}
