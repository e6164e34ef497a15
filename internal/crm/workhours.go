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

// WorkStart is when s's working day starts on day (08:00 on a day off), or
// now when that has passed: the time a reminder about that day goes out.
func WorkStart(s Staff, day, now time.Time) time.Time {
	loc := s.Location()
	d := day.In(loc)
	midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	start := midnight.Add(8 * time.Hour)
	if spans := s.Hours()[d.Weekday()]; len(spans) > 0 {
		start = midnight.Add(time.Duration(spans[0].Start) * time.Minute)
	}
	if start.Before(now) {
		return now
	}
	return start
}

// NextStep is a quick choice of when to follow up.
type NextStep string

// The quick choices of a next step.
const (
	LaterToday NextStep = "later_today" // in two hours or so, if today's working hours allow
	Tomorrow   NextStep = "tomorrow"    // tomorrow at QuickHour, or the next working day's start
	In3Days    NextStep = "in_3_days"
	NextWeek   NextStep = "next_week"
)

// QuickHour is the hour a quick choice lands on when it falls in working
// hours ("tomorrow" is tomorrow at 10:00, or the next working day's start).
const QuickHour = 10

// QuickDue is when a quick choice made by s at now falls, in loc and s's
// working hours; false when it cannot (later today after hours).
func QuickDue(choice NextStep, now time.Time, s Staff, loc *time.Location) (time.Time, bool) {
	hours := s.Hours()
	local := now.In(loc)
	at := func(days int) time.Time {
		d := local.AddDate(0, 0, days)
		return hours.NextWorkingTime(time.Date(d.Year(), d.Month(), d.Day(), QuickHour, 0, 0, 0, loc), loc)
	}
	switch choice {
	case LaterToday:
		t := now.Add(2 * time.Hour).Truncate(30 * time.Minute).Add(30 * time.Minute)
		nt := hours.NextWorkingTime(t, loc)
		if y, m, d := nt.In(loc).Date(); y != local.Year() || m != local.Month() || d != local.Day() {
			return time.Time{}, false
		}
		return nt, true
	case Tomorrow:
		return at(1), true
	case In3Days:
		return at(3), true
	case NextWeek:
		return at(7), true
	}
	return time.Time{}, false
}
