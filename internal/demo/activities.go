package demo

import (
	"context"
	"slices"
	"time"
)

// activity is one logged call, visit, message or note.
type activity struct {
	id       int64
	kind     string // call, visit, message or note
	outcome  string
	duration int // seconds; 0 with no outcome is stored as NULL
	note     string
	at       time.Time
	place    *point
}

// planActivities logs the customer's last sixty days: a few activities
// spread from the oldest to the latest (some earlier today), each within
// the working hours of whoever logged it, with notes in their language. A
// suspect just entered has one or two; a partner seven to nine. Inactive
// customers went quiet over a month ago; lost and disqualified ones end
// with the reason why.
func (g *gen) planActivities(c *customer, age int) {
	_, counts := stagePlan(c.spec.stage)
	n := g.between(counts)
	lo, hi := 0, min(60, age) // 0: today, if the working day has begun
	switch c.spec.stage {
	case "inactive":
		lo, hi = 36, 60
	case "disqualified", "lost":
		exit := int(g.now.Sub(c.lastMove().at).Hours() / 24)
		lo, hi = max(1, exit), min(60, age)
	}
	if c.owner == nil {
		// The admin noted where an unassigned lead came from, once.
		c.acts = []*activity{{kind: "note", note: phrases(c.author.locale, false).poolNote, at: g.workTime(c.author, max(1, age-1))}}
		return
	}
	book := phrases(c.author.locale, c.spec.female)
	offset := g.rng.IntN(100)
	bought := c.boughtAt()
	times := make([]time.Time, n)
	for i := range n {
		day := g.between(span{lo, hi})
		if n > 1 {
			day = min(hi, max(lo, hi-(hi-lo)*i/(n-1)+g.rng.IntN(3)-1))
		}
		times[i] = g.workTime(c.author, day)
	}
	slices.SortFunc(times, time.Time.Compare)
	for i, at := range times {
		a := &activity{at: at}
		early := bought.IsZero() || at.Before(bought)
		pick := func(list []string) string { return list[(offset+i)%len(list)] }
		switch {
		case i == n-1 && c.spec.stage == "disqualified":
			a.kind, a.note = "note", c.spec.exit.text
		case i == n-1 && c.spec.stage == "lost":
			a.kind, a.outcome, a.duration, a.note = "call", "not_interested", 60+g.rng.IntN(180), c.spec.exit.text
		case i == 0:
			g.call(a, book, early, pick, true)
		case c.spec.stage == "inactive":
			a.kind, a.outcome, a.note = "call", "no_answer", pick(book.noAnswer)
		default:
			g.anyActivity(a, book, early, pick, c.spec.city)
		}
		c.acts = append(c.acts, a)
	}
}

// anyActivity makes a a call, visit, message or note, mostly calls.
func (g *gen) anyActivity(a *activity, book phrasebook, early bool, pick func([]string) string, city string) {
	r := g.rng.Float64()
	switch {
	case r < 0.5:
		g.call(a, book, early, pick, false)
	case r < 0.75:
		a.kind, a.outcome = "visit", "reached"
		a.duration = 60 * (20 + 5*g.rng.IntN(14))
		a.note = pick(book.visitCustomer)
		if early {
			a.note = pick(book.visitEarly)
		}
		if p, ok := cityCentre(city); ok {
			a.place = &point{p.lat + (g.rng.Float64()-0.5)*0.06, p.lon + (g.rng.Float64()-0.5)*0.06}
		}
	case r < 0.88:
		a.kind, a.note = "message", pick(book.messageBought)
		if early {
			a.note = pick(book.messageEarly)
		}
	default:
		a.kind, a.note = "note", pick(book.noteBought)
		if early {
			a.note = pick(book.noteEarly)
		}
	}
}

// call makes a a phone call. The first call of the sixty days was
// answered; with a new lead it is the first call ever.
func (g *gen) call(a *activity, book phrasebook, early bool, pick func([]string) string, first bool) {
	a.kind = "call"
	r := g.rng.Float64()
	if first {
		r = 0
	}
	switch {
	case r < 0.62:
		a.outcome, a.duration = "reached", 60+15*g.rng.IntN(50)
		switch {
		case early && first:
			a.note = book.callEarly[0]
		case early:
			a.note = pick(book.callEarly[1:])
		default:
			a.note = pick(book.callCustomer)
		}
	case r < 0.77:
		a.outcome, a.note = "no_answer", pick(book.noAnswer)
	case r < 0.85:
		a.outcome, a.note = "busy", pick(book.busy)
	default:
		a.outcome, a.duration, a.note = "call_back_later", 20+g.rng.IntN(40), pick(book.callBack)
	}
}

// insertActivities stores the customer's activities, oldest first.
func (g *gen) insertActivities(ctx context.Context, c *customer) error {
	for _, a := range c.acts {
		var outcome *string
		var duration *int
		if a.outcome != "" {
			outcome, duration = &a.outcome, &a.duration
		}
		var lat, lon *float64
		if a.place != nil {
			lat, lon = &a.place.lat, &a.place.lon
		}
		err := g.tx.QueryRow(ctx, `INSERT INTO activities (customer_id, staff_id, kind, outcome,
				duration_seconds, note, latitude, longitude, occurred_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			c.id, c.author.id, a.kind, outcome, duration, a.note, lat, lon, a.at).Scan(&a.id)
		if err != nil {
			return err
		}
	}
	return nil
}
