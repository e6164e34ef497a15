package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// digestFixture is a team of two reps (Amir, Bahar) and a rep of another
// team (Cyrus), with a known day of work: the digest's numbers are
// checked against it one by one.
type digestFixture struct {
	team, manager, amir, bahar, cyrus int64
	cA1, cA2, cA3, cB1, cC1           int64
	overdue                           int64
	from, now                         time.Time
}

func seedDigest(t *testing.T, pool *pgxpool.Pool, loc *time.Location) digestFixture {
	t.Helper()
	ctx := context.Background()
	var f digestFixture
	f.now = time.Date(2026, 12, 5, 8, 0, 0, 0, loc) // Saturday 14 Azar 1405, 08:00
	f.from = f.now.Add(-24 * time.Hour)
	at := func(h int) time.Time { return f.from.Add(time.Duration(h) * time.Hour) }
	one := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := pool.QueryRow(ctx, sql+" RETURNING id", args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	stage := func(key string) int64 {
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM stages WHERE template = 'ladder' AND key = $1`, key).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	other := one(`INSERT INTO teams (name) VALUES ('Other')`)
	f.team = one(`INSERT INTO teams (name) VALUES ('North')`)
	staff := func(tg int64, name, role string, team int64) int64 {
		return one(`INSERT INTO staff (telegram_user_id, display_name, role, team_id, locale, calendar, time_zone, onboarded)
			VALUES ($1, $2, $3, $4, 'fa', 'jalali', 'Asia/Tehran', true)`, tg, name, role, team)
	}
	f.manager = staff(501, "Mina", "manager", f.team)
	f.amir = staff(502, "Amir", "rep", f.team)
	f.bahar = staff(503, "Bahar", "rep", f.team)
	f.cyrus = staff(504, "Cyrus", "rep", other)
	customer := func(name string, owner int64, st string, created time.Time) int64 {
		return one(`INSERT INTO customers (name, name_norm, owner_id, stage_id, created_at) VALUES ($1, $1, $2, $3, $4)`,
			name, owner, stage(st), created)
	}
	f.cA1 = customer("Dara", f.amir, "prospect", at(2)) // new in the period
	f.cA2 = customer("Elham", f.amir, "suspect", f.from.AddDate(0, -2, 0))
	f.cA3 = customer("Farid", f.amir, "first_time", f.from.AddDate(0, -2, 0))
	f.cB1 = customer("Golnar", f.bahar, "suspect", f.from.AddDate(0, -2, 0))
	f.cC1 = customer("Hoda", f.cyrus, "suspect", at(3))
	act := func(c, by int64, kind, outcome string, when time.Time) {
		var o any
		if outcome != "" {
			o = outcome
		}
		one(`INSERT INTO activities (customer_id, staff_id, kind, outcome, occurred_at) VALUES ($1, $2, $3, $4, $5)`, c, by, kind, o, when)
	}
	act(f.cA1, f.amir, "call", "reached", at(3))
	act(f.cA2, f.amir, "call", "reached", at(4))
	act(f.cA2, f.amir, "call", "no_answer", at(5))
	act(f.cA3, f.amir, "visit", "", at(6))
	act(f.cA3, f.amir, "note", "", at(6).Add(time.Minute))
	act(f.cA1, f.amir, "call", "reached", f.from.Add(-time.Hour)) // before the period
	act(f.cB1, f.bahar, "call", "no_answer", at(7))
	for i := range 5 {
		act(f.cC1, f.cyrus, "call", "reached", at(8+i)) // another team
	}
	move := func(c int64, from, to string, by int64, when time.Time) {
		one(`INSERT INTO stage_history (customer_id, from_stage_id, to_stage_id, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)`,
			c, stage(from), stage(to), by, when)
	}
	move(f.cA1, "suspect", "prospect", f.amir, at(3).Add(time.Minute))
	move(f.cA3, "prospect", "first_time", f.amir, at(6).Add(2*time.Minute))
	move(f.cB1, "prospect", "suspect", f.bahar, at(7).Add(time.Minute))
	fu := func(c, to int64, due time.Time, status string, done any) int64 {
		return one(`INSERT INTO follow_ups (customer_id, assignee_id, due_at, status, done_at) VALUES ($1, $2, $3, $4, $5)`, c, to, due, status, done)
	}
	fu(f.cA3, f.amir, at(10), "done", at(9)) // on time
	fu(f.cA2, f.amir, at(1), "done", at(11)) // late
	fu(f.cA1, f.amir, f.now.AddDate(0, 0, 2), "open", nil)
	f.overdue = fu(f.cB1, f.bahar, at(12), "open", nil) // overdue at now
	fu(f.cC1, f.cyrus, at(12), "open", nil)             // another team's
	// Elham's birthday is today in the Jalali calendar (14 Azar).
	one(`INSERT INTO important_dates (customer_id, kind, calendar, month, day) VALUES ($1, 'birthday', 'jalali', 9, 14)`, f.cA2)
	// Two NPS answers (a detractor's 4, a promoter's 9) and a satisfied
	// CSAT 4 of 5, which is neither low nor averaged with the NPS.
	answer := func(kind string, customer int64, score int, when time.Time) {
		req := one(`INSERT INTO survey_requests (customer_id, kind, status, sent_at, due_at) VALUES ($1, $2, 'closed', $3, $3)`, customer, kind, when)
		one(`INSERT INTO survey_responses (request_id, customer_id, score, answered_at) VALUES ($1, $2, $3, $4)`, req, customer, score, when)
	}
	answer("nps", f.cA1, 4, at(13))
	answer("nps", f.cA3, 9, at(14))
	answer("csat", f.cA3, 4, at(14))
	return f
}

func TestDigestDataAgainstFixture(t *testing.T) {
	ctx := context.Background()
	tehran, _ := time.LoadLocation("Asia/Tehran")
	pool := pgtest.DB(t)
	f := seedDigest(t, pool, tehran)
	db := postgres.New(pool, postgres.WithClock(func() time.Time { return f.now }))
	d, err := db.DigestData(ctx, digest.Query{Scope: digest.Scope{TeamID: f.team}, Period: digest.SinceLastPeriod(f.from, f.now),
		Since: f.from, Now: f.now, Loc: tehran, Calendar: "jalali", Template: "ladder"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Reps) != 2 || d.Reps[0].StaffID != f.amir || d.Reps[1].StaffID != f.bahar {
		t.Fatalf("reps %+v, want Amir and Bahar", d.Reps)
	}
	a, b := d.Reps[0], d.Reps[1]
	a.Name, b.Name = "", ""
	wantA := digest.RepStats{StaffID: f.amir, Calls: 3, Reached: 2, Visits: 1, NewCustomers: 1, Up: 2, OnTime: 1, Late: 1,
		NoNextStep: 1, Survey: digest.Score{Sum: 13, D: 2}}
	wantB := digest.RepStats{StaffID: f.bahar, Calls: 1, Down: 1, OverdueNow: 1}
	if a != wantA {
		t.Errorf("Amir: got %+v\nwant %+v", a, wantA)
	}
	if b != wantB {
		t.Errorf("Bahar: got %+v\nwant %+v", b, wantB)
	}
	funnel := map[string][2]int{}
	for _, r := range d.Funnel {
		funnel[r.Stage.Key] = [2]int{r.Now, r.MovedIn}
	}
	for key, want := range map[string][2]int{"suspect": {2, 1}, "prospect": {1, 1}, "first_time": {1, 1}, "repeat": {0, 0}} {
		if funnel[key] != want {
			t.Errorf("funnel %s: now/moved in %v, want %v", key, funnel[key], want)
		}
	}
	if _, ok := funnel["lost"]; ok {
		t.Error("an empty stage off the ladder is drawn in the funnel")
	}
	conv := map[string]digest.Ratio{}
	for _, c := range d.Convert {
		conv[c.From.Key+">"+c.To.Key] = c.ThisMonth
	}
	if got := conv["suspect>prospect"]; got != (digest.Ratio{N: 1, D: 1}) {
		t.Errorf("suspect → prospect this month %+v, want 1 of 1", got)
	}
	if got := conv["prospect>first_time"]; got != (digest.Ratio{N: 1, D: 2}) {
		t.Errorf("prospect → first-time this month %+v, want 1 of 2", got)
	}
	if d.OverdueN != 1 || len(d.Overdue) != 1 || d.Overdue[0].FollowUpID != f.overdue || d.Overdue[0].Customer != "Golnar" {
		t.Errorf("overdue %d %+v, want Golnar's follow-up only", d.OverdueN, d.Overdue)
	}
	if len(d.Dates) != 1 || d.Dates[0].CustomerID != f.cA2 || d.Dates[0].Kind != crm.DateBirthday {
		t.Errorf("today's dates %+v, want Elham's birthday", d.Dates)
	}
	if d.Advances != 2 || len(d.Preceders) != 2 {
		t.Fatalf("advances %d preceded by %+v, want 2 (a reached call, a visit)", d.Advances, d.Preceders)
	}
	for _, p := range d.Preceders {
		if p.Count != 1 || !(p.Kind == crm.ActivityCall && p.Outcome == crm.OutcomeReached || p.Kind == crm.ActivityVisit) {
			t.Errorf("preceder %+v, want one reached call and one visit", p)
		}
	}
	if d.Best != nil {
		t.Errorf("best rep %+v with fewer than %d customers worked on", d.Best, digest.MinSample)
	}
	if !d.Surveys || len(d.LowScores) != 1 || d.LowScores[0].CustomerID != f.cA1 || d.LowScores[0].Score != 4 {
		t.Errorf("surveys %v, low scores %+v, want Dara's 4", d.Surveys, d.LowScores)
	}
	if len(d.Trend.Days) != digest.TrendDays || len(d.Trend.Reps) != 2 {
		t.Fatalf("trend %d days, %d reps", len(d.Trend.Days), len(d.Trend.Reps))
	}
	// Friday 4 December (the period's activities from 08:00 to 20:00): Amir
	// 5 (the note counts as work logged) plus the call at 07:00.
	fri := d.Trend.Reps[0].Counts[digest.TrendDays-2]
	if fri != 6 || d.Trend.Reps[1].Counts[digest.TrendDays-2] != 1 {
		t.Errorf("trend on Friday: Amir %d, Bahar %d, want 6 and 1", fri, d.Trend.Reps[1].Counts[digest.TrendDays-2])
	}

	all, err := db.DigestData(ctx, digest.Query{Scope: digest.Scope{All: true}, Period: digest.SinceLastPeriod(f.from, f.now),
		Since: f.from, Now: f.now, Loc: tehran, Calendar: "jalali", Template: "ladder"})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Reps) != 3 || all.Reps[2].Calls != 5 || all.OverdueN != 2 {
		t.Errorf("the whole company: %d reps, Cyrus %+v, %d overdue; want 3 reps, Cyrus's 5 calls, 2 overdue", len(all.Reps), all.Reps[2], all.OverdueN)
	}
}

func TestDigestScheduleAndRuns(t *testing.T) {
	ctx := context.Background()
	tehran, _ := time.LoadLocation("Asia/Tehran")
	pool := pgtest.DB(t)
	f := seedDigest(t, pool, tehran)
	db := postgres.New(pool, postgres.WithClock(func() time.Time { return f.now }))
	rs, err := db.DigestRecipients(ctx)
	if err != nil || len(rs) != 1 || rs[0].Staff.ID != f.manager || rs[0].Schedule != digest.DefaultSchedule(crm.RoleManager) {
		t.Fatalf("recipients %+v, %v: want the manager at the default", rs, err)
	}
	m := rs[0].Staff
	if err := db.SetDigestSchedule(ctx, m.ID, digest.Schedule{Hour: 17, Paused: true}, m.ID); err != nil {
		t.Fatal(err)
	}
	if s, err := db.DigestSchedule(ctx, m); err != nil || s != (digest.Schedule{Hour: 17, Paused: true}) {
		t.Fatalf("schedule %+v, %v", s, err)
	}
	for i, want := range []bool{true, false} {
		ok, err := db.ClaimDigestRun(ctx, m.ID, "2026-12-05", f.now)
		if err != nil || ok != want {
			t.Fatalf("claim %d: %v, %v; want %v", i, ok, err, want)
		}
	}
	if last, err := db.LastDigestAt(ctx, m.ID, f.now.Add(time.Hour)); err != nil || !last.Equal(f.now) {
		t.Fatalf("last digest %v, %v", last, err)
	}
}
