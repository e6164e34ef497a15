package digest

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/telecrm/crmbot/internal/crm"
)

// Schedule is when a staff member's scheduled digest comes: at Hour on
// their working days, unless Off (they chose none) or Paused (a manager's
// pause, kept apart so that resuming restores the hour).
type Schedule struct {
	Hour   int
	Off    bool
	Paused bool
}

// DefaultHour is the hour of the digest nobody changed: the start of a
// working morning.
const DefaultHour = 8

// PresetHours are the hours offered in /settings (no cron syntax needed).
var PresetHours = []int{7, 8, 9, 17}

// DefaultSchedule is a manager's schedule until someone sets one: 08:00
// on working days. Admins receive none unless they choose one.
func DefaultSchedule(role crm.Role) Schedule {
	return Schedule{Hour: DefaultHour, Off: role != crm.RoleManager}
}

// Active reports whether a digest is scheduled at all.
func (s Schedule) Active() bool { return !s.Off && !s.Paused }

// Spec is s as a robfig/cron/v3 standard spec for staff member st: minute
// 0 of the hour, on the weekdays st works (their hours, or their locale's
// week), in their zone: "CRON_TZ=Asia/Tehran 0 8 * * 0,1,2,3,4,6".
// It is "" when nothing is scheduled (off, paused, or no working day).
func (s Schedule) Spec(st crm.Staff) string {
	if !s.Active() {
		return ""
	}
	var days []int
	for d, spans := range st.Hours() {
		if len(spans) > 0 {
			days = append(days, int(d))
		}
	}
	if len(days) == 0 {
		return ""
	}
	sort.Ints(days)
	ds := make([]string, len(days))
	for i, d := range days {
		ds[i] = strconv.Itoa(d)
	}
	zone := st.TimeZone
	if zone == "" || st.Location() == time.UTC {
		zone = "UTC" // an empty CRON_TZ= panics in cron v3
	}
	return "CRON_TZ=" + zone + " 0 " + strconv.Itoa(s.Hour) + " * * " + strings.Join(ds, ",")
}

// parser reads the standard five-field syntax (with CRON_TZ=).
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// FireToday is when s fires on now's local day for staff member st, and
// whether it fires that day at all (not on a day off, not when off or
// paused). The time may be later than now (not due yet).
func (s Schedule) FireToday(st crm.Staff, now time.Time) (time.Time, bool) {
	spec := s.Spec(st)
	if spec == "" {
		return time.Time{}, false
	}
	sched, err := parser.Parse(spec)
	if err != nil {
		return time.Time{}, false
	}
	loc := st.Location()
	midnight := Midnight(now, loc)
	next := sched.Next(midnight.Add(-time.Second))
	if !next.Before(midnight.AddDate(0, 0, 1)) {
		return time.Time{}, false
	}
	return next, true
}

// Due reports whether st's scheduled digest of now's local day is due at
// now, and its local date ("2026-12-05", the day's unique key).
func (s Schedule) Due(st crm.Staff, now time.Time) (string, time.Time, bool) {
	at, ok := s.FireToday(st, now)
	if !ok || now.Before(at) {
		return "", time.Time{}, false
	}
	return at.In(st.Location()).Format(time.DateOnly), at, true
}

// Recipient is a staff member who may receive a scheduled digest, and
// their schedule.
type Recipient struct {
	Staff    crm.Staff
	Schedule Schedule
}
