package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

func scanTeam(row pgx.Row) (crm.Team, error) {
	var t crm.Team
	err := row.Scan(&t.ID, &t.Name, &t.ManagerID)
	return t, err
}

// Teams returns every team by name.
func (db *DB) Teams(ctx context.Context) (ts []crm.Team, err error) {
	defer wrap(&err, "teams")
	rows, err := db.q(ctx).Query(ctx, `SELECT id, name, coalesce(manager_id, 0) FROM teams ORDER BY lower(name), id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Team, error) { return scanTeam(row) })
}

// Team returns a team by id. crm.ENotFound if there is none.
func (db *DB) Team(ctx context.Context, id int64) (t crm.Team, err error) {
	defer wrap(&err, "team")
	return scanTeam(db.q(ctx).QueryRow(ctx, `SELECT id, name, coalesce(manager_id, 0) FROM teams WHERE id = $1`, id))
}

// CreateTeam adds a team. A name already taken (case-insensitively) is
// crm.EConflict; an empty or over-long one crm.EInvalid.
func (db *DB) CreateTeam(ctx context.Context, name string, by int64) (t crm.Team, err error) {
	defer wrap(&err, "create team")
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return t, crm.Errorf(crm.EInvalid, "team name")
	}
	tx := db.q(ctx)
	// Check first: a unique violation would abort the caller's transaction,
	// and with it the reply that explains the conflict.
	var taken bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM teams WHERE lower(name) = lower($1))`, name).Scan(&taken); err != nil {
		return t, err
	}
	if taken {
		return t, crm.Errorf(crm.EConflict, "team name taken")
	}
	t, err = scanTeam(tx.QueryRow(ctx, `INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id, name, 0::bigint`, name, db.now()))
	if err != nil {
		return t, err
	}
	return t, audit(ctx, tx, by, "team.create", "team", t.ID, map[string]any{"name": name})
}

// SetTeamManager makes an active staff member the team's manager: they
// join the team and get the manager role (an admin keeps theirs).
func (db *DB) SetTeamManager(ctx context.Context, teamID, staffID, by int64) (err error) {
	defer wrap(&err, "set team manager")
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		tag, err := tx.Exec(ctx, `UPDATE staff SET team_id = $2, role = CASE WHEN role = 'admin' THEN 'admin' ELSE 'manager' END
			WHERE id = $1 AND active`, staffID, teamID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return crm.Errorf(crm.ENotFound, "active staff %d", staffID)
		}
		if _, err := tx.Exec(ctx, `UPDATE teams SET manager_id = NULL WHERE manager_id = $1 AND id <> $2`, staffID, teamID); err != nil {
			return err
		}
		if tag, err = tx.Exec(ctx, `UPDATE teams SET manager_id = $2 WHERE id = $1`, teamID, staffID); err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return crm.Errorf(crm.ENotFound, "team %d", teamID)
		}
		return audit(ctx, tx, by, "team.manager", "team", teamID, map[string]any{"staff_id": staffID})
	})
}

// SetStaffTeam moves an active staff member into a team (0: no team). A
// manager leaving the team they manage leaves it without a manager.
func (db *DB) SetStaffTeam(ctx context.Context, staffID, teamID, by int64) (err error) {
	defer wrap(&err, "set staff team")
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		tag, err := tx.Exec(ctx, `UPDATE staff SET team_id = nullif($2, 0::bigint) WHERE id = $1 AND active`, staffID, teamID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return crm.Errorf(crm.ENotFound, "active staff %d", staffID)
		}
		if _, err := tx.Exec(ctx, `UPDATE teams SET manager_id = NULL WHERE manager_id = $1 AND id <> $2`, staffID, teamID); err != nil {
			return err
		}
		return audit(ctx, tx, by, "staff.team", "staff", staffID, map[string]any{"team_id": teamID})
	})
}

// StaffList returns staff members by name: the active ones, or everyone.
func (db *DB) StaffList(ctx context.Context, activeOnly bool) (ss []crm.Staff, err error) {
	defer wrap(&err, "staff list")
	rows, err := db.q(ctx).Query(ctx, `SELECT `+staffColumns+` FROM staff s WHERE s.active OR NOT $1
		ORDER BY NOT s.active, lower(s.display_name), s.id`, activeOnly)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Staff, error) { return scanStaff(row) })
}

// TeamMembers returns a team's active members by name.
func (db *DB) TeamMembers(ctx context.Context, teamID int64) (ss []crm.Staff, err error) {
	defer wrap(&err, "team members")
	rows, err := db.q(ctx).Query(ctx, `SELECT `+staffColumns+` FROM staff s WHERE s.team_id = $1 AND s.active
		ORDER BY lower(s.display_name), s.id`, teamID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Staff, error) { return scanStaff(row) })
}

// FollowUpCounts returns, for each of staffIDs, the number of open
// follow-ups assigned to them and how many of those were due before now.
func (db *DB) FollowUpCounts(ctx context.Context, staffIDs []int64, now time.Time) (open, overdue map[int64]int, err error) {
	defer wrap(&err, "follow-up counts")
	open, overdue = map[int64]int{}, map[int64]int{}
	rows, err := db.q(ctx).Query(ctx, `SELECT assignee_id, count(*), count(*) FILTER (WHERE due_at < $2)
		FROM follow_ups WHERE status = 'open' AND assignee_id = ANY($1) GROUP BY assignee_id`, staffIDs, now)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var o, d int
		if err := rows.Scan(&id, &o, &d); err != nil {
			return nil, nil, err
		}
		open[id], overdue[id] = o, d
	}
	return open, overdue, rows.Err()
}
