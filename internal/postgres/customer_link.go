package postgres

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// newCustomerLinkToken returns a fresh random customer link token (34
// characters of A-Za-z0-9_-, within Telegram's 64) and its hash.
func newCustomerLinkToken() (token string, hash []byte) {
	b := make([]byte, 24)
	rand.Read(b)
	token = crm.CustomerLinkPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

// CreateCustomerLink stores a new personal link for customer customerID
// made by staff member by, valid for ttl, and returns its token (kept only
// as a hash), id and expiry. Every other open link of the customer is
// revoked: the newest link is the only one that works. Who may make it is
// the caller's check (crm.CanEdit).
func (db *DB) CreateCustomerLink(ctx context.Context, customerID, by int64, ttl time.Duration) (token string, id int64, expires time.Time, err error) {
	defer wrap(&err, "create customer link")
	if ttl <= 0 {
		ttl = crm.CustomerLinkTTL
	}
	now := db.now()
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		if _, err := tx.Exec(ctx, `UPDATE customer_invites SET revoked_at = $2
			WHERE customer_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, customerID, now); err != nil {
			return err
		}
		var hash []byte
		token, hash = newCustomerLinkToken()
		expires = now.Add(ttl)
		if err := tx.QueryRow(ctx, `INSERT INTO customer_invites (token_hash, customer_id, created_by, created_at, expires_at)
			VALUES ($1, $2, nullif($3, 0::bigint), $4, $5) RETURNING id`, hash, customerID, by, now, expires).Scan(&id); err != nil {
			return err
		}
		return audit(ctx, tx, by, "customer_link.create", "customer", customerID, map[string]any{"link_id": id})
	})
	return token, id, expires, err
}

// CustomerLinkOf returns the customer a link was made for, open or not.
// crm.ENotFound if there is no such link.
func (db *DB) CustomerLinkOf(ctx context.Context, linkID int64) (customerID int64, err error) {
	defer wrap(&err, "customer link")
	err = db.q(ctx).QueryRow(ctx, `SELECT customer_id FROM customer_invites WHERE id = $1`, linkID).Scan(&customerID)
	return customerID, err
}

// RevokeCustomerLink makes an unused link unusable. crm.ENotFound if it is
// used, revoked or unknown.
func (db *DB) RevokeCustomerLink(ctx context.Context, linkID, by int64) (err error) {
	defer wrap(&err, "revoke customer link")
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		var cid int64
		err := tx.QueryRow(ctx, `UPDATE customer_invites SET revoked_at = $2
			WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL RETURNING customer_id`, linkID, db.now()).Scan(&cid)
		if err != nil {
			return err
		}
		return audit(ctx, tx, by, "customer_link.revoke", "customer", cid, map[string]any{"link_id": linkID})
	})
}

// RedeemCustomerLink links Telegram account tgID to the customer of link
// token, reading the bot in locale unless they chose a language before.
// The customer is returned with the result for every outcome that names
// one (LinkLinked, LinkAgain); the others leave everything as it was:
//   - LinkUnknown, LinkExpired, LinkRevoked: the link does not work;
//   - LinkUsed: another account used it;
//   - LinkTaken: tgID is already another live customer's account.
//
// A customer who was linked to another account (a new phone) is moved to
// tgID, and their consent and opt-out start afresh: the new account's
// owner answers for themselves.
func (db *DB) RedeemCustomerLink(ctx context.Context, token string, tgID int64, locale string) (c crm.Customer, res crm.LinkResult, err error) {
	defer wrap(&err, "redeem customer link")
	now := db.now()
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		var id, cid int64
		var used, revoked *time.Time
		var usedBy *int64
		var expires time.Time
		err := tx.QueryRow(ctx, `SELECT i.id, i.customer_id, i.used_at, i.used_by, i.revoked_at, i.expires_at
			FROM customer_invites i JOIN customers c ON c.id = i.customer_id AND c.deleted_at IS NULL
			WHERE i.token_hash = $1 FOR UPDATE OF i`, hashToken(token)).Scan(&id, &cid, &used, &usedBy, &revoked, &expires)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			res = crm.LinkUnknown
			return nil
		case err != nil:
			return err
		}
		var other int64
		err = tx.QueryRow(ctx, `SELECT id FROM customers WHERE telegram_user_id = $1 AND deleted_at IS NULL`, tgID).Scan(&other)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		switch {
		case used != nil && usedBy != nil && *usedBy == tgID && other == cid:
			res = crm.LinkAgain
		case used != nil:
			res = crm.LinkUsed
			return nil
		case revoked != nil:
			res = crm.LinkRevoked
			return nil
		case !now.Before(expires):
			res = crm.LinkExpired
			return nil
		case other != 0 && other != cid:
			res = crm.LinkTaken
			return nil
		case other == cid:
			res = crm.LinkAgain
		default:
			res = crm.LinkLinked
		}
		if used == nil {
			if _, err := tx.Exec(ctx, `UPDATE customer_invites SET used_at = $2, used_by = $3 WHERE id = $1`, id, now, tgID); err != nil {
				return err
			}
		}
		if res == crm.LinkLinked {
			if _, err := tx.Exec(ctx, `UPDATE customers SET telegram_user_id = $2, telegram_linked_at = $3,
					chat_locale = coalesce(nullif($4, ''), chat_locale),
					consent_at = NULL, consent_version = NULL, opted_out_at = NULL, updated_at = $3,
					unreachable_at = (SELECT detected_at FROM unreachable_chats WHERE chat_id = $2)
				WHERE id = $1`, cid, tgID, now, locale); err != nil {
				return err
			}
			if err := audit(ctx, tx, 0, "customer_link.redeem", "customer", cid, map[string]any{"link_id": id}); err != nil {
				return err
			}
		}
		c, err = scanCustomer(tx.QueryRow(ctx, `SELECT `+customerColumns+customerFrom+`WHERE c.id = $1`, cid))
		return err
	})
	return c, res, err
}

// SetCustomerChatLocale stores the language a linked customer reads the
// bot in ("en", "fa" or "ar").
func (db *DB) SetCustomerChatLocale(ctx context.Context, customerID int64, locale string) (err error) {
	defer wrap(&err, "set customer chat locale")
	_, err = db.q(ctx).Exec(ctx, `UPDATE customers SET chat_locale = $2 WHERE id = $1`, customerID, locale)
	return err
}

// SetCustomerConsent records that the customer agreed, at at, to the
// consent wording version; it also lifts an opt-out (/start after /stop).
func (db *DB) SetCustomerConsent(ctx context.Context, customerID int64, at time.Time, version string) (err error) {
	defer wrap(&err, "set customer consent")
	_, err = db.q(ctx).Exec(ctx, `UPDATE customers SET consent_at = $2, consent_version = $3, opted_out_at = NULL
		WHERE id = $1`, customerID, at, version)
	return err
}

// SetCustomerOptOut records the customer's /stop at at: the bot sends
// them nothing on its own initiative from then on.
func (db *DB) SetCustomerOptOut(ctx context.Context, customerID int64, at time.Time) (err error) {
	defer wrap(&err, "set customer opt-out")
	_, err = db.q(ctx).Exec(ctx, `UPDATE customers SET opted_out_at = coalesce(opted_out_at, $2) WHERE id = $1`, customerID, at)
	return err
}

// OrgName is the organisation's name as the admin set it (settings
// "org_name"), or "" when unset.
func (db *DB) OrgName(ctx context.Context) (name string, err error) {
	defer wrap(&err, "org name")
	var raw []byte
	err = db.q(ctx).QueryRow(ctx, `SELECT value FROM settings WHERE key = 'org_name'`).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if json.Unmarshal(raw, &name) != nil {
		return "", nil
	}
	return strings.TrimSpace(name), nil
}

// SetOrgName stores the organisation's name customers are told.
func (db *DB) SetOrgName(ctx context.Context, name string, by int64) (err error) {
	defer wrap(&err, "set org name")
	v, _ := json.Marshal(strings.TrimSpace(name))
	tx := db.q(ctx)
	if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('org_name', $1, $2)
		ON CONFLICT (key) DO UPDATE SET value = $1, updated_at = $2`, v, db.now()); err != nil {
		return err
	}
	return audit(ctx, tx, by, "settings.org_name", "settings", 0, nil)
}
