package calendar

import "time"

// MaxDay is the longest month m can ever be in cal, in any year (31 for
// the first six Jalali months, 30 for any Hijri month, 29 for February):
// the last day an important date given without a year may fall on. It is 0
// for a month out of range or an unknown calendar.
func MaxDay(cal Calendar, m int) int {
	if m < 1 || m > 12 {
		return 0
	}
	switch cal {
	case Gregorian:
		return time.Date(2000, time.Month(m)+1, 0, 12, 0, 0, 0, time.UTC).Day()
	case Jalali:
		if m <= 6 {
			return 31
		}
		return 30
	case Hijri:
		return 30
	}
	return 0
}

// NextOccurrence returns local midnight (in loc) of the first yearly
// occurrence of month/day in cal that is strictly after the instant after.
// Use it for birthdays and anniversaries: to count today as well, pass the
// start of today minus a nanosecond.
//
// A day that a given year lacks falls on that month's last day: 30 Esfand on
// 29 Esfand in a common Jalali year, 29 February on 28 February, and Hijri
// day 30 on day 29 of a 29-day month. It returns the zero time when cal is not
// valid, month is not 1–12, day can never occur in that month (31 Mehr), or
// the result would leave the calendar's supported range.
func NextOccurrence(cal Calendar, month, day int, after time.Time, loc *time.Location) time.Time {
	if !cal.Valid() || month < 1 || month > 12 || day < 1 || day > MaxDay(cal, month) {
		return time.Time{}
	}
	if loc == nil {
		loc = time.UTC
	}
	start := FromTime(cal, after.In(loc))
	if start.IsZero() {
		return time.Time{}
	}
	for y := start.Year; y <= start.Year+2; y++ {
		n := DaysInMonth(cal, y, month)
		if n == 0 {
			return time.Time{}
		}
		t, err := Date{y, month, min(day, n)}.Time(cal, loc, 0, 0)
		if err != nil {
			return time.Time{}
		}
		if t.After(after) {
			return t
		}
	}
	return time.Time{}
}
