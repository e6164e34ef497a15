package crm

import (
	"testing"
	"time"
)

func TestNextWorkingTime(t *testing.T) {
	teh, _ := time.LoadLocation("Asia/Tehran")
	dub, _ := time.LoadLocation("Asia/Dubai")
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	tests := []struct {
		name   string
		locale string
		loc    *time.Location
		in     time.Time
		want   time.Time
	}{
		// 2026-11-22 is a Sunday.
		{"fa sunday noon is working time", "fa", teh, at(teh, 2026, 11, 22, 12, 0), at(teh, 2026, 11, 22, 12, 0)},
		{"fa sunday night waits for monday 8", "fa", teh, at(teh, 2026, 11, 22, 21, 0), at(teh, 2026, 11, 23, 8, 0)},
		{"fa thursday afternoon waits for saturday", "fa", teh, at(teh, 2026, 11, 26, 14, 0), at(teh, 2026, 11, 28, 8, 0)},
		{"fa thursday morning works", "fa", teh, at(teh, 2026, 11, 26, 9, 30), at(teh, 2026, 11, 26, 9, 30)},
		{"fa friday waits for saturday", "fa", teh, at(teh, 2026, 11, 27, 10, 0), at(teh, 2026, 11, 28, 8, 0)},
		{"ar friday waits for sunday", "ar", dub, at(dub, 2026, 11, 27, 10, 0), at(dub, 2026, 11, 29, 8, 0)},
		{"ar early morning waits", "ar", dub, at(dub, 2026, 11, 23, 6, 0), at(dub, 2026, 11, 23, 8, 0)},
		{"en saturday waits for monday", "en", time.UTC, at(time.UTC, 2026, 11, 28, 10, 0), at(time.UTC, 2026, 11, 30, 8, 0)},
		{"end of span is outside", "en", time.UTC, at(time.UTC, 2026, 11, 23, 18, 0), at(time.UTC, 2026, 11, 24, 8, 0)},
	}
	for _, tt := range tests {
		got := DefaultWorkHours(tt.locale).NextWorkingTime(tt.in, tt.loc)
		if !got.Equal(tt.want) {
			t.Errorf("%s: got %s, want %s", tt.name, got.In(tt.loc), tt.want)
		}
	}
	if got := (WorkHours{}).NextWorkingTime(at(time.UTC, 2026, 1, 1, 3, 0), time.UTC); got.Hour() != 3 {
		t.Errorf("no working time at all must not hold a notification; got %s", got)
	}
}
