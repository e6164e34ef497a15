package when

import (
	"errors"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
)

// at is options with the clock set to the local wall time given.
func at(tb testing.TB, lang string, cal calendar.Calendar, zone, wall string) Options {
	tb.Helper()
	opts := options(tb, lang, cal, zone)
	t, err := time.ParseInLocation("2006-01-02 15:04", wall, opts.Loc)
	if err != nil {
		tb.Fatal(err)
	}
	opts.Now = t
	return opts
}

// dateIn is hour:00 on date d of cal in opts.Loc, written as runCases writes results.
func dateIn(tb testing.TB, opts Options, cal calendar.Calendar, d calendar.Date, hour, minute int) string {
	tb.Helper()
	t, err := d.Time(cal, opts.Loc, hour, minute)
	if err != nil {
		tb.Fatalf("%s %s: %v", cal, d, err)
	}
	return t.Format("2006-01-02 15:04")
}

// altCase is an input Parse should answer with a question: code, and the
// alternative it offers.
type altCase struct {
	in      string
	code    Code
	alt     string // Error.Alt as "2006-01-02 15:04" in opts.Loc
	altCal  calendar.Calendar
	readCal calendar.Calendar // CodeOtherCalendar only
	msg     string            // MessageID
}

func runAltCases(t *testing.T, opts Options, cases []altCase) {
	t.Helper()
	for _, c := range cases {
		got, err := Parse(c.in, opts)
		var e *Error
		if !errors.As(err, &e) || e.Code != c.code {
			t.Errorf("Parse(%q) [%s/%s at %s] = %s, %v; want error %s offering %s", c.in, opts.Lang, opts.Calendar,
				opts.Now.Format("2006-01-02 15:04"), got.Format("2006-01-02 15:04"), err, c.code, c.alt)
			continue
		}
		if s := e.Alt.Format("2006-01-02 15:04"); s != c.alt || e.Alt.Location() != opts.Loc {
			t.Errorf("Parse(%q) [%s/%s] offers %s %s; want %s %s", c.in, opts.Lang, opts.Calendar, s, e.Alt.Location(), c.alt, opts.Loc)
		}
		if e.AltCalendar != c.altCal || e.ReadCalendar != c.readCal {
			t.Errorf("Parse(%q) [%s/%s]: calendars read %q, offered %q; want read %q, offered %q", c.in, opts.Lang, opts.Calendar,
				e.ReadCalendar, e.AltCalendar, c.readCal, c.altCal)
		}
		if id := e.MessageID(); id != c.msg {
			t.Errorf("Parse(%q) [%s/%s]: MessageID %q; want %q", c.in, opts.Lang, opts.Calendar, id, c.msg)
		}
		if e.Input != c.in {
			t.Errorf("Parse(%q): Error.Input %q", c.in, e.Input)
		}
		if inRange(e.Alt, opts.Now) != nil {
			t.Errorf("Parse(%q) offers %s, which Parse itself would refuse", c.in, e.Alt)
		}
	}
}

// A day and month whose date this year has passed is asked about, not
// booked a year ahead; a later date this year is simply accepted.
func TestYearPassed(t *testing.T) {
	// 14 Azar 1405: the bot's own example "۱۰ آذر ساعت ۱۴:۳۰" is four days gone.
	fa := at(t, "fa", calendar.Jalali, "Asia/Tehran", "2026-12-05 11:00")
	runAltCases(t, fa, []altCase{
		{in: "۱۰ آذر ساعت ۱۴:۳۰", code: CodeYearPassed, alt: "2027-12-01 14:30", altCal: calendar.Jalali, msg: "when.error.year_passed"},
		{in: "۱۰ آذر", code: CodeYearPassed, alt: "2027-12-01 10:00", altCal: calendar.Jalali, msg: "when.error.year_passed"},
		{in: "۳۰ آبان", code: CodeYearPassed, alt: "2027-11-21 10:00", altCal: calendar.Jalali, msg: "when.error.year_passed"},
		{in: "1 dec", code: CodeYearPassed, alt: "2027-12-01 10:00", altCal: calendar.Gregorian, msg: "when.error.year_passed"},
	})
	runCases(t, fa, []parseCase{
		{in: "۱۴ آذر ساعت ۱۲", want: "2026-12-05 12:00"}, // today, later
		{in: "۱۴ آذر ساعت ۱۰", err: ErrPast},             // today, earlier: past, not next year
		{in: "۲۹ آذر", want: "2026-12-20 10:00"},         // later this month
		{in: "۱۰ آذر ۱۴۰۶", want: "2027-12-01 10:00"},    // a year typed is a year meant
		{in: "۱۰ آذر ۱۴۰۵", err: ErrPast},
	})
	en := at(t, "en", calendar.Gregorian, "Asia/Dubai", "2026-11-22 09:00")
	runAltCases(t, en, []altCase{
		{in: "nov 1 3pm", code: CodeYearPassed, alt: "2027-11-01 15:00", altCal: calendar.Gregorian, msg: "when.error.year_passed"},
		{in: "21 November", code: CodeYearPassed, alt: "2027-11-21 10:00", altCal: calendar.Gregorian, msg: "when.error.year_passed"},
	})
	runCases(t, en, []parseCase{{in: "dec 31", want: "2026-12-31 10:00"}})
	ar := options(t, "ar", calendar.Hijri, "Asia/Riyadh") // 12 Jumada II 1448
	runAltCases(t, ar, []altCase{
		{in: "١ جمادى الآخرة", code: CodeYearPassed, alt: dateIn(t, ar, calendar.Hijri, calendar.Date{Year: 1449, Month: 6, Day: 1}, 10, 0),
			altCal: calendar.Hijri, msg: "when.error.year_passed"},
	})
}

