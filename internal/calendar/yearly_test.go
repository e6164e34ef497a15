package calendar

import (
	"testing"
	"time"
)

func TestNextOccurrence(t *testing.T) {
	tehran := mustLoc(t, "Asia/Tehran")
	riyadh := mustLoc(t, "Asia/Riyadh")
	at := func(loc *time.Location, s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		cal   Calendar
		month int
		day   int
		after time.Time
		loc   *time.Location
		want  string // "" means zero time
	}{
		{"esfand 30 in leap 1403", Jalali, 12, 30, at(tehran, "2025-01-01 10:00"), tehran, "2025-03-20"},
		{"esfand 30 falls on 29 in 1404", Jalali, 12, 30, at(tehran, "2025-04-01 10:00"), tehran, "2026-03-20"},
		{"nowruz", Jalali, 1, 1, at(tehran, "2026-03-20 23:59"), tehran, "2026-03-21"},
		{"today is not after now", Jalali, 1, 1, at(tehran, "2026-03-21 09:00"), tehran, "2027-03-21"},
		{"feb 29 in common year", Gregorian, 2, 29, at(tehran, "2026-01-10 00:00"), tehran, "2026-02-28"},
		{"feb 29 in leap year", Gregorian, 2, 29, at(tehran, "2027-03-01 00:00"), tehran, "2028-02-29"},
		{"birthday later this year", Gregorian, 12, 1, at(tehran, "2026-11-22 09:00"), tehran, "2026-12-01"},
		{"hijri 30 on a 29-day month", Hijri, 6, 30, at(riyadh, "2026-11-01 00:00"), riyadh, "2026-12-09"},
		{"hijri 30 on a 30-day month", Hijri, 9, 30, at(riyadh, "2026-01-01 00:00"), riyadh, "2026-03-19"},
		{"impossible day", Jalali, 7, 31, at(tehran, "2026-01-01 00:00"), tehran, ""},
		{"bad month", Gregorian, 13, 1, at(tehran, "2026-01-01 00:00"), tehran, ""},
		{"bad calendar", "", 1, 1, at(tehran, "2026-01-01 00:00"), tehran, ""},
	}
	for _, tt := range tests {
		got := NextOccurrence(tt.cal, tt.month, tt.day, tt.after, tt.loc)
		if tt.want == "" {
			if !got.IsZero() {
				t.Errorf("%s: got %s; want zero time", tt.name, got)
			}
			continue
		}
		if s := got.Format("2006-01-02 15:04"); s != tt.want+" 00:00" || got.Location() != tt.loc {
			t.Errorf("%s: got %s (%s); want %s 00:00 %s", tt.name, s, got.Location(), tt.want, tt.loc)
		}
	}
}
