package demo

import (
	"context"
	"time"
)

// followUp is one planned follow-up.
type followUp struct {
	c        *customer
	assignee *member
	due      time.Time
	status   string // open, done or cancelled
	note     string
	snoozed  int
	reminded bool // the reminder went out (it is overdue)
	escalate bool // the manager was told
}

// insertFollowUps gives each rep a working day that needs attention: two
// follow-ups left over from the last working day, one escalated from three
// days ago, three due today (from the morning to later than now), three in
// the coming days and a few done or cancelled. Inactive customers get a
// win-back call; the manager has a meeting with the partner.
func (g *gen) insertFollowUps(ctx context.Context) error {
	var plan []followUp
	for _, tg := range []int64{repFaTG, repArTG, repEnTG} {
		plan = append(plan, g.planRepFollowUps(g.staff[tg])...)
	}
	if c := g.byName["كيوان مهدوي"]; c != nil {
		plan = append(plan, followUp{c: c, assignee: c.owner, status: "open", due: g.workingAt(c.owner, 1, 12, 0),
			note: "پیگیری پرداخت فاکتور اسپرسوساز"})
	}
	if c := g.byName["علي كريمي"]; c != nil {
		m := g.staff[managerTG]
		plan = append(plan, followUp{c: c, assignee: m, status: "open", due: g.workingAt(m, 2, 11, 0),
			note: "جلسه با آقای کریمی درباره‌ی تمدید قرارداد شراکت"})
	}
	for _, f := range plan {
		if err := g.insertFollowUp(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// planRepFollowUps plans one rep's follow-ups on their own customers.
func (g *gen) planRepFollowUps(m *member) []followUp {
	var open, winBack []*customer
	for _, c := range g.customers {
		switch {
		case c.owner != m:
		case c.spec.stage == "inactive":
			winBack = append(winBack, c)
		case c.spec.stage != "disqualified" && c.spec.stage != "lost":
			open = append(open, c)
		}
	}
	g.rng.Shuffle(len(open), func(i, j int) { open[i], open[j] = open[j], open[i] })
	book := phrases(m.locale, false)
	note := func(c *customer, i int) string {
		if c.boughtAt().IsZero() {
			return book.followEarly[i%len(book.followEarly)]
		}
		return book.followBought[i%len(book.followBought)]
	}
	lastWorkDay := g.workDayBefore(m, 1)
	later := g.laterToday(m)
	slots := []followUp{
		{due: lastWorkDay.Add(11 * time.Hour), reminded: true},
		{due: lastWorkDay.Add(15*time.Hour + 30*time.Minute), reminded: true, snoozed: 1},
		{due: g.workDayBefore(m, 3).Add(10 * time.Hour), reminded: true, escalate: true},
		{due: g.atLocal(m, 0, 10, 0)},
		{due: later},
		{due: later.Add(90 * time.Minute)},
		{due: g.workingAt(m, 1, 10, 30)},
		{due: g.workingAt(m, 3, 12, 0)},
		{due: g.workingAt(m, 6, 9, 30)},
	}
	var out []followUp
	for i, f := range slots {
		c := open[i%len(open)]
		f.c, f.assignee, f.status, f.note = c, m, "open", note(c, i)
		out = append(out, f)
	}
	for i, days := range []int{4, 9, 16, 23} {
		c := open[(len(slots)+i)%len(open)]
		f := followUp{c: c, assignee: m, status: "done", due: g.workTime(m, days), note: note(c, i+1)}
		if i == 3 {
			f.status = "cancelled"
		}
		out = append(out, f)
	}
	for _, c := range winBack {
		out = append(out, followUp{c: c, assignee: m, status: "open", due: g.workingAt(m, 2, 11, 0), note: phrases(m.locale, c.spec.female).winBack})
	}
	return out
}

// atLocal returns hour:min on m's day daysFromNow after today.
func (g *gen) atLocal(m *member, daysFromNow, hour, min int) time.Time {
	return g.localDay(m, daysFromNow).Add(time.Duration(hour)*time.Hour + time.Duration(min)*time.Minute)
}

// workingAt is atLocal moved to the next working time if it falls outside
// m's working hours.
func (g *gen) workingAt(m *member, daysFromNow, hour, min int) time.Time {
	return m.hours.NextWorkingTime(g.atLocal(m, daysFromNow, hour, min), m.loc)
}

// workDayBefore returns the midnight of m's latest working day at least
// days days before today.
func (g *gen) workDayBefore(m *member, days int) time.Time {
	for i := days; i < days+7; i++ {
		if d := g.localDay(m, -i); len(m.hours[d.Weekday()]) > 0 {
			return d
		}
	}
	return g.localDay(m, -days)
}

// laterToday returns a time later today in m's time zone: about two hours
// from now on the quarter hour, but before midnight. Just before midnight
// it is already past.
func (g *gen) laterToday(m *member) time.Time {
	t := g.now.Add(2 * time.Hour).Truncate(15 * time.Minute)
	if last := g.atLocal(m, 0, 22, 0); t.After(last) {
		return last
	}
	return t
}

func (g *gen) insertFollowUp(ctx context.Context, f followUp) error {
	created := f.due.Add(-72 * time.Hour)
	var actID *int64
	if n := len(f.c.acts); n > 0 && f.c.acts[n-1].at.Before(f.due) {
		a := f.c.acts[n-1]
		actID, created = &a.id, a.at
	}
	if created.After(g.now) {
		created = g.now.Add(-time.Hour)
	}
	updated := created
	var done, reminded, escalated *time.Time
	if f.status == "done" {
		t := f.due.Add(time.Duration(10+g.rng.IntN(80)) * time.Minute)
		done, updated = &t, t
	}
	if f.status == "cancelled" {
		updated = f.due.Add(-2 * time.Hour)
	}
	if f.reminded {
		reminded, updated = &f.due, f.due
	}
	if f.escalate {
		t := f.due.Add(24 * time.Hour)
		escalated, updated = &t, t
	}
	_, err := g.tx.Exec(ctx, `INSERT INTO follow_ups (customer_id, assignee_id, activity_id, due_at, status,
			note, snooze_count, reminded_at, escalated_at, done_at, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		f.c.id, f.assignee.id, actID, f.due, f.status, f.note, f.snoozed, reminded, escalated, done,
		f.assignee.id, created, updated)
	return err
}
