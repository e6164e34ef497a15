// Package when parses the dates and times people type for follow-ups, in
// English, Persian and Arabic, in any digit set and letter variant, against
// an injected clock.
//
//	t, err := when.Parse("فردا ساعت ۱۰", when.Options{
//		Now: now, Loc: tehran, Lang: "fa", Calendar: calendar.Jalali, DefaultHour: 10,
//	})
//	switch {
//	case errors.Is(err, when.ErrPast):       // reply with "when.error.past"
//	case errors.Is(err, when.ErrUnparsable): // reply with "when.error.unparsable"
//	}
//
// Every *Error carries a Code, and MessageID gives the locale message to show.
//
// # What is understood
//
// Input is folded with textnorm.Fold first, so ي/ی, ك/ک, أ/ا, diacritics,
// ZWNJ and Persian/Arabic-Indic digits do not matter. Words may come in any
// order; at most one day and one time of day are allowed.
//
// Days:
//   - today, tomorrow, the day after: "today", "tomorrow"; "امروز", "فردا",
//     "پس‌فردا"/"پس فردا"; "اليوم", "غداً"/"غدا"/"بكرة", "بعد غد".
//   - weekdays, alone or with next/بعد/آینده/دیگر/القادم/المقبل: always the
//     first such day after today (on a Monday, "monday" and "next monday" are
//     both a week away; today is never meant).
//   - relative amounts: "in 3 days", "in 2 weeks", "in a month", "in 2 hours";
//     "۳ روز دیگر", "دو هفته دیگر", "۲ ساعت بعد"; "بعد ٣ أيام", "بعد أسبوع",
//     "بعد يومين". Minutes and hours give an exact instant (no time of day
//     may be added); days and weeks count calendar days; months count months
//     of the user's calendar, clamping the day (31 Shahrivar + 1 month = 30 Mehr).
//   - next week / month: "next week", "هفته بعد", "الأسبوع القادم" mean seven
//     days from today; "next month", "ماه بعد", "الشهر القادم" mean the same
//     day next month in the user's calendar.
//   - numeric dates, year first only: "2026-12-01", "1405/9/10", "١٤٤٨/٦/٢٠".
//     Years 1900–2199 are Gregorian. Years 1300–1499 are Jalali or Hijri: the
//     user's calendar decides when it is one of the two; with the Gregorian
//     calendar, Arabic users get Hijri and everyone else Jalali. Day-first and
//     month-first forms ("12/1", "01/12/2026") are refused as ambiguous
//     between US and European order, as is any date without a year.
//   - day and month name, optional year: "10 آذر", "10 آذر 1405", "1 dec",
//     "dec 1 2026", "٢٠ جمادى الآخرة". The month name picks the calendar. Without
//     a year it is the next such date from today on.
//
// Times of day:
//   - "10:30", "14:30" (24-hour clock), "ساعت ۱۰", "الساعة ١٠", "at 10".
//   - with a part of the day: "10am", "5pm", "۱۰ صبح", "۵ عصر", "۸ شب",
//     "١٠ صباحاً", "٥ مساءً"; a part alone ("امروز عصر", "tomorrow morning")
//     means its usual hour (morning 9, noon 12, afternoon 15, عصر 17,
//     evening 18, night 20).
//   - a bare hour 1–6 without a part of the day ("ساعت ۵") is refused: people
//     mean both 05:00 and 17:00. 0, 7–23 and clock times with a colon are read
//     on the 24-hour clock.
//
// # Results
//
// Results are in opts.Loc. A date without a time gets opts.DefaultHour:00. A
// result that is not after opts.Now is ErrPast (a time today that has already
// passed is not moved to tomorrow); one more than two years ahead is
// ErrTooFar. Anything not understood, or understood two ways, is
// ErrUnparsable: the package prefers no date over a wrong one.
package when

import (
	"fmt"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
)

// Options carries everything Parse needs besides the input.
type Options struct {
	// Now is the current instant; it is injected, never read from the clock.
	Now time.Time
	// Loc is the user's time zone; results are in it. Nil means UTC.
	Loc *time.Location
	// Lang is the user's language ("en", "fa", "ar"); it only breaks ties,
	// since every language's words are understood in any case.
	Lang string
	// Calendar is the user's calendar; it reads years 1300–1499 and counts months.
	Calendar calendar.Calendar
	// DefaultHour is the hour given to a date without a time (0–23). Zero means 10.
	DefaultHour int
}

// Code identifies why Parse failed.
type Code string

// The error codes of Parse.
const (
	CodeUnparsable Code = "unparsable"
	CodePast       Code = "past"
	CodeTooFar     Code = "too_far"
)

// Error is the error Parse returns.
type Error struct {
	Code   Code
	Input  string // what the user typed
	Reason string // for logs, in English
}

