package bot

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// ActivityStore is what logging calls, visits and notes asks of the
// database.
type ActivityStore interface {
	// Customer returns crm.ENotFound for an unknown customer.
	Customer(ctx context.Context, id int64) (crm.Customer, error)
	// LogActivity is idempotent on SourceUpdateID: a replay returns the
	// activity stored the first time.
	LogActivity(ctx context.Context, a crm.Activity) (crm.Activity, error)
	// AmendActivity replaces an activity's details; its time only moves
	// earlier. crm.ENotFound if it is gone.
	AmendActivity(ctx context.Context, a crm.Activity) error
	// Activity returns crm.ENotFound for an unknown activity.
	Activity(ctx context.Context, id int64) (crm.Activity, error)
	// LastNote returns crm.ENotFound when no activity has a note.
	LastNote(ctx context.Context, customerID int64) (crm.Activity, error)
	History(ctx context.Context, customerID int64, offset, limit int) ([]crm.HistoryEntry, int, error)
	// CustomersToLog returns customers the actor may log with, matching
	// query (recent ones for an empty query).
	CustomersToLog(ctx context.Context, actor crm.Staff, query string, limit int) ([]crm.Customer, error)
	OpenFollowUpsOf(ctx context.Context, customerID, assigneeID int64) ([]crm.FollowUp, error)
	RecordNoteMessage(ctx context.Context, chatID, messageID, activityID int64, text string) error
	NoteMessageStore
	ReachStore
}

// Flows of this file. Every button of a flow carries the flow's nonce
// (its nonce): a button from a finished or cancelled flow is stale.
const (
	flowLog  = "act.log"  // steps: outcome → details → date → hour
	flowNote = "act.note" // step: text
	flowPick = "act.pick" // step: query (which customer to log a call with)
)

// Callback codes of this file.
const (
	actOutcome    = "ao" // ao:<nonce>:<outcome index>
	actDuration   = "ad" // ad:<nonce>:<minutes>
	actFlowCancel = "ax" // ax:<nonce>: leave any of this feature's flows
)

// quickDurations are the duration buttons, in minutes.
var quickDurations = []int{1, 5, 15, 30}

// visitOutcomes are the outcomes offered for a visit.
var visitOutcomes = []crm.Outcome{crm.OutcomeReached, crm.OutcomeCallBackLater, crm.OutcomeNotInterested}

// routesActivities registers logging calls, visits and notes.
func (b *Bot) routesActivities() {
	b.action(actLogCall, func(r *req, args []string) error { return b.startLog(r, args, crm.ActivityCall) })
	b.action(actLogVisit, func(r *req, args []string) error { return b.startLog(r, args, crm.ActivityVisit) })
	b.action(actNote, b.startNote)
	b.action(actOutcome, b.onOutcome)
	b.action(actDuration, b.onDuration)
	b.action(actFlowCancel, b.onFlowCancel)
	b.action(actLogNote, b.askNote)
	b.action(actNoteUndo, b.undoNote)
	b.flow(flowLog, b.logMessage)
	b.flow(flowNote, b.noteMessage)
	b.flow(flowPick, b.pickMessage)
	b.mainKey("menu.log_call", b.askCustomerToLog)
	b.routesHistory()
}

// nonce names one run of a flow: the update that started it, so a replayed
// start gives the same buttons.
func (r *req) nonce() string { return id(r.u.ID) }

// inFlow returns the chat's state when it is flow with nonce n.
func (r *req) inFlow(n string, flows ...string) (*State, bool, error) {
	st, err := r.state()
	if err != nil || st == nil || flowNonce(st) != n || n == "" {
		return nil, false, err
	}
	for _, f := range flows {
		if st.Flow == f {
			return st, true, nil
		}
	}
	return nil, false, nil
}

// staleButton answers a button of a finished flow and changes nothing.
func (r *req) staleButton() error { return r.toast(r.t("error.stale_button", nil), false) }

// loadEditable returns customer cid when the user may change it; a
// deleted customer is not found, one of another rep's forbidden.
func (r *req) loadEditable(cid int64) (crm.Customer, error) { return r.customerByID(cid, true) }

// loadViewable returns customer cid when the user may see it, as
// loadEditable does.
func (r *req) loadViewable(cid int64) (crm.Customer, error) { return r.customerByID(cid, false) }

// startCustomerFlow begins flow at step for the customer the pressed button
// names, if the user may change that customer. It returns the customer and
// the flow's nonce, which the flow's buttons carry so that stale ones are
// refused. ok is false when the button named no customer; it has then been
// answered as stale. data, if any, is kept in the flow's state too.
func (r *req) startCustomerFlow(args []string, flow, step string, data map[string]string) (c crm.Customer, nonce string, ok bool, err error) {
	cid, ok := argID(args, 0)
	if !ok {
		return c, "", false, r.staleButton()
	}
	if c, err = r.loadEditable(cid); err != nil {
		return c, "", true, err
	}
	nonce = r.nonce()
	st := flowMap(flowBase{Nonce: nonce, Customer: flowID(cid)})
	for k, v := range data {
		st[k] = v
	}
	return c, nonce, true, r.setState(flow, step, st)
}

