package calendar

import (
	"testing"
	"time"
)

func TestMonthName(t *testing.T) {
	tests := []struct {
		lang string
		cal  Calendar
		m    int
		want string
	}{
		{"fa", Jalali, 1, "فروردین"},
		{"fa", Jalali, 12, "اسفند"},
		{"ar", Hijri, 1, "محرم"},
		{"ar", Hijri, 12, "ذو الحجة"},
		{"ar", Hijri, 6, "جمادى الآخرة"},
		{"ar", Gregorian, 1, "يناير"},
		{"en", Jalali, 1, "Farvardin"},
		{"en", Hijri, 1, "Muharram"},
		{"en", Gregorian, 12, "December"},
		{"de", Gregorian, 3, "March"},
		{"fa", Jalali, 13, ""},
		{"fa", "julian", 1, ""},
	}
	for _, tt := range tests {
		if got := MonthName(tt.lang, tt.cal, tt.m); got != tt.want {
			t.Errorf("MonthName(%q, %s, %d) = %q; want %q", tt.lang, tt.cal, tt.m, got, tt.want)
		}
	}
	names := MonthNames("fa", Jalali)
	names[0] = "changed"
	if MonthName("fa", Jalali, 1) != "فروردین" {
		t.Error("MonthNames returned a slice sharing the package's data")
	}
}

func TestWeekdays(t *testing.T) {
	if got := WeekdayName("fa", time.Saturday); got != "شنبه" {
		t.Errorf("WeekdayName(fa, Saturday) = %q; want شنبه", got)
	}
	if got := WeekdayName("ar", time.Sunday); got != "الأحد" {
		t.Errorf("WeekdayName(ar, Sunday) = %q; want الأحد", got)
	}
	for _, tt := range []struct {
		lang  string
		start time.Weekday
	}{{"fa", time.Saturday}, {"ar", time.Sunday}, {"en", time.Monday}, {"xx", time.Monday}} {
		if got := WeekStart(tt.lang); got != tt.start {
			t.Errorf("WeekStart(%q) = %s; want %s", tt.lang, got, tt.start)
		}
		days := Weekdays(tt.lang)
		if len(days) != 7 || days[0] != tt.start || days[6] != (tt.start+6)%7 {
			t.Errorf("Weekdays(%q) = %v; want 7 days from %s", tt.lang, days, tt.start)
		}
	}
}

func TestDefaultWorkweek(t *testing.T) {
	tests := []struct {
		lang string
		work []time.Weekday
	}{
		{"fa", []time.Weekday{time.Saturday, time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday}},
		{"ar", []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday}},
		{"en", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}},
	}
	for _, tt := range tests {
		w := DefaultWorkweek(tt.lang)
		want := map[time.Weekday]bool{}
		for _, d := range tt.work {
			want[d] = true
		}
		for d := time.Sunday; d <= time.Saturday; d++ {
			if got := w.IsWorkday(d); got != want[d] {
				t.Errorf("DefaultWorkweek(%q).IsWorkday(%s) = %v; want %v", tt.lang, d, got, want[d])
			}
		}
	}
	fa := DefaultWorkweek("fa")
	tehran := mustLoc(t, "Asia/Tehran")
	// 2026-11-26 is a Thursday: half day.
	if !fa.Working(time.Date(2026, 11, 26, 12, 0, 0, 0, tehran)) || fa.Working(time.Date(2026, 11, 26, 14, 0, 0, 0, tehran)) {
		t.Error("fa Thursday should be working at 12:00 and not at 14:00")
	}
	if fa.Working(time.Date(2026, 11, 27, 10, 0, 0, 0, tehran)) {
		t.Error("fa Friday should be off")
	}
}
