package digest

import (
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"

	"github.com/telecrm/crmbot/internal/crm"
)

func TestScheduleDueInZoneAndWorkWeek(t *testing.T) {
	tehran, _ := time.LoadLocation("Asia/Tehran")
	fa := crm.Staff{Role: crm.RoleManager, Locale: "fa", TimeZone: "Asia/Tehran", Active: true}
	en := crm.Staff{Role: crm.RoleManager, Locale: "en", TimeZone: "Europe/London", Active: true}
	london, _ := time.LoadLocation("Europe/London")
	s := DefaultSchedule(crm.RoleManager)
	if got, want := s.Spec(fa), "CRON_TZ=Asia/Tehran 0 8 * * 0,1,2,3,4,6"; got != want {
		t.Errorf("spec %q, want %q", got, want)
	}
	cases := []struct {
		name string
		st   crm.Staff
		now  time.Time
		due  bool
		date string
	}{
		{"Saturday 07:59 Tehran", fa, time.Date(2026, 12, 5, 7, 59, 0, 0, tehran), false, ""},
		{"Saturday 08:00 Tehran", fa, time.Date(2026, 12, 5, 8, 0, 0, 0, tehran), true, "2026-12-05"},
		{"Saturday 23:00 Tehran", fa, time.Date(2026, 12, 5, 23, 0, 0, 0, tehran), true, "2026-12-05"},
		{"Friday 09:00 Tehran (day off)", fa, time.Date(2026, 12, 4, 9, 0, 0, 0, tehran), false, ""},
		{"Saturday 09:00 London (day off)", en, time.Date(2026, 12, 5, 9, 0, 0, 0, london), false, ""},
		{"Monday 08:00 London", en, time.Date(2026, 12, 7, 8, 0, 0, 0, london), true, "2026-12-07"},
	}
	for _, c := range cases {
		date, _, due := s.Due(c.st, c.now)
		if due != c.due || date != c.date {
			t.Errorf("%s: due %v on %q, want %v on %q", c.name, due, date, c.due, c.date)
		}
	}
	if _, _, due := (Schedule{Hour: 8, Paused: true}).Due(fa, time.Date(2026, 12, 5, 9, 0, 0, 0, tehran)); due {
		t.Error("a paused digest is due")
	}
	if DefaultSchedule(crm.RoleAdmin).Active() {
		t.Error("an admin gets a scheduled digest nobody chose")
	}
	at, _ := (Schedule{Hour: 17}).FireToday(fa, time.Date(2026, 12, 5, 1, 0, 0, 0, tehran))
	if want := time.Date(2026, 12, 5, 17, 0, 0, 0, tehran); !at.Equal(want) {
		t.Errorf("17:00 preset fires at %v, want %v", at, want)
	}
}

func TestPeriods(t *testing.T) {
	tehran, _ := time.LoadLocation("Asia/Tehran")
	now := time.Date(2026, 12, 2, 15, 30, 0, 0, tehran) // Wednesday, 11 Azar 1405
	cases := []struct {
		k    PeriodKind
		lang string
		cal  string
		from time.Time
	}{
		{Today, "fa", "jalali", time.Date(2026, 12, 2, 0, 0, 0, 0, tehran)},
		{Yesterday, "fa", "jalali", time.Date(2026, 12, 1, 0, 0, 0, 0, tehran)},
		{ThisWeek, "fa", "jalali", time.Date(2026, 11, 28, 0, 0, 0, 0, tehran)}, // Saturday
		{ThisWeek, "en", "gregorian", time.Date(2026, 11, 30, 0, 0, 0, 0, tehran)},
		{ThisMonth, "fa", "jalali", time.Date(2026, 11, 22, 0, 0, 0, 0, tehran)}, // 1 Azar
		{ThisMonth, "en", "gregorian", time.Date(2026, 12, 1, 0, 0, 0, 0, tehran)},
	}
	for _, c := range cases {
		p := PeriodOf(c.k, now, tehran, c.lang, calendar.Calendar(c.cal))
		if !p.From.Equal(c.from) {
			t.Errorf("%s %s: from %v, want %v", c.k, c.lang, p.From, c.from)
		}
	}
}

func TestSinceLastPeriod(t *testing.T) {
	now := time.Date(2026, 12, 5, 4, 30, 0, 0, time.UTC)
	if p := SinceLastPeriod(time.Time{}, now); !p.First || !p.From.Equal(now.Add(-24*time.Hour)) {
		t.Errorf("first digest: %+v, want the last 24 hours", p)
	}
	if p := SinceLastPeriod(now.Add(-48*time.Hour), now); p.First || !p.From.Equal(now.Add(-48*time.Hour)) {
		t.Errorf("after a weekend: %+v, want since the last digest", p)
	}
	if p := SinceLastPeriod(now.AddDate(0, -1, 0), now); !p.From.Equal(now.Add(-MaxSinceLast)) {
		t.Errorf("after a month's pause: %+v, want a week at most", p)
	}
}