// Yesterday is understood, so that it is "past" rather than "not understood".
func TestYesterdayIsPast(t *testing.T) {
	for _, c := range []struct {
		opts Options
		ins  []string
	}{
		{options(t, "fa", calendar.Jalali, "Asia/Tehran"), []string{"دیروز", "دیروز ساعت ۱۰", "ديروز ساعت ١٠", "دیروز عصر", "پریروز"}},
		{options(t, "ar", calendar.Hijri, "Asia/Riyadh"), []string{"أمس", "امس", "البارحة", "أمس الساعة ١٠", "البارحة ٥ مساءً", "أول أمس"}},
		{options(t, "en", calendar.Gregorian, "Asia/Dubai"), []string{"yesterday", "Yesterday 10am", "yesterday at 10:30", "the day before yesterday"}},
	} {
		var cases []parseCase
		for _, in := range c.ins {
			cases = append(cases, parseCase{in: in, err: ErrPast})
		}
		runCases(t, c.opts, cases)
	}
}

// A number word alone is not a time ("نه" is also "no"); with a day, "at",
// minutes or a part of the day it is.
func TestNumberWordAloneIsNoTime(t *testing.T) {
	runCases(t, options(t, "fa", calendar.Jalali, "Asia/Tehran"), []parseCase{
		{in: "نه", err: ErrUnparsable},
		{in: "ده", err: ErrUnparsable},
		{in: "یازده", err: ErrUnparsable},
		{in: "۱۰ روز", err: ErrUnparsable}, // an amount without "later", not 10:00
		{in: "ده روز", err: ErrUnparsable},
		{in: "ساعت ده", want: "2026-11-22 10:00"},
		{in: "ساعت یازده", want: "2026-11-22 11:00"},
		{in: "فردا ده", want: "2026-11-23 10:00"},
		{in: "فردا نه", want: "2026-11-23 09:00"},
		{in: "ده صبح", want: "2026-11-22 10:00"},
		{in: "ده فردا", want: "2026-11-23 10:00"},
		{in: "ده روز دیگر", want: "2026-12-02 10:00"},
		{in: "۱۰ روز شنبه", want: "2026-11-28 10:00"},
	})
	runCases(t, options(t, "ar", calendar.Hijri, "Asia/Riyadh"), []parseCase{
		{in: "عشرة", err: ErrUnparsable},
		{in: "العاشرة", err: ErrUnparsable},
		{in: "الساعة العاشرة", want: "2026-11-22 10:00"},
		{in: "الساعة عشرة", want: "2026-11-22 10:00"},
		{in: "غداً العاشرة", want: "2026-11-23 10:00"},
	})
	runCases(t, options(t, "en", calendar.Gregorian, "Asia/Dubai"), []parseCase{
		{in: "ten", err: ErrUnparsable},
		{in: "nine", err: ErrUnparsable},
		{in: "at ten", want: "2026-11-22 10:00"},
		{in: "tomorrow nine", want: "2026-11-23 09:00"},
		{in: "ten pm", want: "2026-11-22 22:00"},
		{in: "10", want: "2026-11-22 10:00"}, // digits are a time: only the word is doubtful
	})
}