// Error implements error.
func (e *Error) Error() string {
	if e.Reason == "" {
		return "when: " + string(e.Code)
	}
	return fmt.Sprintf("when: %s: %s (input %q)", e.Code, e.Reason, e.Input)
}

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, ErrPast) works for every past-time error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// MessageID returns the locale message ID that explains e to the user:
// "when.error.unparsable", "when.error.past" or "when.error.too_far".
func (e *Error) MessageID() string { return "when.error." + string(e.Code) }

// Sentinels for errors.Is.
var (
	ErrUnparsable error = &Error{Code: CodeUnparsable}
	ErrPast       error = &Error{Code: CodePast}
	ErrTooFar     error = &Error{Code: CodeTooFar}
)

// MaxAhead is how far ahead Parse accepts a result.
const MaxAhead = 2 // years

// Parse reads input as a date and/or time for a follow-up; see the package doc.
func Parse(input string, opts Options) (time.Time, error) {
	fail := func(code Code, format string, args ...any) (time.Time, error) {
		return time.Time{}, &Error{Code: code, Input: input, Reason: fmt.Sprintf(format, args...)}
	}
	if len(input) > maxInput {
		return fail(CodeUnparsable, "input longer than %d bytes", maxInput)
	}
	loc := opts.Loc
	if loc == nil {
		loc = time.UTC
	}
	cal := opts.Calendar
	if !cal.Valid() {
		cal = calendar.Gregorian
	}
	defHour := opts.DefaultHour
	if defHour <= 0 || defHour > 23 {
		defHour = 10
	}
	now := opts.Now.In(loc)

	sp, reason := scan(tokenize(input))
	if reason != "" {
		return fail(CodeUnparsable, "%s", reason)
	}
	t, reason := resolve(sp, now, cal, opts.Lang, defHour)
	if reason != "" {
		return fail(CodeUnparsable, "%s", reason)
	}
	if !t.After(now) {
		return fail(CodePast, "%s is not after %s", t.Format(time.DateTime), now.Format(time.DateTime))
	}
	if t.After(now.AddDate(MaxAhead, 0, 0)) {
		return fail(CodeTooFar, "%s is more than %d years ahead", t.Format(time.DateOnly), MaxAhead)
	}
	return t, nil
}

// resolve turns a scanned spec into an instant, or returns why it cannot.
func resolve(sp spec, now time.Time, cal calendar.Calendar, lang string, defHour int) (time.Time, string) {
	loc := now.Location()
	y, m, d := now.Date()
	today := time.Date(y, m, d, 12, 0, 0, 0, loc)
	var day time.Time // noon of the chosen day
	switch sp.day {
	case dayNone:
		if !sp.hasTime {
			return time.Time{}, "no date or time"
		}
		day = today
	case dayOffset:
		day = today.AddDate(0, 0, sp.n)
	case dayWeekday:
		ahead := (int(sp.weekday) - int(now.Weekday()) + 7) % 7
		if ahead == 0 {
			ahead = 7
		}
		day = today.AddDate(0, 0, ahead)
	case dayMonths:
		cd := calendar.FromTime(cal, today).AddMonths(cal, sp.n)
		t, err := cd.Time(cal, loc, 12, 0)
		if err != nil {
			return time.Time{}, err.Error()
		}
		day = t
	case dayDuration:
		if sp.hasTime {
			return time.Time{}, "a time of day after a relative amount of hours or minutes"
		}
		return now.Add(sp.dur).Truncate(time.Minute), ""
	case dayDate:
		dcal := sp.cal
		if dcal == "" {
			var ok bool
			if dcal, ok = numericCalendar(sp.date.Year, cal, lang); !ok {
				return time.Time{}, fmt.Sprintf("year %d belongs to no calendar we read", sp.date.Year)
			}
		}
		date := sp.date
		if !sp.hasYear {
			date.Year = calendar.FromTime(dcal, today).Year
			if t, err := date.Time(dcal, loc, 12, 0); err == nil && t.Before(today) {
				date.Year++
			}
		}
		t, err := date.Time(dcal, loc, 12, 0)
		if err != nil {
			return time.Time{}, err.Error()
		}
		day = t
	}
	hour, minute := defHour, 0
	if sp.hasTime {
		hour, minute = sp.hour, sp.minute
	}
	dy, dm, dd := day.Date()
	return time.Date(dy, dm, dd, hour, minute, 0, 0, loc), ""
}

// numericCalendar decides the calendar of a numeric year-first date.
func numericCalendar(year int, cal calendar.Calendar, lang string) (calendar.Calendar, bool) {
	switch {
	case year >= 1900 && year < 2200:
		return calendar.Gregorian, true
	case year >= 1300 && year < 1500:
		switch {
		case cal == calendar.Jalali || cal == calendar.Hijri:
			return cal, true
		case lang == "ar":
			return calendar.Hijri, true
		}
		return calendar.Jalali, true
	}
	return "", false
}
