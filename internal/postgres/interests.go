package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// Interests are stored in customer_interests (migration 015) and each
// interest's name is kept among customers.tags while it exists: a segment
// on tags (`tags @> ARRAY['A4 paper']`) finds the customers interested, and
// customer_interests.name_key (crm.FoldKey) matches spelling variants.

// Interests returns a customer's interests in the order they were added.
func (db *DB) Interests(ctx context.Context, customerID int64) (out []crm.Interest, err error) {
	defer wrap(&err, "interests")
	rows, err := db.q(ctx).Query(ctx, `SELECT id, customer_id, name, coalesce(quantity, 0), unit, period, created_at
		FROM customer_interests WHERE customer_id = $1 ORDER BY created_at, id`, customerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Interest, error) {
		var i crm.Interest
		err := row.Scan(&i.ID, &i.CustomerID, &i.Name, &i.Quantity, &i.Unit, &i.Period, &i.CreatedAt)
		return i, err
	})
}

// Interest returns one interest of a customer; crm.ENotFound when the
// customer has no such interest.
func (db *DB) Interest(ctx context.Context, customerID, interestID int64) (i crm.Interest, err error) {
	defer wrap(&err, "interest")
	err = db.q(ctx).QueryRow(ctx, `SELECT id, customer_id, name, coalesce(quantity, 0), unit, period, created_at
		FROM customer_interests WHERE customer_id = $1 AND id = $2`, customerID, interestID).
		Scan(&i.ID, &i.CustomerID, &i.Name, &i.Quantity, &i.Unit, &i.Period, &i.CreatedAt)
	return i, err
}

// AddInterest stores a new interest and adds its name to the customer's
// tags. crm.EConflict when the customer has it already (by folded name),
// crm.EInvalid past crm.MaxInterests.
func (db *DB) AddInterest(ctx context.Context, i crm.Interest, by int64, at time.Time) (out crm.Interest, err error) {
	defer wrap(&err, "add interest")
	if err := i.Validate(); err != nil {
		return out, err
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM customer_interests WHERE customer_id = $1`, i.CustomerID).Scan(&n); err != nil {
			return err
		}
		if n >= crm.MaxInterests {
			return crm.Errorf(crm.EInvalid, "too many interests")
		}
		var tags []string
		if err := tx.QueryRow(ctx, `SELECT tags FROM customers WHERE id = $1 FOR UPDATE`, i.CustomerID).Scan(&tags); err != nil {
			return err
		}
		if len(tags) >= crm.MaxTags && !slices.ContainsFunc(tags, func(t string) bool { return crm.FoldKey(t) == crm.FoldKey(i.Name) }) {
			return crm.Errorf(crm.EInvalid, "too many tags") // checked before writing: nothing is left half done
		}
		// ON CONFLICT keeps the update's transaction usable after a duplicate.
		err := tx.QueryRow(ctx, `INSERT INTO customer_interests (customer_id, name, name_key, quantity, unit, period,
				created_by, created_at, updated_at)
			VALUES ($1, $2, $3, nullif($4, 0), $5, $6, nullif($7, 0::bigint), $8, $8)
			ON CONFLICT (customer_id, name_key) DO NOTHING RETURNING id, created_at`,
			i.CustomerID, i.Name, crm.FoldKey(i.Name), i.Quantity, i.Unit, i.Period, by, at).Scan(&i.ID, &i.CreatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return crm.Errorf(crm.EConflict, "the customer has interest %q", i.Name)
		}
		if err != nil {
			return err
		}
		if err := syncInterestTag(ctx, tx, i.CustomerID, "", i.Name); err != nil {
			return err
		}
		out = i
		return audit(ctx, tx, by, "interest.add", "customer", i.CustomerID, map[string]any{"interest": i.ID})
	})
	return out, err
}

// UpdateInterest stores an interest's quantity, unit and period.
func (db *DB) UpdateInterest(ctx context.Context, i crm.Interest, by int64, at time.Time) (err error) {
	defer wrap(&err, "update interest")
	if err := i.Validate(); err != nil {
		return err
	}
	tx := db.q(ctx)
	tag, err := tx.Exec(ctx, `UPDATE customer_interests SET quantity = nullif($3, 0), unit = $4, period = $5, updated_at = $6
		WHERE customer_id = $1 AND id = $2`, i.CustomerID, i.ID, i.Quantity, i.Unit, i.Period, at)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return crm.Errorf(crm.ENotFound, "interest %d", i.ID)
	}
	return audit(ctx, tx, by, "interest.update", "customer", i.CustomerID, map[string]any{"interest": i.ID})
}

// RemoveInterest deletes an interest and its tag.
func (db *DB) RemoveInterest(ctx context.Context, customerID, interestID, by int64) (err error) {
	defer wrap(&err, "remove interest")
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		var name string
		if err := tx.QueryRow(ctx, `DELETE FROM customer_interests WHERE customer_id = $1 AND id = $2 RETURNING name`,
			customerID, interestID).Scan(&name); err != nil {
			return err
		}
		if err := syncInterestTag(ctx, tx, customerID, name, ""); err != nil {
			return err
		}
		return audit(ctx, tx, by, "interest.remove", "customer", customerID, map[string]any{"interest": interestID})
	})
}

// syncInterestTag takes the tag drop off a customer's tags (matched by
// folded name) and adds add when no tag has its folded name yet.
func syncInterestTag(ctx context.Context, tx Querier, customerID int64, drop, add string) error {
	var tags []string
	if err := tx.QueryRow(ctx, `SELECT tags FROM customers WHERE id = $1 FOR UPDATE`, customerID).Scan(&tags); err != nil {
		return err
	}
	var out []string
	has := false
	for _, t := range tags {
		if drop != "" && crm.FoldKey(t) == crm.FoldKey(drop) {
			continue
		}
		if add != "" && crm.FoldKey(t) == crm.FoldKey(add) {
			has = true
		}
		out = append(out, t)
	}
	if add != "" && !has {
		if len(out) >= crm.MaxTags {
			return crm.Errorf(crm.EInvalid, "too many tags")
		}
		out = append(out, add)
	}
	_, err := tx.Exec(ctx, `UPDATE customers SET tags = $2 WHERE id = $1`, customerID, nonNil(out))
	return err
}
