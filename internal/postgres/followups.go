package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

const followUpColumns = `f.id, f.customer_id, c.name, f.assignee_id, coalesce(f.activity_id, 0), f.due_at, f.status,
	coalesce(f.note, ''), f.snooze_count, f.reminded_at, f.escalated_at, f.done_at`

const followUpFrom = ` FROM follow_ups f JOIN customers c ON c.id = f.customer_id `

func scanFollowUp(row pgx.Row) (crm.FollowUp, error) {
	var f crm.FollowUp
	var status string
	var reminded, escalated, done *time.Time
	err := row.Scan(&f.ID, &f.CustomerID, &f.CustomerName, &f.AssigneeID, &f.ActivityID, &f.DueAt, &status,
		&f.Note, &f.SnoozeCount, &reminded, &escalated, &done)
	f.Status = crm.FollowUpStatus(status)
	for _, p := range []struct {
		src *time.Time
		dst *time.Time
	}{{reminded, &f.RemindedAt}, {escalated, &f.EscalatedAt}, {done, &f.DoneAt}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	return f, err
}

func collectFollowUps(rows pgx.Rows, err error) ([]crm.FollowUp, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.FollowUp, error) { return scanFollowUp(row) })
}

// CreateFollowUp stores an open follow-up due at f.DueAt for f.AssigneeID.
// The caller has checked the due time (crm.ValidateDue).
func (db *DB) CreateFollowUp(ctx context.Context, f crm.FollowUp, by int64) (out crm.FollowUp, err error) {
	defer wrap(&err, "create follow-up")
	q := db.q(ctx)
	var id int64
	err = q.QueryRow(ctx, `INSERT INTO follow_ups (customer_id, assignee_id, activity_id, due_at, note, created_by, created_at, updated_at)
		VALUES ($1, $2, nullif($3, 0::bigint), $4, nullif($5, ''), nullif($6, 0::bigint), $7, $7) RETURNING id`,
		f.CustomerID, f.AssigneeID, f.ActivityID, f.DueAt, f.Note, by, db.now()).Scan(&id)
	if err != nil {
		return out, err
	}
	return scanFollowUp(q.QueryRow(ctx, `SELECT `+followUpColumns+followUpFrom+`WHERE f.id = $1`, id))
}

// FollowUp returns a follow-up by id with its customer's name.
// crm.ENotFound if there is none.
func (db *DB) FollowUp(ctx context.Context, id int64) (f crm.FollowUp, err error) {
	defer wrap(&err, "follow-up")
	return scanFollowUp(db.q(ctx).QueryRow(ctx, `SELECT `+followUpColumns+followUpFrom+`WHERE f.id = $1`, id))
}

// RescheduleFollowUp moves an open follow-up to due, counting a snooze when
// snooze is set; its reminder and escalation start over. crm.EConflict when
// the follow-up is no longer open.
func (db *DB) RescheduleFollowUp(ctx context.Context, id int64, due time.Time, snooze bool) (f crm.FollowUp, err error) {
	defer wrap(&err, "reschedule follow-up")
	q := db.q(ctx)
	tag, err := q.Exec(ctx, `UPDATE follow_ups SET due_at = $2, snooze_count = snooze_count + CASE WHEN $3 THEN 1 ELSE 0 END,
			reminded_at = NULL, escalated_at = NULL, updated_at = $4
		WHERE id = $1 AND status = 'open'`, id, due, snooze, db.now())
	if err != nil {
		return f, err
	}
	if tag.RowsAffected() == 0 {
		return f, crm.Errorf(crm.EConflict, "follow-up %d is not open", id)
	}
	return scanFollowUp(q.QueryRow(ctx, `SELECT `+followUpColumns+followUpFrom+`WHERE f.id = $1`, id))
}

