package bot

import (
	"context"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/schedule"
)

// FollowUpStore is what follow-ups, reminders and escalations ask of the
// database.
type FollowUpStore interface {
	// InTx runs fn in one transaction (joining the context's, if any).
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	CreateFollowUp(ctx context.Context, f crm.FollowUp, by int64) (crm.FollowUp, error)
	// FollowUp returns crm.ENotFound for an unknown follow-up.
	FollowUp(ctx context.Context, id int64) (crm.FollowUp, error)
	// RescheduleFollowUp, CompleteFollowUp and CancelFollowUp return
	// crm.EConflict when the follow-up is no longer open; by is who acts,
	// for the customer's history.
	RescheduleFollowUp(ctx context.Context, id int64, due time.Time, snooze bool, by int64) (crm.FollowUp, error)
	CompleteFollowUp(ctx context.Context, id, by int64) error
	CancelFollowUp(ctx context.Context, id, by int64) error
	// ReopenFollowUp undoes CompleteFollowUp; crm.EConflict when not done.
	ReopenFollowUp(ctx context.Context, id, by int64) (crm.FollowUp, error)
	// RecordNoNextStep notes the explicit choice of no next step.
	RecordNoNextStep(ctx context.Context, customerID, by int64) error
	// OpenFollowUpsOf lists a customer's open follow-ups assigned to assigneeID.
	OpenFollowUpsOf(ctx context.Context, customerID, assigneeID int64) ([]crm.FollowUp, error)
	MarkReminded(ctx context.Context, id int64, at time.Time) error
	EscalationDelay(ctx context.Context) (time.Duration, error)
	// FollowUpsToEscalate locks open, never-escalated follow-ups due before cutoff.
	FollowUpsToEscalate(ctx context.Context, cutoff time.Time, limit int) ([]crm.FollowUp, error)
	// MarkEscalated reports false when the follow-up was already escalated.
	MarkEscalated(ctx context.Context, id int64, at time.Time) (bool, error)
	EscalationRecipients(ctx context.Context, staffID int64) ([]crm.Staff, error)
	FollowUpsDueBy(ctx context.Context, assigneeID int64, until time.Time, limit int) ([]crm.FollowUp, error)
	// NextFollowUp returns crm.ENotFound when nothing is planned from then on.
	NextFollowUp(ctx context.Context, assigneeID int64, from time.Time) (crm.FollowUp, error)
	CustomersWithoutNextStep(ctx context.Context, ownerID int64, limit int) ([]crm.Customer, int, error)
	StaffByID(ctx context.Context, id int64) (crm.Staff, error)
	// LastNote returns crm.ENotFound when no activity has a note.
	LastNote(ctx context.Context, customerID int64) (crm.Activity, error)
}

// flowFU plans a follow-up from the card (Data: n, c), reschedules one
// from its reminder (Data: n, c, f), or, after Done (Data: n, c, f, d; t
// when pressed on "my day"), asks for the next step before the follow-up
// is closed. Steps: next → date → hour.
const flowFU = "fu.plan"

// Callback codes of the reminder's buttons: <code>:<follow-up>:<due unix>.
// The due time makes a button of an older reminder stale once the
// follow-up was snoozed or rescheduled.
const (
	actFUDone       = "fd"
	actFUSnooze     = "fz"
	actFUTomorrow   = "ft"
	actFUReschedule = "fr"
	actFUUndo       = "fo" // fo:<done follow-up>:<next follow-up or 0>[:t]
	actFUBack       = "fb" // fb:<nonce>: leave "what next?" without closing
)

// snoozeFor is how long "snooze" waits.
const snoozeFor = time.Hour

// routesFollowUps registers planning follow-ups and the reminder's buttons.
func (b *Bot) routesFollowUps() {
	b.action(actFollowUp, b.startFollowUp)
	b.action(actNextStep, b.onNextStep)
	b.action(actNextStepAlt, b.onNextStepAlt)
	b.action(actFUDone, b.reminderButton(actFUDone))
	b.action(actFUSnooze, b.reminderButton(actFUSnooze))
	b.action(actFUTomorrow, b.reminderButton(actFUTomorrow))
	b.action(actFUReschedule, b.reminderButton(actFUReschedule))
	b.action(actFUUndo, b.undoDone)
	b.action(actFUBack, b.backFromDone)
	b.flow(flowFU, b.followUpMessage)
	b.routesDatePicker()
}

// startFollowUp asks when to follow up with a customer.
func (b *Bot) startFollowUp(r *req, args []string) error {
	c, n, ok, err := r.startCustomerFlow(args, flowFU, "next", nil)
	if !ok || err != nil {
		return err
	}
	rows := append(b.nextStepRows(r, n, true), []models.InlineKeyboardButton{ib(r.t("common.cancel", nil), cb(actFlowCancel, n))})
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(r.t("followup.ask", map[string]any{"Name": esc(c.Name)}), ikm(rows...))
}

