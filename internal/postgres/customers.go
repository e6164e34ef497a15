package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// customerColumns reads a customer with its owner's name and team and its
// phones (the primary first); use with customerFrom.
const customerColumns = `c.id, c.name, coalesce(c.company, ''), coalesce(c.job_title, ''), coalesce(c.industry, ''),
	coalesce(c.city, ''), coalesce(c.source, ''), coalesce(c.owner_id, 0), coalesce(o.team_id, 0),
	coalesce(o.display_name, ''), c.stage_id, c.tags, coalesce(c.personality_type, ''),
	coalesce(c.relationship_level, 0), coalesce(c.notes, ''), c.created_at, c.updated_at,
	c.last_contact_at, c.deleted_at,
	coalesce(c.telegram_user_id, 0), c.telegram_linked_at, coalesce(c.chat_locale, ''), coalesce(c.time_zone, ''),
	c.consent_at, coalesce(c.consent_version, ''), c.opted_out_at, c.unreachable_at,
	coalesce((SELECT array_agg(p.e164 ORDER BY p.is_primary DESC, p.created_at, p.e164)
		FROM customer_phones p WHERE p.customer_id = c.id), '{}')`

const customerFrom = ` FROM customers c LEFT JOIN staff o ON o.id = c.owner_id `

func scanCustomer(row pgx.Row, extra ...any) (crm.Customer, error) {
	var c crm.Customer
	var level int16
	var last, deleted, linked, consent, optOut, unreachable *time.Time
	ch := &c.Chat
	dest := []any{&c.ID, &c.Name, &c.Company, &c.JobTitle, &c.Industry, &c.City, &c.Source,
		&c.OwnerID, &c.OwnerTeamID, &c.OwnerName, &c.StageID, &c.Tags, &c.PersonalityType,
		&level, &c.Notes, &c.CreatedAt, &c.UpdatedAt, &last, &deleted,
		&ch.TelegramUserID, &linked, &ch.Locale, &ch.TimeZone, &consent, &ch.ConsentVersion, &optOut, &unreachable,
		&c.Phones}
	err := row.Scan(append(dest, extra...)...)
	for _, t := range []struct {
		src *time.Time
		dst *time.Time
	}{{linked, &ch.LinkedAt}, {consent, &ch.ConsentAt}, {optOut, &ch.OptedOutAt}, {unreachable, &ch.UnreachableAt}} {
		if t.src != nil {
			*t.dst = *t.src
		}
	}
	c.RelationshipLevel = int(level)
	if last != nil {
		c.LastContactAt = *last
	}
	if deleted != nil {
		c.DeletedAt = *deleted
	}
	return c, err
}

// Customer returns a customer by id, deleted or not, with its owner's name
// and team filled in. crm.ENotFound if there is none.
func (db *DB) Customer(ctx context.Context, id int64) (c crm.Customer, err error) {
	defer wrap(&err, "customer")
	return scanCustomer(db.q(ctx).QueryRow(ctx, `SELECT `+customerColumns+customerFrom+`WHERE c.id = $1`, id))
}

// CustomerByTelegramID returns the live customer whose Telegram account is
// tgID. crm.ENotFound if none is linked to it.
func (db *DB) CustomerByTelegramID(ctx context.Context, tgID int64) (c crm.Customer, err error) {
	defer wrap(&err, "customer by telegram id")
	return scanCustomer(db.q(ctx).QueryRow(ctx, `SELECT `+customerColumns+customerFrom+
		`WHERE c.telegram_user_id = $1 AND c.deleted_at IS NULL`, tgID))
}

// CustomerByPhone returns the customer who has phone e164. crm.ENotFound
// if nobody has it.
func (db *DB) CustomerByPhone(ctx context.Context, e164 string) (c crm.Customer, err error) {
	defer wrap(&err, "customer by phone")
	return scanCustomer(db.q(ctx).QueryRow(ctx, `SELECT `+customerColumns+customerFrom+
		`JOIN customer_phones cp ON cp.customer_id = c.id WHERE cp.e164 = $1`, e164))
}