// startLog asks how a call or visit with the customer went.
func (b *Bot) startLog(r *req, args []string, kind crm.ActivityKind) error {
	c, n, ok, err := r.startCustomerFlow(args, flowLog, "outcome", flowMap(callFlow{Kind: kind}))
	if !ok || err != nil {
		return err
	}
	outcomes := crm.Outcomes
	if kind == crm.ActivityVisit {
		outcomes = visitOutcomes
	}
	var rows [][]models.InlineKeyboardButton
	for i, o := range outcomes {
		if i%2 == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], ib(r.t("outcome."+string(o), nil), cb(actOutcome, n, string(o))))
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("common.cancel", nil), cb(actFlowCancel, n))})
	if err := r.finish(); err != nil {
		return err
	}
	return r.sendRef(logRef(n), r.t("activity."+string(kind)+".ask_outcome", map[string]any{"Name": esc(c.Name)}), ikm(rows...))
}

// onOutcome stores the call or visit at once (the log is kept whatever
// happens next), then offers details and the next step.
func (b *Bot) onOutcome(r *req, args []string) error {
	if len(args) < 2 {
		return r.staleButton()
	}
	st, ok, err := r.inFlow(args[0], flowLog)
	if err != nil {
		return err
	}
	if !ok {
		return r.staleButton()
	}
	if st.Step != "outcome" {
		if loadFlow[callFlow](st).OutcomePress == flowID(r.u.ID) { // the same press, replayed
			return b.showDetails(r, st, true)
		}
		return r.staleButton()
	}
	o := crm.Outcome(args[1])
	if !o.Valid() {
		return r.staleButton()
	}
	cf := loadFlow[callFlow](st)
	cid := int64(cf.Customer)
	c, err := r.loadEditable(cid)
	if err != nil {
		return err
	}
	a, err := b.activities.LogActivity(r.ctx, crm.Activity{CustomerID: cid, StaffID: r.staff.ID,
		Kind: cf.Kind, Outcome: o, OccurredAt: r.sentAt(), SourceUpdateID: r.u.ID})
	if err != nil {
		return err
	}
	cf.Activity, cf.OutcomePress, cf.Outcome = flowID(a.ID), flowID(r.u.ID), o
	if err := r.setState(flowLog, "details", flowMap(cf)); err != nil {
		return err
	}
	if err := b.showLogged(r, r.st, a, c, true); err != nil {
		return err
	}
	if a.Kind == crm.ActivityVisit {
		loc := &models.ReplyKeyboardMarkup{ResizeKeyboard: true, OneTimeKeyboard: true, Keyboard: [][]models.KeyboardButton{
			{{Text: r.t("activity.visit.share_location", nil), RequestLocation: true}},
		}}
		return r.send(r.t("activity.visit.location_hint", nil), loc)
	}
	return nil
}

// showDetails shows what was logged with the duration buttons and the next
// steps; edit replaces the pressed message, otherwise a new one is sent.
func (b *Bot) showDetails(r *req, st *State, edit bool) error {
	a, err := b.activities.Activity(r.ctx, int64(loadFlow[callFlow](st).Activity))
	if err != nil {
		return err
	}
	c, err := r.loadEditable(a.CustomerID)
	if err != nil {
		return err
	}
	return b.showLogged(r, st, a, c, edit)
}

// showLogged is showDetails for activity a of customer c, already loaded
// (and c checked editable) by the caller.
func (b *Bot) showLogged(r *req, st *State, a crm.Activity, c crm.Customer, edit bool) error {
	text := r.activitySummary(a, c.Name)
	if st.Flow == flowLog {
		open, err := b.activities.OpenFollowUpsOf(r.ctx, c.ID, r.staff.ID)
		if err != nil {
			return err
		}
		if len(open) > 0 {
			text += "\n" + r.t("log.closes_followup", map[string]any{"When": r.dueText(open[0].DueAt)})
		}
	}
	text += "\n\n" + r.t("log.hint", nil)
	n := flowNonce(st)
	var durations []models.InlineKeyboardButton
	for _, m := range quickDurations {
		durations = append(durations, ib(format.Duration(r.lang(), time.Duration(m)*time.Minute), cb(actDuration, n, itoa(m))))
	}
	note := []models.InlineKeyboardButton{ib(r.t("log.add_note", nil), cb(actLogNote, n))}
	rows := append([][]models.InlineKeyboardButton{durations, note}, b.nextStepRows(r, n, a.Outcome != crm.OutcomeCallBackLater)...)
	if edit && r.cbMsg != nil {
		return r.edit(text, ikm(rows...))
	}
	return r.editRef(logRef(n), text, ikm(rows...))
}

