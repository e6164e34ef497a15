package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/digest"
)

// DigestSchedule returns staff member s's digest schedule, or the default
// of their role when nobody set one.
func (db *DB) DigestSchedule(ctx context.Context, s crm.Staff) (d digest.Schedule, err error) {
	defer wrap(&err, "digest schedule")
	d = digest.DefaultSchedule(s.Role)
	err = db.q(ctx).QueryRow(ctx, `SELECT hour, off, paused FROM digest_schedules WHERE staff_id = $1`, s.ID).Scan(&d.Hour, &d.Off, &d.Paused)
	if err == pgx.ErrNoRows {
		return digest.DefaultSchedule(s.Role), nil
	}
	return d, err
}

// SetDigestSchedule records staff member staffID's digest schedule, set by
// staff member by (themselves, or an admin).
func (db *DB) SetDigestSchedule(ctx context.Context, staffID int64, d digest.Schedule, by int64) (err error) {
	defer wrap(&err, "set digest schedule")
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		if _, err := tx.Exec(ctx, `INSERT INTO digest_schedules (staff_id, hour, off, paused, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (staff_id) DO UPDATE SET hour = $2, off = $3, paused = $4, updated_by = $5, updated_at = $6`,
			staffID, d.Hour, d.Off, d.Paused, by, db.now()); err != nil {
			return err
		}
		return audit(ctx, tx, by, "digest.schedule", "staff", staffID, map[string]any{"hour": d.Hour, "off": d.Off, "paused": d.Paused})
	})
}

// DigestRecipients lists the active managers and admins with their
// schedules (the default where none was set).
func (db *DB) DigestRecipients(ctx context.Context) (rs []digest.Recipient, err error) {
	defer wrap(&err, "digest recipients")
	rows, err := db.q(ctx).Query(ctx, `SELECT `+staffColumns+`, d.hour, d.off, d.paused FROM staff s
		LEFT JOIN digest_schedules d ON d.staff_id = s.id
		WHERE s.active AND s.role IN ('manager', 'admin') ORDER BY s.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r digest.Recipient
		var hour *int16
		var off, paused *bool
		var role string
		var hours []byte
		var welcomed *time.Time
		s := &r.Staff
		if err := rows.Scan(&s.ID, &s.TelegramUserID, &s.DisplayName, &s.Username, &role, &s.TeamID,
			&s.Locale, &s.Calendar, &s.TimeZone, &hours, &s.Onboarded, &s.Active, &s.CreatedAt, &welcomed,
			&hour, &off, &paused); err != nil {
			return nil, err
		}
		s.Role = crm.Role(role)
		if len(hours) > 0 {
			if s.WorkHours, err = decodeHours(hours); err != nil {
				return nil, err
			}
		}
		r.Schedule = digest.DefaultSchedule(s.Role)
		if hour != nil {
			r.Schedule = digest.Schedule{Hour: int(*hour), Off: *off, Paused: *paused}
		}
		rs = append(rs, r)
	}
	return rs, rows.Err()
}

// ClaimDigestRun records the scheduled digest of staffID on localDate
// ("2006-01-02") and reports whether this call recorded it: false when it
// was already planned (another replica, an earlier sweep).
func (db *DB) ClaimDigestRun(ctx context.Context, staffID int64, localDate string, at time.Time) (ok bool, err error) {
	defer wrap(&err, "claim digest run")
	tag, err := db.q(ctx).Exec(ctx, `INSERT INTO digest_runs (staff_id, local_date, planned_at) VALUES ($1, $2::date, $3)
		ON CONFLICT DO NOTHING`, staffID, localDate, at)
	return err == nil && tag.RowsAffected() == 1, err
}

// LastDigestAt is when staffID's last scheduled digest before at was
// planned; zero when there was none.
func (db *DB) LastDigestAt(ctx context.Context, staffID int64, before time.Time) (t time.Time, err error) {
	defer wrap(&err, "last digest")
	var last *time.Time
	err = db.q(ctx).QueryRow(ctx, `SELECT max(planned_at) FROM digest_runs WHERE staff_id = $1 AND planned_at < $2`, staffID, before).Scan(&last)
	if err != nil || last == nil {
		return time.Time{}, err
	}
	return *last, nil
}
