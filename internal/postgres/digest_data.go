package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/digest"
)

// advanceSQL is digest.Advance over stage_history joined to its stages f
// (from) and t (to).
const advanceSQL = `(t.kind IN ('open', 'won') AND (f.kind NOT IN ('open', 'won') OR t.position > f.position))`

// DigestScopeReps lists the active reps a digest of scope covers, by name.
func (db *DB) DigestScopeReps(ctx context.Context, sc digest.Scope) (reps []crm.Staff, err error) {
	defer wrap(&err, "digest reps")
	rows, err := db.q(ctx).Query(ctx, `SELECT `+staffColumns+` FROM staff s
		WHERE s.active AND s.role = 'rep' AND ($1 OR s.team_id = $2) ORDER BY lower(s.display_name), s.id`, sc.All, sc.TeamID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Staff, error) { return scanStaff(row) })
}

// DigestData builds the digest q asks for, in one read-only snapshot: the
// per-rep work of the period, the funnel, conversions this month and last,
// the overdue follow-ups, today's dates, survey scores, what preceded this
// month's advances and the 14-day trend.
func (db *DB) DigestData(ctx context.Context, q digest.Query) (d digest.Data, err error) {
	defer wrap(&err, "digest data")
	d.Query = q
	err = db.readOnly(ctx, func(ctx context.Context, tx pgx.Tx) error {
		reps, err := db.DigestScopeReps(ctx, q.Scope)
		if err != nil {
			return err
		}
		ids := make([]int64, len(reps))
		idx := map[int64]int{}
		for i, r := range reps {
			ids[i], idx[r.ID] = r.ID, i
			d.Reps = append(d.Reps, digest.RepStats{StaffID: r.ID, Name: r.DisplayName})
		}
		stages, err := db.PipelineStages(ctx, q.Template)
		if err != nil {
			return err
		}
		monthFrom, monthTo := digest.MonthBounds(q.Now, q.Loc, calendar.Calendar(q.Calendar), 0)
		lastFrom, _ := digest.MonthBounds(q.Now, q.Loc, calendar.Calendar(q.Calendar), -1)
		bt := &batch{}
		steps := []func(context.Context, *batch) error{
			func(ctx context.Context, tx *batch) error { return repActivities(ctx, tx, &d, ids, idx) },
			func(ctx context.Context, tx *batch) error { return repCustomers(ctx, tx, &d, ids, idx) },
			func(ctx context.Context, tx *batch) error { return repFollowUps(ctx, tx, &d, ids, idx) },
			func(ctx context.Context, tx *batch) error { return funnel(ctx, tx, &d, ids, stages) },
			func(ctx context.Context, tx *batch) error {
				return conversions(ctx, tx, &d, ids, stages, lastFrom, monthFrom, monthTo)
			},
			func(ctx context.Context, tx *batch) error { return overdueTop(ctx, tx, &d, ids) },
			func(ctx context.Context, tx *batch) error { return datesToday(ctx, tx, &d, ids) },
			func(ctx context.Context, tx *batch) error {
				return whatWorks(ctx, tx, &d, ids, idx, monthFrom, monthTo)
			},
			func(ctx context.Context, tx *batch) error { return trend(ctx, tx, &d, ids, idx) },
			func(ctx context.Context, tx *batch) error { return surveyScores(ctx, tx, &d, ids, idx) },
			func(ctx context.Context, tx *batch) error { return riskSection(ctx, tx, &d, ids) },
		}
		for _, step := range steps {
			if err := step(ctx, bt); err != nil {
				return err
			}
		}
		return bt.run(ctx, tx)
	})
	return d, err
}

