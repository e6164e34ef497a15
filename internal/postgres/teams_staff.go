package postgres

import (
	"context"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// CreateStaffInvite stores a one-time invite for role in team teamID (0:
// none) made by staff member by, valid for ttl, and returns its token, id
// and expiry. Who may invite whom is the caller's check (crm.CanInvite).
func (db *DB) CreateStaffInvite(ctx context.Context, role crm.Role, teamID, by int64, ttl time.Duration) (token string, id int64, expires time.Time, err error) {
	defer wrap(&err, "create staff invite")
	if !role.Valid() {
		return "", 0, expires, crm.Errorf(crm.EInvalid, "role %q", role)
	}
	if ttl <= 0 {
		ttl = 7 * 24 * time.Hour
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		token, err = createInvite(ctx, tx, InviteRequest{Role: role, TeamID: teamID, CreatedBy: by, TTL: ttl}, db.now())
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT id, expires_at FROM invites WHERE token_hash = $1`, hashToken(token)).Scan(&id, &expires)
	})
	return token, id, expires, err
}

// InviteCreator returns who created an invite that is still open (unused,
// unrevoked, unexpired). crm.ENotFound if it is not open.
func (db *DB) InviteCreator(ctx context.Context, id int64) (by int64, err error) {
	defer wrap(&err, "invite creator")
	err = db.q(ctx).QueryRow(ctx, `SELECT coalesce(created_by, 0) FROM invites
		WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2`, id, db.now()).Scan(&by)
	return by, err
}

// RevokeStaffInvite makes an open invite unusable. crm.ENotFound if it is
// not open.
func (db *DB) RevokeStaffInvite(ctx context.Context, id, by int64) (err error) {
	defer wrap(&err, "revoke staff invite")
	tx := db.q(ctx)
	tag, err := tx.Exec(ctx, `UPDATE invites SET revoked_at = $2 WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL`, id, db.now())
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return crm.Errorf(crm.ENotFound, "no open invite")
	}
	return audit(ctx, tx, by, "invite.revoke", "invite", id, nil)
}

// RedeemStaffInvite is RedeemInvite for callers that know the Telegram user
// by its fields.
func (db *DB) RedeemStaffInvite(ctx context.Context, token string, tgID int64, displayName, username, locale string) (crm.Staff, error) {
	return db.RedeemInvite(ctx, token, TelegramUser{ID: tgID, FirstName: displayName, Username: username}, locale)
}

// DeactivateStaff ends a staff member's access at once and hands their
// customers (and open follow-ups) to their team's active manager, or
// the customers to the pool when there is none. It returns who received
// them (0: the pool) and how many customers moved; the audit log keeps it.
// Deactivating someone already inactive is crm.EConflict.
func (db *DB) DeactivateStaff(ctx context.Context, id, by int64) (heir int64, moved int, err error) {
	defer wrap(&err, "deactivate staff")
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		var tgID, team int64
		err := tx.QueryRow(ctx, `UPDATE staff SET active = false, deactivated_at = $2 WHERE id = $1 AND active
			RETURNING telegram_user_id, coalesce(team_id, 0)`, id, db.now()).Scan(&tgID, &team)
		if err != nil {
			if crm.IsCode(mapped(err), crm.ENotFound) {
				return crm.Errorf(crm.EConflict, "staff %d is not active", id)
			}
			return err
		}
		if team != 0 {
			err := tx.QueryRow(ctx, `SELECT coalesce((SELECT m.id FROM teams t JOIN staff m ON m.id = t.manager_id
				WHERE t.id = $1 AND m.active AND m.id <> $2), 0)`, team, id).Scan(&heir)
			if err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE customers SET owner_id = nullif($2, 0::bigint), updated_at = $3 WHERE owner_id = $1`, id, heir, db.now())
		if err != nil {
			return err
		}
		moved = int(tag.RowsAffected())
		if heir != 0 {
			if _, err := tx.Exec(ctx, `UPDATE follow_ups SET assignee_id = $2, updated_at = $3 WHERE assignee_id = $1 AND status = 'open'`,
				id, heir, db.now()); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE teams SET manager_id = NULL WHERE manager_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM conversation_state WHERE user_id = $1`, tgID); err != nil {
			return err
		}
		return audit(ctx, tx, by, "staff.deactivate", "staff", id, map[string]any{"heir": heir, "customers": moved})
	})
	return heir, moved, err
}

// mapped returns err as wrap would map it, to test its code before returning.
func mapped(err error) error {
	wrap(&err, "")
	return err
}
