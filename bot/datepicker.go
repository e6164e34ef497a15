package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/format"
)

// The month grid for "pick a date": the user's calendar (Jalali months for
// most Persian users), the week starting on the locale's first day
// (Saturday fa, Sunday ar, Monday en), the locale's digits, past days not
// selectable; then an hour. Its buttons carry the flow's nonce.

// Callback codes of the picker.
const (
	actPickMonth = "pm" // pm:<nonce>:<year>:<month> shows that month
	actPickDay   = "pd" // pd:<nonce>:<yyyymmdd> offers the hours of that day
	actPickHour  = "ph" // ph:<nonce>:<yyyymmdd>:<hour> sets the follow-up
	actPickNoop  = "pn" // a cell that does nothing (blank, past day, title)
)

// pickHours are the hours offered once a day is picked.
var pickHours = []int{8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}

func (b *Bot) routesDatePicker() {
	b.action(actPickMonth, b.onPickMonth)
	b.action(actPickDay, b.onPickDay)
	b.action(actPickHour, b.onPickHour)
	b.action(actPickNoop, func(r *req, _ []string) error { return r.finish() })
}

// weekdayLabels are the short weekday names of the user's language, in
// display order.
func (r *req) weekdayLabels() []string {
	names := strings.Fields(r.t("picker.weekdays", nil)) // Sunday first
	out := make([]string, 0, 7)
	for _, wd := range calendar.Weekdays(r.lang()) {
		if int(wd) < len(names) {
			out = append(out, names[wd])
		} else {
			out = append(out, format.Weekday(r.lang(), time.Date(2026, 11, 22+int(wd), 12, 0, 0, 0, time.UTC)))
		}
	}
	return out
}

// monthGrid is the keyboard of month m of year y in the user's calendar.
func (b *Bot) monthGrid(r *req, n string, y, m int) *models.InlineKeyboardMarkup {
	cal, loc, lang := r.staffCal(), r.userLoc(), r.lang()
	today := calendar.FromTime(cal, r.now().In(loc))
	noop := cb(actPickNoop)
	title := calendar.MonthName(lang, cal, m) + " " + format.Digits(lang, strconv.Itoa(y))
	prev, next := calendar.Date{Year: y, Month: m, Day: 1}.AddMonths(cal, -1), calendar.Date{Year: y, Month: m, Day: 1}.AddMonths(cal, 1)
	prevBtn := ib(" ", noop)
	if y*12+m > today.Year*12+today.Month && !prev.IsZero() {
		prevBtn = ib("‹", cb(actPickMonth, n, strconv.Itoa(prev.Year), strconv.Itoa(prev.Month)))
	}
	nextBtn := ib(" ", noop)
	if !next.IsZero() && (next.Year*12+next.Month)-(today.Year*12+today.Month) <= 24 {
		nextBtn = ib("›", cb(actPickMonth, n, strconv.Itoa(next.Year), strconv.Itoa(next.Month)))
	}
	rows := [][]models.InlineKeyboardButton{{prevBtn, ib(title, noop), nextBtn}}
	var head []models.InlineKeyboardButton
	for _, w := range r.weekdayLabels() {
		head = append(head, ib(w, noop))
	}
	rows = append(rows, head)
	first, err := calendar.Date{Year: y, Month: m, Day: 1}.Time(cal, loc, 12, 0)
	if err != nil {
		return ikm(rows...)
	}
	order := calendar.Weekdays(lang)
	col := 0
	for i, wd := range order {
		if wd == first.Weekday() {
			col = i
		}
	}
	week := make([]models.InlineKeyboardButton, 0, 7)
	for i := 0; i < col; i++ {
		week = append(week, ib(" ", noop))
	}
	days := calendar.DaysInMonth(cal, y, m)
	for d := 1; d <= days; d++ {
		date := calendar.Date{Year: y, Month: m, Day: d}
		if before(date, today) {
			week = append(week, ib("·", noop))
		} else {
			week = append(week, ib(format.Digits(lang, strconv.Itoa(d)), cb(actPickDay, n, ymd(date))))
		}
		if len(week) == 7 {
			rows = append(rows, week)
			week = make([]models.InlineKeyboardButton, 0, 7)
		}
	}
	if len(week) > 0 {
		for len(week) < 7 {
			week = append(week, ib(" ", noop))
		}
		rows = append(rows, week)
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("common.cancel", nil), cb(actFlowCancel, n))})
	return ikm(rows...)
}

