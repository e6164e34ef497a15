package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/digest"
)

// The digest's value-at-risk section reads the risk sweep's flags
// (customer_values.risk) of the reps' customers. A customer crossed their
// threshold at last invoice + k × interval, k the policy's risk factor
// (settings "value_policy", crm.DefaultRiskFactor when unset or out of
// range, as crm.ValuePolicy.Normalize reads it): new since the last
// digest when that instant falls between Query.Since and Query.Now.
const (
	qRiskFactor = `coalesce((SELECT CASE WHEN (value->>'risk_factor')::float8 BETWEEN 1 AND 10
		THEN (value->>'risk_factor')::float8 END FROM settings WHERE key = 'value_policy'), $3::float8)`
	qRiskCounts = `SELECT count(*), count(*) FILTER (WHERE v.risk = 'lapsed'),
			count(*) FILTER (WHERE v.risk = 'at_risk' AND v.last_invoice_at
				+ make_interval(secs => ` + qRiskFactor + ` * v.interval_seconds) BETWEEN $2 AND $4)
		FROM customer_values v JOIN customers c ON c.id = v.customer_id
		WHERE c.owner_id = ANY($1) AND c.deleted_at IS NULL AND v.risk <> ''`
	qRiskTop = `SELECT v.currency, v.customer_id, c.name, v.ltv, v.margin, v.last_invoice_at, v.interval_seconds
		FROM customer_values v JOIN customers c ON c.id = v.customer_id
		WHERE c.owner_id = ANY($1) AND c.deleted_at IS NULL AND v.risk <> ''
		ORDER BY v.ltv DESC, v.customer_id LIMIT $2`
)

func riskSection(ctx context.Context, tx *batch, d *digest.Data, ids []int64) error {
	if err := each(ctx, tx, qRiskCounts, []any{ids, d.Query.Since, crm.DefaultRiskFactor, d.Query.Now}, func(r pgx.Rows) error {
		return r.Scan(&d.Risk.AtRisk, &d.Risk.Lapsed, &d.Risk.New)
	}); err != nil {
		return err
	}
	return each(ctx, tx, qRiskTop, []any{ids, digest.RiskTop}, func(r pgx.Rows) error {
		var v crm.ValueRow
		var last *time.Time
		var secs int64
		err := r.Scan(&d.Risk.Currency, &v.CustomerID, &v.Name, &v.LTV, &v.Margin, &last, &secs)
		if last != nil {
			v.Last = *last
		}
		v.Interval = time.Duration(secs) * time.Second
		d.Risk.Top = append(d.Risk.Top, v)
		return err
	})
}