// readOnly runs fn in the context's transaction, or in a read-only one
// of its own (one snapshot for every query of the digest).
func (db *DB) readOnly(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx) error) error {
	if tx, ok := TxFrom(ctx); ok {
		return fn(ctx, tx)
	}
	tx, err := db.Pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(context.WithValue(ctx, txKey{}, tx), tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// batch is the digest's queries, sent to the server in one round trip
// (pgx.Batch) and read in order.
type batch struct {
	b     pgx.Batch
	scans []func(pgx.Rows) error
	after []func()
}

// then runs fn once every row is read.
func (bt *batch) then(fn func()) { bt.after = append(bt.after, fn) }

// each queues a query whose every row scan reads.
func each(_ context.Context, bt *batch, sql string, args []any, scan func(pgx.Rows) error) error {
	bt.b.Queue(sql, args...)
	bt.scans = append(bt.scans, scan)
	return nil
}

// run sends the queued queries and scans their rows.
func (bt *batch) run(ctx context.Context, tx pgx.Tx) error {
	br := tx.SendBatch(ctx, &bt.b)
	defer br.Close()
	for _, scan := range bt.scans {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if err := br.Close(); err != nil {
		return err
	}
	for _, fn := range bt.after {
		fn()
	}
	return nil
}

// Digest queries, by name, so the benchmark can show their plans.
const (
	qRepActivities = `SELECT staff_id, count(*) FILTER (WHERE kind = 'call'),
		count(*) FILTER (WHERE kind = 'call' AND outcome = 'reached'), count(*) FILTER (WHERE kind = 'visit')
		FROM activities WHERE staff_id = ANY($1) AND occurred_at >= $2 AND occurred_at < $3 GROUP BY staff_id`
	qRepMoves = `SELECT sh.changed_by, count(*) FILTER (WHERE ` + advanceSQL + `), count(*) FILTER (WHERE NOT ` + advanceSQL + `)
		FROM stage_history sh JOIN stages f ON f.id = sh.from_stage_id JOIN stages t ON t.id = sh.to_stage_id
		WHERE sh.changed_by = ANY($1) AND sh.changed_at >= $2 AND sh.changed_at < $3 GROUP BY 1`
	qRepNew = `SELECT owner_id, count(*) FROM customers
		WHERE owner_id = ANY($1) AND deleted_at IS NULL AND created_at >= $2 AND created_at < $3 GROUP BY 1`
	// One index probe per customer of the team (a subplan), not an anti
	// join over every open follow-up of the company.
	qRepNoNext = `SELECT c.owner_id, count(*) FROM customers c JOIN stages s ON s.id = c.stage_id AND s.kind = 'open'
		WHERE c.owner_id = ANY($1) AND c.deleted_at IS NULL
		AND (SELECT true FROM follow_ups f WHERE f.customer_id = c.id AND f.status = 'open' LIMIT 1) IS NULL GROUP BY 1`
	qRepDone = `SELECT assignee_id, count(*) FILTER (WHERE done_at <= due_at), count(*) FILTER (WHERE done_at > due_at)
		FROM follow_ups WHERE status = 'done' AND assignee_id = ANY($1) AND done_at >= $2 AND done_at < $3 GROUP BY 1`
	qRepOverdue = `SELECT assignee_id, count(*) FROM follow_ups
		WHERE status = 'open' AND assignee_id = ANY($1) AND due_at < $2 GROUP BY 1`
	qFunnelNow = `SELECT stage_id, count(*) FROM customers WHERE owner_id = ANY($1) AND deleted_at IS NULL GROUP BY 1`
	// Stage moves of the team's customers are read customer by customer
	// (stage_history_customer_idx; OFFSET 0 keeps the lateral subquery a
	// per-customer probe), not from every move of the company in the
	// window.
	qFunnelIn = `SELECT sh.to_stage_id, count(*) FROM customers c
		JOIN LATERAL (SELECT sh.to_stage_id FROM stage_history sh
			WHERE sh.customer_id = c.id AND sh.changed_at >= $2 AND sh.changed_at < $3 OFFSET 0) sh ON true
		WHERE c.owner_id = ANY($1) AND c.deleted_at IS NULL GROUP BY 1`
	// The moves are found first (MATERIALIZED), then joined to their
	// stages once, not once per customer.
	qConversions = `WITH sh AS MATERIALIZED (SELECT sh.from_stage_id, sh.to_stage_id, sh.changed_at FROM customers c
			JOIN LATERAL (SELECT sh.from_stage_id, sh.to_stage_id, sh.changed_at FROM stage_history sh
				WHERE sh.customer_id = c.id AND sh.changed_at >= $2 AND sh.changed_at < $4 OFFSET 0) sh ON true
			WHERE c.owner_id = ANY($1) AND c.deleted_at IS NULL)
		SELECT sh.from_stage_id,
		count(*) FILTER (WHERE sh.changed_at >= $3 AND ` + advanceSQL + `), count(*) FILTER (WHERE sh.changed_at >= $3),
		count(*) FILTER (WHERE sh.changed_at < $3 AND ` + advanceSQL + `), count(*) FILTER (WHERE sh.changed_at < $3)
		FROM sh JOIN stages f ON f.id = sh.from_stage_id JOIN stages t ON t.id = sh.to_stage_id GROUP BY 1`
	qOverdueTop = `SELECT f.id, f.customer_id, c.name, s.display_name, f.due_at FROM follow_ups f
		JOIN customers c ON c.id = f.customer_id JOIN staff s ON s.id = f.assignee_id
		WHERE f.status = 'open' AND f.assignee_id = ANY($1) AND f.due_at < $2 AND c.deleted_at IS NULL
		ORDER BY f.due_at, f.id LIMIT $3`
	qDatesToday = `SELECT c.id, c.name, s.display_name, d.kind, coalesce(d.label, '') FROM important_dates d
		JOIN customers c ON c.id = d.customer_id AND c.deleted_at IS NULL JOIN staff s ON s.id = c.owner_id
		WHERE c.owner_id = ANY($1) AND ((d.calendar = 'gregorian' AND d.month = $2 AND d.day = $3)
			OR (d.calendar = 'jalali' AND d.month = $4 AND d.day = $5) OR (d.calendar = 'hijri' AND d.month = $6 AND d.day = $7))
		ORDER BY lower(c.name), d.id LIMIT 20`
	// The last call, visit or message on the customer before each advance.
	qPreceders = `WITH sh AS MATERIALIZED (SELECT sh.customer_id, sh.from_stage_id, sh.to_stage_id, sh.changed_at FROM customers c
			JOIN LATERAL (SELECT sh.customer_id, sh.from_stage_id, sh.to_stage_id, sh.changed_at FROM stage_history sh
				WHERE sh.customer_id = c.id AND sh.changed_at >= $2 AND sh.changed_at < $3 OFFSET 0) sh ON true
			WHERE c.owner_id = ANY($1) AND c.deleted_at IS NULL)
		SELECT coalesce(a.kind, ''), coalesce(a.outcome, ''), count(*)
		FROM sh JOIN stages f ON f.id = sh.from_stage_id JOIN stages t ON t.id = sh.to_stage_id
		LEFT JOIN LATERAL (SELECT a.kind, a.outcome FROM activities a
			WHERE a.customer_id = sh.customer_id AND a.occurred_at <= sh.changed_at AND a.kind <> 'note'
			ORDER BY a.occurred_at DESC LIMIT 1) a ON true
		WHERE ` + advanceSQL + `
		GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`
	// Per rep: customers advanced of the customers worked on this month.
	qBest = `WITH worked AS (SELECT staff_id, count(DISTINCT customer_id) AS n FROM activities
			WHERE staff_id = ANY($1) AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1),
		adv AS (SELECT sh.changed_by, count(DISTINCT sh.customer_id) AS n FROM stage_history sh
			JOIN stages f ON f.id = sh.from_stage_id JOIN stages t ON t.id = sh.to_stage_id
			WHERE sh.changed_by = ANY($1) AND sh.changed_at >= $2 AND sh.changed_at < $3 AND ` + advanceSQL + ` GROUP BY 1)
		SELECT w.staff_id, coalesce(adv.n, 0), w.n FROM worked w LEFT JOIN adv ON adv.changed_by = w.staff_id`
	qTrend = `SELECT staff_id, (occurred_at AT TIME ZONE $4)::date, count(*) FROM activities
		WHERE staff_id = ANY($1) AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1, 2`
)

func repActivities(ctx context.Context, tx *batch, d *digest.Data, ids []int64, idx map[int64]int) error {
	p := d.Query.Period
	if err := each(ctx, tx, qRepActivities, []any{ids, p.From, p.To}, func(r pgx.Rows) error {
		var id int64
		var calls, reached, visits int
		err := r.Scan(&id, &calls, &reached, &visits)
		s := &d.Reps[idx[id]]
		s.Calls, s.Reached, s.Visits = calls, reached, visits
		return err
	}); err != nil {
		return err
	}
	return each(ctx, tx, qRepMoves, []any{ids, p.From, p.To}, func(r pgx.Rows) error {
		var id int64
		var up, down int
		err := r.Scan(&id, &up, &down)
		d.Reps[idx[id]].Up, d.Reps[idx[id]].Down = up, down
		return err
	})
}

func repCustomers(ctx context.Context, tx *batch, d *digest.Data, ids []int64, idx map[int64]int) error {
	p := d.Query.Period
	if err := each(ctx, tx, qRepNew, []any{ids, p.From, p.To}, func(r pgx.Rows) error {
		var id int64
		var n int
		err := r.Scan(&id, &n)
		d.Reps[idx[id]].NewCustomers = n
		return err
	}); err != nil {
		return err
	}
	return each(ctx, tx, qRepNoNext, []any{ids}, func(r pgx.Rows) error {
		var id int64
		var n int
		err := r.Scan(&id, &n)
		d.Reps[idx[id]].NoNextStep = n
		return err
	})
}

func repFollowUps(ctx context.Context, tx *batch, d *digest.Data, ids []int64, idx map[int64]int) error {
	p := d.Query.Period
	if err := each(ctx, tx, qRepDone, []any{ids, p.From, p.To}, func(r pgx.Rows) error {
		var id int64
		var on, late int
		err := r.Scan(&id, &on, &late)
		d.Reps[idx[id]].OnTime, d.Reps[idx[id]].Late = on, late
		return err
	}); err != nil {
		return err
	}
	return each(ctx, tx, qRepOverdue, []any{ids, d.Query.Now}, func(r pgx.Rows) error {
		var id int64
		var n int
		err := r.Scan(&id, &n)
		d.Reps[idx[id]].OverdueNow = n
		d.OverdueN += n
		return err
	})
}

func funnel(ctx context.Context, tx *batch, d *digest.Data, ids []int64, stages []crm.Stage) error {
	now, in := map[int64]int{}, map[int64]int{}
	if err := each(ctx, tx, qFunnelNow, []any{ids}, func(r pgx.Rows) error {
		var id int64
		var n int
		err := r.Scan(&id, &n)
		now[id] = n
		return err
	}); err != nil {
		return err
	}
	if err := each(ctx, tx, qFunnelIn, []any{ids, d.Query.Since, d.Query.Now}, func(r pgx.Rows) error {
		var id int64
		var n int
		err := r.Scan(&id, &n)
		in[id] = n
		return err
	}); err != nil {
		return err
	}
	tx.then(func() {
		for _, s := range stages {
			if digest.Rung(s) || now[s.ID] > 0 || in[s.ID] > 0 {
				d.Funnel = append(d.Funnel, digest.StageRow{Stage: s, Now: now[s.ID], MovedIn: in[s.ID]})
			}
		}
	})
	return nil
}

func conversions(ctx context.Context, tx *batch, d *digest.Data, ids []int64, stages []crm.Stage, lastFrom, monthFrom, monthTo time.Time) error {
	type pair struct{ this, last digest.Ratio }
	by := map[int64]pair{}
	if err := each(ctx, tx, qConversions, []any{ids, lastFrom, monthFrom, monthTo}, func(r pgx.Rows) error {
		var id int64
		var p pair
		err := r.Scan(&id, &p.this.N, &p.this.D, &p.last.N, &p.last.D)
		by[id] = p
		return err
	}); err != nil {
		return err
	}
	var rungs []crm.Stage
	for _, s := range stages {
		if digest.Rung(s) {
			rungs = append(rungs, s)
		}
	}
	tx.then(func() {
		for i := 0; i+1 < len(rungs); i++ {
			p := by[rungs[i].ID]
			d.Convert = append(d.Convert, digest.Conversion{From: rungs[i], To: rungs[i+1], ThisMonth: p.this, Last: p.last})
		}
	})
	return nil
}

func overdueTop(ctx context.Context, tx *batch, d *digest.Data, ids []int64) error {
	return each(ctx, tx, qOverdueTop, []any{ids, d.Query.Now, digest.OverdueTop}, func(r pgx.Rows) error {
		var o digest.Overdue
		err := r.Scan(&o.FollowUpID, &o.CustomerID, &o.Customer, &o.Rep, &o.DueAt)
		d.Overdue = append(d.Overdue, o)
		return err
	})
}

func datesToday(ctx context.Context, tx *batch, d *digest.Data, ids []int64) error {
	local := d.Query.Now.In(d.Query.Loc)
	g := calendar.FromTime(calendar.Gregorian, local)
	j := calendar.FromTime(calendar.Jalali, local)
	h := calendar.FromTime(calendar.Hijri, local)
	return each(ctx, tx, qDatesToday, []any{ids, g.Month, g.Day, j.Month, j.Day, h.Month, h.Day}, func(r pgx.Rows) error {
		var x digest.DateToday
		var kind string
		err := r.Scan(&x.CustomerID, &x.Customer, &x.Rep, &kind, &x.Label)
		x.Kind = crm.ImportantDateKind(kind)
		d.Dates = append(d.Dates, x)
		return err
	})
}

func whatWorks(ctx context.Context, tx *batch, d *digest.Data, ids []int64, idx map[int64]int, from, to time.Time) error {
	if err := each(ctx, tx, qPreceders, []any{ids, from, to}, func(r pgx.Rows) error {
		var kind, outcome string
		var n int
		err := r.Scan(&kind, &outcome, &n)
		d.Advances += n
		d.Preceders = append(d.Preceders, digest.Preceder{Kind: crm.ActivityKind(kind), Outcome: crm.Outcome(outcome), Count: n})
		return err
	}); err != nil {
		return err
	}
	return each(ctx, tx, qBest, []any{ids, from, to}, func(r pgx.Rows) error {
		var id int64
		var ratio digest.Ratio
		if err := r.Scan(&id, &ratio.N, &ratio.D); err != nil {
			return err
		}
		if ratio.D < digest.MinSample || ratio.N == 0 {
			return nil
		}
		b := d.Best
		// The higher share wins; on a tie, the larger sample.
		if b == nil || ratio.N*b.Ratio.D > b.Ratio.N*ratio.D || (ratio.N*b.Ratio.D == b.Ratio.N*ratio.D && ratio.D > b.Ratio.D) {
			d.Best = &digest.BestRep{StaffID: id, Name: d.Reps[idx[id]].Name, Ratio: ratio}
		}
		return nil
	})
}

func trend(ctx context.Context, tx *batch, d *digest.Data, ids []int64, idx map[int64]int) error {
	start := digest.TrendStart(d.Query.Now, d.Query.Loc)
	for i := range digest.TrendDays {
		d.Trend.Days = append(d.Trend.Days, start.AddDate(0, 0, i))
	}
	for _, r := range d.Reps {
		d.Trend.Reps = append(d.Trend.Reps, digest.RepTrend{StaffID: r.StaffID, Name: r.Name, Counts: make([]int, digest.TrendDays)})
	}
	end := start.AddDate(0, 0, digest.TrendDays)
	return each(ctx, tx, qTrend, []any{ids, start, end, d.Query.Loc.String()}, func(r pgx.Rows) error {
		var id int64
		var day time.Time
		var n int
		if err := r.Scan(&id, &day, &n); err != nil {
			return err
		}
		local := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, d.Query.Loc)
		if i := int(local.Sub(start).Hours()+12) / 24; i >= 0 && i < digest.TrendDays {
			d.Trend.Reps[idx[id]].Counts[i] += n
		}
		return nil
	})
}
