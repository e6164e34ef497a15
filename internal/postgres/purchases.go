package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// Amounts: purchases.amount is numeric(20,2) in whole units of the
// currency (as the demo writes it); crm.Purchase.Amount is in minor units
// (format.CurrencyDigits). Both convert exactly through hundredths.

// hundredths converts minor units of currency to hundredths of a unit.
func hundredths(minor int64, currency string) int64 {
	for d := format.CurrencyDigits(currency); d < 2; d++ {
		minor *= 10
	}
	return minor
}

// fromHundredths converts hundredths of a unit to minor units of currency.
func fromHundredths(h int64, currency string) int64 {
	for d := format.CurrencyDigits(currency); d < 2; d++ {
		h /= 10
	}
	return h
}

const purchaseColumns = `p.id, p.customer_id, p.kind, coalesce(p.number, ''), (p.amount * 100)::bigint, p.currency, p.items,
	p.status, coalesce(p.quote_id, 0), coalesce((SELECT i.id FROM purchases i WHERE i.quote_id = p.id), 0),
	p.issued_at, coalesce(p.created_by, 0) FROM purchases p `

func scanPurchase(row pgx.Row) (crm.Purchase, error) {
	var p crm.Purchase
	var kind string
	var items []byte
	err := row.Scan(&p.ID, &p.CustomerID, &kind, &p.Number, &p.Amount, &p.Currency, &items, &p.Status,
		&p.QuoteID, &p.InvoiceID, &p.IssuedAt, &p.CreatedBy)
	if err != nil {
		return p, err
	}
	p.Kind = crm.PurchaseKind(kind)
	p.Amount = fromHundredths(p.Amount, p.Currency)
	_ = json.Unmarshal(items, &p.Items) // a malformed list shows no items
	return p, nil
}

// AddPurchase stores a quote or an invoice (status "sent" unless set) and
// notes it in the audit log; the customer's value row turns stale (the
// trigger of migration 013) until CustomerValue or the sweep recomputes it.
func (db *DB) AddPurchase(ctx context.Context, p crm.Purchase, by int64) (out crm.Purchase, err error) {
	defer wrap(&err, "add purchase")
	if err := p.Validate(); err != nil {
		return out, err
	}
	if p.Status == "" {
		p.Status = crm.PurchaseSent
	}
	items := p.Items
	if items == nil {
		items = []crm.PurchaseItem{}
	}
	js, err := json.Marshal(items)
	if err != nil {
		return out, err
	}
	q := db.q(ctx)
	var id int64
	err = q.QueryRow(ctx, `INSERT INTO purchases (customer_id, kind, number, amount, currency, items, status, quote_id,
			issued_at, created_by, created_at)
		VALUES ($1, $2, nullif($3, ''), $4::numeric / 100, $5, $6, $7, nullif($8, 0::bigint), $9, nullif($10, 0::bigint), $11)
		RETURNING id`,
		p.CustomerID, string(p.Kind), p.Number, hundredths(p.Amount, p.Currency), p.Currency, js, p.Status, p.QuoteID,
		p.IssuedAt, by, db.now()).Scan(&id)
	if err != nil {
		return out, err
	}
	if err := audit(ctx, q, by, "purchase.add", "customer", p.CustomerID, map[string]any{"purchase": id, "kind": p.Kind}); err != nil {
		return out, err
	}
	return scanPurchase(q.QueryRow(ctx, `SELECT `+purchaseColumns+`WHERE p.id = $1`, id))
}

// Purchase returns one purchase; crm.ENotFound when there is none.
func (db *DB) Purchase(ctx context.Context, id int64) (p crm.Purchase, err error) {
	defer wrap(&err, "purchase")
	return scanPurchase(db.q(ctx).QueryRow(ctx, `SELECT `+purchaseColumns+`WHERE p.id = $1`, id))
}

// Purchases returns a customer's latest purchases, newest first, and how
// many there are.
func (db *DB) Purchases(ctx context.Context, customerID int64, limit int) (ps []crm.Purchase, total int, err error) {
	defer wrap(&err, "purchases")
	q := db.q(ctx)
	if err := q.QueryRow(ctx, `SELECT count(*) FROM purchases WHERE customer_id = $1`, customerID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, `SELECT `+purchaseColumns+`WHERE p.customer_id = $1 ORDER BY p.issued_at DESC, p.id DESC LIMIT $2`,
		customerID, limit)
	if err != nil {
		return nil, 0, err
	}
	ps, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Purchase, error) { return scanPurchase(row) })
	return ps, total, err
}

