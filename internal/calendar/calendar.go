// Package calendar converts between the Gregorian, Jalali (Solar Hijri) and
// Hijri (Umm al-Qura) calendars and holds the calendar data the bot shows:
// month and weekday names per language, the first day of the week, the default
// workweek, and yearly recurrence of important dates.
//
// The shape of the API:
//
//	cal, err := calendar.Parse("jalali")          // Gregorian, Jalali or Hijri
//	d := calendar.FromTime(cal, t)                // civil date of t in t's own location
//	t, err := d.Time(cal, loc, 10, 0)             // back to an instant, validated
//	n := calendar.DaysInMonth(cal, 1403, 12)      // 30: 1403 is a Jalali leap year
//	name := calendar.MonthName("fa", cal, 9)      // "آذر"
//	next := calendar.NextOccurrence(cal, 12, 30, now, loc)
//
// A Date is a plain {Year, Month, Day} triple; the calendar it is written in
// travels next to it, as an argument. Months are 1-based in every calendar.
//
// Jalali conversion uses github.com/yaa110/go-persian-calendar (the 33-year
// arithmetic leap rule, which agrees with the official calendar for 1178–1633 AP).
// Hijri conversion uses the Umm al-Qura tables of github.com/hablullah/go-hijri,
// which cover 1 Muharram 1356 (1937-03-14) to the end of 1500 (2077-11-16); dates
// outside that range are not representable in Hijri here.
//
// Languages are "en", "fa" and "ar"; any other language gets the English data.
package calendar

import (
	"errors"
	"fmt"
	"time"

	hijri "github.com/hablullah/go-hijri"
	ptime "github.com/yaa110/go-persian-calendar"
)

// Calendar names a calendar system. Its value is what is stored in the
// database and in user settings.
type Calendar string

// The supported calendars.
const (
	// Gregorian is the civil calendar of most of the world.
	Gregorian Calendar = "gregorian"
	// Jalali is the Solar Hijri calendar used in Iran (year starts at Nowruz).
	Jalali Calendar = "jalali"
	// Hijri is the Islamic lunar calendar in its Umm al-Qura form (Saudi Arabia).
	Hijri Calendar = "hijri"
)

// Hijri years covered by the Umm al-Qura tables.
const (
	MinHijriYear = 1356
	MaxHijriYear = 1500
)

// ErrInvalidDate reports a date that does not exist in its calendar (for example
// 30 Esfand in a common Jalali year) or lies outside the supported range.
var ErrInvalidDate = errors.New("calendar: invalid date")

// Parse returns the Calendar named s ("gregorian", "jalali" or "hijri").
func Parse(s string) (Calendar, error) {
	c := Calendar(s)
	if !c.Valid() {
		return "", fmt.Errorf("calendar: unknown calendar %q", s)
	}
	return c, nil
}

// Valid reports whether c is one of the supported calendars.
func (c Calendar) Valid() bool {
	switch c {
	case Gregorian, Jalali, Hijri:
		return true
	}
	return false
}

// String returns the calendar's name.
func (c Calendar) String() string { return string(c) }

