package bot

import (
	"context"
	"strconv"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/schedule"
)

// DateStore is what important dates ask of the database.
type DateStore interface {
	AddImportantDate(ctx context.Context, d crm.ImportantDate, by int64) (crm.CustomerDate, error)
	// ImportantDate returns crm.ENotFound for an unknown date.
	ImportantDate(ctx context.Context, id int64) (crm.CustomerDate, error)
	ImportantDates(ctx context.Context, customerID int64) ([]crm.CustomerDate, error)
	// DeleteImportantDate returns crm.ENotFound when it is gone.
	DeleteImportantDate(ctx context.Context, id int64) error
	// DatesToRemind lists the dates of live customers with an active owner.
	DatesToRemind(ctx context.Context) ([]crm.CustomerDate, error)
	DatesOwnedBy(ctx context.Context, ownerID int64) ([]crm.CustomerDate, error)
}

// flowDate adds an important date (Data: n, c, k kind, cal). Steps: kind → date.
const flowDate = "dates.add"

// Callback codes of important dates.
const (
	actDateAdd      = "dn" // dn:<customer> starts adding a date
	actDateKind     = "dk" // dk:<nonce>:<kind index>
	actDateCalendar = "dc" // dc:<nonce>:<calendar initial> shows that calendar's months
	actDateMonth    = "dm" // dm:<nonce>:<calendar initial>:<month> offers its days
	actDateDay      = "dd" // dd:<nonce>:<calendar initial>:<month>:<day> saves
	actDateDelete   = "dx" // dx:<date> removes a date
)

var calendarsByInitial = map[string]calendar.Calendar{"g": calendar.Gregorian, "j": calendar.Jalali, "h": calendar.Hijri}

func (b *Bot) routesDates() {
	b.action(actDates, b.showDates)
	b.action(actDateAdd, b.startDate)
	b.action(actDateKind, b.onDateKind)
	b.action(actDateCalendar, b.onDateCalendar)
	b.action(actDateMonth, b.onDateMonth)
	b.action(actDateDay, b.onDateDay)
	b.action(actDateDelete, b.onDateDelete)
	b.flow(flowDate, b.dateMessage)
}

// dateText writes a yearly date in its own calendar and the reader's
// digits: "۳۰ اسفند", "29 February 1988".
func dateText(lang string, d crm.ImportantDate) string {
	cal := calendar.Calendar(d.Calendar)
	s := format.Digits(lang, strconv.Itoa(d.Day)) + " " + calendar.MonthName(lang, cal, d.Month)
	if d.Year != 0 {
		s += " " + format.Digits(lang, strconv.Itoa(d.Year))
	}
	return s
}

// showDates lists a customer's important dates with their next
// occurrence, and offers to add or remove one.
func (b *Bot) showDates(r *req, args []string) error {
	cid, ok := argID(args, 0)
	if !ok {
		return r.staleButton()
	}
	c, err := r.loadViewable(cid)
	if err != nil {
		return err
	}
	ds, err := b.dates.ImportantDates(r.ctx, cid)
	if err != nil {
		return err
	}
	text := r.t("dates.title", map[string]any{"Name": esc(c.Name)})
	if len(ds) == 0 {
		text += "\n\n" + r.t("dates.empty", nil)
	}
	edit := crm.CanEdit(r.staff, c)
	var rows [][]models.InlineKeyboardButton
	for _, d := range ds {
		text += "\n" + r.t("dates.item", map[string]any{"Kind": r.t("dates.kind."+string(d.Kind), nil),
			"Date": dateText(r.lang(), d.ImportantDate), "Next": r.nextOccurrenceText(d.ImportantDate)})
		if d.Label != "" {
			text += " — " + esc(d.Label)
		}
		if edit {
			rows = append(rows, []models.InlineKeyboardButton{ib(r.t("dates.delete", map[string]any{
				"Kind": r.t("dates.kind."+string(d.Kind), nil), "Date": dateText(r.lang(), d.ImportantDate)}), cb(actDateDelete, id(d.ID)))})
		}
	}
	if edit {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("dates.add", nil), cb(actDateAdd, id(cid)))})
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("activity.open_card", nil), cb(actCard, id(cid)))})
	return r.edit(text, ikm(rows...))
}

