package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// CustomerValue returns what a customer's invoices say about them under
// policy p at now: the stored row, recomputed first when a purchase changed
// since (or the policy's currency did). The risk is judged at now.
func (db *DB) CustomerValue(ctx context.Context, customerID int64, p crm.ValuePolicy, now time.Time) (v crm.Value, err error) {
	defer wrap(&err, "customer value")
	q := db.q(ctx)
	var stale bool
	var currency string
	err = q.QueryRow(ctx, `SELECT stale, currency FROM customer_values WHERE customer_id = $1`, customerID).Scan(&stale, &currency)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return crm.Value{Currency: p.Currency}, nil // no purchase ever
	case err != nil:
		return v, err
	}
	if stale || currency != p.Currency {
		if _, err := db.refreshValues(ctx, []int64{customerID}, p, now); err != nil {
			return v, err
		}
	}
	var last, first *time.Time
	var secs int64
	var seg string
	err = q.QueryRow(ctx, `SELECT currency, ltv, margin, invoices, first_invoice_at, last_invoice_at, interval_seconds, segment,
			(SELECT count(*) FROM purchases WHERE customer_id = $1)
		FROM customer_values WHERE customer_id = $1`, customerID).
		Scan(&v.Currency, &v.LTV, &v.Margin, &v.Invoices, &first, &last, &secs, &seg, &v.Purchases)
	if err != nil {
		return v, err
	}
	if first != nil {
		v.First = *first
	}
	if last != nil {
		v.Last = *last
		v.Since = now.Sub(v.Last)
	}
	v.Interval, v.Segment = time.Duration(secs)*time.Second, crm.Segment(seg)
	v.Risk = crm.Risk(v.Last, v.Interval, p.RiskFactor, now)
	return v, nil
}

// refreshValues recomputes the value rows of customers from all their
// purchases in one read and one write. A new last invoice ends the
// customer's risk episode: its win-back mark is cleared.
func (db *DB) refreshValues(ctx context.Context, ids []int64, p crm.ValuePolicy, now time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	q := db.q(ctx)
	byCustomer, err := db.valuePurchases(ctx, ids, len(p.Margins) > 0)
	if err != nil {
		return 0, err
	}
	n := len(ids)
	cur := make([]string, n)
	ltv, margin, invoices, secs := make([]int64, n), make([]int64, n), make([]int32, n), make([]int64, n)
	first, last := make([]*time.Time, n), make([]*time.Time, n)
	risk := make([]string, n)
	for i, id := range ids {
		v := crm.ComputeValue(byCustomer[id], p, now)
		cur[i], ltv[i], margin[i], invoices[i], secs[i], risk[i] = v.Currency, v.LTV, v.Margin, int32(v.Invoices), int64(v.Interval/time.Second), string(v.Risk)
		if !v.First.IsZero() {
			f, l := v.First, v.Last
			first[i], last[i] = &f, &l
		}
	}
	_, err = q.Exec(ctx, `INSERT INTO customer_values AS v (customer_id, stale, currency, ltv, margin, invoices, first_invoice_at,
			last_invoice_at, interval_seconds, risk, computed_at)
		SELECT c, false, cur, l, m, n, f, la, s, r, $10
		FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::int[], $6::timestamptz[], $7::timestamptz[],
			$8::bigint[], $9::text[]) AS x (c, cur, l, m, n, f, la, s, r)
		ON CONFLICT (customer_id) DO UPDATE SET stale = false, currency = EXCLUDED.currency, ltv = EXCLUDED.ltv,
			margin = EXCLUDED.margin, invoices = EXCLUDED.invoices, first_invoice_at = EXCLUDED.first_invoice_at,
			last_invoice_at = EXCLUDED.last_invoice_at, interval_seconds = EXCLUDED.interval_seconds, risk = EXCLUDED.risk,
			winback_at = CASE WHEN v.last_invoice_at IS DISTINCT FROM EXCLUDED.last_invoice_at THEN NULL ELSE v.winback_at END,
			winback_id = CASE WHEN v.last_invoice_at IS DISTINCT FROM EXCLUDED.last_invoice_at THEN NULL ELSE v.winback_id END,
			computed_at = EXCLUDED.computed_at`,
		ids, cur, ltv, margin, invoices, first, last, secs, risk, now)
	return n, err
}

// RefreshStaleValues recomputes up to limit stale value rows (purchases
// written since, by the bot, the demo or an import) and reports how many.
func (db *DB) RefreshStaleValues(ctx context.Context, p crm.ValuePolicy, now time.Time, limit int) (n int, err error) {
	defer wrap(&err, "refresh stale values")
	rows, err := db.q(ctx).Query(ctx, `SELECT customer_id FROM customer_values WHERE stale OR currency <> $1
		ORDER BY customer_id LIMIT $2 FOR UPDATE SKIP LOCKED`, p.Currency, limit)
	if err != nil {
		return 0, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, err
	}
	return db.refreshValues(ctx, ids, p, now)
}

// UpdateSegments places every buyer in a value segment by lifetime value
// (crm.SegmentOf: the top 20 %, the next 30 %, the rest) and reports how
// many rows changed.
func (db *DB) UpdateSegments(ctx context.Context) (n int, err error) {
	defer wrap(&err, "update segments")
	tag, err := db.q(ctx).Exec(ctx, `WITH ranked AS (
			SELECT customer_id, CASE
				WHEN ltv <= 0 THEN ''
				WHEN (rank() OVER w - 1)::float8 / count(*) OVER () < 0.2 THEN 'top'
				WHEN (rank() OVER w - 1)::float8 / count(*) OVER () < 0.5 THEN 'middle'
				ELSE 'low' END AS seg
			FROM customer_values WHERE ltv > 0 WINDOW w AS (ORDER BY ltv DESC)
			UNION ALL
			SELECT customer_id, '' FROM customer_values WHERE ltv <= 0 AND segment <> '')
		UPDATE customer_values v SET segment = r.seg FROM ranked r
		WHERE v.customer_id = r.customer_id AND v.segment <> r.seg`)
	return int(tag.RowsAffected()), err
}