func before(a, b calendar.Date) bool {
	return a.Year*10000+a.Month*100+a.Day < b.Year*10000+b.Month*100+b.Day
}

func ymd(d calendar.Date) string { return strconv.Itoa(d.Year*10000 + d.Month*100 + d.Day) }

func parseYMD(s string) (calendar.Date, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return calendar.Date{}, false
	}
	return calendar.Date{Year: n / 10000, Month: n / 100 % 100, Day: n % 100}, true
}

// pickerState returns the flow a picker button belongs to.
func (r *req) pickerState(args []string) (*State, bool, error) {
	if len(args) < 1 {
		return nil, false, nil
	}
	st, ok, err := r.inFlow(args[0], flowLog, flowFU)
	if err != nil || !ok || !bool(loadFlow[callFlow](st).Picking) {
		return nil, false, err
	}
	return st, true, nil
}

func (b *Bot) onPickMonth(r *req, args []string) error {
	st, ok, err := r.pickerState(args)
	if err != nil {
		return err
	}
	y, oky := argInt(args, 1)
	m, okm := argInt(args, 2)
	if !ok || !oky || !okm || m < 1 || m > 12 || st == nil {
		return r.staleButton()
	}
	return r.edit(r.t("picker.ask_day", nil), b.monthGrid(r, args[0], y, m))
}

func (b *Bot) onPickDay(r *req, args []string) error {
	st, ok, err := r.pickerState(args)
	if err != nil {
		return err
	}
	if !ok || len(args) < 2 {
		return r.staleButton()
	}
	d, okd := parseYMD(args[1])
	if !okd || d.Validate(r.staffCal()) != nil {
		return r.staleButton()
	}
	var row []models.InlineKeyboardButton
	var rows [][]models.InlineKeyboardButton
	for _, h := range pickHours {
		t, err := d.Time(r.staffCal(), r.userLoc(), h, 0)
		if err != nil || !t.After(r.now()) {
			continue
		}
		row = append(row, ib(format.Time(r.lang(), t), cb(actPickHour, args[0], args[1], strconv.Itoa(h))))
		if len(row) == 4 {
			rows, row = append(rows, row), nil
		}
	}
	rows = append(rows, row)
	if len(rows) == 1 && len(row) == 0 {
		return r.toast(r.t("picker.day_over", nil), true)
	}
	rows = append(rows, []models.InlineKeyboardButton{
		ib(r.t("picker.other_day", nil), cb(actPickMonth, args[0], strconv.Itoa(d.Year), strconv.Itoa(d.Month))),
		ib(r.t("common.cancel", nil), cb(actFlowCancel, args[0])),
	})
	if err := r.setState(st.Flow, "hour", st.Data); err != nil {
		return err
	}
	t, _ := d.Time(r.staffCal(), r.userLoc(), 12, 0)
	return r.edit(r.t("picker.ask_hour", map[string]any{"Date": format.Date(r.lang(), r.staffCal(), t)}), ikm(rows...))
}

func (b *Bot) onPickHour(r *req, args []string) error {
	st, ok, err := r.pickerState(args)
	if err != nil {
		return err
	}
	if !ok || len(args) < 3 {
		return r.staleButton()
	}
	d, okd := parseYMD(args[1])
	h, okh := argInt(args, 2)
	if !okd || !okh {
		return r.staleButton()
	}
	due, err := d.Time(r.staffCal(), r.userLoc(), h, 0)
	if err != nil {
		return r.staleButton()
	}
	return b.applyDue(r, st, due)
}