// CreateCustomer stores a new customer owned by c.OwnerID (0: the pool) in
// stage c.StageID, or the first stage of the active pipeline when it is 0.
// The entry into the stage is written to stage_history at c.CreatedAt (the
// store's clock when zero). A phone that already belongs to a customer is
// crm.EDuplicatePhone with that customer's ID.
func (db *DB) CreateCustomer(ctx context.Context, c crm.Customer, by int64) (out crm.Customer, err error) {
	defer wrap(&err, "create customer")
	if err := c.Validate(); err != nil {
		return out, err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = db.now()
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		if err := checkPhonesFree(ctx, tx, c.Phones, 0); err != nil {
			return err
		}
		if c.StageID == 0 {
			st, err := firstStage(ctx, tx)
			if err != nil {
				return err
			}
			c.StageID = st
		}
		err := tx.QueryRow(ctx, `INSERT INTO customers (name, name_norm, company, company_norm, job_title, industry,
			city, source, owner_id, stage_id, tags, created_by, created_at, updated_at)
			VALUES ($1, $2, nullif($3, ''), nullif($4, ''), nullif($5, ''), nullif($6, ''), nullif($7, ''),
				nullif($8, ''), nullif($9, 0::bigint), $10, $11, nullif($12, 0::bigint), $13, $13) RETURNING id`,
			c.Name, textnorm.Fold(c.Name), c.Company, textnorm.Fold(c.Company), c.JobTitle, c.Industry, c.City,
			c.Source, c.OwnerID, c.StageID, nonNil(c.Tags), by, c.CreatedAt).Scan(&c.ID)
		if err != nil {
			return err
		}
		for i, p := range c.Phones {
			if err := insertPhone(ctx, tx, c.ID, p, i == 0, c.CreatedAt); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO stage_history (customer_id, to_stage_id, changed_by, changed_at)
			VALUES ($1, $2, nullif($3, 0::bigint), $4)`, c.ID, c.StageID, by, c.CreatedAt); err != nil {
			return err
		}
		if err := audit(ctx, tx, by, "customer.create", "customer", c.ID, map[string]any{"owner_id": c.OwnerID}); err != nil {
			return err
		}
		out, err = scanCustomer(tx.QueryRow(ctx, `SELECT `+customerColumns+customerFrom+`WHERE c.id = $1`, c.ID))
		return err
	})
	return out, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// checkPhonesFree returns crm.EDuplicatePhone (with the owner's ID) when
// one of phones belongs to a customer other than except.
func checkPhonesFree(ctx context.Context, tx Querier, phones []string, except int64) error {
	if len(phones) == 0 {
		return nil
	}
	var other int64
	err := tx.QueryRow(ctx, `SELECT customer_id FROM customer_phones WHERE e164 = ANY($1) AND customer_id <> $2 LIMIT 1`,
		phones, except).Scan(&other)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return &crm.Error{Code: crm.EDuplicatePhone, Message: "phone belongs to another customer", ID: other}
}

func insertPhone(ctx context.Context, tx Querier, customerID int64, e164 string, primary bool, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO customer_phones (e164, customer_id, is_primary, created_at) VALUES ($1, $2, $3, $4)`,
		e164, customerID, primary, at)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		// A concurrent insert of the same number won the race.
		return &crm.Error{Code: crm.EDuplicatePhone, Message: "phone taken concurrently"}
	}
	return err
}

// UpdateCustomer stores c's editable fields (name, company, job title,
// industry, city, source, tags, personality type, relationship level).
// Owner, stage and phones change through their own methods.
func (db *DB) UpdateCustomer(ctx context.Context, c crm.Customer, by int64) (err error) {
	defer wrap(&err, "update customer")
	if err := c.Validate(); err != nil {
		return err
	}
	tx := db.q(ctx)
	tag, err := tx.Exec(ctx, `UPDATE customers SET name = $2, name_norm = $3, company = nullif($4, ''),
		company_norm = nullif($5, ''), job_title = nullif($6, ''), industry = nullif($7, ''), city = nullif($8, ''),
		source = nullif($9, ''), tags = $10, personality_type = nullif($11, ''),
		relationship_level = nullif($12, 0)::smallint, updated_at = $13
		WHERE id = $1 AND deleted_at IS NULL`,
		c.ID, c.Name, textnorm.Fold(c.Name), c.Company, textnorm.Fold(c.Company), c.JobTitle, c.Industry, c.City,
		c.Source, nonNil(c.Tags), c.PersonalityType, c.RelationshipLevel, db.now())
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return crm.Errorf(crm.ENotFound, "customer %d", c.ID)
	}
	return audit(ctx, tx, by, "customer.update", "customer", c.ID, nil)
}