// Date is a civil date in some calendar. Month is 1–12 and Day is 1–31.
// The zero Date means "no date" (see IsZero).
type Date struct {
	Year, Month, Day int
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD (Latin digits; for logs and tests).
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// FromTime returns the civil date of t in calendar cal, reading t's
// year, month and day in t's own location. It returns the zero Date when cal
// is not valid or t lies outside the calendar's supported range.
func FromTime(cal Calendar, t time.Time) Date {
	y, m, d := t.Date()
	noon := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	switch cal {
	case Gregorian:
		return Date{y, int(m), d}
	case Jalali:
		p := ptime.New(noon)
		if p.IsZero() {
			return Date{}
		}
		py, pm, pd := p.Date()
		return Date{py, int(pm), pd}
	case Hijri:
		h, err := hijri.CreateUmmAlQuraDate(noon)
		if err != nil {
			return Date{}
		}
		return Date{int(h.Year), int(h.Month), int(h.Day)}
	}
	return Date{}
}

// Validate returns an error wrapping ErrInvalidDate when d does not exist in cal.
func (d Date) Validate(cal Calendar) error {
	if !cal.Valid() {
		return fmt.Errorf("%w: unknown calendar %q", ErrInvalidDate, cal)
	}
	if d.Month < 1 || d.Month > 12 {
		return fmt.Errorf("%w: month %d in %s", ErrInvalidDate, d.Month, d)
	}
	n := DaysInMonth(cal, d.Year, d.Month)
	if n == 0 {
		return fmt.Errorf("%w: year %d out of range for %s", ErrInvalidDate, d.Year, cal)
	}
	if d.Day < 1 || d.Day > n {
		return fmt.Errorf("%w: %s has %d days in that month (%s)", ErrInvalidDate, cal, n, d)
	}
	return nil
}

// Time returns the instant at hour:min on date d of calendar cal in loc.
// It validates d first (month lengths, leap years, supported range) and
// returns an error wrapping ErrInvalidDate instead of normalising.
func (d Date) Time(cal Calendar, loc *time.Location, hour, min int) (time.Time, error) {
	if err := d.Validate(cal); err != nil {
		return time.Time{}, err
	}
	if hour < 0 || hour > 23 || min < 0 || min > 59 {
		return time.Time{}, fmt.Errorf("%w: time %02d:%02d", ErrInvalidDate, hour, min)
	}
	if loc == nil {
		loc = time.UTC
	}
	g := d.gregorian(cal)
	return time.Date(g.Year, time.Month(g.Month), g.Day, hour, min, 0, 0, loc), nil
}

// gregorian converts a validated date to its Gregorian equivalent.
func (d Date) gregorian(cal Calendar) Date {
	switch cal {
	case Jalali:
		g := ptime.Date(d.Year, ptime.Month(d.Month), d.Day, 12, 0, 0, 0, time.UTC).Time()
		return Date{g.Year(), int(g.Month()), g.Day()}
	case Hijri:
		g := hijri.UmmAlQuraDate{Year: int64(d.Year), Month: int64(d.Month), Day: int64(d.Day)}.ToGregorian().UTC()
		return Date{g.Year(), int(g.Month()), g.Day()}
	}
	return d
}

// AddDays returns the date n days after d (before, when n is negative) in cal.
// It returns the zero Date when d is invalid or the result is out of range.
func (d Date) AddDays(cal Calendar, n int) Date {
	t, err := d.Time(cal, time.UTC, 12, 0)
	if err != nil {
		return Date{}
	}
	return FromTime(cal, t.AddDate(0, 0, n))
}

// AddMonths returns the date n months after d in cal, clamping the day to the
// length of the target month (31 Farvardin + 6 months = 30 Mehr). It returns the
// zero Date when the result is out of range.
func (d Date) AddMonths(cal Calendar, n int) Date {
	idx := d.Year*12 + (d.Month - 1) + n
	y, m := idx/12, idx%12+1
	if idx < 0 {
		return Date{}
	}
	days := DaysInMonth(cal, y, m)
	if days == 0 {
		return Date{}
	}
	return Date{y, m, min(d.Day, days)}
}

// DaysInMonth returns the number of days in month m of year y in cal, or 0
// when the month is out of range or not supported.
func DaysInMonth(cal Calendar, y, m int) int {
	if m < 1 || m > 12 {
		return 0
	}
	switch cal {
	case Gregorian:
		return time.Date(y, time.Month(m)+1, 0, 12, 0, 0, 0, time.UTC).Day()
	case Jalali:
		switch {
		case y < 1:
			return 0
		case m <= 6:
			return 31
		case m <= 11:
			return 30
		case IsLeap(Jalali, y):
			return 30
		}
		return 29
	case Hijri:
		if y < MinHijriYear || y > MaxHijriYear {
			return 0
		}
		start := hijriStart(y, m)
		next := hijriStart(y+m/12, m%12+1)
		return int(next.Sub(start).Hours()/24 + 0.5)
	}
	return 0
}

// hijriStart returns the Gregorian midnight (UTC) of 1 m/y in Umm al-Qura.
func hijriStart(y, m int) time.Time {
	return hijri.UmmAlQuraDate{Year: int64(y), Month: int64(m), Day: 1}.ToGregorian().UTC()
}

// IsLeap reports whether year y of cal is a leap year: 366 days in Gregorian
// and Jalali (Esfand has 30 days), 355 days in Hijri (Umm al-Qura years are
// observational, so this is computed from the month lengths).
func IsLeap(cal Calendar, y int) bool {
	switch cal {
	case Gregorian:
		return y%4 == 0 && (y%100 != 0 || y%400 == 0)
	case Jalali:
		return ptime.Date(y, ptime.Esfand, 1, 12, 0, 0, 0, time.UTC).IsLeap()
	case Hijri:
		if y < MinHijriYear || y > MaxHijriYear {
			return false
		}
		days := 0
		for m := 1; m <= 12; m++ {
			days += DaysInMonth(Hijri, y, m)
		}
		return days == 355
	}
	return false
}