// activitySummary is one activity in a few lines: kind and outcome,
// customer, time, duration, note (trimmed), voice and location marks.
func (r *req) activitySummary(a crm.Activity, customer string) string {
	data := map[string]any{"Name": esc(customer), "When": r.dateTime(a.OccurredAt)}
	var b strings.Builder
	if a.Outcome != "" {
		data["Outcome"] = r.t("outcome."+string(a.Outcome), nil)
		b.WriteString(r.t("activity."+string(a.Kind)+".logged_outcome", data))
	} else {
		b.WriteString(r.t("activity."+string(a.Kind)+".logged", data))
	}
	if a.Duration > 0 {
		b.WriteString("\n" + r.t("activity.duration_line", map[string]any{"Duration": format.Duration(r.lang(), a.Duration)}))
	}
	if a.Note != "" {
		b.WriteString("\n" + r.t("activity.note_line", map[string]any{"Note": esc(clip(a.Note, 500, r.t("history.trimmed", nil)))}))
	}
	if a.VoiceFileID != "" {
		b.WriteString("\n" + r.t("activity.voice_line", map[string]any{"Duration": format.Duration(r.lang(), a.VoiceDuration)}))
	}
	if a.HasLocation {
		b.WriteString("\n" + r.t("activity.location_line", nil))
	}
	return b.String()
}

// clip shortens s to at most max characters, ending with marker when cut.
func clip(s string, max int, marker string) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)
	return strings.TrimSpace(string(rs[:max-utf8.RuneCountInString(marker)-1])) + " " + marker
}

func itoa(n int) string { return strconv.Itoa(n) }

// onDuration sets the duration of the logged activity.
func (b *Bot) onDuration(r *req, args []string) error {
	if len(args) < 2 {
		return r.staleButton()
	}
	st, ok, err := r.inFlow(args[0], flowLog)
	if err != nil {
		return err
	}
	m, okm := argInt(args, 1)
	if !ok || !okm || st.Step == "outcome" || m <= 0 || m > 24*60 {
		return r.staleButton()
	}
	if err := b.amend(r, st, func(a *crm.Activity) { a.Duration = time.Duration(m) * time.Minute }); err != nil {
		return err
	}
	return b.showDetails(r, st, true)
}

// amend changes the flow's activity after re-checking access.
func (b *Bot) amend(r *req, st *State, change func(a *crm.Activity)) error {
	a, err := b.activities.Activity(r.ctx, int64(loadFlow[callFlow](st).Activity))
	if err != nil {
		return err
	}
	if _, err := r.loadEditable(a.CustomerID); err != nil {
		return err
	}
	change(&a)
	a.OccurredAt = r.sentAt()
	return b.activities.AmendActivity(r.ctx, a)
}

// logMessage takes what the rep sends while logging: a voice note, a
// location, a duration typed in any digits, the next step's date in words,
// or, only after "add a note" asked for one, a note. Any other text is
// what it would be outside the flow (a search, a command): a text becomes
// a note only when the bot asked for one.
func (b *Bot) logMessage(r *req, st *State) error {
	m := r.msg
	switch st.Step {
	case "outcome":
		return r.send(r.t("activity.pick_outcome", nil), nil)
	case "date", "hour":
		return b.typedDue(r, st, m.Text)
	}
	if lu := loadFlow[callFlow](st).LastDetail; lu != 0 && r.u.ID <= int64(lu) {
		// A replay: a chat's updates arrive in order, so this one was applied.
		return nil
	}
	text := strings.TrimSpace(m.Text)
	var change func(a *crm.Activity)
	var ack string
	switch {
	case m.Voice != nil:
		change = func(a *crm.Activity) {
			a.VoiceFileID, a.VoiceDuration = m.Voice.FileID, time.Duration(m.Voice.Duration)*time.Second
		}
		ack = "log.voice_added"
	case m.Location != nil:
		change = func(a *crm.Activity) {
			a.Latitude, a.Longitude, a.HasLocation = m.Location.Latitude, m.Location.Longitude, true
		}
		ack = "log.location_added"
	case st.Step == "note" && text != "":
		return b.addNote(r, st, text)
	case text != "" && isNumber(text) && len([]rune(text)) <= 4:
		mins := atoiDigits(text)
		if mins <= 0 || mins > 24*60 {
			return r.send(r.t("activity.duration_invalid", nil), nil)
		}
		change = func(a *crm.Activity) { a.Duration = time.Duration(mins) * time.Minute }
		ack = "log.duration_added"
	case text != "":
		if handled, err := b.dueInDetails(r, st, text); handled || err != nil {
			return err
		}
		return b.freeInput(r)
	default:
		return r.send(r.t("log.hint", nil), nil)
	}
	return b.amendFromChat(r, st, change, ack, "")
}

