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

// CreateFollowUp stores an open follow-up due at f.DueAt for f.AssigneeID,
// planned by staff member by, and notes it in the customer's history. The
// caller has checked the due time (crm.ValidateDue).
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
	if err := db.followUpEvent(ctx, id, by, "planned"); err != nil {
		return out, err
	}
	return scanFollowUp(q.QueryRow(ctx, `SELECT `+followUpColumns+followUpFrom+`WHERE f.id = $1`, id))
}

// followUpEvent notes what happened to follow-up id in its customer's
// history, with the due time it has now.
func (db *DB) followUpEvent(ctx context.Context, id, by int64, kind string) error {
	_, err := db.q(ctx).Exec(ctx, `INSERT INTO follow_up_events (customer_id, follow_up_id, staff_id, kind, due_at, at)
		SELECT customer_id, id, nullif($2, 0::bigint), $3, due_at, $4 FROM follow_ups WHERE id = $1`, id, by, kind, db.now())
	return err
}

// RecordNoNextStep notes in the customer's history that staff member by
// chose to plan no next step.
func (db *DB) RecordNoNextStep(ctx context.Context, customerID, by int64) (err error) {
	defer wrap(&err, "record no next step")
	_, err = db.q(ctx).Exec(ctx, `INSERT INTO follow_up_events (customer_id, staff_id, kind, at)
		VALUES ($1, nullif($2, 0::bigint), 'no_next_step', $3)`, customerID, by, db.now())
	return err
}

// FollowUp returns a follow-up by id with its customer's name.
// crm.ENotFound if there is none.
func (db *DB) FollowUp(ctx context.Context, id int64) (f crm.FollowUp, err error) {
	defer wrap(&err, "follow-up")
	return scanFollowUp(db.q(ctx).QueryRow(ctx, `SELECT `+followUpColumns+followUpFrom+`WHERE f.id = $1`, id))
}

// RescheduleFollowUp moves an open follow-up to due, counting a snooze when
// snooze is set; its reminder and escalation start over. by is who moved
// it (for the history). crm.EConflict when the follow-up is no longer open.
func (db *DB) RescheduleFollowUp(ctx context.Context, id int64, due time.Time, snooze bool, by int64) (f crm.FollowUp, err error) {
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
	kind := "moved"
	if snooze {
		kind = "snoozed"
	}
	if err := db.followUpEvent(ctx, id, by, kind); err != nil {
		return f, err
	}
	return scanFollowUp(q.QueryRow(ctx, `SELECT `+followUpColumns+followUpFrom+`WHERE f.id = $1`, id))
}

// CompleteFollowUp marks an open follow-up done by staff member by.
// crm.EConflict when it is no longer open.
func (db *DB) CompleteFollowUp(ctx context.Context, id, by int64) (err error) {
	defer wrap(&err, "complete follow-up")
	return db.setFollowUpStatus(ctx, id, by, "open", "done")
}

// CancelFollowUp withdraws an open follow-up (an undo of planning it).
// crm.EConflict when it is no longer open.
func (db *DB) CancelFollowUp(ctx context.Context, id, by int64) (err error) {
	defer wrap(&err, "cancel follow-up")
	return db.setFollowUpStatus(ctx, id, by, "open", "cancelled")
}

// ReopenFollowUp undoes marking a follow-up done: it is open again, due
// when it was, and its reminder and escalation start over. crm.EConflict
// when it is not done.
func (db *DB) ReopenFollowUp(ctx context.Context, id, by int64) (f crm.FollowUp, err error) {
	defer wrap(&err, "reopen follow-up")
	if err := db.setFollowUpStatus(ctx, id, by, "done", "open"); err != nil {
		return f, err
	}
	return scanFollowUp(db.q(ctx).QueryRow(ctx, `SELECT `+followUpColumns+followUpFrom+`WHERE f.id = $1`, id))
}

// setFollowUpStatus moves follow-up id from status from to status to and
// notes it in the history; crm.EConflict when it is not in status from.
func (db *DB) setFollowUpStatus(ctx context.Context, id, by int64, from, to string) error {
	tag, err := db.q(ctx).Exec(ctx, `UPDATE follow_ups SET status = $3,
			done_at = CASE WHEN $3 = 'done' THEN $4::timestamptz END,
			reminded_at = CASE WHEN $3 = 'open' THEN NULL ELSE reminded_at END,
			escalated_at = CASE WHEN $3 = 'open' THEN NULL ELSE escalated_at END,
			updated_at = $4
		WHERE id = $1 AND status = $2`, id, from, to, db.now())
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return crm.Errorf(crm.EConflict, "follow-up %d is not %s", id, from)
	}
	kind := map[string]string{"done": "done", "cancelled": "cancelled", "open": "reopened"}[to]
	return db.followUpEvent(ctx, id, by, kind)
}

// OpenFollowUpsOf returns the open follow-ups of a customer assigned to
// staff member assigneeID, earliest first.
func (db *DB) OpenFollowUpsOf(ctx context.Context, customerID, assigneeID int64) (fs []crm.FollowUp, err error) {
	defer wrap(&err, "open follow-ups of")
	return collectFollowUps(db.q(ctx).Query(ctx, `SELECT `+followUpColumns+followUpFrom+`
		WHERE f.customer_id = $1 AND f.assignee_id = $2 AND f.status = 'open' ORDER BY f.due_at, f.id`, customerID, assigneeID))
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