// AddCustomerPhone adds phone e164 to a customer; the first phone becomes
// the primary. crm.EDuplicatePhone if another customer has it.
func (db *DB) AddCustomerPhone(ctx context.Context, customerID int64, e164 string, by int64) (err error) {
	defer wrap(&err, "add customer phone")
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		if err := checkPhonesFree(ctx, tx, []string{e164}, customerID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM customer_phones WHERE customer_id = $1`, customerID).Scan(&n); err != nil {
			return err
		}
		if n >= crm.MaxCustomerPh {
			return crm.Errorf(crm.EInvalid, "too many phones")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO customer_phones (e164, customer_id, is_primary, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (e164) DO NOTHING`, e164, customerID, n == 0, db.now()); err != nil {
			return err
		}
		return audit(ctx, tx, by, "customer.phone_add", "customer", customerID, map[string]any{"phone": e164})
	})
}

// RemoveCustomerPhone removes phone e164 from a customer; the oldest phone
// left becomes the primary. crm.ENotFound if the customer has no such phone.
func (db *DB) RemoveCustomerPhone(ctx context.Context, customerID int64, e164 string, by int64) (err error) {
	defer wrap(&err, "remove customer phone")
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		tag, err := tx.Exec(ctx, `DELETE FROM customer_phones WHERE customer_id = $1 AND e164 = $2`, customerID, e164)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return crm.Errorf(crm.ENotFound, "no such phone")
		}
		if _, err := tx.Exec(ctx, `UPDATE customer_phones SET is_primary = true WHERE e164 = (
			SELECT e164 FROM customer_phones WHERE customer_id = $1 ORDER BY is_primary DESC, created_at, e164 LIMIT 1)`, customerID); err != nil {
			return err
		}
		return audit(ctx, tx, by, "customer.phone_remove", "customer", customerID, map[string]any{"phone": e164})
	})
}

// AssignCustomer gives a customer to staff member to (0: the pool) if its
// owner is still from (0: the pool); otherwise crm.EConflict, so two reps
// claiming one pool customer at once cannot both win.
func (db *DB) AssignCustomer(ctx context.Context, customerID, from, to, by int64) (err error) {
	defer wrap(&err, "assign customer")
	tx := db.q(ctx)
	tag, err := tx.Exec(ctx, `UPDATE customers SET owner_id = nullif($3, 0::bigint), updated_at = $4
		WHERE id = $1 AND coalesce(owner_id, 0) = $2 AND deleted_at IS NULL`, customerID, from, to, db.now())
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return crm.Errorf(crm.EConflict, "owner changed")
	}
	return audit(ctx, tx, by, "customer.assign", "customer", customerID, map[string]any{"from": from, "to": to})
}

// CustomerCardInfo returns what a customer's card shows besides the
// customer: the earliest open follow-up (zero ID: none) and the important
// dates.
func (db *DB) CustomerCardInfo(ctx context.Context, customerID int64) (next crm.FollowUp, dates []crm.ImportantDate, err error) {
	defer wrap(&err, "customer card info")
	tx := db.q(ctx)
	var note *string
	err = tx.QueryRow(ctx, `SELECT id, assignee_id, due_at, note FROM follow_ups
		WHERE customer_id = $1 AND status = 'open' ORDER BY due_at, id LIMIT 1`, customerID).
		Scan(&next.ID, &next.AssigneeID, &next.DueAt, &note)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		next, err = crm.FollowUp{}, nil
	case err != nil:
		return next, nil, err
	default:
		next.CustomerID, next.Status = customerID, crm.FollowUpOpen
		if note != nil {
			next.Note = *note
		}
	}
	rows, err := tx.Query(ctx, `SELECT id, kind, coalesce(label, ''), calendar, month, day, coalesce(year, 0)
		FROM important_dates WHERE customer_id = $1 ORDER BY month, day, id`, customerID)
	if err != nil {
		return next, nil, err
	}
	dates, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.ImportantDate, error) {
		d := crm.ImportantDate{CustomerID: customerID}
		var m, day int16
		err := row.Scan(&d.ID, &d.Kind, &d.Label, &d.Calendar, &m, &day, &d.Year)
		d.Month, d.Day = int(m), int(day)
		return d, err
	})
	return next, dates, err
}