// isNumber reports whether s is only digits of any script.
func isNumber(s string) bool {
	return s != "" && len(textnorm.Digits(s)) == utf8.RuneCountInString(s)
}

func atoiDigits(s string) int {
	n := 0
	for _, c := range textnorm.Digits(s) {
		n = n*10 + int(c-'0')
		if n > 1e6 {
			return n
		}
	}
	return n
}

// onFlowCancel leaves the flow; the call already logged stays.
func (b *Bot) onFlowCancel(r *req, args []string) error {
	if len(args) < 1 {
		return r.staleButton()
	}
	_, ok, err := r.inFlow(args[0], flowLog, flowNote, flowFU, flowDate)
	if err != nil {
		return err
	}
	if !ok {
		return r.staleButton()
	}
	if err := r.clearState(); err != nil {
		return err
	}
	if err := r.edit(r.t("common.cancelled", nil), nil); err != nil {
		return err
	}
	return r.toast(r.t("common.cancelled", nil), false)
}

// startNote asks for a note about the customer.
func (b *Bot) startNote(r *req, args []string) error {
	c, n, ok, err := r.startCustomerFlow(args, flowNote, "text", nil)
	if !ok || err != nil {
		return err
	}
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(r.t("activity.note.ask", map[string]any{"Name": esc(c.Name)}),
		ikm([]models.InlineKeyboardButton{ib(r.t("common.cancel", nil), cb(actFlowCancel, n))}))
}

// noteMessage stores the note (text or voice) the rep sent.
func (b *Bot) noteMessage(r *req, st *State) error {
	cid := int64(loadFlow[callFlow](st).Customer)
	c, err := r.loadEditable(cid)
	if err != nil {
		return err
	}
	a := crm.Activity{CustomerID: cid, StaffID: r.staff.ID, Kind: crm.ActivityNote, Note: strings.TrimSpace(r.msg.Text),
		OccurredAt: r.sentAt(), SourceUpdateID: r.u.ID}
	if v := r.msg.Voice; v != nil {
		a.VoiceFileID, a.VoiceDuration = v.FileID, time.Duration(v.Duration)*time.Second
	}
	if err := a.Validate(); err != nil {
		return r.send(r.t("activity.note.ask", map[string]any{"Name": esc(c.Name)}), nil)
	}
	if a, err = b.activities.LogActivity(r.ctx, a); err != nil {
		return err
	}
	if a.Note != "" {
		if err := b.activities.RecordNoteMessage(r.ctx, r.chatID, int64(r.msg.ID), a.ID, a.Note); err != nil {
			return err
		}
	}
	if err := r.clearState(); err != nil {
		return err
	}
	return r.send(r.activitySummary(a, c.Name), ikm([]models.InlineKeyboardButton{
		ib(r.t("followup.plan", nil), cb(actFollowUp, id(cid))), ib(r.t("activity.open_card", nil), cb(actCard, id(cid))),
	}))
}

// askCustomerToLog starts "log a call" from the main keyboard: recent
// customers as buttons, or type a name or phone.
func (b *Bot) askCustomerToLog(r *req) error {
	if err := r.setState(flowPick, "query", flowMap(flowBase{Nonce: r.nonce()})); err != nil {
		return err
	}
	cs, err := b.activities.CustomersToLog(r.ctx, r.staff, "", 6)
	if err != nil {
		return err
	}
	return r.send(r.t("activity.pick.ask", nil), r.customerButtons(cs))
}

// pickMessage searches the customers the rep may log with.
func (b *Bot) pickMessage(r *req, st *State) error {
	q := strings.TrimSpace(r.msg.Text)
	if q == "" {
		return r.send(r.t("activity.pick.ask", nil), nil)
	}
	cs, err := b.activities.CustomersToLog(r.ctx, r.staff, q, 8)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return r.send(r.t("activity.pick.none", map[string]any{"Query": esc(q)}), nil)
	}
	return r.send(r.t("activity.pick.found", nil), r.customerButtons(cs))
}

// customerButtons lists customers, each starting a call log.
func (r *req) customerButtons(cs []crm.Customer) any {
	var rows [][]models.InlineKeyboardButton
	for _, c := range cs {
		if !crm.CanEdit(r.staff, c) {
			continue
		}
		label := c.Name
		if c.Company != "" {
			label = r.t("activity.pick.item", map[string]any{"Name": c.Name, "Company": c.Company})
		}
		rows = append(rows, []models.InlineKeyboardButton{ib(clip(label, 60, "…"), cb(actLogCall, id(c.ID)))})
	}
	if len(rows) == 0 {
		return nil
	}
	return ikm(rows...)
}
