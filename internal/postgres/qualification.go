package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// Qualification returns what was recorded when customerID was qualified;
// crm.ENotFound when nobody qualified them yet.
func (db *DB) Qualification(ctx context.Context, customerID int64) (q crm.Qualification, err error) {
	defer wrap(&err, "qualification")
	var help, need, ongoing string
	var lat, lon *float64
	err = db.q(ctx).QueryRow(ctx, `SELECT q.customer_id, q.can_help, q.needs_us, q.ongoing, q.revenue_band, q.revenue_currency,
			q.latitude, q.longitude, coalesce(q.qualified_by, 0), coalesce(s.display_name, ''), q.qualified_at, q.updated_at
		FROM customer_qualifications q LEFT JOIN staff s ON s.id = q.qualified_by WHERE q.customer_id = $1`, customerID).
		Scan(&q.CustomerID, &help, &need, &ongoing, &q.RevenueBand, &q.RevenueCurrency, &lat, &lon, &q.By, &q.ByName, &q.At, &q.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return q, crm.Errorf(crm.ENotFound, "customer %d is not qualified", customerID)
	}
	q.CanHelp, q.NeedsUs, q.Ongoing = crm.Answer(help), crm.Answer(need), crm.Answer(ongoing)
	if lat != nil && lon != nil {
		q.HasLocation, q.Latitude, q.Longitude = true, *lat, *lon
	}
	return q, err
}

// SaveQualification stores q for its customer at at: the first save
// records by as who qualified them and when, later ones who changed it.
func (db *DB) SaveQualification(ctx context.Context, q crm.Qualification, by int64, at time.Time) (err error) {
	defer wrap(&err, "save qualification")
	if err := q.Validate(); err != nil {
		return err
	}
	var lat, lon *float64
	if q.HasLocation {
		lat, lon = &q.Latitude, &q.Longitude
	}
	tx := db.q(ctx)
	_, err = tx.Exec(ctx, `INSERT INTO customer_qualifications AS q (customer_id, can_help, needs_us, ongoing, revenue_band,
			revenue_currency, latitude, longitude, qualified_by, qualified_at, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nullif($9, 0::bigint), $10, nullif($9, 0::bigint), $10)
		ON CONFLICT (customer_id) DO UPDATE SET can_help = $2, needs_us = $3, ongoing = $4, revenue_band = $5,
			revenue_currency = $6, latitude = $7, longitude = $8, updated_by = nullif($9, 0::bigint), updated_at = $10`,
		q.CustomerID, string(q.CanHelp), string(q.NeedsUs), string(q.Ongoing), q.RevenueBand, q.RevenueCurrency, lat, lon, by, at)
	if err != nil {
		return err
	}
	return audit(ctx, tx, by, "customer.qualify", "customer", q.CustomerID, nil)
}

// OrgIndustries lists the industries the organisation's live customers
// are in, the most common first, at most limit.
func (db *DB) OrgIndustries(ctx context.Context, limit int) (out []string, err error) {
	defer wrap(&err, "industries")
	rows, err := db.q(ctx).Query(ctx, `SELECT min(industry) FROM customers
		WHERE deleted_at IS NULL AND coalesce(btrim(industry), '') <> ''
		GROUP BY lower(btrim(industry)) ORDER BY count(*) DESC, lower(btrim(industry)) LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