// CompleteFollowUp marks an open follow-up done. crm.EConflict when it is
// no longer open.
func (db *DB) CompleteFollowUp(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "complete follow-up")
	tag, err := db.q(ctx).Exec(ctx, `UPDATE follow_ups SET status = 'done', done_at = $2, updated_at = $2
		WHERE id = $1 AND status = 'open'`, id, db.now())
	if err == nil && tag.RowsAffected() == 0 {
		return crm.Errorf(crm.EConflict, "follow-up %d is not open", id)
	}
	return err
}

// MarkReminded records that the follow-up's reminder went out at at.
func (db *DB) MarkReminded(ctx context.Context, id int64, at time.Time) (err error) {
	defer wrap(&err, "mark reminded")
	_, err = db.q(ctx).Exec(ctx, `UPDATE follow_ups SET reminded_at = $2 WHERE id = $1`, id, at)
	return err
}

// EscalationDelay is the admin's setting 'escalation_delay_hours' (24 when
// unset or unreadable).
func (db *DB) EscalationDelay(ctx context.Context) (d time.Duration, err error) {
	defer wrap(&err, "escalation delay")
	var hours *float64
	err = db.q(ctx).QueryRow(ctx, `SELECT (SELECT CASE WHEN jsonb_typeof(value) = 'number' THEN (value #>> '{}')::float8
			WHEN jsonb_typeof(value) = 'string' AND (value #>> '{}') ~ '^[0-9]+(\.[0-9]+)?$' THEN (value #>> '{}')::float8 END
		FROM settings WHERE key = 'escalation_delay_hours')`).Scan(&hours)
	if err != nil || hours == nil || *hours <= 0 {
		return 24 * time.Hour, err
	}
	return time.Duration(*hours * float64(time.Hour)), nil
}

// FollowUpsToEscalate returns open follow-ups due before cutoff that were
// never escalated, locking them (rows another sweeper holds are skipped).
func (db *DB) FollowUpsToEscalate(ctx context.Context, cutoff time.Time, limit int) (fs []crm.FollowUp, err error) {
	defer wrap(&err, "follow-ups to escalate")
	return collectFollowUps(db.q(ctx).Query(ctx, `SELECT `+followUpColumns+followUpFrom+`
		WHERE f.status = 'open' AND f.due_at < $1 AND f.escalated_at IS NULL
		ORDER BY f.due_at, f.id LIMIT $2 FOR UPDATE OF f SKIP LOCKED`, cutoff, limit))
}

// MarkEscalated records the escalation of a follow-up; it reports false when
// it was already escalated.
func (db *DB) MarkEscalated(ctx context.Context, id int64, at time.Time) (ok bool, err error) {
	defer wrap(&err, "mark escalated")
	tag, err := db.q(ctx).Exec(ctx, `UPDATE follow_ups SET escalated_at = $2 WHERE id = $1 AND escalated_at IS NULL`, id, at)
	return err == nil && tag.RowsAffected() == 1, err
}

// EscalationRecipients returns who hears about a staff member's overdue
// work: their team's active manager, or, when there is none (or it is the
// member themself), every active admin.
func (db *DB) EscalationRecipients(ctx context.Context, staffID int64) (out []crm.Staff, err error) {
	defer wrap(&err, "escalation recipients")
	rows, err := db.q(ctx).Query(ctx, `SELECT `+staffColumns+` FROM staff s
		JOIN teams t ON t.manager_id = s.id JOIN staff m ON m.team_id = t.id
		WHERE m.id = $1 AND s.active AND s.id <> $1`, staffID)
	if err != nil {
		return nil, err
	}
	out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Staff, error) { return scanStaff(row) })
	if err != nil || len(out) > 0 {
		return out, err
	}
	rows, err = db.q(ctx).Query(ctx, `SELECT `+staffColumns+` FROM staff s WHERE s.role = 'admin' AND s.active AND s.id <> $1 ORDER BY s.id`, staffID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Staff, error) { return scanStaff(row) })
}
