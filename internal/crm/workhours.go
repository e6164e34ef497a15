package crm

import (
	"fmt"
	"time"
)

// Span is a stretch of working time within a day, in minutes after midnight.
type Span struct {
	Start, End int // 0 ≤ Start < End ≤ 1440
}

// WorkHours maps each weekday to the spans worked that day; a missing day is
// a day off. Notifications due outside these hours wait for the next span.
type WorkHours map[time.Weekday][]Span

func day(start, end int) []Span { return []Span{{start * 60, end * 60}} }

// DefaultWorkHours returns a locale's usual working week: Iran works
// Saturday to Wednesday and Thursday morning; the Gulf Sunday to Thursday;
// elsewhere Monday to Friday. All 08:00–18:00 (Thursday in Iran to 13:00).
func DefaultWorkHours(locale string) WorkHours {
	switch locale {
	case "fa":
		return WorkHours{
			time.Saturday: day(8, 18), time.Sunday: day(8, 18), time.Monday: day(8, 18),
			time.Tuesday: day(8, 18), time.Wednesday: day(8, 18), time.Thursday: day(8, 13),
		}
	case "ar":
		return WorkHours{
			time.Sunday: day(8, 18), time.Monday: day(8, 18), time.Tuesday: day(8, 18),
			time.Wednesday: day(8, 18), time.Thursday: day(8, 18),
		}
	default:
		return WorkHours{
			time.Monday: day(8, 18), time.Tuesday: day(8, 18), time.Wednesday: day(8, 18),
			time.Thursday: day(8, 18), time.Friday: day(8, 18),
		}
	}
}

// Validate checks that every span lies within its day and in order.
func (w WorkHours) Validate() error {
	for d, spans := range w {
		if d < time.Sunday || d > time.Saturday {
			return Errorf(EInvalid, "weekday %d", d)
		}
		prev := -1
		for _, s := range spans {
			if s.Start < 0 || s.End > 1440 || s.Start >= s.End || s.Start < prev {
				return Errorf(EInvalid, "span %s", s)
			}
			prev = s.End
		}
	}
	return nil
}

func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}

// NextWorkingTime returns t if it falls within working hours in loc, else
// the start of the next working span. With no working time at all it
// returns t unchanged (a notification is never held forever).
func (w WorkHours) NextWorkingTime(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	for i := 0; i < 8; i++ {
		d := local.AddDate(0, 0, i)
		midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		for _, s := range w[d.Weekday()] {
			start := midnight.Add(time.Duration(s.Start) * time.Minute)
			end := midnight.Add(time.Duration(s.End) * time.Minute)
			if !local.Before(end) {
				continue
			}
			if local.Before(start) {
				return start
			}
			return t
		}
	}
	return t
}
