package bot

import (
	"errors"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/when"
)

// The "next step" after a call or visit, and when a follow-up is planned
// or rescheduled: quick choices computed in the user's time zone and
// working hours, a month grid, or a date typed in words.

// actNextStep is a quick choice: ns:<nonce>:<choice>.
const actNextStep = "ns"

// Quick choices.
const (
	nsLaterToday = "l"
	nsTomorrow   = "t"
	ns3Days      = "3"
	nsNextWeek   = "w"
	nsPick       = "p"
	nsNone       = "0"
)

// quickHour is the hour a quick choice lands on (crm.QuickHour).
const quickHour = crm.QuickHour

// quickChoices are the domain's quick choices by their button code.
var quickChoices = map[string]crm.NextStep{nsLaterToday: crm.LaterToday, nsTomorrow: crm.Tomorrow, ns3Days: crm.In3Days, nsNextWeek: crm.NextWeek}

// cal is the user's calendar.
func (r *req) staffCal() calendar.Calendar {
	if c, err := calendar.Parse(r.staff.Calendar); err == nil {
		return c
	}
	return calendar.Calendar(crm.DefaultsFor(r.lang()).Calendar)
}

// dateTime writes t in the user's calendar, time zone and digits.
func (r *req) dateTime(t time.Time) string {
	return format.DateTime(r.lang(), r.staffCal(), t.In(r.userLoc()))
}

// dueText writes a due time relative to today: "tomorrow, 10:00".
func (r *req) dueText(t time.Time) string {
	local := t.In(r.userLoc())
	return r.t("followup.when", map[string]any{
		"Day":  format.RelativeDay(r.lang(), r.staffCal(), local, r.now().In(r.userLoc())),
		"Time": format.Time(r.lang(), local),
	})
}

// quickDue is when the quick choice of button code choice falls for staff
// s at now (crm.QuickDue).
func quickDue(choice string, now time.Time, s crm.Staff, loc *time.Location) (time.Time, bool) {
	c, ok := quickChoices[choice]
	if !ok {
		return time.Time{}, false
	}
	return crm.QuickDue(c, now, s, loc)
}

// nextStepRows are the next-step buttons of flow nonce n.
func (b *Bot) nextStepRows(r *req, n string, allowNone bool) [][]models.InlineKeyboardButton {
	var quick []models.InlineKeyboardButton
	if _, ok := quickDue(nsLaterToday, r.now(), r.staff, r.userLoc()); ok {
		quick = append(quick, ib(r.t("nextstep.later_today", nil), cb(actNextStep, n, nsLaterToday)))
	}
	quick = append(quick, ib(r.t("nextstep.tomorrow", nil), cb(actNextStep, n, nsTomorrow)))
	rows := [][]models.InlineKeyboardButton{quick, {
		ib(r.t("nextstep.in_3_days", nil), cb(actNextStep, n, ns3Days)),
		ib(r.t("nextstep.next_week", nil), cb(actNextStep, n, nsNextWeek)),
	}}
	last := []models.InlineKeyboardButton{ib(r.t("nextstep.pick_date", nil), cb(actNextStep, n, nsPick))}
	if allowNone {
		last = append(last, ib(r.t("nextstep.none", nil), cb(actNextStep, n, nsNone)))
	}
	return append(rows, last)
}

// needsDate reports whether the flow may not end without a follow-up: a
// "call back later" outcome, or a reschedule.
func needsDate(st *State) bool {
	if _, done := closingDone(st); done {
		return false
	}
	cf := loadFlow[callFlow](st)
	return cf.Outcome == crm.OutcomeCallBackLater || cf.FollowUp != 0
}

// onNextStep handles a quick choice.
func (b *Bot) onNextStep(r *req, args []string) error {
	if len(args) < 2 {
		return r.staleButton()
	}
	st, ok, err := r.inFlow(args[0], flowLog, flowFU)
	if err != nil {
		return err
	}
	if !ok || st.Step == "outcome" {
		return r.staleButton()
	}
	switch args[1] {
	case nsNone:
		if needsDate(st) {
			return r.toast(r.t("nextstep.need_date", nil), true)
		}
		return b.finishWithoutFollowUp(r, st)
	case nsPick:
		cf := loadFlow[callFlow](st)
		cf.Picking = true
		if err := r.setState(st.Flow, "date", flowMap(cf)); err != nil {
			return err
		}
		d := calendar.FromTime(r.staffCal(), r.now().In(r.userLoc()))
		return r.edit(r.t("picker.ask_day", nil), b.monthGrid(r, args[0], d.Year, d.Month))
	}
	due, ok := quickDue(args[1], r.now(), r.staff, r.userLoc())
	if !ok {
		return r.staleButton()
	}
	return b.applyDue(r, st, due)
}

