package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// Notes on a logged call or visit. The summary of what was logged is one
// message, edited in place as details arrive; each detail is confirmed by
// a short message that says where it went, and the latest confirmation of
// a typed note carries an undo (older ones lose their buttons).

// Callback codes of this file.
const (
	actLogNote  = "an" // an:<nonce>: type a note for the flow's call or visit
	actNoteUndo = "nu" // nu:<nonce>:<activity>:<note length before>: take the note back
)

// logRef names the summary message of log flow n; logAckRef its latest
// confirmation.
func logRef(n string) string    { return "log:" + n }
func logAckRef(n string) string { return "log:" + n + ":ack" }

// askNote asks for the note of the flow's call or visit: the next text is
// that note.
func (b *Bot) askNote(r *req, args []string) error {
	st, ok, err := r.inFlow(argStr(args, 0), flowLog)
	if err != nil {
		return err
	}
	if !ok || st.Step == "outcome" {
		return r.staleButton()
	}
	c, err := b.flowCustomer(r, st)
	if err != nil {
		return err
	}
	if err := r.setState(flowLog, "note", st.Data); err != nil {
		return err
	}
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(r.t("log.note_ask", map[string]any{"Name": esc(c.Name)}), &models.ForceReply{ForceReply: true,
		InputFieldPlaceholder: clipRunes(r.t("log.note_placeholder", nil), 64)})
}

// flowCustomer is the customer of the flow, re-checked for the right to change it.
func (b *Bot) flowCustomer(r *req, st *State) (crm.Customer, error) {
	return r.loadEditable(int64(loadFlow[flowBase](st).Customer))
}

// addNote appends text to the note of the flow's activity.
func (b *Bot) addNote(r *req, st *State, text string) error {
	cf := loadFlow[callFlow](st)
	aid := int64(cf.Activity)
	a, err := b.activities.Activity(r.ctx, aid)
	if err != nil {
		return err
	}
	before := utf8.RuneCountInString(a.Note)
	undo := cb(actNoteUndo, cf.Nonce, id(aid), id(int64(before)))
	st.Step = "details"
	if err := b.activities.RecordNoteMessage(r.ctx, r.chatID, int64(r.msg.ID), aid, text); err != nil {
		return err
	}
	return b.amendFromChat(r, st, func(a *crm.Activity) {
		if a.Note != "" {
			a.Note += "\n\n"
		}
		a.Note += text
	}, "log.note_added", undo)
}

// amendFromChat applies a detail sent in the chat to the flow's activity,
// edits the summary in place and confirms where the detail went (with an
// undo when undo is set).
func (b *Bot) amendFromChat(r *req, st *State, change func(a *crm.Activity), ack, undo string) error {
	if err := b.amend(r, st, change); err != nil {
		return err
	}
	cf := loadFlow[callFlow](st)
	cf.LastDetail = flowID(r.u.ID)
	if err := r.setState(flowLog, st.Step, flowMap(cf)); err != nil {
		return err
	}
	st = r.st
	if err := b.showDetails(r, st, false); err != nil {
		return err
	}
	return b.confirmDetail(r, st, ack, undo)
}

// confirmDetail sends the confirmation of a detail; the previous one loses
// its buttons.
func (b *Bot) confirmDetail(r *req, st *State, ack, undo string) error {
	c, err := b.flowCustomer(r, st)
	if err != nil {
		return err
	}
	cf := loadFlow[callFlow](st)
	a, err := b.activities.Activity(r.ctx, int64(cf.Activity))
	if err != nil {
		return err
	}
	n := cf.Nonce
	if err := r.stripRef(logAckRef(n)); err != nil {
		return err
	}
	data := map[string]any{"Name": esc(c.Name), "When": r.dateTime(a.OccurredAt), "Kind": r.t("log.kind."+string(a.Kind), nil)}
	var markup any
	row := []models.InlineKeyboardButton{ib(r.t("log.add_more", nil), cb(actLogNote, n))}
	if undo != "" {
		row = append([]models.InlineKeyboardButton{ib(r.t("log.undo_note", nil), undo)}, row...)
	}
	markup = ikm(row)
	if r.msg != nil && r.msg.Location != nil {
		// The location button's keyboard is done with: bring the main one back.
		if err := r.sendRef(logAckRef(n), r.t(ack, data), markup); err != nil {
			return err
		}
		return r.send(r.t("core.menu", nil), r.mainKeyboard())
	}
	return r.sendRef(logAckRef(n), r.t(ack, data), markup)
}

// undoNote takes back the last note typed for a call or visit: the note
// is cut back to what it was before. The press is re-checked: the user
// must be allowed to change the customer and must have logged the
// activity, and the note must still hold what was added.
func (b *Bot) undoNote(r *req, args []string) error {
	aid, ok := argID(args, 1)
	before, ok2 := optID(args, 2)
	if !ok || !ok2 {
		return r.staleButton()
	}
	a, err := b.activities.Activity(r.ctx, aid)
	if err != nil {
		return err
	}
	c, err := r.loadEditable(a.CustomerID)
	if err != nil {
		return err
	}
	rs := []rune(a.Note)
	if a.StaffID != r.staff.ID || int64(len(rs)) <= before {
		return r.staleButton()
	}
	a.Note = strings.TrimSpace(string(rs[:before]))
	if err := b.activities.AmendActivity(r.ctx, a); err != nil {
		return err
	}
	if err := r.toast(r.t("log.note_removed_toast", nil), false); err != nil {
		return err
	}
	if st, ok, err := r.inFlow(argStr(args, 0), flowLog); err != nil {
		return err
	} else if ok && st.Step != "outcome" {
		if err := b.showDetails(r, st, false); err != nil {
			return err
		}
	}
	return r.edit(r.t("log.note_removed", map[string]any{"Name": esc(c.Name)}), ikm())
}
