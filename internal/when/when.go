// Package when parses the dates and times people type for follow-ups, in
// English, Persian and Arabic, in any digit set and letter variant, against
// an injected clock.
//
//	t, err := when.Parse("فردا ساعت ۱۰", when.Options{
//		Now: now, Loc: tehran, Lang: "fa", Calendar: calendar.Jalali, DefaultHour: 10,
//	})
//	var e *when.Error
//	switch {
//	case errors.As(err, &e) && !e.Alt.IsZero(): // ask: "did you mean e.Alt?"
//	case errors.Is(err, when.ErrPast):          // reply with "when.error.past"
//	case errors.Is(err, when.ErrUnparsable):    // reply with "when.error.unparsable"
//	}
//
// Every *Error carries a Code, and MessageID gives the locale message to show.
// Two codes carry what the user probably meant, to be offered rather than
// booked: CodeYearPassed and CodeOtherCalendar (see Results).
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
//   - yesterday and the day before: "yesterday", "دیروز", "پریروز", "أمس",
//     "البارحة", "أول أمس". They are understood so as to answer ErrPast
//     ("that time has passed") rather than ErrUnparsable.
//   - weekdays, alone or with next/بعد/آینده/دیگر/القادم/المقبل: always the
//     first such day after today (on a Monday, "monday" and "next monday" are
//     both a week away; today is never meant).
//   - relative amounts: "in 3 days", "in 2 weeks", "in a month", "in 2 hours";
//     "۳ روز دیگر", "دو هفته دیگر", "۲ ساعت بعد"; "بعد ٣ أيام", "بعد أسبوع",
//     "بعد يومين". Minutes and hours give an exact instant (no time of day
//     may be added); days and weeks count calendar days; months count months
//     of the user's calendar, clamping the day (31 Shahrivar + 1 month = 30 Mehr).
//     An amount needs its "in"/"later": "۱۰ روز" alone is refused, not 10:00.
//   - next week / month: "next week", "هفته بعد", "الأسبوع القادم" mean seven
//     days from today; "next month", "ماه بعد", "الشهر القادم" mean the same
//     day next month in the user's calendar.
//   - numeric dates, year first only: "2026-12-01", "1405/9/10", "١٤٤٨/٦/٢٠".
//     Years 1900–2199 are Gregorian. Years 1300–1499 are Jalali or Hijri: the
//     user's calendar decides when it is one of the two; with the Gregorian
//     calendar, Arabic users get Hijri and everyone else Jalali. When that
//     reading is more than a year in the past or beyond MaxAhead while the
//     other calendar's is within range (a Hijri user's "1405/9/10", a Jalali
//     user's "1448/6/20"), the result is CodeOtherCalendar. Day-first and
//     month-first forms ("12/1", "01/12/2026") are refused as ambiguous
//     between US and European order, as is any date without a year.
//   - day and month name, optional year: "10 آذر", "10 آذر 1405", "1 dec",
//     "dec 1 2026", "٢٠ جمادى الآخرة". The month name picks the calendar.
//     Without a year it is this year's date when that is today or later; a
//     year that lacks the day (29 Feb, 30 Esfand in a common Jalali year, the
//     30th of a 29-day Hijri month) is skipped for the next one that has it,
//     within MaxAhead. When this year's date has passed, the result is
//     CodeYearPassed with the next year's in Alt: "۱۰ آذر" typed on 12 Azar
//     is more likely a slip than a plan a year ahead, so it is asked about.
//
// Times of day:
//   - "10:30", "14:30" (24-hour clock), "ساعت ۱۰", "الساعة ١٠", "at 10";
//     number words up to twelve ("ساعت ده", "at ten") and the Arabic hour
//     ordinals ("الساعة العاشرة").
//   - a number word alone ("نه", "ده", "ten", "العاشرة") is not a time: "نه"
//     is also Persian for "no". It needs a day ("فردا ده"), "at"/"ساعت"/
//     "الساعة", minutes ("ده و نیم") or a part of the day ("ده صبح").
//   - halves and quarters in words: "۱۰ و نیم", "ده و نیم", "۱۰ و ربع",
//     "ده ربع کم" (9:45), "یه ربع به ده" (9:45); "العاشرة والنصف",
//     "١٠ والنصف", "١٠ والربع", "١٠ والثلث" (10:20), "العاشرة إلا ربع" (9:45);
//     "half past ten", "quarter past 10", "quarter to ten" (9:45). The hour
//     named is the one the rules below apply to ("۵ و نیم" is refused like
//     "۵", "۵ و نیم عصر" is 17:30).
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
//
// A result that is probably not what the user meant, though something close
// is, is neither booked nor refused: ErrYearPassed (a day and month whose
// date this year has passed) and ErrOtherCalendar (a year-first date read in
// the wrong one of Jalali and Hijri) carry the likely meaning in Error.Alt,
// with its calendar in AltCalendar, for the caller to offer. Alt always
// passes the ErrPast and ErrTooFar checks.
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
	// CodeYearPassed: a day and month without a year whose date this year
	// has passed. Alt is the next year's (the first later year that has
	// that day); the user is asked, since it may be a slip for another date.
	CodeYearPassed Code = "year_passed"
	// CodeOtherCalendar: a year-first date of 1300–1499 that, read in the
	// user's calendar (ReadCalendar, giving Read), lies more than a year in
	// the past or beyond MaxAhead, while the other of Jalali and Hijri
	// (AltCalendar) gives Alt, a date within range.
	CodeOtherCalendar Code = "other_calendar"
)

