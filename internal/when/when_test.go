package when

import (
	"errors"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
)

func mustLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// Sunday 22 November 2026, 09:00 local: 1 Azar 1405, 12 Jumada II 1448.
func options(tb testing.TB, lang string, cal calendar.Calendar, zone string) Options {
	tb.Helper()
	loc := mustLoc(tb, zone)
	return Options{Now: time.Date(2026, 11, 22, 9, 0, 0, 0, loc), Loc: loc, Lang: lang, Calendar: cal, DefaultHour: 10}
}

type parseCase struct {
	in   string
	want string // "2006-01-02 15:04" in opts.Loc, or "" when err is set
	err  error
}

func runCases(t *testing.T, opts Options, cases []parseCase) {
	t.Helper()
	for _, c := range cases {
		got, err := Parse(c.in, opts)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("Parse(%q) [%s/%s] = %s, %v; want error %v", c.in, opts.Lang, opts.Calendar, got.Format("2006-01-02 15:04"), err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q) [%s/%s]: unexpected error %v; want %s", c.in, opts.Lang, opts.Calendar, err, c.want)
			continue
		}
		if s := got.Format("2006-01-02 15:04"); s != c.want || got.Location() != opts.Loc {
			t.Errorf("Parse(%q) [%s/%s] = %s %s; want %s %s", c.in, opts.Lang, opts.Calendar, s, got.Location(), c.want, opts.Loc)
		}
	}
}

func TestParsePersian(t *testing.T) {
	runCases(t, options(t, "fa", calendar.Jalali, "Asia/Tehran"), []parseCase{
		{in: "فردا", want: "2026-11-23 10:00"},
		{in: "فردا ساعت ۱۰", want: "2026-11-23 10:00"},
		{in: "فردا ساعت 10:30", want: "2026-11-23 10:30"},
		{in: "فردا ۵ عصر", want: "2026-11-23 17:00"},
		{in: "فردا صبح", want: "2026-11-23 09:00"},
		{in: "پس‌فردا", want: "2026-11-24 10:00"},
		{in: "پس فردا", want: "2026-11-24 10:00"},
		{in: "پسفردا ساعت ۱۱", want: "2026-11-24 11:00"},
		{in: "امروز عصر", want: "2026-11-22 17:00"},
		{in: "امروز", want: "2026-11-22 10:00"},
		{in: "امشب", want: "2026-11-22 20:00"},
		{in: "شنبه", want: "2026-11-28 10:00"},
		{in: "شنبه بعد", want: "2026-11-28 10:00"},
		{in: "شنبه آینده ساعت ۹", want: "2026-11-28 09:00"},
		{in: "یکشنبه", want: "2026-11-29 10:00"}, // today is Sunday: next week's
		{in: "یک‌شنبه", want: "2026-11-29 10:00"},
		{in: "سه شنبه", want: "2026-11-24 10:00"},
		{in: "سه‌شنبه ساعت ۱۵", want: "2026-11-24 15:00"},
		{in: "روز پنجشنبه", want: "2026-11-26 10:00"},
		{in: "جمعه", want: "2026-11-27 10:00"},
		{in: "۳ روز دیگر", want: "2026-11-25 10:00"},
		{in: "٣ روز ديگر", want: "2026-11-25 10:00"}, // Arabic digits and ي
		{in: "3 روز بعد", want: "2026-11-25 10:00"},
		{in: "دو هفته دیگر", want: "2026-12-06 10:00"},
		{in: "هفته بعد", want: "2026-11-29 10:00"},
		{in: "هفته‌ی آینده", want: "2026-11-29 10:00"},
		{in: "ماه بعد", want: "2026-12-22 10:00"}, // 1 Dey 1405
		{in: "۲ ساعت دیگر", want: "2026-11-22 11:00"},
		{in: "۱۴۰۵/۹/۱۰", want: "2026-12-01 10:00"},
		{in: "۱۴۰۵/۰۹/۱۰ ۱۴:۳۰", want: "2026-12-01 14:30"},
		{in: "۱۰ آذر", want: "2026-12-01 10:00"},
		{in: "۱۰ آذر ساعت ۱۴:۳۰", want: "2026-12-01 14:30"},
		{in: "۱۰ آذر ۱۴۰۵", want: "2026-12-01 10:00"},
		{in: "۳۰ آبان", err: ErrYearPassed}, // passed this year: asked, see TestYearPassed
		{in: "ساعت ۱۰", want: "2026-11-22 10:00"},
		{in: "ساعت ده", want: "2026-11-22 10:00"},
		{in: "۱۰ صبح", want: "2026-11-22 10:00"},
		{in: "۵ عصر", want: "2026-11-22 17:00"},
		{in: "۸ شب", want: "2026-11-22 20:00"},
		{in: "۲ بعدازظهر", want: "2026-11-22 14:00"},
		{in: "ساعت ۸", err: ErrPast},
		{in: "۱ آذر ساعت ۸", err: ErrPast},
		{in: "۱۴۰۳/۱۲/۳۰", err: ErrPast},
		{in: "ساعت ۵", err: ErrUnparsable},   // 05:00 or 17:00?
		{in: "۳۰ اسفند", err: ErrUnparsable}, // 1405 is not a leap year
		{in: "۱۴۰۵/۱۲/۳۰", err: ErrUnparsable},
		{in: "فردا پس‌فردا", err: ErrUnparsable},
		{in: "سلام", err: ErrUnparsable},
		{in: "۳ روز", err: ErrUnparsable},
		{in: "۱۰ شب ۵ صبح", err: ErrUnparsable},
		{in: "۹/۱۰", err: ErrUnparsable},
	})
}

