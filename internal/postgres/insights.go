package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// insightFrom is the scope's buyers: live customers with a value row in
// the policy's currency and at least one counted invoice. $1 all, $2 the
// owner, $3 the team, $4 the currency.
const insightFrom = ` FROM customer_values v JOIN customers c ON c.id = v.customer_id LEFT JOIN staff o ON o.id = c.owner_id
	WHERE c.deleted_at IS NULL AND v.invoices > 0 AND v.currency = $4
		AND ($1::bool OR ($2::bigint > 0 AND c.owner_id = $2) OR ($3::bigint > 0 AND o.team_id = $3)) `

// Risk at $5 (now) with factor $6, as crm.Risk judges it.
const (
	insightSince   = `extract(epoch FROM ($5::timestamptz - v.last_invoice_at))`
	insightAtRisk  = `(v.interval_seconds > 0 AND ` + insightSince + ` > $6::float8 * v.interval_seconds AND ` + insightSince + ` <= 3 * v.interval_seconds)`
	insightLapsed  = `(v.interval_seconds > 0 AND ` + insightSince + ` > 3 * v.interval_seconds)`
	insightColumns = `SELECT v.customer_id, c.name, v.ltv, v.margin, v.last_invoice_at, v.interval_seconds`
)

// Insights reads the value and risk picture of scope sc under policy p at
// now: totals, the value segments, the top buyers (by margin-adjusted
// value when product margins are set), and one page of pageSize of the
// customers at risk (page riskPage) and lapsed (lapsedPage), the most
// valuable first.
func (db *DB) Insights(ctx context.Context, sc crm.InsightScope, p crm.ValuePolicy, now time.Time, riskPage, lapsedPage, pageSize int) (in crm.Insights, err error) {
	defer wrap(&err, "insights")
	in.Currency, in.Margined = p.Currency, len(p.Margins) > 0
	args := []any{sc.All, sc.OwnerID, sc.TeamID, p.Currency, now, p.RiskFactor}
	q := db.q(ctx)
	rows, err := q.Query(ctx, `SELECT v.segment, count(*), coalesce(sum(v.ltv), 0)::bigint, coalesce(sum(v.margin), 0)::bigint,
			count(*) FILTER (WHERE `+insightAtRisk+`), count(*) FILTER (WHERE `+insightLapsed+`)`+insightFrom+`GROUP BY 1`, args...)
	if err != nil {
		return in, err
	}
	bySeg := map[crm.Segment]crm.SegmentStat{}
	for rows.Next() {
		var s crm.SegmentStat
		var seg string
		var margin int64
		var risk, lapsed int
		if err := rows.Scan(&seg, &s.Count, &s.LTV, &margin, &risk, &lapsed); err != nil {
			rows.Close()
			return in, err
		}
		s.Segment = crm.Segment(seg)
		bySeg[s.Segment] = s
		in.Buyers += s.Count
		in.LTV += s.LTV
		in.Margin += margin
		in.AtRiskN += risk
		in.LapsedN += lapsed
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	for _, s := range crm.Segments {
		st := bySeg[s]
		st.Segment = s
		in.Segments = append(in.Segments, st)
	}
	order := `v.ltv`
	if in.Margined {
		order = `v.margin`
	}
	if in.Top, err = valueRows(ctx, q, insightColumns+insightFrom+`AND v.ltv > 0 ORDER BY `+order+` DESC, v.customer_id LIMIT 10`, args[:4]...); err != nil {
		return in, err
	}
	if in.AtRisk, err = valueRows(ctx, q, insightColumns+insightFrom+`AND `+insightAtRisk+
		` ORDER BY v.ltv DESC, v.customer_id LIMIT $7 OFFSET $8`, append(args, pageSize, riskPage*pageSize)...); err != nil {
		return in, err
	}
	in.Lapsed, err = valueRows(ctx, q, insightColumns+insightFrom+`AND `+insightLapsed+
		` ORDER BY v.ltv DESC, v.customer_id LIMIT $6 OFFSET $7`, append(args[:5:5], pageSize, lapsedPage*pageSize)...)
	return in, err
}

// valueRows reads rows of insightColumns.
func valueRows(ctx context.Context, q Querier, sql string, args ...any) ([]crm.ValueRow, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.ValueRow, error) {
		var v crm.ValueRow
		var last *time.Time
		var secs int64
		err := row.Scan(&v.CustomerID, &v.Name, &v.LTV, &v.Margin, &last, &secs)
		if last != nil {
			v.Last = *last
		}
		v.Interval = time.Duration(secs) * time.Second
		return v, err
	})
}
