package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// PlanWinBacks creates the win-back follow-ups fs (one per customer) of
// the customers' current risk episodes, skipping a customer whose episode
// has one already, and reports how many it created: one statement per
// batch. The value row is marked first (winback_at IS NULL is re-checked
// after waiting for its lock, so two sweeps at once never plan one twice)
// with the id the follow-up will have, then the follow-up and its history
// event are written.
func (db *DB) PlanWinBacks(ctx context.Context, fs []crm.FollowUp, at time.Time) (n int, err error) {
	defer wrap(&err, "plan win-backs")
	if len(fs) == 0 {
		return 0, nil
	}
	cs, as, dues, notes := make([]int64, len(fs)), make([]int64, len(fs)), make([]time.Time, len(fs)), make([]string, len(fs))
	for i, f := range fs {
		cs[i], as[i], dues[i], notes[i] = f.CustomerID, f.AssigneeID, f.DueAt, f.Note
	}
	tag, err := db.q(ctx).Exec(ctx, `WITH x AS MATERIALIZED (
			SELECT c, a, d, n, nextval(pg_get_serial_sequence('follow_ups', 'id')) AS f
			FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::text[]) AS x (c, a, d, n)),
		due AS (
			UPDATE customer_values v SET winback_at = $5, winback_id = x.f FROM x
			WHERE v.customer_id = x.c AND v.winback_at IS NULL RETURNING v.customer_id, v.winback_id),
		ins AS (
			INSERT INTO follow_ups (id, customer_id, assignee_id, due_at, note, created_at, updated_at) OVERRIDING SYSTEM VALUE
			SELECT due.winback_id, x.c, x.a, x.d, nullif(x.n, ''), $6, $6 FROM due JOIN x ON x.c = due.customer_id
			RETURNING id, customer_id, due_at)
		INSERT INTO follow_up_events (customer_id, follow_up_id, kind, due_at, at)
		SELECT customer_id, id, 'planned', due_at, $6 FROM ins`, cs, as, dues, notes, at, db.now())
	return int(tag.RowsAffected()), err
}

// valuePurchases reads what crm.ComputeValue needs of the customers'
// purchases, and their lines only when product margins apply: no
// per-row lookup of the invoice a quote became, no JSON to decode for
// nothing.
func (db *DB) valuePurchases(ctx context.Context, ids []int64, withItems bool) (map[int64][]crm.Purchase, error) {
	rows, err := db.q(ctx).Query(ctx, `SELECT customer_id, kind, (amount * 100)::bigint, currency, status, issued_at,
			CASE WHEN $2 THEN items ELSE '[]' END
		FROM purchases WHERE customer_id = ANY($1)`, ids, withItems)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64][]crm.Purchase, len(ids))
	var items []byte
	for rows.Next() {
		var p crm.Purchase
		var kind string
		if err := rows.Scan(&p.CustomerID, &kind, &p.Amount, &p.Currency, &p.Status, &p.IssuedAt, &items); err != nil {
			return nil, err
		}
		p.Kind, p.Amount = crm.PurchaseKind(kind), fromHundredths(p.Amount, p.Currency)
		if withItems {
			_ = json.Unmarshal(items, &p.Items) // a malformed list counts the amount in full
		}
		out[p.CustomerID] = append(out[p.CustomerID], p)
	}
	return out, rows.Err()
}
