package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

const dateColumns = `d.id, d.customer_id, d.kind, coalesce(d.label, ''), d.calendar, d.month, d.day, coalesce(d.year, 0),
	c.name, coalesce(c.owner_id, 0)`

const dateFrom = ` FROM important_dates d JOIN customers c ON c.id = d.customer_id `

func scanDate(row pgx.Row) (crm.CustomerDate, error) {
	var d crm.CustomerDate
	var kind string
	var m, day int16
	err := row.Scan(&d.ID, &d.CustomerID, &kind, &d.Label, &d.Calendar, &m, &day, &d.Year, &d.CustomerName, &d.OwnerID)
	d.Kind, d.Month, d.Day = crm.ImportantDateKind(kind), int(m), int(day)
	return d, err
}

func collectDates(rows pgx.Rows, err error) ([]crm.CustomerDate, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.CustomerDate, error) { return scanDate(row) })
}

// AddImportantDate stores a yearly date of a customer. The caller has
// checked that month and day can occur in the date's calendar.
func (db *DB) AddImportantDate(ctx context.Context, d crm.ImportantDate, by int64) (out crm.CustomerDate, err error) {
	defer wrap(&err, "add important date")
	q := db.q(ctx)
	var id int64
	err = q.QueryRow(ctx, `INSERT INTO important_dates (customer_id, kind, label, calendar, month, day, year, created_by, created_at)
		VALUES ($1, $2, nullif($3, ''), $4, $5, $6, nullif($7, 0), nullif($8, 0::bigint), $9) RETURNING id`,
		d.CustomerID, d.Kind, d.Label, d.Calendar, d.Month, d.Day, d.Year, by, db.now()).Scan(&id)
	if err != nil {
		return out, err
	}
	return scanDate(q.QueryRow(ctx, `SELECT `+dateColumns+dateFrom+`WHERE d.id = $1`, id))
}

// ImportantDate returns one important date with its customer's name and
// owner. crm.ENotFound if there is none.
func (db *DB) ImportantDate(ctx context.Context, id int64) (d crm.CustomerDate, err error) {
	defer wrap(&err, "important date")
	return scanDate(db.q(ctx).QueryRow(ctx, `SELECT `+dateColumns+dateFrom+`WHERE d.id = $1`, id))
}

// ImportantDates lists a customer's important dates by month and day.
func (db *DB) ImportantDates(ctx context.Context, customerID int64) (ds []crm.CustomerDate, err error) {
	defer wrap(&err, "important dates")
	return collectDates(db.q(ctx).Query(ctx, `SELECT `+dateColumns+dateFrom+`WHERE d.customer_id = $1
		ORDER BY d.month, d.day, d.id`, customerID))
}

// DeleteImportantDate removes an important date. crm.ENotFound if it is gone.
func (db *DB) DeleteImportantDate(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "delete important date")
	tag, err := db.q(ctx).Exec(ctx, `DELETE FROM important_dates WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return crm.Errorf(crm.ENotFound, "important date %d", id)
	}
	return err
}

// DatesToRemind lists the important dates of live customers whose owner is
// active staff: the ones whose yearly reminders are due.
func (db *DB) DatesToRemind(ctx context.Context) (ds []crm.CustomerDate, err error) {
	defer wrap(&err, "dates to remind")
	return collectDates(db.q(ctx).Query(ctx, `SELECT `+dateColumns+dateFrom+`JOIN staff o ON o.id = c.owner_id
		WHERE c.deleted_at IS NULL AND o.active ORDER BY d.id`))
}
