package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// NewProducts returns the names of the products first invoiced (by
// anyone) at or after since, newest first, at most 200: what a proactive
// check-in may suggest. It reads every invoice's items, so callers keep
// the answer a while (bot.Bot caches it for an hour).
func (db *DB) NewProducts(ctx context.Context, since time.Time) (names []string, err error) {
	defer wrap(&err, "new products")
	rows, err := db.q(ctx).Query(ctx, `SELECT it->>'name' FROM purchases p CROSS JOIN LATERAL jsonb_array_elements(p.items) it
		WHERE p.kind = 'invoice' AND p.status <> 'cancelled' AND jsonb_typeof(p.items) = 'array' AND coalesce(it->>'name', '') <> ''
		GROUP BY 1 HAVING min(p.issued_at) >= $1 ORDER BY min(p.issued_at) DESC, 1 LIMIT 200`, since)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// InterestsAndBought returns a customer's interest keys (FoldKey) and the
// names of the products they were ever invoiced or quoted.
func (db *DB) InterestsAndBought(ctx context.Context, customerID int64) (keys, bought []string, err error) {
	defer wrap(&err, "interests and purchases")
	q := db.q(ctx)
	rows, err := q.Query(ctx, `SELECT name_key FROM customer_interests WHERE customer_id = $1 ORDER BY id`, customerID)
	if err != nil {
		return nil, nil, err
	}
	if keys, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || len(keys) == 0 {
		return keys, nil, err
	}
	rows, err = q.Query(ctx, `SELECT DISTINCT it->>'name' FROM purchases p CROSS JOIN LATERAL jsonb_array_elements(p.items) it
		WHERE p.customer_id = $1 AND jsonb_typeof(p.items) = 'array' AND coalesce(it->>'name', '') <> ''`, customerID)
	if err != nil {
		return nil, nil, err
	}
	bought, err = pgx.CollectRows(rows, pgx.RowTo[string])
	return keys, bought, err
}
