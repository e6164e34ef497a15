package schedule

import (
	"context"
	"strconv"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// EscalationStore is what the escalation sweep reads and marks.
type EscalationStore interface {
	Tx
	// EscalationDelay is the admin's 'escalation_delay_hours' (24 h when unset).
	EscalationDelay(ctx context.Context) (time.Duration, error)
	// FollowUpsToEscalate locks open, never-escalated follow-ups due before cutoff.
	FollowUpsToEscalate(ctx context.Context, cutoff time.Time, limit int) ([]crm.FollowUp, error)
	// MarkEscalated reports false when the follow-up was already escalated.
	MarkEscalated(ctx context.Context, id int64, at time.Time) (bool, error)
	// EscalationRecipients are the team's manager, or the admins.
	EscalationRecipients(ctx context.Context, staffID int64) ([]crm.Staff, error)
}

// EscalationBatch bounds one sweep; the next sweep takes the rest.
const EscalationBatch = 200

// Escalations escalates overdue follow-ups to whoever manages the rep.
type Escalations struct {
	Store  EscalationStore
	Notify Planner
}

// RunOnce escalates, once, every open follow-up left overdue at now for
// longer than the escalation delay, to the assignee's team manager (or the
// admins when the team has none), and reports how many it escalated. Each
// follow-up is marked escalated in the same transaction as its
// notifications (key "escalation:<id>:<due unix>", one per admin when
// several: "…:<staff id>"; the due time makes a follow-up moved and left
// overdue again escalate again). Safe to run concurrently and repeatedly.
func (e Escalations) RunOnce(ctx context.Context, now time.Time) (n int, err error) {
	err = e.Store.InTx(ctx, func(ctx context.Context) error {
		delay, err := e.Store.EscalationDelay(ctx)
		if err != nil {
			return err
		}
		fs, err := e.Store.FollowUpsToEscalate(ctx, now.Add(-delay), EscalationBatch)
		if err != nil {
			return err
		}
		for _, f := range fs {
			to, err := e.Store.EscalationRecipients(ctx, f.AssigneeID)
			if err != nil {
				return err
			}
			ok, err := e.Store.MarkEscalated(ctx, f.ID, now)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			n++
			for _, s := range to {
				key := "escalation:" + strconv.FormatInt(f.ID, 10) + ":" + strconv.FormatInt(f.DueAt.Unix(), 10)
				if len(to) > 1 {
					key += ":" + strconv.FormatInt(s.ID, 10)
				}
				if err := e.Notify.Schedule(ctx, outbound.Notification{Kind: outbound.KindEscalation, ChatID: s.TelegramUserID,
					StaffID: s.ID, RefID: f.ID, Due: now, QuietHours: true, DedupKey: key}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return n, err
}
