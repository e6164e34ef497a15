package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// FollowUpsDueBy returns a staff member's open follow-ups on live
// customers due before until, earliest first: "my day" is the overdue ones
// and today's.
func (db *DB) FollowUpsDueBy(ctx context.Context, assigneeID int64, until time.Time, limit int) (fs []crm.FollowUp, err error) {
	defer wrap(&err, "follow-ups due by")
	return collectFollowUps(db.q(ctx).Query(ctx, `SELECT `+followUpColumns+followUpFrom+`
		WHERE f.assignee_id = $1 AND f.status = 'open' AND f.due_at < $2 AND c.deleted_at IS NULL
		ORDER BY f.due_at, f.id LIMIT $3`, assigneeID, until, limit))
}

// DatesOwnedBy lists the important dates of a staff member's live customers.
func (db *DB) DatesOwnedBy(ctx context.Context, ownerID int64) (ds []crm.CustomerDate, err error) {
	defer wrap(&err, "dates owned by")
	return collectDates(db.q(ctx).Query(ctx, `SELECT `+dateColumns+dateFrom+`
		WHERE c.owner_id = $1 AND c.deleted_at IS NULL ORDER BY d.month, d.day, d.id`, ownerID))
}

// NextFollowUp returns a staff member's earliest open follow-up on a live
// customer due at or after from: "my day" names it when nothing is due
// today. crm.ENotFound when there is none.
func (db *DB) NextFollowUp(ctx context.Context, assigneeID int64, from time.Time) (f crm.FollowUp, err error) {
	defer wrap(&err, "next follow-up")
	return scanFollowUp(db.q(ctx).QueryRow(ctx, `SELECT `+followUpColumns+followUpFrom+`
		WHERE f.assignee_id = $1 AND f.status = 'open' AND f.due_at >= $2 AND c.deleted_at IS NULL
		ORDER BY f.due_at, f.id LIMIT 1`, assigneeID, from))
}

// CustomersWithoutNextStep returns a staff member's live customers in open
// stages (the deals still being worked) with no open follow-up, least
// recently contacted first (never contacted first of all), up to limit,
// and how many there are in all.
func (db *DB) CustomersWithoutNextStep(ctx context.Context, ownerID int64, limit int) (cs []crm.Customer, total int, err error) {
	defer wrap(&err, "customers without next step")
	rows, err := db.q(ctx).Query(ctx, `SELECT `+customerColumns+`, count(*) OVER ()`+customerFrom+`
		JOIN stages st ON st.id = c.stage_id
		WHERE c.owner_id = $1 AND c.deleted_at IS NULL AND st.kind = 'open'
			AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.customer_id = c.id AND f.status = 'open')
		ORDER BY c.last_contact_at NULLS FIRST, c.id LIMIT $2`, ownerID, limit)
	if err != nil {
		return nil, 0, err
	}
	cs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Customer, error) { return scanCustomer(row, &total) })
	return cs, total, err
}

// CustomersOwnedBy returns a page of a staff member's live customers, the
// most recently contacted first, and how many there are in all.
func (db *DB) CustomersOwnedBy(ctx context.Context, ownerID int64, limit, offset int) (cs []crm.Customer, total int, err error) {
	defer wrap(&err, "customers owned by")
	rows, err := db.q(ctx).Query(ctx, `SELECT `+customerColumns+`, count(*) OVER ()`+customerFrom+`
		WHERE c.owner_id = $1 AND c.deleted_at IS NULL
		ORDER BY c.last_contact_at DESC NULLS LAST, c.id DESC LIMIT $2 OFFSET $3`, ownerID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	cs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Customer, error) { return scanCustomer(row, &total) })
	return cs, total, err
}
