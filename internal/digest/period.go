package digest

import (
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
)

// PeriodKind names a period a digest may cover.
type PeriodKind string

// The periods of /digest, and the scheduled digest's: since the last one.
const (
	SinceLast PeriodKind = "last"
	Today     PeriodKind = "today"
	Yesterday PeriodKind = "yesterday"
	ThisWeek  PeriodKind = "week"
	ThisMonth PeriodKind = "month"
)

// PeriodKinds are the periods offered, in button order.
var PeriodKinds = []PeriodKind{Today, Yesterday, ThisWeek, ThisMonth}

// Valid reports whether k is a known period.
func (k PeriodKind) Valid() bool {
	switch k {
	case Today, Yesterday, ThisWeek, ThisMonth, SinceLast:
		return true
	}
	return false
}

// Period is [From, To) in the reader's zone; To is at most now.
type Period struct {
	Kind     PeriodKind
	From, To time.Time
	First    bool // SinceLast with no digest before: the last day
}

// Midnight is local midnight of t's day in loc.
func Midnight(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}

// PeriodOf is period k at now for a reader of language lang (their week's
// first day) and calendar cal (their month), in loc: today up to now,
// yesterday whole, this week and this month from their first day up to now.
func PeriodOf(k PeriodKind, now time.Time, loc *time.Location, lang string, cal calendar.Calendar) Period {
	today := Midnight(now, loc)
	switch k {
	case Yesterday:
		return Period{Kind: k, From: today.AddDate(0, 0, -1), To: today}
	case ThisWeek:
		back := (int(today.Weekday()) - int(calendar.WeekStart(lang)) + 7) % 7
		return Period{Kind: k, From: today.AddDate(0, 0, -back), To: now}
	case ThisMonth:
		from, _ := MonthBounds(now, loc, cal, 0)
		return Period{Kind: k, From: from, To: now}
	}
	return Period{Kind: Today, From: today, To: now}
}

// MonthBounds is [first day, first day of next) of the month of now in
// calendar cal, shifted by delta months (-1: last month), in loc.
func MonthBounds(now time.Time, loc *time.Location, cal calendar.Calendar, delta int) (time.Time, time.Time) {
	if !cal.Valid() {
		cal = calendar.Gregorian
	}
	d := calendar.FromTime(cal, now.In(loc))
	first := calendar.Date{Year: d.Year, Month: d.Month, Day: 1}.AddMonths(cal, delta)
	next := first.AddMonths(cal, 1)
	from, err1 := first.Time(cal, loc, 0, 0)
	to, err2 := next.Time(cal, loc, 0, 0)
	if err1 != nil || err2 != nil { // outside the calendar's range: the Gregorian month
		g := time.Date(now.In(loc).Year(), now.In(loc).Month()+time.Month(delta), 1, 0, 0, 0, 0, loc)
		return g, g.AddDate(0, 1, 0)
	}
	return from, to
}

// TrendStart is the first local midnight of the TrendDays days ending
// with now's day.
func TrendStart(now time.Time, loc *time.Location) time.Time {
	return Midnight(now, loc).AddDate(0, 0, -(TrendDays - 1))
}

// MaxSinceLast bounds the scheduled digest's period: after a pause or a
// first digest it covers at most the last week.
const MaxSinceLast = 7 * 24 * time.Hour

// SinceLastPeriod is the scheduled digest's period: from the last
// scheduled digest (the day before when there was none, a week at most)
// to now.
func SinceLastPeriod(last, now time.Time) Period {
	if last.IsZero() {
		return Period{Kind: SinceLast, From: now.Add(-24 * time.Hour), To: now, First: true}
	}
	from := last
	if now.Sub(from) > MaxSinceLast {
		from = now.Add(-MaxSinceLast)
	}
	return Period{Kind: SinceLast, From: from, To: now}
}
