// Package schedule is crmbot's scheduled work: what is due when, and the
// notifications that follow from it (follow-up reminders, escalations of
// overdue follow-ups, important dates; the managers' digest, survey
// dispatch and campaigns join them). Each periodic job is a RunOnce(ctx,
// now) that reads the store and plans outbound.Notifications, testable
// with a real database and no Telegram or River: River is only the trigger
// (cmd/crmbot runs the jobs on its elected leader), and the bot renders the
// messages at send time.
package schedule

import (
	"context"

	"github.com/telecrm/crmbot/internal/outbound"
)

// Planner schedules a notification inside the current transaction
// (delivery.Notifier; a test collects them).
type Planner interface {
	Schedule(ctx context.Context, n outbound.Notification) error
}

// Tx runs fn in one transaction, joining the context's if any
// (postgres.DB.InTx): a job's marks and the notifications it plans commit
// together.
type Tx interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}