// followUpMessage reads a typed date while planning a follow-up.
func (b *Bot) followUpMessage(r *req, st *State) error {
	return b.typedDue(r, st, r.msg.Text)
}

// followUpToChange loads a follow-up the user may act on: its customer is
// theirs to change, and it is assigned to them unless they manage.
func (b *Bot) followUpToChange(r *req, fid int64) (crm.FollowUp, error) {
	return b.followUpOf(r, fid, crm.Customer{})
}

// followUpOf is followUpToChange when the caller has just loaded customer
// c and checked that the user may change it: a follow-up of c needs no
// second look at its customer.
func (b *Bot) followUpOf(r *req, fid int64, c crm.Customer) (crm.FollowUp, error) {
	f, err := b.followups.FollowUp(r.ctx, fid)
	if err != nil {
		return f, err
	}
	if c.ID == 0 || f.CustomerID != c.ID {
		if _, err := r.loadEditable(f.CustomerID); err != nil {
			return f, err
		}
	}
	if f.AssigneeID != r.staff.ID && r.staff.Role == crm.RoleRep {
		return f, crm.Errorf(crm.EForbidden, "follow-up %d is not assigned to staff %d", fid, r.staff.ID)
	}
	return f, nil
}

// reminderButton handles Done, Snooze, Tomorrow and Reschedule on a
// reminder (and on "my day").
func (b *Bot) reminderButton(code string) actionFunc {
	return func(r *req, args []string) error {
		fid, ok := argID(args, 0)
		due, ok2 := argID(args, 1)
		if !ok || !ok2 {
			return r.staleButton()
		}
		f, err := b.followUpToChange(r, fid)
		if err != nil {
			return err
		}
		if f.Status != crm.FollowUpOpen || f.DueAt.Unix() != due {
			return r.staleButton()
		}
		data := map[string]any{"Name": esc(f.CustomerName)}
		switch code {
		case actFUDone:
			return b.askNextAfterDone(r, f, argStr(args, 2) == "t")
		case actFUReschedule:
			n := r.nonce()
			if err := r.setState(flowFU, "next", flowMap(callFlow{flowBase: flowBase{Nonce: n, Customer: flowID(f.CustomerID)}, FollowUp: flowID(fid)})); err != nil {
				return err
			}
			rows := append(b.nextStepRows(r, n, false), []models.InlineKeyboardButton{ib(r.t("common.cancel", nil), cb(actFlowCancel, n))})
			return r.edit(r.t("followup.ask_reschedule", data), ikm(rows...))
		}
		next := r.now().Add(snoozeFor)
		if code == actFUTomorrow {
			next, _ = quickDue(nsTomorrow, r.now(), r.staff, r.userLoc())
		}
		f, err = b.followups.RescheduleFollowUp(r.ctx, fid, next, code == actFUSnooze, r.staff.ID)
		if err != nil {
			return err
		}
		if err := b.scheduleReminder(r, f); err != nil {
			return err
		}
		data["When"] = r.dueText(f.DueAt)
		return r.edit(r.t("followup.moved", data), ikm(
			[]models.InlineKeyboardButton{ib(r.t("activity.open_card", nil), cb(actCard, id(f.CustomerID)))}))
	}
}

// scheduleReminder queues the reminder of f at its due time, in the
// update's transaction. A reminder queued for an earlier due time is
// skipped when it comes up (see renderReminder), so moving a follow-up
// never needs to cancel a job.
func (b *Bot) scheduleReminder(r *req, f crm.FollowUp) error {
	assignee := r.staff
	if f.AssigneeID != r.staff.ID {
		s, err := b.followups.StaffByID(r.ctx, f.AssigneeID)
		if err != nil {
			return err
		}
		assignee = s
	}
	return b.d.Notify.Schedule(r.ctx, schedule.Reminder(f, assignee))
}

// reminderButtons are the buttons of a reminder of f.
func (r *req) reminderButtons(f crm.FollowUp) *models.InlineKeyboardMarkup {
	fid, due := id(f.ID), id(f.DueAt.Unix())
	return ikm(
		[]models.InlineKeyboardButton{ib(r.t("reminder.done", nil), cb(actFUDone, fid, due)), ib(r.t("reminder.snooze", nil), cb(actFUSnooze, fid, due))},
		[]models.InlineKeyboardButton{ib(r.t("reminder.tomorrow", nil), cb(actFUTomorrow, fid, due)), ib(r.t("reminder.reschedule", nil), cb(actFUReschedule, fid, due))},
		[]models.InlineKeyboardButton{ib(r.t("activity.open_card", nil), cb(actCard, id(f.CustomerID)))},
	)
}