// finishWithoutFollowUp ends the flow with the explicit choice of no next
// step: what the contact fulfilled is closed, and the choice is in the
// customer's history.
func (b *Bot) finishWithoutFollowUp(r *req, st *State) error {
	cf := loadFlow[callFlow](st)
	cid := int64(cf.Customer)
	c, err := r.loadEditable(cid)
	if err != nil {
		return err
	}
	done, err := b.closeOpenFollowUps(r, st, c)
	if err != nil {
		return err
	}
	if err := b.followups.RecordNoNextStep(r.ctx, cid, r.staff.ID); err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	if done != 0 {
		return b.afterDone(r, st, c, done, crm.FollowUp{})
	}
	if err := r.edit(r.t("nextstep.saved_no_followup", nil), ikm(
		[]models.InlineKeyboardButton{ib(r.t("activity.open_card", nil), cb(actCard, id(cid)))})); err != nil {
		return err
	}
	if cf.Kind == crm.ActivityVisit {
		return r.send(r.t("core.menu", nil), r.mainKeyboard())
	}
	return nil
}

// dueInDetails reads text typed in the details step as the next step when
// it is a date: it reports false (a note) when it is not understood.
func (b *Bot) dueInDetails(r *req, st *State, text string) (bool, error) {
	due, err := r.parseDue(text)
	switch {
	case err == nil:
		return true, b.applyDue(r, st, due)
	case errors.Is(err, when.ErrUnparsable):
		return false, nil
	}
	return true, b.explainTyped(r, st, err)
}

// typedDue reads text typed while the month grid or the hours are shown:
// it must be a date; anything else is explained with examples.
func (b *Bot) typedDue(r *req, st *State, text string) error {
	due, err := r.parseDue(text)
	if err != nil {
		return b.explainTyped(r, st, err)
	}
	return b.applyDue(r, st, due)
}

// parseDue reads a date and time typed in the user's language and digits.
func (r *req) parseDue(text string) (time.Time, error) {
	if text == "" {
		return time.Time{}, when.ErrUnparsable
	}
	return when.Parse(text, when.Options{Now: r.now(), Loc: r.userLoc(), Lang: r.lang(), Calendar: r.staffCal(), DefaultHour: quickHour})
}

// explainDue says why a typed date was refused, with examples; the flow
// (and any call already logged) stays as it was.
func (r *req) explainDue(err error) error {
	msg := "when.error.unparsable"
	var we *when.Error
	if errors.As(err, &we) {
		msg = we.MessageID()
	} else if crm.IsCode(err, crm.EInvalid) {
		msg = "when.error.past"
	}
	return r.send(r.t(msg, nil), nil)
}

// applyDue creates or moves the flow's follow-up to due, schedules its
// reminder and ends the flow.
func (b *Bot) applyDue(r *req, st *State, due time.Time) error {
	if err := crm.ValidateDue(due, r.now()); err != nil {
		if due.After(r.now()) {
			return r.explainDue(when.ErrTooFar)
		}
		return r.explainDue(err)
	}
	cf := loadFlow[callFlow](st)
	cid := int64(cf.Customer)
	c, err := r.loadEditable(cid)
	if err != nil {
		return err
	}
	var f crm.FollowUp
	if fid := int64(cf.FollowUp); fid != 0 && !cf.Closing {
		if _, err := b.followUpOf(r, fid, c); err != nil {
			return err
		}
		f, err = b.followups.RescheduleFollowUp(r.ctx, fid, due, false, r.staff.ID)
	} else {
		done, cerr := b.closeOpenFollowUps(r, st, c)
		if cerr != nil {
			return cerr
		}
		f, err = b.followups.CreateFollowUp(r.ctx, crm.FollowUp{CustomerID: cid, AssigneeID: r.staff.ID, ActivityID: int64(cf.Activity), DueAt: due}, r.staff.ID)
		if err == nil && done != 0 {
			if err := b.scheduleReminder(r, f); err != nil {
				return err
			}
			if err := r.clearState(); err != nil {
				return err
			}
			return b.afterDone(r, st, c, done, f)
		}
	}
	if err != nil {
		return err
	}
	if err := b.scheduleReminder(r, f); err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	text := r.t("followup.set", map[string]any{"Name": esc(c.Name), "When": r.dueText(f.DueAt)})
	markup := ikm([]models.InlineKeyboardButton{ib(r.t("activity.open_card", nil), cb(actCard, id(cid)))})
	if r.cb != nil {
		if err := r.edit(text, markup); err != nil {
			return err
		}
	} else if err := r.send(text, markup); err != nil {
		return err
	}
	if cf.Kind == crm.ActivityVisit {
		return r.send(r.t("core.menu", nil), r.mainKeyboard())
	}
	return nil
}