// Error is the error Parse returns.
type Error struct {
	Code   Code
	Input  string // what the user typed
	Reason string // for logs, in English

	// Alt is what the user probably meant, for CodeYearPassed and
	// CodeOtherCalendar (zero otherwise): an instant that Parse would accept.
	Alt time.Time
	// AltCalendar is the calendar Alt was read in: the month name's for
	// CodeYearPassed, the other calendar for CodeOtherCalendar.
	AltCalendar calendar.Calendar
	// Read is the instant the input gave in ReadCalendar, for CodeOtherCalendar.
	Read         time.Time
	ReadCalendar calendar.Calendar
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
// "when.error.unparsable", "when.error.past", "when.error.too_far",
// "when.error.year_passed", and for CodeOtherCalendar
// "when.error.other_calendar.past" when Read is in the past (it is before
// Alt) or "when.error.other_calendar.far" when it is too far ahead.
func (e *Error) MessageID() string {
	if e.Code == CodeOtherCalendar {
		if e.Read.Before(e.Alt) {
			return "when.error.other_calendar.past"
		}
		return "when.error.other_calendar.far"
	}
	return "when.error." + string(e.Code)
}

// Sentinels for errors.Is.
var (
	ErrUnparsable    error = &Error{Code: CodeUnparsable}
	ErrPast          error = &Error{Code: CodePast}
	ErrTooFar        error = &Error{Code: CodeTooFar}
	ErrYearPassed    error = &Error{Code: CodeYearPassed}
	ErrOtherCalendar error = &Error{Code: CodeOtherCalendar}
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
	t, e := resolve(sp, now, cal, opts.Lang, defHour)
	if e == nil {
		e = inRange(t, now)
	}
	if e != nil {
		e.Input = input
		return time.Time{}, e
	}
	return t, nil
}

// inRange returns the error for a result t that is not after now or more
// than MaxAhead years ahead, or nil.
func inRange(t, now time.Time) *Error {
	if !t.After(now) {
		return &Error{Code: CodePast, Reason: fmt.Sprintf("%s is not after %s", t.Format(time.DateTime), now.Format(time.DateTime))}
	}
	if t.After(now.AddDate(MaxAhead, 0, 0)) {
		return &Error{Code: CodeTooFar, Reason: fmt.Sprintf("%s is more than %d years ahead", t.Format(time.DateOnly), MaxAhead)}
	}
	return nil
}

// resolve turns a scanned spec into an instant, or returns why it cannot.
func resolve(sp spec, now time.Time, cal calendar.Calendar, lang string, defHour int) (time.Time, *Error) {
	loc := now.Location()
	y, m, d := now.Date()
	today := time.Date(y, m, d, 12, 0, 0, 0, loc)
	unparsable := func(format string, args ...any) (time.Time, *Error) {
		return time.Time{}, &Error{Code: CodeUnparsable, Reason: fmt.Sprintf(format, args...)}
	}
	hour, minute := defHour, 0
	if sp.hasTime {
		hour, minute = sp.hour, sp.minute
	}
	// at is the chosen time on the day of noon.
	at := func(noon time.Time) time.Time {
		dy, dm, dd := noon.Date()
		return time.Date(dy, dm, dd, hour, minute, 0, 0, loc)
	}
	switch sp.day {
	case dayNone:
		if !sp.hasTime {
			return unparsable("no date or time")
		}
		return at(today), nil
	case dayOffset:
		return at(today.AddDate(0, 0, sp.n)), nil
	case dayWeekday:
		ahead := (int(sp.weekday) - int(now.Weekday()) + 7) % 7
		if ahead == 0 {
			ahead = 7
		}
		return at(today.AddDate(0, 0, ahead)), nil
	case dayMonths:
		cd := calendar.FromTime(cal, today).AddMonths(cal, sp.n)
		t, err := cd.Time(cal, loc, 12, 0)
		if err != nil {
			return unparsable("%v", err)
		}
		return at(t), nil
	case dayDuration:
		if sp.hasTime {
			return unparsable("a time of day after a relative amount of hours or minutes")
		}
		return now.Add(sp.dur).Truncate(time.Minute), nil
	}
	// dayDate
	if !sp.hasYear {
		date, passed, reason := yearless(sp.date, sp.cal, today)
		if reason != "" {
			return unparsable("%s", reason)
		}
		t, err := date.Time(sp.cal, loc, hour, minute)
		if err != nil {
			return unparsable("%v", err)
		}
		if passed {
			if e := inRange(t, now); e != nil {
				return unparsable("%s has passed this year and the next one is out of range: %s", sp.date, e.Reason)
			}
			return time.Time{}, &Error{Code: CodeYearPassed, Reason: fmt.Sprintf("%02d-%02d has passed this year", sp.date.Month, sp.date.Day),
				Alt: t, AltCalendar: sp.cal}
		}
		return t, nil
	}
	if sp.cal != "" {
		t, err := sp.date.Time(sp.cal, loc, hour, minute)
		if err != nil {
			return unparsable("%v", err)
		}
		return t, nil
	}
	dcal, ok := numericCalendar(sp.date.Year, cal, lang)
	if !ok {
		return unparsable("year %d belongs to no calendar we read", sp.date.Year)
	}
	t, err := sp.date.Time(dcal, loc, hour, minute)
	if err != nil {
		return unparsable("%v", err)
	}
	if other, ok := otherCalendar(dcal); ok && (t.Before(now.AddDate(-1, 0, 0)) || t.After(now.AddDate(MaxAhead, 0, 0))) {
		if alt, err := sp.date.Time(other, loc, hour, minute); err == nil && inRange(alt, now) == nil {
			return time.Time{}, &Error{Code: CodeOtherCalendar, Reason: fmt.Sprintf("%s is far from now as a %s date, near as a %s one", sp.date, dcal, other),
				Alt: alt, AltCalendar: other, Read: t, ReadCalendar: dcal}
		}
	}
	return t, nil
}

// yearless gives a day and month typed without a year (in cal) the year of
// its next occurrence from today: this year's, or the next year's when this
// year's has passed (passed is then true). A year without that day (29
// February, 30 Esfand, the 30th of a 29-day Hijri month) is skipped, up to
// MaxAhead years from now; reason says why there is none.
func yearless(d calendar.Date, cal calendar.Calendar, today time.Time) (date calendar.Date, passed bool, reason string) {
	cur := calendar.FromTime(cal, today)
	if cur.IsZero() {
		return date, false, fmt.Sprintf("today is out of the %s calendar's range", cal)
	}
	passed = d.Month < cur.Month || d.Month == cur.Month && d.Day < cur.Day
	y := cur.Year
	if passed {
		y++
	}
	for ; y <= cur.Year+MaxAhead; y++ {
		d.Year = y
		if d.Validate(cal) == nil {
			return d, passed, ""
		}
	}
	return date, false, fmt.Sprintf("no %02d-%02d in the %s calendar in the next %d years", d.Month, d.Day, cal, MaxAhead)
}

// otherCalendar is the other calendar whose years a year of 1300–1499 may be.
func otherCalendar(c calendar.Calendar) (calendar.Calendar, bool) {
	switch c {
	case calendar.Jalali:
		return calendar.Hijri, true
	case calendar.Hijri:
		return calendar.Jalali, true
	}
	return "", false
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
