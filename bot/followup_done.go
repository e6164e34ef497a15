package bot

import (
	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// Closing a follow-up never lets a customer fall off the list silently:
// Done (on a reminder or on "my day") first asks for the next step, with
// "no next step" as an explicit choice; the follow-up is closed only when
// one is chosen, and the confirmation carries an undo.

// askNextAfterDone turns the pressed message into "what next?" for
// follow-up f, which stays open until a next step is chosen.
func (b *Bot) askNextAfterDone(r *req, f crm.FollowUp, fromToday bool) error {
	n := r.nonce()
	cf := callFlow{flowBase: flowBase{Nonce: n, Customer: flowID(f.CustomerID)}, FollowUp: flowID(f.ID), Closing: true, FromToday: flag(fromToday)}
	if err := r.setState(flowFU, "next", flowMap(cf)); err != nil {
		return err
	}
	rows := append(b.nextStepRows(r, n, true), []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actFUBack, n))})
	return r.edit(r.t("followup.done_ask_next", map[string]any{"Name": esc(f.CustomerName)}), ikm(rows...))
}

// closingDone reports whether the flow closes a follow-up with the next
// step (Done pressed): it returns that follow-up's id.
func closingDone(st *State) (int64, bool) {
	cf := loadFlow[callFlow](st)
	if st.Flow != flowFU || !cf.Closing || cf.FollowUp == 0 {
		return 0, false
	}
	return int64(cf.FollowUp), true
}

// closeOpenFollowUps settles what the flow's contact fulfilled before the
// next step is recorded: after Done, that follow-up; after a logged call or
// visit, the rep's open follow-ups with the customer (the promised contact
// has happened). c is the flow's customer, loaded and checked by the
// caller. It returns the follow-up closed by Done (0 otherwise).
func (b *Bot) closeOpenFollowUps(r *req, st *State, c crm.Customer) (int64, error) {
	cid := c.ID
	if fid, ok := closingDone(st); ok {
		if _, err := b.followUpOf(r, fid, c); err != nil {
			return 0, err
		}
		return fid, b.followups.CompleteFollowUp(r.ctx, fid, r.staff.ID)
	}
	if st.Flow != flowLog {
		return 0, nil
	}
	fs, err := b.followups.OpenFollowUpsOf(r.ctx, cid, r.staff.ID)
	if err != nil {
		return 0, err
	}
	for _, f := range fs {
		if err := b.followups.CompleteFollowUp(r.ctx, f.ID, r.staff.ID); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// afterDone answers the choice of a next step once Done's follow-up done
// was closed (next is the new follow-up, zero for none): "my day" again
// with the news on top, or the confirmation in place of the reminder, each
// with an undo.
func (b *Bot) afterDone(r *req, st *State, c crm.Customer, done int64, next crm.FollowUp) error {
	data := map[string]any{"Name": esc(c.Name)}
	msg := "followup.done_no_next"
	if next.ID != 0 {
		msg, data["When"] = "followup.done_next", r.dueText(next.DueAt)
	}
	notice := r.t(msg, data)
	if loadFlow[callFlow](st).FromToday {
		return b.showToday(r, true, &todayNotice{text: notice, undo: cb(actFUUndo, id(done), id(next.ID), "t")})
	}
	return r.edit(notice, ikm(
		[]models.InlineKeyboardButton{ib(r.t("followup.undo", nil), cb(actFUUndo, id(done), id(next.ID)))},
		[]models.InlineKeyboardButton{ib(r.t("activity.open_card", nil), cb(actCard, id(c.ID)))}))
}

// undoDone reopens a follow-up closed by Done and withdraws the next one
// planned with it, if that is still open. Both are re-checked: the user
// must be allowed to change them, and they must belong to one customer.
func (b *Bot) undoDone(r *req, args []string) error {
	doneID, ok := argID(args, 0)
	nextID, ok2 := optID(args, 1)
	if !ok || !ok2 {
		return r.staleButton()
	}
	done, err := b.followUpToChange(r, doneID)
	if err != nil {
		return err
	}
	if done.Status != crm.FollowUpDone {
		return r.staleButton()
	}
	if nextID != 0 {
		next, err := b.followUpToChange(r, nextID)
		if err != nil {
			return err
		}
		if next.CustomerID != done.CustomerID {
			return r.staleButton()
		}
		if next.Status == crm.FollowUpOpen {
			if err := b.followups.CancelFollowUp(r.ctx, nextID, r.staff.ID); err != nil {
				return err
			}
		}
	}
	f, err := b.followups.ReopenFollowUp(r.ctx, doneID, r.staff.ID)
	if err != nil {
		return err
	}
	if err := b.scheduleReminder(r, f); err != nil {
		return err
	}
	if err := r.toast(r.t("followup.undone_toast", nil), false); err != nil {
		return err
	}
	if argStr(args, 2) == "t" {
		return b.showToday(r, true, nil)
	}
	return r.edit(r.t("followup.undone", map[string]any{"Name": esc(f.CustomerName), "When": r.dueText(f.DueAt)}), r.reminderButtons(f))
}

// backFromDone leaves "what next?" without closing anything: "my day" or
// the reminder comes back as it was.
func (b *Bot) backFromDone(r *req, args []string) error {
	st, ok, err := r.inFlow(argStr(args, 0), flowFU)
	if err != nil {
		return err
	}
	fid, isDone := closingDone(orEmpty(st))
	if !ok || !isDone {
		return r.staleButton()
	}
	if err := r.clearState(); err != nil {
		return err
	}
	if loadFlow[callFlow](st).FromToday {
		return b.showToday(r, true, nil)
	}
	f, err := b.followUpToChange(r, fid)
	if err != nil {
		return err
	}
	if f.Status != crm.FollowUpOpen {
		return r.staleButton()
	}
	return r.edit(r.t("reminder.text", map[string]any{"Name": esc(f.CustomerName), "When": r.dueText(f.DueAt)}), r.reminderButtons(f))
}

// orEmpty is st, or an empty state when there is none.
func orEmpty(st *State) *State {
	if st == nil {
		return &State{}
	}
	return st
}

// optID parses args[i] as an id where "0" means none.
func optID(args []string, i int) (int64, bool) {
	if argStr(args, i) == "0" {
		return 0, true
	}
	return argID(args, i)
}
