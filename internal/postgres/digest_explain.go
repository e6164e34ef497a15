package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/digest"
)

// DigestPlan is one of the digest's queries and its plan as run.
type DigestPlan struct {
	Name, Plan string
}

// DigestPlans runs EXPLAIN (ANALYZE, BUFFERS) on each query the digest q
// makes, with q's arguments, for the benchmark to show where the time goes.
func (db *DB) DigestPlans(ctx context.Context, q digest.Query) (plans []DigestPlan, err error) {
	defer wrap(&err, "digest plans")
	reps, err := db.DigestScopeReps(ctx, q.Scope)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(reps))
	for i, r := range reps {
		ids[i] = r.ID
	}
	p := q.Period
	monthFrom, monthTo := digest.MonthBounds(q.Now, q.Loc, calendar.Calendar(q.Calendar), 0)
	lastFrom, _ := digest.MonthBounds(q.Now, q.Loc, calendar.Calendar(q.Calendar), -1)
	local := q.Now.In(q.Loc)
	g, j, h := calendar.FromTime(calendar.Gregorian, local), calendar.FromTime(calendar.Jalali, local), calendar.FromTime(calendar.Hijri, local)
	trendFrom := digest.TrendStart(q.Now, q.Loc)
	stmts := []struct {
		name, sql string
		args      []any
	}{
		{"per rep: calls, reached, visits", qRepActivities, []any{ids, p.From, p.To}},
		{"per rep: stage moves", qRepMoves, []any{ids, p.From, p.To}},
		{"per rep: new customers", qRepNew, []any{ids, p.From, p.To}},
		{"per rep: no next step", qRepNoNext, []any{ids}},
		{"per rep: follow-ups done", qRepDone, []any{ids, p.From, p.To}},
		{"per rep: overdue now", qRepOverdue, []any{ids, q.Now}},
		{"funnel: customers per stage", qFunnelNow, []any{ids}},
		{"funnel: moves since the last digest", qFunnelIn, []any{ids, q.Since, q.Now}},
		{"conversions: this month and last", qConversions, []any{ids, lastFrom, monthFrom, monthTo}},
		{"overdue: top 10", qOverdueTop, []any{ids, q.Now, digest.OverdueTop}},
		{"today's important dates", qDatesToday, []any{ids, g.Month, g.Day, j.Month, j.Day, h.Month, h.Day}},
		{"what works: preceders of advances", qPreceders, []any{ids, monthFrom, monthTo}},
		{"what works: best conversion", qBest, []any{ids, monthFrom, monthTo}},
		{"trend: 14 days per rep", qTrend, []any{ids, trendFrom, trendFrom.AddDate(0, 0, digest.TrendDays), q.Loc.String()}},
		{"surveys: per rep", qSurveyPerRep, []any{ids, p.From, p.To}},
	}
	for _, s := range stmts {
		rows, err := db.q(ctx).Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+s.sql, s.args...)
		if err != nil {
			return nil, err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, err
		}
		plans = append(plans, DigestPlan{Name: s.name, Plan: strings.Join(lines, "\n")})
	}
	return plans, nil
}