// A day and month that this year lacks take the next year that has them,
// within MaxAhead.
func TestMissingDayTakesTheNextYearThatHasIt(t *testing.T) {
	runCases(t, at(t, "en", calendar.Gregorian, "Asia/Dubai", "2027-01-10 09:00"), []parseCase{
		{in: "29 feb", want: "2028-02-29 10:00"},
		{in: "feb 29 2027", err: ErrUnparsable}, // a year typed is a year meant
		{in: "30 feb", err: ErrUnparsable},
	})
	// 11 Khordad 1407: 1407 is a common year, 1408 a leap year.
	fa := at(t, "fa", calendar.Jalali, "Asia/Tehran", "2028-06-01 09:00")
	runCases(t, fa, []parseCase{
		{in: "۳۰ اسفند", want: dateIn(t, fa, calendar.Jalali, calendar.Date{Year: 1408, Month: 12, Day: 30}, 10, 0)},
		{in: "۳۱ مهر", err: ErrUnparsable}, // never exists
	})
	// 1 Azar 1405: the next 30 Esfand (1408) is more than two years away.
	runCases(t, options(t, "fa", calendar.Jalali, "Asia/Tehran"), []parseCase{{in: "۳۰ اسفند", err: ErrUnparsable}})

	// 29 February this year has passed (and 2027 has none): asked about, offering 2028's.
	runAltCases(t, options(t, "en", calendar.Gregorian, "Asia/Dubai"), []altCase{
		{in: "29 feb", code: CodeYearPassed, alt: "2028-02-29 10:00", altCal: calendar.Gregorian, msg: "when.error.year_passed"},
	})

	// The 30th of a Hijri month that has 29 days in 1448, typed on 12 Jumada
	// II 1448: the next year whose month has 30 days. The months are taken
	// from the table, so the case holds whatever the table says.
	ar := options(t, "ar", calendar.Hijri, "Asia/Riyadh")
	tested := false
	for m := 7; m <= 12; m++ {
		if calendar.DaysInMonth(calendar.Hijri, 1448, m) != 29 {
			continue
		}
		d := calendar.Date{Year: 1449, Month: m, Day: 30}
		for d.Year < 1450 && calendar.DaysInMonth(calendar.Hijri, d.Year, m) != 30 {
			d.Year++
		}
		t30, err := d.Time(calendar.Hijri, ar.Loc, 10, 0)
		if err != nil || t30.After(ar.Now.AddDate(MaxAhead, 0, 0)) {
			continue
		}
		tested = true
		runCases(t, ar, []parseCase{{in: "٣٠ " + calendar.MonthName("ar", calendar.Hijri, m), want: t30.Format("2006-01-02 15:04")}})
	}
	if !tested {
		t.Error("no Hijri month of 1448 with 29 days whose 30th exists within two years: pick another clock")
	}
}

// Halves and quarters in words, as natives say them.
func TestHalfAndQuarterHours(t *testing.T) {
	runCases(t, options(t, "fa", calendar.Jalali, "Asia/Tehran"), []parseCase{
		{in: "ساعت ۱۰ و نیم", want: "2026-11-22 10:30"},
		{in: "ده و نیم", want: "2026-11-22 10:30"},
		{in: "۱۰ و نیم صبح", want: "2026-11-22 10:30"},
		{in: "۱۰ونیم", want: "2026-11-22 10:30"},
		{in: "فردا ساعت ۱۴ و نیم", want: "2026-11-23 14:30"},
		{in: "فردا ۵ و نیم عصر", want: "2026-11-23 17:30"},
		{in: "فردا ۱۰ و ربع", want: "2026-11-23 10:15"},
		{in: "ده ربع کم", want: "2026-11-22 09:45"},
		{in: "یه ربع به ده", want: "2026-11-22 09:45"},
		{in: "ساعت یه ربع به یازده", want: "2026-11-22 10:45"},
		{in: "۵ و نیم", err: ErrUnparsable}, // 05:30 or 17:30?
		{in: "ساعت ۹ و نیم و ربع", err: ErrUnparsable},
		{in: "۱۰:۳۰ و نیم", err: ErrUnparsable},
	})
	runCases(t, options(t, "ar", calendar.Hijri, "Asia/Riyadh"), []parseCase{
		{in: "العاشرة والنصف", want: "2026-11-22 10:30"},
		{in: "الساعة ١٠ والنصف", want: "2026-11-22 10:30"},
		{in: "١٠ والنصف", want: "2026-11-22 10:30"},
		{in: "الساعة العاشرة ونص", want: "2026-11-22 10:30"},
		{in: "غداً العاشرة والربع", want: "2026-11-23 10:15"},
		{in: "العاشرة إلا ربع", want: "2026-11-22 09:45"},
		{in: "١٠ والثلث", want: "2026-11-22 10:20"},
		{in: "غداً الرابعة والنصف عصراً", want: "2026-11-23 16:30"},
		{in: "الرابعة والنصف", err: ErrUnparsable},
	})
	runCases(t, options(t, "en", calendar.Gregorian, "Asia/Dubai"), []parseCase{
		{in: "half past ten", want: "2026-11-22 10:30"},
		{in: "tomorrow at half past ten", want: "2026-11-23 10:30"},
		{in: "quarter past 10", want: "2026-11-22 10:15"},
		{in: "quarter to ten", want: "2026-11-22 09:45"},
		{in: "a quarter to ten", want: "2026-11-22 09:45"},
		{in: "tomorrow half past 4 pm", want: "2026-11-23 16:30"},
		{in: "half past", err: ErrUnparsable},
		{in: "half past 4", err: ErrUnparsable},
		{in: "quarter to 12 am", err: ErrUnparsable},
	})
}

