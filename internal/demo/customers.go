package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/telecrm/crmbot/internal/textnorm"
)

// customerSpec is one demo customer as a rep would have typed it.
type customerSpec struct {
	name   string
	lang   string   // the customer's own language, for survey answers: fa, ar or en
	female bool     // for Arabic notes, whose verbs agree with the customer
	region string   // where phones without a country code are read: IR, AE, SA
	phones []string // as typed; the first is the mobile, a second the office

	company, title, industry, city, source string

	owner  int64  // the owning rep's Telegram id; 0: the unassigned pool
	stage  string // ladder stage key
	path   []string
	exit   *exitSpec // why a disqualified, lost or inactive customer left
	tags   []string
	mbti   string
	level  int // relationship level, 0: unset
	margin string
	notes  string

	link    int64 // the customer's own Telegram user id, if linked to the bot
	persona bool  // offered on the web chat page
}

// exitSpec is the reason recorded on the move into a side exit, lost or
// inactive stage.
type exitSpec struct{ code, text string }

// customerSpecs returns every demo customer: the three reps' and the pool.
func customerSpecs() []customerSpec {
	return slices.Concat(faCustomers(), arCustomers(), enCustomers(), poolCustomers())
}

// ladderUp is the way up the customer ladder; exits branch off it.
func ladderUp() []string {
	return []string{"suspect", "prospect", "first_time", "repeat", "client", "advocate", "partner"}
}

// stagePath returns the stages a customer went through to reach theirs.
func (s customerSpec) stagePath() []string {
	if s.path != nil {
		return s.path
	}
	switch s.stage {
	case "disqualified":
		return []string{"suspect", "prospect", "disqualified"}
	case "lost":
		return []string{"suspect", "prospect", "first_time", "lost"}
	case "inactive":
		return []string{"suspect", "prospect", "first_time", "repeat", "inactive"}
	}
	up := ladderUp()
	return up[:slices.Index(up, s.stage)+1]
}

// span is a range of whole days before now.
type span struct{ min, max int }

// stagePlan says, for customers in a stage, how many days ago they were
// first entered and how many activities the last sixty days hold.
func stagePlan(stage string) (age, activities span) {
	switch stage {
	case "suspect":
		return span{3, 40}, span{1, 2}
	case "prospect":
		return span{20, 70}, span{3, 5}
	case "disqualified":
		return span{30, 70}, span{3, 3}
	case "first_time":
		return span{60, 150}, span{3, 5}
	case "repeat":
		return span{150, 330}, span{4, 6}
	case "client":
		return span{330, 700}, span{5, 7}
	case "advocate":
		return span{500, 900}, span{6, 8}
	case "partner":
		return span{700, 1000}, span{7, 9}
	case "inactive":
		return span{200, 400}, span{3, 3}
	case "lost":
		return span{90, 200}, span{3, 4}
	}
	return span{3, 40}, span{1, 1}
}

// customer is a demo customer as planned and inserted.
type customer struct {
	spec    customerSpec
	id      int64
	owner   *member // nil: the unassigned pool
	author  *member // who entered and worked the card: the owner, or the admin
	created time.Time
	phones  []string // E.164
	moves   []move
	acts    []*activity
}

// move is one row of stage history.
type move struct {
	from, to string // stage keys; from is "" for the first
	at       time.Time
	reason   *exitSpec
}

// between returns a random whole number in [s.min, s.max].
func (g *gen) between(s span) int { return s.min + g.rng.IntN(s.max-s.min+1) }

// planCustomer fills in a customer's phones, history and activities.
func (g *gen) planCustomer(s customerSpec) (*customer, error) {
	c := &customer{spec: s, owner: g.staff[s.owner], author: g.staff[s.owner]}
	if c.owner == nil {
		c.author = g.staff[adminTG]
	}
	for _, p := range s.phones {
		e, err := textnorm.Phone(p, s.region)
		if err != nil {
			return nil, fmt.Errorf("customer %s: %w", s.name, err)
		}
		c.phones = append(c.phones, e)
	}
	ages, _ := stagePlan(s.stage)
	age := g.between(ages)
	if c.owner == nil {
		age = g.between(span{2, 20})
	}
	g.planMoves(c, age)
	g.planActivities(c, age)
	if len(c.acts) > 0 && !c.acts[0].at.After(c.created) {
		c.created = c.acts[0].at.Add(-2 * time.Hour)
		c.moves[0].at = c.created
	}
	return c, nil
}

