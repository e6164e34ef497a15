package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// InvitePrefix starts every staff invite payload of a /start deep link.
const InvitePrefix = "inv_"

const staffColumns = `s.id, s.telegram_user_id, s.display_name, coalesce(s.username, ''), s.role,
	coalesce(s.team_id, 0), s.locale, s.calendar, s.time_zone, s.work_hours, s.onboarded, s.active, s.created_at,
	s.welcomed_at`

func scanStaff(row pgx.Row) (crm.Staff, error) {
	var s crm.Staff
	var role string
	var hours []byte
	var welcomed *time.Time
	err := row.Scan(&s.ID, &s.TelegramUserID, &s.DisplayName, &s.Username, &role, &s.TeamID,
		&s.Locale, &s.Calendar, &s.TimeZone, &hours, &s.Onboarded, &s.Active, &s.CreatedAt, &welcomed)
	s.Role = crm.Role(role)
	if welcomed != nil {
		s.WelcomedAt = *welcomed
	}
	if err == nil && len(hours) > 0 {
		s.WorkHours, err = decodeHours(hours)
	}
	return s, err
}

// hoursJSON is the stored shape of crm.WorkHours: weekday number → spans.
type hoursJSON map[string][][2]int

func decodeHours(b []byte) (crm.WorkHours, error) {
	var raw hoursJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	w := crm.WorkHours{}
	for k, spans := range raw {
		d, err := strconv.Atoi(k)
		if err != nil || d < 0 || d > 6 {
			continue
		}
		for _, s := range spans {
			w[time.Weekday(d)] = append(w[time.Weekday(d)], crm.Span{Start: s[0], End: s[1]})
		}
	}
	return w, nil
}

func encodeHours(w crm.WorkHours) ([]byte, error) {
	if w == nil {
		return nil, nil
	}
	raw := hoursJSON{}
	for d, spans := range w {
		for _, s := range spans {
			k := strconv.Itoa(int(d))
			raw[k] = append(raw[k], [2]int{s.Start, s.End})
		}
	}
	return json.Marshal(raw)
}

// StaffByTelegramID returns the staff member with that Telegram user id,
// active or not. crm.ENotFound if there is none.
func (db *DB) StaffByTelegramID(ctx context.Context, tgID int64) (s crm.Staff, err error) {
	defer wrap(&err, "staff by telegram id")
	return scanStaff(db.q(ctx).QueryRow(ctx, `SELECT `+staffColumns+` FROM staff s WHERE s.telegram_user_id = $1`, tgID))
}

// MarkWelcomed records that the bot answered a staff member for the
// first time (their first message gets the welcome and the help).
func (db *DB) MarkWelcomed(ctx context.Context, staffID int64, at time.Time) (err error) {
	defer wrap(&err, "mark welcomed")
	_, err = db.q(ctx).Exec(ctx, `UPDATE staff SET welcomed_at = $2 WHERE id = $1 AND welcomed_at IS NULL`, staffID, at)
	return err
}

// StaffByID returns a staff member by id. crm.ENotFound if there is none.
func (db *DB) StaffByID(ctx context.Context, id int64) (s crm.Staff, err error) {
	defer wrap(&err, "staff by id")
	return scanStaff(db.q(ctx).QueryRow(ctx, `SELECT `+staffColumns+` FROM staff s WHERE s.id = $1`, id))
}

// NewInviteToken returns a fresh random invite token (a /start payload of at
// most 64 characters of A-Za-z0-9_-) and the hash kept in the database.
func NewInviteToken() (token string, hash []byte) {
	b := make([]byte, 24)
	rand.Read(b)
	token = InvitePrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// InviteRequest describes a new invite.
type InviteRequest struct {
	Role      crm.Role
	TeamName  string // optional; the team is created if it does not exist
	TeamID    int64  // alternative to TeamName
	CreatedBy int64  // 0: the command line
	TTL       time.Duration
}

// CreateInvite stores a one-time invite and returns its token.
func (db *DB) CreateInvite(ctx context.Context, r InviteRequest) (token string, err error) {
	defer wrap(&err, "create invite")
	if !r.Role.Valid() {
		return "", crm.Errorf(crm.EInvalid, "role %q", r.Role)
	}
	if r.TTL <= 0 {
		r.TTL = 7 * 24 * time.Hour
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		token, err = createInvite(ctx, db.q(ctx), r, db.now())
		return err
	})
	return token, err
}