// A year-first date that is only plausible in the other of Jalali and Hijri
// is offered in that calendar, saying how it was read.
func TestOtherCalendar(t *testing.T) {
	hijri := options(t, "ar", calendar.Hijri, "Asia/Riyadh")
	runAltCases(t, hijri, []altCase{
		{in: "١٤٠٥/٩/١٠", code: CodeOtherCalendar, alt: "2026-12-01 10:00", altCal: calendar.Jalali, readCal: calendar.Hijri, msg: "when.error.other_calendar.past"},
		{in: "1405/09/10 14:30", code: CodeOtherCalendar, alt: "2026-12-01 14:30", altCal: calendar.Jalali, readCal: calendar.Hijri, msg: "when.error.other_calendar.past"},
	})
	runCases(t, hijri, []parseCase{
		{in: "١٤٤٨/٦/٢٠", want: "2026-11-30 10:00"},
		{in: "١٤٤٧/١/١", err: ErrPast}, // Jalali 1447 is far too: nothing to offer
	})
	jalali := options(t, "fa", calendar.Jalali, "Asia/Tehran")
	runAltCases(t, jalali, []altCase{
		{in: "۱۴۴۸/۶/۲۰", code: CodeOtherCalendar, alt: "2026-11-30 10:00", altCal: calendar.Hijri, readCal: calendar.Jalali, msg: "when.error.other_calendar.far"},
	})
	runCases(t, jalali, []parseCase{
		{in: "۱۴۰۳/۱۲/۳۰", err: ErrPast},
		{in: "۱۴۰۵/۹/۱۰", want: "2026-12-01 10:00"},
		{in: "۱۴۰۸/۱/۱", err: ErrTooFar},
	})
	// With the Gregorian calendar the language picks the first reading.
	runAltCases(t, options(t, "en", calendar.Gregorian, "Asia/Dubai"), []altCase{
		{in: "1448/6/20", code: CodeOtherCalendar, alt: "2026-11-30 10:00", altCal: calendar.Hijri, readCal: calendar.Jalali, msg: "when.error.other_calendar.far"},
	})
	runAltCases(t, options(t, "ar", calendar.Gregorian, "Asia/Dubai"), []altCase{
		{in: "١٤٠٥/٩/١٠", code: CodeOtherCalendar, alt: "2026-12-01 10:00", altCal: calendar.Jalali, readCal: calendar.Hijri, msg: "when.error.other_calendar.past"},
	})

	_, err := Parse("١٤٠٥/٩/١٠", hijri)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v; want an *Error", err)
	}
	if want := dateIn(t, hijri, calendar.Hijri, calendar.Date{Year: 1405, Month: 9, Day: 10}, 10, 0); e.Read.Format("2006-01-02 15:04") != want {
		t.Errorf("Read = %s; want the Hijri reading %s", e.Read, want)
	}
	if errors.Is(err, ErrPast) || !errors.Is(err, ErrOtherCalendar) {
		t.Errorf("errors.Is: %v matches ErrPast or not ErrOtherCalendar", err)
	}
}
