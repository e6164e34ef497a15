package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
// customer (crm.CardInfo), in one statement: the card is the screen shown
// most, and its five look-ups were five round trips.
func (db *DB) CustomerCardInfo(ctx context.Context, customerID int64) (info crm.CardInfo, err error) {
	defer wrap(&err, "customer card info")
	var (
		next                    *int64
		assignee                int64
		due, qualAt, qualUpdate *time.Time
		note                    *string
		dates, interests        []byte
		qualified               bool
		help, need, ongoing     string
		lat, lon                *float64
	)
	q := &info.Qualification
	err = db.q(ctx).QueryRow(ctx, `SELECT f.id, coalesce(f.assignee_id, 0), f.due_at, f.note,
			(SELECT json_agg(json_build_object('id', d.id, 'kind', d.kind, 'label', coalesce(d.label, ''), 'calendar', d.calendar,
					'month', d.month, 'day', d.day, 'year', coalesce(d.year, 0)) ORDER BY d.month, d.day, d.id)
				FROM important_dates d WHERE d.customer_id = $1),
			(SELECT json_agg(json_build_object('id', i.id, 'name', i.name, 'quantity', coalesce(i.quantity, 0), 'unit', i.unit,
					'period', i.period, 'created_us', (extract(epoch FROM i.created_at) * 1000000)::bigint) ORDER BY i.created_at, i.id)
				FROM customer_interests i WHERE i.customer_id = $1),
			EXISTS (SELECT FROM customer_values v WHERE v.customer_id = $1),
			q.customer_id IS NOT NULL, coalesce(q.can_help, ''), coalesce(q.needs_us, ''), coalesce(q.ongoing, ''),
			coalesce(q.revenue_band, ''), coalesce(q.revenue_currency, ''), q.latitude, q.longitude,
			coalesce(q.qualified_by, 0), coalesce(s.display_name, ''), q.qualified_at, q.updated_at
		FROM (SELECT) one
		LEFT JOIN LATERAL (SELECT id, assignee_id, due_at, note FROM follow_ups
			WHERE customer_id = $1 AND status = 'open' ORDER BY due_at, id LIMIT 1) f ON true
		LEFT JOIN customer_qualifications q ON q.customer_id = $1
		LEFT JOIN staff s ON s.id = q.qualified_by`, customerID).
		Scan(&next, &assignee, &due, &note, &dates, &interests, &info.HasValue,
			&qualified, &help, &need, &ongoing, &q.RevenueBand, &q.RevenueCurrency, &lat, &lon, &q.By, &q.ByName, &qualAt, &qualUpdate)
	if err != nil {
		return info, err
	}
	if next != nil {
		info.Next = crm.FollowUp{ID: *next, CustomerID: customerID, AssigneeID: assignee, DueAt: *due, Status: crm.FollowUpOpen}
		if note != nil {
			info.Next.Note = *note
		}
	}
	if qualified {
		q.CustomerID, q.At, q.UpdatedAt = customerID, *qualAt, *qualUpdate
		q.CanHelp, q.NeedsUs, q.Ongoing = crm.Answer(help), crm.Answer(need), crm.Answer(ongoing)
		if lat != nil && lon != nil {
			q.HasLocation, q.Latitude, q.Longitude = true, *lat, *lon
		}
	} else {
		*q = crm.Qualification{}
	}
	if info.Dates, err = cardDates(dates, customerID); err != nil {
		return info, err
	}
	info.Interests, err = cardInterests(interests, customerID)
	return info, err
}

// cardDates decodes the important dates CustomerCardInfo aggregated.
func cardDates(raw []byte, customerID int64) ([]crm.ImportantDate, error) {
	if raw == nil {
		return nil, nil
	}
	var ds []struct {
		ID              int64
		Kind            crm.ImportantDateKind
		Label, Calendar string
		Month, Day      int
		Year            int
	}
	if err := json.Unmarshal(raw, &ds); err != nil {
		return nil, fmt.Errorf("decode important dates: %w", err)
	}
	out := make([]crm.ImportantDate, len(ds))
	for i, d := range ds {
		out[i] = crm.ImportantDate{ID: d.ID, CustomerID: customerID, Kind: d.Kind, Label: d.Label, Calendar: d.Calendar,
			Month: d.Month, Day: d.Day, Year: d.Year}
	}
	return out, nil
}

// cardInterests decodes the interests CustomerCardInfo aggregated.
func cardInterests(raw []byte, customerID int64) ([]crm.Interest, error) {
	if raw == nil {
		return nil, nil
	}
	var is []struct {
		ID                 int64
		Name, Unit, Period string
		Quantity           int
		CreatedUS          int64 `json:"created_us"`
	}
	if err := json.Unmarshal(raw, &is); err != nil {
		return nil, fmt.Errorf("decode interests: %w", err)
	}
	out := make([]crm.Interest, len(is))
	for i, x := range is {
		out[i] = crm.Interest{ID: x.ID, CustomerID: customerID, Name: x.Name, Quantity: x.Quantity, Unit: x.Unit,
			Period: x.Period, CreatedAt: time.UnixMicro(x.CreatedUS)}
	}
	return out, nil
}