// planMoves spreads the customer's way up the ladder from its creation,
// age days ago, to its latest move a few days or weeks ago.
func (g *gen) planMoves(c *customer, age int) {
	path := c.spec.stagePath()
	last := age
	switch c.spec.stage {
	case "suspect":
	case "inactive":
		last = g.between(span{22, 30})
	case "disqualified", "lost":
		last = g.between(span{6, min(20, age-1)})
	default:
		last = g.between(span{2, max(2, min(45, age*2/5))})
	}
	c.created = g.workTime(c.author, age)
	prev := ""
	for i, key := range path {
		at := c.created
		if i > 0 {
			days := age - (age-last)*i/(len(path)-1)
			at = g.workTime(c.author, days)
			if !at.After(c.moves[i-1].at) {
				at = c.moves[i-1].at.Add(time.Hour)
			}
		}
		m := move{from: prev, to: key, at: at}
		if i == len(path)-1 && i > 0 {
			m.reason = c.spec.exit
		}
		c.moves = append(c.moves, m)
		prev = key
	}
}

// boughtAt returns when the customer first bought, or the zero time.
func (c *customer) boughtAt() time.Time {
	for _, m := range c.moves {
		if m.to == "first_time" {
			return m.at
		}
	}
	return time.Time{}
}

// lastMove returns the customer's current stage's move.
func (c *customer) lastMove() move { return c.moves[len(c.moves)-1] }

// insertCustomers plans and inserts every customer with its phones, stage
// history and activities.
func (g *gen) insertCustomers(ctx context.Context) error {
	g.byName = map[string]*customer{}
	for _, s := range customerSpecs() {
		c, err := g.planCustomer(s)
		if err != nil {
			return err
		}
		if err := g.insertCustomer(ctx, c); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		g.customers = append(g.customers, c)
		g.byName[s.name] = c
	}
	return nil
}

// phoneLabels are the labels of a mobile and an office phone per language.
func phoneLabels(lang string) [2]string {
	switch lang {
	case "fa":
		return [2]string{"همراه", "دفتر"}
	case "ar":
		return [2]string{"جوال", "مكتب"}
	}
	return [2]string{"Mobile", "Office"}
}

func (g *gen) insertCustomer(ctx context.Context, c *customer) error {
	s := c.spec
	var ownerID *int64
	if c.owner != nil {
		ownerID = &c.owner.id
	}
	updated, lastContact := c.lastMove().at, (*time.Time)(nil)
	for _, a := range c.acts {
		if a.at.After(updated) {
			updated = a.at
		}
		if a.kind != "note" {
			lastContact = &a.at
		}
	}
	err := g.tx.QueryRow(ctx, `INSERT INTO customers (name, name_norm, company, company_norm, job_title,
			industry, city, source, owner_id, stage_id, tags, personality_type, relationship_level,
			profit_margin, notes, created_by, created_at, updated_at, last_contact_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		RETURNING id`,
		s.name, textnorm.Fold(s.name), nullable(s.company), nullable(textnorm.Fold(s.company)),
		nullable(s.title), nullable(s.industry), nullable(s.city), nullable(s.source), ownerID,
		g.stages[s.stage], nonNil(s.tags), nullable(s.mbti), nullableInt(s.level), nullable(s.margin),
		nullable(s.notes), c.author.id, c.created, updated, lastContact).Scan(&c.id)
	if err != nil {
		return err
	}
	labels := phoneLabels(c.author.locale)
	for i, p := range c.phones {
		_, err := g.tx.Exec(ctx, `INSERT INTO customer_phones (e164, customer_id, label, is_primary, created_at)
			VALUES ($1, $2, $3, $4, $5)`, p, c.id, labels[min(i, 1)], i == 0, c.created)
		if err != nil {
			return err
		}
	}
	for _, m := range c.moves {
		var from *int64
		if m.from != "" {
			id := g.stages[m.from]
			from = &id
		}
		var code, text *string
		if m.reason != nil {
			code, text = &m.reason.code, &m.reason.text
		}
		_, err := g.tx.Exec(ctx, `INSERT INTO stage_history (customer_id, from_stage_id, to_stage_id,
				changed_by, changed_at, reason_code, reason_text)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, c.id, from, g.stages[m.to], c.author.id, m.at, code, text)
		if err != nil {
			return err
		}
	}
	return g.insertActivities(ctx, c)
}

// nullable returns nil for the empty string, so the column stays NULL.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullableInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
