package postgres

import (
	"context"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// FollowUpsDueBy returns a staff member's open follow-ups on live
// customers due before until, earliest first: "my day" is the overdue ones
// and today's.
func (db *DB) FollowUpsDueBy(ctx context.Context, assigneeID int64, until time.Time, limit int) (fs []crm.FollowUp, err error) {
	defer wrap(&err, "follow-ups due by")
	return collectFollowUps(db.q(ctx).Query(ctx, `SELECT `+followUpColumns+followUpFrom+`
		WHERE f.assignee_id = $1 AND f.status = 'open' AND f.due_at < $2 AND c.deleted_at IS NULL
		ORDER BY f.due_at, f.id LIMIT $3`, assigneeID, until, limit))
}

// DatesOwnedBy lists the important dates of a staff member's live customers.
func (db *DB) DatesOwnedBy(ctx context.Context, ownerID int64) (ds []crm.CustomerDate, err error) {
	defer wrap(&err, "dates owned by")
	return collectDates(db.q(ctx).Query(ctx, `SELECT `+dateColumns+dateFrom+`
		WHERE c.owner_id = $1 AND c.deleted_at IS NULL ORDER BY d.month, d.day, d.id`, ownerID))
}