func TestParseArabic(t *testing.T) {
	hijri := options(t, "ar", calendar.Hijri, "Asia/Riyadh")
	runCases(t, hijri, []parseCase{
		{in: "غداً", want: "2026-11-23 10:00"},
		{in: "غدا", want: "2026-11-23 10:00"},
		{in: "بكرة", want: "2026-11-23 10:00"},
		{in: "غداً الساعة ١٠", want: "2026-11-23 10:00"},
		{in: "غدا الساعة ٤ مساءً", want: "2026-11-23 16:00"},
		{in: "بعد غد", want: "2026-11-24 10:00"},
		{in: "بعد ٣ أيام", want: "2026-11-25 10:00"},
		{in: "بعد يومين", want: "2026-11-24 10:00"},
		{in: "بعد أسبوع", want: "2026-11-29 10:00"},
		{in: "بعد أسبوعين", want: "2026-12-06 10:00"},
		{in: "بعد ساعتين", want: "2026-11-22 11:00"},
		{in: "الأسبوع القادم", want: "2026-11-29 10:00"},
		{in: "الأحد القادم", want: "2026-11-29 10:00"},
		{in: "الخميس", want: "2026-11-26 10:00"},
		{in: "يوم الخميس الساعة ١١", want: "2026-11-26 11:00"},
		{in: "الاثنين المقبل", want: "2026-11-23 10:00"},
		{in: "١٠ صباحاً", want: "2026-11-22 10:00"},
		{in: "٥ مساءً", want: "2026-11-22 17:00"},
		{in: "١٤٤٨/٦/٢٠", want: "2026-11-30 10:00"},
		{in: "٢٠ جمادى الآخرة", want: "2026-11-30 10:00"},
		{in: "٢٠ جمادى الآخرة ١٤٤٨ الساعة ١٤:٣٠", want: "2026-11-30 14:30"},
		{in: "١ ديسمبر", want: "2026-12-01 10:00"},
		{in: "2026/12/01", want: "2026-12-01 10:00"},
		{in: "الشهر القادم", want: "2026-12-21 10:00"}, // 12 Rajab 1448; Jumada II has 29 days
		{in: "١٤٠٥/٩/١٠", err: ErrOtherCalendar},       // Hijri 1405 is long gone: see TestOtherCalendar
		{in: "١٤٤٨/٦/٣٠", err: ErrUnparsable},
		{in: "مرحبا", err: ErrUnparsable},
		{in: "الساعة ٣", err: ErrUnparsable},
	})
	gregorian := options(t, "ar", calendar.Gregorian, "Asia/Dubai")
	runCases(t, gregorian, []parseCase{
		{in: "١٤٤٨/٦/٢٠", want: "2026-11-30 10:00"}, // an Arabic reader's 1448 is Hijri
		{in: "الشهر القادم", want: "2026-12-22 10:00"},
		{in: "غداً ٩ مساءً", want: "2026-11-23 21:00"},
	})
}

func TestParseEnglish(t *testing.T) {
	runCases(t, options(t, "en", calendar.Gregorian, "Asia/Dubai"), []parseCase{
		{in: "tomorrow", want: "2026-11-23 10:00"},
		{in: "Tomorrow 10am", want: "2026-11-23 10:00"},
		{in: "tomorrow at 3 p.m.", want: "2026-11-23 15:00"},
		{in: "tomorrow morning", want: "2026-11-23 09:00"},
		{in: "today 5pm", want: "2026-11-22 17:00"},
		{in: "in 3 days", want: "2026-11-25 10:00"},
		{in: "in 2 weeks", want: "2026-12-06 10:00"},
		{in: "in a week", want: "2026-11-29 10:00"},
		{in: "in 2 hours", want: "2026-11-22 11:00"},
		{in: "in 30 minutes", want: "2026-11-22 09:30"},
		{in: "3 days later", want: "2026-11-25 10:00"},
		{in: "next Monday", want: "2026-11-23 10:00"},
		{in: "monday", want: "2026-11-23 10:00"},
		{in: "on Sunday at 9:15", want: "2026-11-29 09:15"},
		{in: "next week", want: "2026-11-29 10:00"},
		{in: "next month", want: "2026-12-22 10:00"},
		{in: "2026-12-01", want: "2026-12-01 10:00"},
		{in: "2026-12-01 14:30", want: "2026-12-01 14:30"},
		{in: "dec 1", want: "2026-12-01 10:00"},
		{in: "1 December 2026 4pm", want: "2026-12-01 16:00"},
		{in: "10:30", want: "2026-11-22 10:30"},
		{in: "10:30pm", want: "2026-11-22 22:30"},
		{in: "1405/9/10", want: "2026-12-01 10:00"}, // a Jalali year
		{in: "8:30", err: ErrPast},
		{in: "12/1", err: ErrUnparsable},
		{in: "01/12/2026", err: ErrUnparsable},
		{in: "2029-01-01", err: ErrTooFar},
		{in: "in 1000 weeks", err: ErrTooFar},
		{in: "2026-02-30", err: ErrUnparsable},
		{in: "tomorrow 25:00", err: ErrUnparsable},
		{in: "tomorrow monday", err: ErrUnparsable},
		{in: "in 2 hours at 5pm", err: ErrUnparsable},
		{in: "5", err: ErrUnparsable},
		{in: "13 am", err: ErrUnparsable},
		{in: "13 pm", want: "2026-11-22 13:00"},
		{in: "foo", err: ErrUnparsable},
		{in: "", err: ErrUnparsable},
		{in: "   ", err: ErrUnparsable},
		{in: "next", err: ErrUnparsable},
		{in: "in", err: ErrUnparsable},
		{in: "at", err: ErrUnparsable},
	})
}

