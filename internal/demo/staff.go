package demo

import (
	"context"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// The demo staff's fake Telegram user ids. Customers linked to the bot
// take ids from 2001.
const (
	adminTG   int64 = 1001
	managerTG int64 = 1002
	repFaTG   int64 = 1003 // Tehran, Persian, Jalali
	repArTG   int64 = 1004 // Riyadh, Arabic, Hijri
	repEnTG   int64 = 1005 // Dubai, English, Gregorian
)

// teamName is the demo's one team: Tehran head office and two Gulf reps.
const teamName = "Tehran & Gulf Field Sales"

// staffSpec is one staff member of the demo.
type staffSpec struct {
	tg       int64
	name     string
	username string
	role     crm.Role
	locale   string
	calendar string
	timeZone string
	fixed    int // the time zone's UTC offset in seconds, if tzdata is missing
}

// staffSpecs returns the demo team in persona order.
func staffSpecs() []staffSpec {
	return []staffSpec{
		{adminTG, "فرهاد رحیمی", "farhad_rahimi", crm.RoleAdmin, "fa", "jalali", "Asia/Tehran", 3*3600 + 1800},
		{managerTG, "نسرین کاظمی", "nasrin_kazemi", crm.RoleManager, "fa", "jalali", "Asia/Tehran", 3*3600 + 1800},
		{repFaTG, "امیر حسین‌زاده", "amir_hz", crm.RoleRep, "fa", "jalali", "Asia/Tehran", 3*3600 + 1800},
		{repArTG, "عبدالله الشهري", "abdullah_shehri", crm.RoleRep, "ar", "hijri", "Asia/Riyadh", 3 * 3600},
		{repEnTG, "Priya Nair", "priya_nair", crm.RoleRep, "en", "gregorian", "Asia/Dubai", 4 * 3600},
	}
}

// member is a staff member as inserted.
type member struct {
	staffSpec
	id    int64
	loc   *time.Location
	hours crm.WorkHours
}

// location loads the member's time zone, falling back to its fixed offset
// (none of the three zones has daylight saving time any more).
func (s staffSpec) location() *time.Location {
	if loc, err := time.LoadLocation(s.timeZone); err == nil {
		return loc
	}
	return time.FixedZone(s.timeZone, s.fixed)
}

// personas returns the users the web chat page offers, staff first.
func personas() Personas {
	var ps Personas
	for _, s := range staffSpecs() {
		ps = append(ps, Persona{UserID: s.tg, Name: s.name, Role: string(s.role), LanguageCode: s.locale})
	}
	for _, c := range customerSpecs() {
		if c.persona {
			ps = append(ps, Persona{UserID: c.link, Name: c.name, Role: "customer", LanguageCode: c.lang})
		}
	}
	return ps
}

// insertStaff creates the team and its five members, all onboarded.
func (g *gen) insertStaff(ctx context.Context) error {
	since := g.now.AddDate(-3, 0, 0)
	var teamID int64
	err := g.tx.QueryRow(ctx, `INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id`,
		teamName, since).Scan(&teamID)
	if err != nil {
		return err
	}
	g.staff = map[int64]*member{}
	for _, s := range staffSpecs() {
		m := &member{staffSpec: s, loc: s.location(), hours: crm.DefaultWorkHours(s.locale)}
		err := g.tx.QueryRow(ctx, `INSERT INTO staff (telegram_user_id, display_name, username, role, team_id,
				locale, calendar, time_zone, onboarded, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true, true, $9) RETURNING id`,
			s.tg, s.name, s.username, string(s.role), teamID, s.locale, s.calendar, s.timeZone, since).Scan(&m.id)
		if err != nil {
			return err
		}
		g.staff[s.tg] = m
	}
	_, err = g.tx.Exec(ctx, `UPDATE teams SET manager_id = $1 WHERE id = $2`, g.staff[managerTG].id, teamID)
	return err
}

// loadStages reads the ids of the ladder's stages.
func (g *gen) loadStages(ctx context.Context) error {
	rows, err := g.tx.Query(ctx, `SELECT key, id FROM stages WHERE template = $1`, crm.TemplateLadder)
	if err != nil {
		return err
	}
	defer rows.Close()
	g.stages = map[string]int64{}
	for rows.Next() {
		var key string
		var id int64
		if err := rows.Scan(&key, &id); err != nil {
			return err
		}
		g.stages[key] = id
	}
	return rows.Err()
}

// workTime returns a moment within m's working hours on the working day
// daysAgo days before today (in m's time zone), or the nearest working day
// before it, and always before now. Minutes are drawn at random, on a
// five-minute grid.
func (g *gen) workTime(m *member, daysAgo int) time.Time {
	local := g.now.In(m.loc)
	for i := 0; i < 7; i++ {
		d := local.AddDate(0, 0, -daysAgo-i)
		spans := m.hours[d.Weekday()]
		if len(spans) == 0 {
			continue
		}
		s := spans[g.rng.IntN(len(spans))]
		start, end := s.Start+20, s.End-20
		minute := start + 5*g.rng.IntN(max(1, (end-start)/5))
		midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, m.loc)
		t := midnight.Add(time.Duration(minute) * time.Minute)
		if !t.Before(g.now) {
			return g.workTime(m, daysAgo+i+1) // today, but later than now
		}
		return t
	}
	return local.AddDate(0, 0, -daysAgo)
}

// localDay returns m's midnight daysFromNow days after today (negative: before).
func (g *gen) localDay(m *member, daysFromNow int) time.Time {
	d := g.now.In(m.loc).AddDate(0, 0, daysFromNow)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, m.loc)
}