// nextOccurrenceText says when a yearly date comes next: "today",
// "tomorrow", or its date in the reader's calendar.
func (r *req) nextOccurrenceText(d crm.ImportantDate) string {
	loc := r.userLoc()
	now := r.now().In(loc)
	next := schedule.NextOccurrence(d, now, loc)
	if next.IsZero() {
		return ""
	}
	return format.RelativeDay(r.lang(), r.staffCal(), next, now)
}

// startDate asks which kind of date to add.
func (b *Bot) startDate(r *req, args []string) error {
	c, n, ok, err := r.startCustomerFlow(args, flowDate, "kind", nil)
	if !ok || err != nil {
		return err
	}
	var rows [][]models.InlineKeyboardButton
	for i, k := range crm.ImportantDateKinds {
		if i%2 == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], ib(r.t("dates.kind."+string(k), nil), cb(actDateKind, n, strconv.Itoa(i))))
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("common.cancel", nil), cb(actFlowCancel, n))})
	return r.edit(r.t("dates.ask_kind", map[string]any{"Name": esc(c.Name)}), ikm(rows...))
}

// dateFlow returns the add-date flow of the button, re-checking access.
func (r *req) dateFlow(args []string, step string) (*State, bool, error) {
	if len(args) < 1 {
		return nil, false, nil
	}
	st, ok, err := r.inFlow(args[0], flowDate)
	if err != nil || !ok || (step != "" && st.Step != step) {
		return nil, false, err
	}
	cid := int64(loadFlow[dateFlow](st).Customer)
	if _, err := r.loadEditable(cid); err != nil {
		return nil, false, err
	}
	return st, true, nil
}

func (b *Bot) onDateKind(r *req, args []string) error {
	st, ok, err := r.dateFlow(args, "kind")
	if err != nil {
		return err
	}
	i, oki := argInt(args, 1)
	if !ok || !oki || i < 0 || i >= len(crm.ImportantDateKinds) {
		return r.staleButton()
	}
	df := loadFlow[dateFlow](st)
	df.Kind = crm.ImportantDateKinds[i]
	if err := r.setState(flowDate, "date", flowMap(df)); err != nil {
		return err
	}
	st = r.st
	return b.showMonths(r, st, r.staffCal())
}

// showMonths asks for the date, typed or picked from cal's months.
func (b *Bot) showMonths(r *req, st *State, cal calendar.Calendar) error {
	n := flowNonce(st)
	ini := string(cal)[:1]
	var rows [][]models.InlineKeyboardButton
	for m := 1; m <= 12; m++ {
		if (m-1)%3 == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], ib(calendar.MonthName(r.lang(), cal, m), cb(actDateMonth, n, ini, strconv.Itoa(m))))
	}
	var cals []models.InlineKeyboardButton
	for _, c := range []calendar.Calendar{calendar.Jalali, calendar.Gregorian, calendar.Hijri} {
		if c != cal {
			cals = append(cals, ib(r.t("dates.calendar."+string(c), nil), cb(actDateCalendar, n, string(c)[:1])))
		}
	}
	rows = append(rows, cals, []models.InlineKeyboardButton{ib(r.t("common.cancel", nil), cb(actFlowCancel, n))})
	return r.edit(r.t("dates.ask_date", map[string]any{"Kind": r.t("dates.kind."+string(loadFlow[dateFlow](st).Kind), nil),
		"Calendar": r.t("dates.calendar."+string(cal), nil)}), ikm(rows...))
}

func (b *Bot) onDateCalendar(r *req, args []string) error {
	st, ok, err := r.dateFlow(args, "date")
	if err != nil {
		return err
	}
	cal, okc := calendarsByInitial[argStr(args, 1)]
	if !ok || !okc {
		return r.staleButton()
	}
	return b.showMonths(r, st, cal)
}

