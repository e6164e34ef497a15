package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/bot"
	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/postgres"
)

// The digest benchmark (`crmbot bench -scenario digest`): 20 managers of
// 20 teams of 10 reps, 20,000 customers, 1,000,000 activities over 120
// days, their stage moves, follow-ups, important dates and survey
// answers, seeded with COPY into a database of its own. It measures one
// manager's digest data (the scheduled digest's query set, p50/p95 over
// every manager five times), then all 20 scheduled digests built, text and
// chart, through the bot's own renderers, and prints the plans of the
// digest's queries for one manager.

const (
	digestDatabase      = "crmbot_bench_digest"
	digestTeams         = 20
	digestRepsPerTeam   = 10
	digestCustomers     = 20_000
	digestActivities    = 1_000_000
	digestDays          = 120
	digestFirstManagers = 810_000_000
)

// digestNow is the benchmark's "now": a Saturday 08:00 in Tehran, the
// scheduled digest's time.
var digestNow = time.Date(2026, 12, 5, 4, 30, 0, 0, time.UTC)

func benchDigest(ctx context.Context, url string, w io.Writer) error {
	dbURL, err := freshDatabase(ctx, url, digestDatabase)
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
	start := time.Now()
	conn, err := pgx.Connect(ctx, dbURL) // COPY of a million rows outlasts the pool's statement timeout
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SET statement_timeout = 0`); err != nil {
		return err
	}
	managers, err := seedDigest(ctx, conn)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(w, "digest: seeded %d managers, %d reps, %d customers, %d activities in %v\n",
		digestTeams, digestTeams*digestRepsPerTeam, digestCustomers, digestActivities, time.Since(start).Round(time.Millisecond))
	db := postgres.New(pool, postgres.WithClock(func() time.Time { return digestNow }))
	queries := make([]digest.Query, len(managers))
	for i, id := range managers {
		m, err := db.StaffByID(ctx, id)
		if err != nil {
			return err
		}
		loc := m.Location()
		last := digestNow.Add(-24 * time.Hour)
		queries[i] = digest.Query{Scope: digest.Scope{TeamID: m.TeamID}, Period: digest.SinceLastPeriod(last, digestNow), Since: last,
			Now: digestNow, Loc: loc, Calendar: m.Calendar, Template: "ladder"}
	}
	// One manager's digest data, warm.
	for _, q := range queries {
		if _, err := db.DigestData(ctx, q); err != nil {
			return err
		}
	}
	var took []time.Duration
	for range 5 {
		for _, q := range queries {
			t0 := time.Now()
			if _, err := db.DigestData(ctx, q); err != nil {
				return err
			}
			took = append(took, time.Since(t0))
		}
	}
	slices.Sort(took)
	fmt.Fprintf(w, "digest: one manager's digest data (%d runs): p50 %v, p95 %v, max %v (target p95 ≤ 50 ms)\n",
		len(took), pct(took, 50).Round(10*time.Microsecond), pct(took, 95).Round(10*time.Microsecond), took[len(took)-1].Round(10*time.Microsecond))
	month := queries[0]
	month.Period = digest.PeriodOf(digest.ThisMonth, digestNow, month.Loc, "fa", calendar.Calendar(month.Calendar))
	t0 := time.Now()
	if _, err := db.DigestData(ctx, month); err != nil {
		return err
	}
	fmt.Fprintf(w, "digest: one manager's digest of this month (/digest): %v\n", time.Since(t0).Round(10*time.Microsecond))

	// All 20 scheduled digests, text and chart, through the bot's renderers.
	bundle, err := i18n.New("fa")
	if err != nil {
		return err
	}
	var mu sync.Mutex
	b := bot.New(bot.Deps{Store: db, Out: nopReplier{}, Notify: nopNotifier{}, I18n: bundle, Now: func() time.Time { return digestNow },
		DefaultLocale: "fa", OrgLocation: queries[0].Loc})
	rs := b.Renderers()
	t0 = time.Now()
	var textBytes, pngBytes int
	for _, id := range managers {
		for _, kind := range []string{outbound.KindDigest, outbound.KindDigestChart} {
			var tg int64
			if err := pool.QueryRow(ctx, `SELECT telegram_user_id FROM staff WHERE id = $1`, id).Scan(&tg); err != nil {
				return err
			}
			m, skip, err := rs[kind](ctx, outbound.Notification{Kind: kind, ChatID: tg, StaffID: id, RefID: id, Due: digestNow})
			if err != nil || skip {
				return fmt.Errorf("render %s for %d: %v (skip %v)", kind, id, err, skip)
			}
			mu.Lock()
			textBytes += len(m.Text)
			pngBytes += len(m.File)
			mu.Unlock()
		}
	}
	fmt.Fprintf(w, "digest: all %d scheduled digests built, text and chart, one after the other: %v (target ≤ 10 s; %d KB of text, %d KB of PNG)\n",
		len(managers), time.Since(t0).Round(time.Millisecond), textBytes/1024, pngBytes/1024)

	plans, err := db.DigestPlans(ctx, queries[0])
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "digest: the plans of one manager's digest queries (EXPLAIN ANALYZE):")
	for _, p := range plans {
		fmt.Fprintf(w, "--- %s\n%s\n", p.Name, p.Plan)
	}
	return nil
}

type nopReplier struct{}

func (nopReplier) Reply(context.Context, outbound.Message) error { return nil }

type nopNotifier struct{}

func (nopNotifier) Schedule(context.Context, outbound.Notification) error { return nil }

// seedDigest writes the benchmark's data with COPY and returns the
// managers' staff ids.
func seedDigest(ctx context.Context, pool *pgx.Conn) ([]int64, error) {
	rnd := rand.New(rand.NewPCG(13, 13))
	langs := []string{"fa", "ar", "en"}
	zones := map[string]string{"fa": "Asia/Tehran", "ar": "Asia/Riyadh", "en": "Europe/London"}
	cals := map[string]string{"fa": "jalali", "ar": "hijri", "en": "gregorian"}
	var teams []int64
	for i := range digestTeams {
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO teams (name) VALUES ($1) RETURNING id`, fmt.Sprintf("Team %02d", i+1)).Scan(&id); err != nil {
			return nil, err
		}
		teams = append(teams, id)
	}
	var staffRows [][]any
	for i, t := range teams {
		l := langs[i%3]
		staffRows = append(staffRows, []any{int64(digestFirstManagers + i), fmt.Sprintf("Manager %02d", i+1), "manager", t, l, cals[l], zones[l], true})
		for r := range digestRepsPerTeam {
			staffRows = append(staffRows, []any{int64(digestFirstManagers + 1000 + i*digestRepsPerTeam + r), fmt.Sprintf("Rep %02d-%02d", i+1, r+1), "rep", t, l, cals[l], zones[l], true})
		}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"staff"}, []string{"telegram_user_id", "display_name", "role", "team_id", "locale", "calendar", "time_zone", "onboarded"},
		pgx.CopyFromRows(staffRows)); err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, `UPDATE teams t SET manager_id = s.id FROM staff s WHERE s.team_id = t.id AND s.role = 'manager'`); err != nil {
		return nil, err
	}
	ids := func(sql string) ([]int64, error) {
		rows, err := pool.Query(ctx, sql)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	managers, err := ids(`SELECT id FROM staff WHERE role = 'manager' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	reps, err := ids(`SELECT id FROM staff WHERE role = 'rep' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	stages, err := ids(`SELECT id FROM stages WHERE template = 'ladder' AND kind IN ('open', 'won') ORDER BY position`)
	if err != nil {
		return nil, err
	}
	ago := func(maxDays int) time.Time {
		return digestNow.Add(-time.Duration(rnd.Int64N(int64(maxDays) * int64(24*time.Hour))))
	}
	var custRows [][]any
	for i := range digestCustomers {
		owner := reps[i%len(reps)]
		// Most customers low on the ladder, fewer higher up.
		st := stages[min(len(stages)-1, int(rnd.ExpFloat64()*1.3))]
		name := fmt.Sprintf("Customer %05d", i+1)
		custRows = append(custRows, []any{name, name, owner, st, ago(digestDays * 2)})
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"customers"}, []string{"name", "name_norm", "owner_id", "stage_id", "created_at"}, pgx.CopyFromRows(custRows)); err != nil {
		return nil, err
	}
	type cust struct{ id, owner int64 }
	rows, err := pool.Query(ctx, `SELECT id, owner_id FROM customers ORDER BY id`)
	if err != nil {
		return nil, err
	}
	custs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (cust, error) {
		var c cust
		return c, r.Scan(&c.id, &c.owner)
	})
	if err != nil {
		return nil, err
	}
	kinds := []string{"call", "call", "call", "call", "visit", "message", "note"}
	outcomes := []any{"reached", "reached", "no_answer", "busy", "call_back_later", "not_interested", "wrong_number"}
	n := 0
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"activities"}, []string{"customer_id", "staff_id", "kind", "outcome", "occurred_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == digestActivities {
				return nil, nil
			}
			n++
			c := custs[rnd.IntN(len(custs))]
			k := kinds[rnd.IntN(len(kinds))]
			var o any
			if k == "call" || k == "visit" {
				o = outcomes[rnd.IntN(len(outcomes))]
			}
			return []any{c.id, c.owner, k, o, ago(digestDays)}, nil
		})); err != nil {
		return nil, err
	}
	var moves, fus, dates, answers [][]any
	for _, c := range custs {
		for range 2 {
			from := rnd.IntN(len(stages))
			to := min(len(stages)-1, max(0, from+[]int{1, 1, 1, -1}[rnd.IntN(4)]))
			moves = append(moves, []any{c.id, stages[from], stages[to], c.owner, ago(digestDays)})
		}
		due := ago(digestDays)
		fus = append(fus, []any{c.id, c.owner, due.Add(time.Duration(rnd.IntN(72)) * time.Hour), "open", nil})
		for range 3 {
			due := ago(digestDays)
			fus = append(fus, []any{c.id, c.owner, due, "done", due.Add(time.Duration(rnd.IntN(48)-12) * time.Hour)})
		}
		d := calendar.FromTime(calendar.Jalali, ago(365))
		dates = append(dates, []any{c.id, "birthday", "jalali", int16(d.Month), int16(d.Day)})
		if rnd.IntN(10) == 0 {
			answers = append(answers, []any{int64(1), c.id, int16(rnd.IntN(11)), ago(digestDays)})
		}
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"stage_history"}, []string{"customer_id", "from_stage_id", "to_stage_id", "changed_by", "changed_at"}, pgx.CopyFromRows(moves)); err != nil {
		return nil, err
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"follow_ups"}, []string{"customer_id", "assignee_id", "due_at", "status", "done_at"}, pgx.CopyFromRows(fus)); err != nil {
		return nil, err
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"important_dates"}, []string{"customer_id", "kind", "calendar", "month", "day"}, pgx.CopyFromRows(dates)); err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO surveys (id, key, title, questions) OVERRIDING SYSTEM VALUE VALUES (1, 'csat', '{}', '[]')`); err != nil {
		return nil, err
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"survey_responses"}, []string{"survey_id", "customer_id", "score", "answered_at"}, pgx.CopyFromRows(answers)); err != nil {
		return nil, err
	}
	// A settled database: autovacuum would have set the visibility map
	// (index-only scans) and the statistics by the time a digest runs.
	if _, err := pool.Exec(ctx, `VACUUM (ANALYZE)`); err != nil {
		return nil, err
	}
	return managers, nil
}
