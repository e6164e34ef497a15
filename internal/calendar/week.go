package calendar

import "time"

// WeekStart returns the first day of the week for language l: Saturday for
// Persian, Sunday for Arabic (the Gulf), Monday for English (ISO 8601).
func WeekStart(l string) time.Weekday {
	switch lang(l) {
	case "fa":
		return time.Saturday
	case "ar":
		return time.Sunday
	}
	return time.Monday
}

// Weekdays returns the seven weekdays in display order for language l,
// starting with WeekStart(l).
func Weekdays(l string) []time.Weekday {
	start := WeekStart(l)
	days := make([]time.Weekday, 7)
	for i := range days {
		days[i] = (start + time.Weekday(i)) % 7
	}
	return days
}

// Shift is one day's working hours as offsets from local midnight.
// The zero Shift is a day off.
type Shift struct {
	Start, End time.Duration
}

// Off reports whether s is a day off.
func (s Shift) Off() bool { return s.End <= s.Start }

// Workweek holds the working hours of each weekday, indexed by time.Weekday.
type Workweek [7]Shift

// IsWorkday reports whether wd has working hours.
func (w Workweek) IsWorkday(wd time.Weekday) bool { return !w[wd].Off() }

// Working reports whether t (read in its own location) falls within the
// working hours of its weekday.
func (w Workweek) Working(t time.Time) bool {
	s := w[t.Weekday()]
	if s.Off() {
		return false
	}
	y, m, d := t.Date()
	since := t.Sub(time.Date(y, m, d, 0, 0, 0, 0, t.Location()))
	return since >= s.Start && since < s.End
}

// DefaultWorkweek returns the usual office week for language l; it is data for
// a default and admins may override it per team:
//
//   - fa: Saturday–Wednesday 08:00–16:00, Thursday 08:00–13:00, Friday off.
//   - ar: Sunday–Thursday 09:00–18:00 (Saudi Arabia; note that UAE government
//     offices moved to Monday–Friday in 2022, so Dubai teams may prefer en's week).
//   - en: Monday–Friday 09:00–17:00.
func DefaultWorkweek(l string) Workweek {
	var w Workweek
	set := func(s Shift, days ...time.Weekday) {
		for _, d := range days {
			w[d] = s
		}
	}
	switch lang(l) {
	case "fa":
		set(Shift{8 * time.Hour, 16 * time.Hour}, time.Saturday, time.Sunday, time.Monday, time.Tuesday, time.Wednesday)
		set(Shift{8 * time.Hour, 13 * time.Hour}, time.Thursday)
	case "ar":
		set(Shift{9 * time.Hour, 18 * time.Hour}, time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday)
	default:
		set(Shift{9 * time.Hour, 17 * time.Hour}, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday)
	}
	return w
}