func argStr(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

func (b *Bot) onDateMonth(r *req, args []string) error {
	st, ok, err := r.dateFlow(args, "date")
	if err != nil {
		return err
	}
	cal, okc := calendarsByInitial[argStr(args, 1)]
	m, okm := argInt(args, 2)
	if !ok || !okc || !okm || m < 1 || m > 12 {
		return r.staleButton()
	}
	var rows [][]models.InlineKeyboardButton
	for d := 1; d <= calendar.MaxDay(cal, m); d++ {
		if (d-1)%7 == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], ib(format.Digits(r.lang(), strconv.Itoa(d)), cb(actDateDay, flowNonce(st), argStr(args, 1), strconv.Itoa(m), strconv.Itoa(d))))
	}
	rows = append(rows, []models.InlineKeyboardButton{
		ib(r.t("common.back", nil), cb(actDateCalendar, flowNonce(st), argStr(args, 1))),
		ib(r.t("common.cancel", nil), cb(actFlowCancel, flowNonce(st)))})
	return r.edit(r.t("dates.ask_day", map[string]any{"Month": calendar.MonthName(r.lang(), cal, m)}), ikm(rows...))
}

func (b *Bot) onDateDay(r *req, args []string) error {
	st, ok, err := r.dateFlow(args, "date")
	if err != nil {
		return err
	}
	cal, okc := calendarsByInitial[argStr(args, 1)]
	m, okm := argInt(args, 2)
	d, okd := argInt(args, 3)
	if !ok || !okc || !okm || !okd || m < 1 || m > 12 || d < 1 || d > calendar.MaxDay(cal, m) {
		return r.staleButton()
	}
	return b.saveDate(r, st, crm.ImportantDate{Calendar: string(cal), Month: m, Day: d})
}

// dateMessage reads a date typed in any calendar and digits.
func (b *Bot) dateMessage(r *req, st *State) error {
	if st.Step != "date" {
		return r.send(r.t("dates.pick_kind", nil), nil)
	}
	d, ok := parseYearlyDate(r.msg.Text, r.staffCal(), r.lang())
	if !ok {
		return r.send(r.t("dates.unparsable", nil), nil)
	}
	return b.saveDate(r, st, d)
}

// saveDate stores the date and ends the flow.
func (b *Bot) saveDate(r *req, st *State, d crm.ImportantDate) error {
	cid := int64(loadFlow[dateFlow](st).Customer)
	c, err := r.loadEditable(cid)
	if err != nil {
		return err
	}
	d.CustomerID, d.Kind = cid, loadFlow[dateFlow](st).Kind
	saved, err := b.dates.AddImportantDate(r.ctx, d, r.staff.ID)
	if err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	text := r.t("dates.saved", map[string]any{"Kind": r.t("dates.kind."+string(saved.Kind), nil), "Name": esc(c.Name),
		"Date": dateText(r.lang(), saved.ImportantDate), "Next": r.nextOccurrenceText(saved.ImportantDate)})
	markup := ikm([]models.InlineKeyboardButton{ib(r.t("dates.list", nil), cb(actDates, id(cid))), ib(r.t("activity.open_card", nil), cb(actCard, id(cid)))})
	if r.cb != nil {
		return r.edit(text, markup)
	}
	return r.send(text, markup)
}

func (b *Bot) onDateDelete(r *req, args []string) error {
	did, ok := argID(args, 0)
	if !ok {
		return r.staleButton()
	}
	d, err := b.dates.ImportantDate(r.ctx, did)
	if crm.IsCode(err, crm.ENotFound) {
		return r.staleButton()
	}
	if err != nil {
		return err
	}
	if _, err := r.loadEditable(d.CustomerID); err != nil {
		return err
	}
	if err := b.dates.DeleteImportantDate(r.ctx, did); err != nil {
		return err
	}
	if err := r.toast(r.t("dates.deleted", nil), false); err != nil {
		return err
	}
	return b.showDates(r, []string{id(d.CustomerID)})
}