// Words of every language work whatever the user's language.
func TestParseMixed(t *testing.T) {
	runCases(t, options(t, "fa", calendar.Jalali, "Asia/Tehran"), []parseCase{
		{in: "tomorrow 10am", want: "2026-11-23 10:00"},
		{in: "غداً ساعت ۱۱", want: "2026-11-23 11:00"},
	})
}

func TestDefaults(t *testing.T) {
	opts := options(t, "en", "", "Asia/Dubai")
	opts.DefaultHour = 0
	opts.Loc = nil
	got, err := Parse("tomorrow", opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Parse(tomorrow) with zero options = %s; want %s", got, want)
	}
	opts.DefaultHour = 14
	if got, _ := Parse("tomorrow", opts); got.Hour() != 14 {
		t.Errorf("DefaultHour 14: got %s", got)
	}
}

func TestError(t *testing.T) {
	_, err := Parse("ساعت ۸", options(t, "fa", calendar.Jalali, "Asia/Tehran"))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodePast || e.MessageID() != "when.error.past" || e.Input != "ساعت ۸" {
		t.Fatalf("got %#v; want a *Error with CodePast and its input", err)
	}
	if errors.Is(err, ErrUnparsable) {
		t.Error("a past error also matches ErrUnparsable")
	}
	for _, sentinel := range []error{ErrUnparsable, ErrPast, ErrTooFar} {
		var s *Error
		errors.As(sentinel, &s)
		if id := s.MessageID(); id != "when.error."+string(s.Code) {
			t.Errorf("MessageID = %q", id)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"فردا ساعت ۱۰", "پس‌فردا", "امروز عصر", "شنبه بعد", "۳ روز دیگر", "دو هفته دیگر", "ماه بعد",
		"۱۴۰۵/۹/۱۰", "۱۰ آذر ساعت ۱۴:۳۰", "۵ عصر", "غداً الساعة ١٠", "بعد ٣ أيام", "الأحد القادم",
		"١٠ صباحاً", "٢٠ جمادى الآخرة", "١٤٤٨/٦/٢٠", "tomorrow 10am", "in 2 weeks", "next Monday",
		"2026-12-01 14:30", "10:30pm", "dec 1", "12/1", "in 1000 weeks", "بعد أسبوعين", "۱۲ ظهر",
		"دیروز ساعت ۱۰", "نه", "ده و نیم", "العاشرة والنصف", "half past ten", "29 feb", "۳۰ آبان", "1448/6/20",
	} {
		f.Add(s, "fa", "jalali")
		f.Add(s, "ar", "hijri")
		f.Add(s, "en", "gregorian")
	}
	loc := mustLoc(f, "Asia/Tehran")
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, in, lang, cal string) {
		opts := Options{Now: now, Loc: loc, Lang: lang, Calendar: calendar.Calendar(cal), DefaultHour: 10}
		got, err := Parse(in, opts)
		again, err2 := Parse(in, opts)
		if !got.Equal(again) || (err == nil) != (err2 == nil) {
			t.Fatalf("Parse(%q) not deterministic: %s, %v then %s, %v", in, got, err, again, err2)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !got.IsZero() {
				t.Fatalf("Parse(%q) = %s, %v; want zero time and *Error", in, got, err)
			}
			if !e.Alt.IsZero() && (!e.Alt.After(now) || e.Alt.After(now.AddDate(MaxAhead, 0, 0)) || e.Alt.Location() != loc) {
				t.Fatalf("Parse(%q) offers %s; want an instant Parse would accept", in, e.Alt)
			}
			return
		}
		if !got.After(now) || got.After(now.AddDate(MaxAhead, 0, 1)) {
			t.Fatalf("Parse(%q) = %s; want after %s and within %d years", in, got, now, MaxAhead)
		}
		if got.Location() != loc {
			t.Fatalf("Parse(%q) in %s; want %s", in, got.Location(), loc)
		}
	})
}
