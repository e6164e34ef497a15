package calendar

import (
	"errors"
	"testing"
	"time"
)

func mustLoc(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func TestParse(t *testing.T) {
	for _, s := range []string{"gregorian", "jalali", "hijri"} {
		c, err := Parse(s)
		if err != nil || string(c) != s || !c.Valid() {
			t.Errorf("Parse(%q) = %q, %v; want %q, nil", s, c, err, s)
		}
	}
	for _, s := range []string{"", "Jalali", "persian", "islamic"} {
		if c, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) = %q, nil; want an error", s, c)
		}
	}
}

// Known conversions. Jalali: Iranian official calendar (Nowruz dates).
// Hijri: ICU's islamic-umalqura calendar (Node.js Intl, ICU 78), the source of
// the official Umm al-Qura table; TestHijriAgainstICU checks all the other days.
var conversions = []struct {
	cal       Calendar
	date      Date
	gregorian string
}{
	{Jalali, Date{1405, 1, 1}, "2026-03-21"}, // Nowruz 1405
	{Jalali, Date{1404, 1, 1}, "2025-03-21"}, // Nowruz 1404
	{Jalali, Date{1403, 12, 30}, "2025-03-20"},
	{Jalali, Date{1404, 12, 29}, "2026-03-20"},
	{Jalali, Date{1405, 9, 1}, "2026-11-22"},
	{Jalali, Date{1405, 9, 10}, "2026-12-01"},
	{Jalali, Date{1399, 12, 30}, "2021-03-20"},
	{Hijri, Date{1447, 9, 1}, "2026-02-18"},  // 1 Ramadan 1447
	{Hijri, Date{1447, 10, 1}, "2026-03-20"}, // 1 Shawwal 1447
	{Hijri, Date{1446, 9, 1}, "2025-03-01"},
	{Hijri, Date{1448, 6, 21}, "2026-12-01"},
	{Hijri, Date{1410, 6, 3}, "1990-01-01"},           // go-hijri said 1410-06-04
	{Hijri, Date{MinHijriYear, 1, 1}, "1937-03-14"},   // first day of the table
	{Hijri, Date{MaxHijriYear, 12, 30}, "2077-11-16"}, // last day of the table
	{Gregorian, Date{2024, 2, 29}, "2024-02-29"},
}

func TestConversions(t *testing.T) {
	tehran := mustLoc(t, "Asia/Tehran")
	for _, c := range conversions {
		got, err := c.date.Time(c.cal, tehran, 10, 30)
		if err != nil {
			t.Errorf("%s %s: Time: %v", c.cal, c.date, err)
			continue
		}
		if s := got.Format("2006-01-02"); s != c.gregorian || got.Hour() != 10 || got.Minute() != 30 || got.Location() != tehran {
			t.Errorf("%s %s.Time = %s; want %s 10:30 Asia/Tehran", c.cal, c.date, got, c.gregorian)
		}
		g, _ := time.ParseInLocation("2006-01-02 15:04", c.gregorian+" 23:59", tehran)
		if back := FromTime(c.cal, g); back != c.date {
			t.Errorf("FromTime(%s, %s) = %s; want %s", c.cal, c.gregorian, back, c.date)
		}
	}
}

