package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// Rhythms returns the live customers with a purchase rhythm whose risk
// the sweep may have to change at now with factor k, or who await their
// win-back: the database narrows the 100,000 rhythms to those whose
// stored flag differs from crm.Risk's verdict (as SQL reckons it), lie
// within a minute of a threshold (crm.Risk decides those), or are flagged
// without a win-back planned. The sweep judges each with crm.Risk.
func (db *DB) Rhythms(ctx context.Context, k float64, now time.Time) (rs []crm.Rhythm, err error) {
	defer wrap(&err, "rhythms")
	// The candidates are found in customer_values alone (one scan of a
	// narrow table) before their customers are looked up by key.
	rows, err := db.q(ctx).Query(ctx, `WITH v AS MATERIALIZED (
			SELECT v.customer_id, v.last_invoice_at, v.interval_seconds, v.risk, v.winback_at IS NOT NULL AS planned
			FROM customer_values v
			CROSS JOIN LATERAL (SELECT extract(epoch FROM ($2::timestamptz - v.last_invoice_at))::float8 AS s) x
			WHERE v.interval_seconds > 0 AND (
				v.risk <> CASE WHEN x.s > 3 * v.interval_seconds THEN 'lapsed' WHEN x.s > $1::float8 * v.interval_seconds THEN 'at_risk' ELSE '' END
				OR abs(x.s - $1::float8 * v.interval_seconds) < 60 OR abs(x.s - 3 * v.interval_seconds) < 60
				OR (v.risk <> '' AND v.winback_at IS NULL)))
		SELECT v.customer_id, coalesce(c.owner_id, 0), v.last_invoice_at, v.interval_seconds, v.risk, v.planned
		FROM v JOIN customers c ON c.id = v.customer_id WHERE c.deleted_at IS NULL`, k, now)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Rhythm, error) {
		var r crm.Rhythm
		var secs int64
		var risk string
		err := row.Scan(&r.CustomerID, &r.OwnerID, &r.Last, &secs, &risk, &r.WinBack)
		r.Interval, r.Risk = time.Duration(secs)*time.Second, crm.RiskLevel(risk)
		return r, err
	})
}

// SetRisks stores the risk level of each customer named, in one statement.
func (db *DB) SetRisks(ctx context.Context, ids []int64, risks []crm.RiskLevel) (err error) {
	defer wrap(&err, "set risks")
	if len(ids) == 0 {
		return nil
	}
	rs := make([]string, len(risks))
	for i, r := range risks {
		rs[i] = string(r)
	}
	_, err = db.q(ctx).Exec(ctx, `UPDATE customer_values v SET risk = x.r
		FROM unnest($1::bigint[], $2::text[]) AS x (c, r) WHERE v.customer_id = x.c`, ids, rs)
	return err
}

// RelationTargets returns live, owned customers whose level (their own,
// else business) is proactive or higher.
func (db *DB) RelationTargets(ctx context.Context, business int) (ts []crm.RelationTarget, err error) {
	defer wrap(&err, "relation targets")
	rows, err := db.q(ctx).Query(ctx, `SELECT c.id, c.owner_id, coalesce(nullif(c.relationship_level, 0), $1::int),
			coalesce(c.last_contact_at, 'epoch'), coalesce(v.relation_at, 'epoch')
		FROM customers c LEFT JOIN customer_values v ON v.customer_id = c.id
		WHERE c.deleted_at IS NULL AND c.owner_id IS NOT NULL
			AND coalesce(nullif(c.relationship_level, 0), $1::int) >= $2`, business, crm.LevelProactive)
	if err != nil {
		return nil, err
	}
	epoch := time.Unix(0, 0)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.RelationTarget, error) {
		var t crm.RelationTarget
		err := row.Scan(&t.CustomerID, &t.OwnerID, &t.Level, &t.LastContact, &t.LastPlanned)
		if t.LastContact.Equal(epoch) {
			t.LastContact = time.Time{}
		}
		if t.LastPlanned.Equal(epoch) {
			t.LastPlanned = time.Time{}
		}
		return t, err
	})
}

// PlanRelation creates a level-driven follow-up (a check-in or a review)
// and notes when, so the next one waits its cadence; false when another
// sweep planned one since last.
func (db *DB) PlanRelation(ctx context.Context, f crm.FollowUp, last, at time.Time) (ok bool, err error) {
	defer wrap(&err, "plan relation follow-up")
	q := db.q(ctx)
	var lastArg *time.Time
	if !last.IsZero() {
		lastArg = &last
	}
	tag, err := q.Exec(ctx, `INSERT INTO customer_values AS v (customer_id, stale, relation_at) VALUES ($1, false, $2)
		ON CONFLICT (customer_id) DO UPDATE SET relation_at = $2 WHERE v.relation_at IS NOT DISTINCT FROM $3`, f.CustomerID, at, lastArg)
	if err != nil || tag.RowsAffected() == 0 {
		return false, err
	}
	_, err = db.CreateFollowUp(ctx, f, 0)
	return err == nil, err
}