func createInvite(ctx context.Context, tx Querier, r InviteRequest, now time.Time) (string, error) {
	var err error
	teamID := r.TeamID
	if r.TeamName != "" {
		if teamID, err = ensureTeam(ctx, tx, r.TeamName); err != nil {
			return "", err
		}
	}
	token, hash := NewInviteToken()
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO invites (token_hash, role, team_id, created_by, created_at, expires_at)
		VALUES ($1, $2, nullif($3, 0::bigint), nullif($4, 0::bigint), $5, $6) RETURNING id`,
		hash, r.Role, teamID, r.CreatedBy, now, now.Add(r.TTL)).Scan(&id)
	if err != nil {
		return "", err
	}
	return token, audit(ctx, tx, r.CreatedBy, "invite.create", "invite", id, map[string]any{"role": r.Role, "team_id": teamID})
}

// RevokeInvite makes an unused invite unusable. crm.ENotFound if no open
// invite has that token.
func (db *DB) RevokeInvite(ctx context.Context, token string, by int64) (err error) {
	defer wrap(&err, "revoke invite")
	tag, err := db.q(ctx).Exec(ctx, `UPDATE invites SET revoked_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL`, hashToken(token), db.now())
	if err == nil && tag.RowsAffected() == 0 {
		return crm.Errorf(crm.ENotFound, "no open invite")
	}
	return err
}

// TelegramUser is who opened an invite link.
type TelegramUser struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
}

// DisplayName joins the user's names.
func (u TelegramUser) DisplayName() string {
	n := u.FirstName
	if u.LastName != "" {
		n += " " + u.LastName
	}
	if n == "" {
		n = u.Username
	}
	return n
}

// RedeemInvite turns a valid invite into a staff member with locale as
// their language (they confirm it and their calendar during onboarding).
// A used, revoked, expired or unknown token is crm.EInviteInvalid. A former
// staff member is reactivated with the invite's role.
func (db *DB) RedeemInvite(ctx context.Context, token string, u TelegramUser, locale string) (s crm.Staff, err error) {
	defer wrap(&err, "redeem invite")
	err = db.InTx(ctx, func(ctx context.Context) error {
		s, err = redeemInvite(ctx, db.q(ctx), token, u, locale, db.now())
		return err
	})
	return s, err
}

func redeemInvite(ctx context.Context, tx Querier, token string, u TelegramUser, locale string, now time.Time) (s crm.Staff, err error) {
	var id int64
	var role string
	var teamID *int64
	var used, revoked *time.Time
	var expires time.Time
	err = tx.QueryRow(ctx, `SELECT id, role, team_id, used_at, revoked_at, expires_at FROM invites WHERE token_hash = $1 FOR UPDATE`,
		hashToken(token)).Scan(&id, &role, &teamID, &used, &revoked, &expires)
	if err == pgx.ErrNoRows || (err == nil && (used != nil || revoked != nil || !now.Before(expires))) {
		return s, crm.Errorf(crm.EInviteInvalid, "invite unusable")
	}
	if err != nil {
		return s, err
	}
	d := crm.DefaultsFor(locale)
	var staffID int64
	err = tx.QueryRow(ctx, `INSERT INTO staff (telegram_user_id, display_name, username, role, team_id, locale, calendar, time_zone)
		VALUES ($1, $2, nullif($3, ''), $4, $5, $6, $7, $8)
		ON CONFLICT (telegram_user_id) DO UPDATE SET role = excluded.role, team_id = excluded.team_id,
			active = true, deactivated_at = NULL, display_name = excluded.display_name
		RETURNING id`, u.ID, u.DisplayName(), u.Username, role, teamID, locale, d.Calendar, d.TimeZone).Scan(&staffID)
	if err != nil {
		return s, err
	}
	if _, err := tx.Exec(ctx, `UPDATE invites SET used_at = $2, used_by = $3 WHERE id = $1`, id, now, staffID); err != nil {
		return s, err
	}
	if role == string(crm.RoleManager) && teamID != nil {
		if _, err := tx.Exec(ctx, `UPDATE teams SET manager_id = $2 WHERE id = $1 AND manager_id IS NULL`, *teamID, staffID); err != nil {
			return s, err
		}
	}
	if err := audit(ctx, tx, staffID, "invite.redeem", "staff", staffID, map[string]any{"invite_id": id, "role": role}); err != nil {
		return s, err
	}
	return scanStaff(tx.QueryRow(ctx, `SELECT `+staffColumns+` FROM staff s WHERE s.id = $1`, staffID))
}

func ensureTeam(ctx context.Context, tx Querier, name string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM teams WHERE lower(name) = lower($1)`, name).Scan(&id)
	if err == pgx.ErrNoRows {
		err = tx.QueryRow(ctx, `INSERT INTO teams (name) VALUES ($1) RETURNING id`, name).Scan(&id)
	}
	return id, err
}

func audit(ctx context.Context, tx Querier, actor int64, action, entity string, id int64, details map[string]any) error {
	b, err := json.Marshal(details)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor_staff_id, action, entity, entity_id, details) VALUES (nullif($1, 0::bigint), $2, $3, $4, $5)`,
		actor, action, entity, id, b)
	return err
}

// SetWorkHours replaces a staff member's working hours; nil restores the
// locale's default.
func (db *DB) SetWorkHours(ctx context.Context, staffID int64, w crm.WorkHours) (err error) {
	defer wrap(&err, "set work hours")
	if err := w.Validate(); err != nil {
		return err
	}
	b, err := encodeHours(w)
	if err != nil {
		return err
	}
	_, err = db.q(ctx).Exec(ctx, `UPDATE staff SET work_hours = $2 WHERE id = $1`, staffID, b)
	return err
}