func TestFromTimeUsesOwnLocation(t *testing.T) {
	// 2026-03-20 22:00 UTC is already 2026-03-21 01:30 in Tehran: Nowruz there.
	utc := time.Date(2026, 3, 20, 22, 0, 0, 0, time.UTC)
	if got, want := FromTime(Jalali, utc), (Date{1404, 12, 29}); got != want {
		t.Errorf("FromTime(UTC) = %s; want %s", got, want)
	}
	if got, want := FromTime(Jalali, utc.In(mustLoc(t, "Asia/Tehran"))), (Date{1405, 1, 1}); got != want {
		t.Errorf("FromTime(Tehran) = %s; want %s", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	dubai := mustLoc(t, "Asia/Dubai")
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, dubai)
	for _, cal := range []Calendar{Gregorian, Jalali, Hijri} {
		prev := FromTime(cal, start.AddDate(0, 0, -1))
		for i := 0; i < 365*8; i++ {
			g := start.AddDate(0, 0, i)
			d := FromTime(cal, g)
			back, err := d.Time(cal, dubai, 0, 0)
			if err != nil || !back.Equal(g) {
				t.Fatalf("%s: %s -> %s -> %s, %v; want %s", cal, g.Format(time.DateOnly), d, back, err, g.Format(time.DateOnly))
			}
			// Consecutive days: either next day in the month or 1 of next month.
			if next := prev.AddDays(cal, 1); next != d {
				t.Fatalf("%s: %s.AddDays(1) = %s; want %s", cal, prev, next, d)
			}
			prev = d
		}
	}
}

func TestDaysInMonthAndLeap(t *testing.T) {
	tests := []struct {
		cal        Calendar
		year, mon  int
		days       int
		leapOfYear bool
	}{
		{Jalali, 1403, 12, 30, true},
		{Jalali, 1404, 12, 29, false},
		{Jalali, 1405, 12, 29, false},
		{Jalali, 1408, 12, 30, true},
		{Jalali, 1404, 1, 31, false},
		{Jalali, 1404, 7, 30, false},
		{Gregorian, 2024, 2, 29, true},
		{Gregorian, 2100, 2, 28, false},
		{Gregorian, 2000, 2, 29, true},
		{Gregorian, 2026, 4, 30, false},
		{Hijri, 1447, 9, 30, false}, // 1 Shawwal 1447 = 2026-03-20, 30 days after 1 Ramadan
		{Hijri, 1448, 6, 29, false}, // 1 Rajab 1448 = 2026-12-10 in the table
		{Hijri, MaxHijriYear, 12, 30, false},
		{Hijri, MinHijriYear, 1, 29, false},
	}
	for _, tt := range tests {
		if got := DaysInMonth(tt.cal, tt.year, tt.mon); got != tt.days {
			t.Errorf("DaysInMonth(%s, %d, %d) = %d; want %d", tt.cal, tt.year, tt.mon, got, tt.days)
		}
		if tt.cal != Hijri {
			if got := IsLeap(tt.cal, tt.year); got != tt.leapOfYear {
				t.Errorf("IsLeap(%s, %d) = %v; want %v", tt.cal, tt.year, got, tt.leapOfYear)
			}
		}
	}
	for _, bad := range []struct {
		cal  Calendar
		y, m int
	}{{Jalali, 1404, 13}, {Gregorian, 2026, 0}, {Hijri, MinHijriYear - 1, 1}, {Hijri, MaxHijriYear + 1, 1}, {"julian", 2026, 1}} {
		if got := DaysInMonth(bad.cal, bad.y, bad.m); got != 0 {
			t.Errorf("DaysInMonth(%s, %d, %d) = %d; want 0", bad.cal, bad.y, bad.m, got)
		}
	}
}

func TestHijriLeapYears(t *testing.T) {
	for y := MinHijriYear; y <= MaxHijriYear; y++ {
		total := 0
		for m := 1; m <= 12; m++ {
			n := DaysInMonth(Hijri, y, m)
			if n != 29 && n != 30 {
				t.Errorf("DaysInMonth(hijri, %d, %d) = %d; want 29 or 30", y, m, n)
			}
			total += n
		}
		if total != 354 && total != 355 {
			t.Errorf("hijri year %d has %d days; want 354 or 355", y, total)
		}
		if IsLeap(Hijri, y) != (total == 355) {
			t.Errorf("IsLeap(hijri, %d) = %v with %d days", y, IsLeap(Hijri, y), total)
		}
	}
}

func TestTimeValidates(t *testing.T) {
	tests := []struct {
		cal  Calendar
		date Date
	}{
		{Jalali, Date{1404, 12, 30}}, // 1404 is not leap
		{Jalali, Date{1404, 7, 31}},
		{Jalali, Date{1404, 0, 1}},
		{Gregorian, Date{2026, 2, 29}},
		{Gregorian, Date{2026, 4, 31}},
		{Hijri, Date{1448, 6, 30}},
		{Hijri, Date{1300, 1, 1}},
		{Hijri, Date{MinHijriYear - 1, 12, 29}}, // 1937-03-13, the day before the table
		{Hijri, Date{MaxHijriYear + 1, 1, 1}},   // 2077-11-17, the day after it
		{Hijri, Date{1447, 13, 1}},
		{"", Date{2026, 1, 1}},
	}
	for _, tt := range tests {
		if got, err := tt.date.Time(tt.cal, time.UTC, 10, 0); !errors.Is(err, ErrInvalidDate) {
			t.Errorf("%s %s.Time = %s, %v; want ErrInvalidDate", tt.cal, tt.date, got, err)
		}
	}
	if _, err := (Date{2026, 1, 1}).Time(Gregorian, time.UTC, 24, 0); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("hour 24: got %v; want ErrInvalidDate", err)
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		cal  Calendar
		d    Date
		n    int
		want Date
	}{
		{Jalali, Date{1405, 6, 31}, 1, Date{1405, 7, 30}},
		{Jalali, Date{1403, 11, 30}, 1, Date{1403, 12, 30}},
		{Jalali, Date{1404, 11, 30}, 1, Date{1404, 12, 29}},
		{Jalali, Date{1405, 12, 10}, 1, Date{1406, 1, 10}},
		{Gregorian, Date{2026, 1, 31}, 1, Date{2026, 2, 28}},
		{Gregorian, Date{2026, 1, 15}, -1, Date{2025, 12, 15}},
		{Hijri, Date{1448, 5, 30}, 1, Date{1448, 6, 29}},
	}
	for _, tt := range tests {
		if got := tt.d.AddMonths(tt.cal, tt.n); got != tt.want {
			t.Errorf("%s %s.AddMonths(%d) = %s; want %s", tt.cal, tt.d, tt.n, got, tt.want)
		}
	}
}