// ConvertQuote turns a quote into an invoice issued at at with the
// quote's amount, currency and items, and marks the quote accepted. A
// quote already converted (by another press, or another rep) or rejected
// is crm.EConflict; nothing changes then.
func (db *DB) ConvertQuote(ctx context.Context, quoteID int64, at time.Time, by int64) (inv crm.Purchase, err error) {
	defer wrap(&err, "convert quote")
	q := db.q(ctx)
	quote, err := scanPurchase(q.QueryRow(ctx, `SELECT `+purchaseColumns+`WHERE p.id = $1 FOR UPDATE OF p`, quoteID))
	if err != nil {
		return inv, err
	}
	if !quote.Convertible() {
		return inv, crm.Errorf(crm.EConflict, "purchase %d is not an open quote", quoteID)
	}
	if _, err := q.Exec(ctx, `UPDATE purchases SET status = 'accepted' WHERE id = $1`, quoteID); err != nil {
		return inv, err
	}
	number := quote.Number
	return db.AddPurchase(ctx, crm.Purchase{CustomerID: quote.CustomerID, Kind: crm.KindInvoice, Number: number,
		Amount: quote.Amount, Currency: quote.Currency, Items: quote.Items, Status: crm.PurchaseSent, QuoteID: quote.ID,
		IssuedAt: at}, by)
}

// InvoiceTimes returns when a customer's counted invoices were issued,
// oldest first.
func (db *DB) InvoiceTimes(ctx context.Context, customerID int64) (ts []time.Time, err error) {
	defer wrap(&err, "invoice times")
	rows, err := db.q(ctx).Query(ctx, `SELECT issued_at FROM purchases
		WHERE customer_id = $1 AND kind = 'invoice' AND status <> 'cancelled' ORDER BY issued_at`, customerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[time.Time])
}

// ValuePolicy returns the organisation's value policy (settings
// "value_policy"), defaults filled for locale.
func (db *DB) ValuePolicy(ctx context.Context, locale string) (p crm.ValuePolicy, err error) {
	defer wrap(&err, "value policy")
	var raw []byte
	err = db.q(ctx).QueryRow(ctx, `SELECT value FROM settings WHERE key = 'value_policy'`).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return crm.DefaultValuePolicy(locale), nil
	}
	if err != nil {
		return p, err
	}
	_ = json.Unmarshal(raw, &p) // an unreadable policy is the default
	return p.Normalize(locale), nil
}

// SetValuePolicy stores the organisation's value policy and audits it.
func (db *DB) SetValuePolicy(ctx context.Context, p crm.ValuePolicy, by int64) (err error) {
	defer wrap(&err, "set value policy")
	v, err := json.Marshal(p)
	if err != nil {
		return err
	}
	q := db.q(ctx)
	// New product margins change every margin-adjusted value: the rows are
	// recomputed when next read or by the next sweep.
	if _, err := q.Exec(ctx, `UPDATE customer_values SET stale = true WHERE NOT stale
		AND (SELECT coalesce(value->'margins', '{}') FROM settings WHERE key = 'value_policy') IS DISTINCT FROM coalesce($1::jsonb->'margins', '{}')`, v); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('value_policy', $1, $2)
		ON CONFLICT (key) DO UPDATE SET value = $1, updated_at = $2`, v, db.now()); err != nil {
		return err
	}
	return audit(ctx, q, by, "settings.value_policy", "settings", 0, map[string]any{"ladder": p.Ladder, "currency": p.Currency})
}

// RelationshipPolicy returns the relationship policy (settings
// "relationship_policy"); zero when the admin set none.
func (db *DB) RelationshipPolicy(ctx context.Context) (p crm.RelationshipPolicy, err error) {
	defer wrap(&err, "relationship policy")
	var raw []byte
	err = db.q(ctx).QueryRow(ctx, `SELECT value FROM settings WHERE key = 'relationship_policy'`).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	_ = json.Unmarshal(raw, &p) // unreadable: none set
	return p, nil
}

// SetRelationshipPolicy stores the relationship policy and audits it.
func (db *DB) SetRelationshipPolicy(ctx context.Context, p crm.RelationshipPolicy, by int64) (err error) {
	defer wrap(&err, "set relationship policy")
	v, err := json.Marshal(p)
	if err != nil {
		return err
	}
	q := db.q(ctx)
	if _, err := q.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('relationship_policy', $1, $2)
		ON CONFLICT (key) DO UPDATE SET value = $1, updated_at = $2`, v, db.now()); err != nil {
		return err
	}
	return audit(ctx, q, by, "settings.relationship_policy", "settings", 0, map[string]any{"level": p.Business.Level})
}
