package crm

import "time"

// Relationship levels (DOMAIN.md §2, Kotler): how much the seller does
// after a sale. Customer.RelationshipLevel holds one (0: unset).
const (
	LevelBasic       = 1
	LevelReactive    = 2
	LevelAccountable = 3
	LevelProactive   = 4
	LevelPartnership = 5
)

// Margin and customer-base sizes an admin describes the business by.
const (
	MarginHigh   = "high"
	MarginMedium = "medium"
	MarginLow    = "low"

	BaseMany   = "many"
	BaseMedium = "medium"
	BaseFew    = "few"
)

// Margins and Bases list the choices in display order.
var (
	Margins = []string{MarginHigh, MarginMedium, MarginLow}
	Bases   = []string{BaseMany, BaseMedium, BaseFew}
)

// kotler is the matrix of seeds 000/004: customers (rows) × margin.
var kotler = map[string]map[string]int{
	BaseMany:   {MarginHigh: LevelAccountable, MarginMedium: LevelReactive, MarginLow: LevelBasic},
	BaseMedium: {MarginHigh: LevelProactive, MarginMedium: LevelAccountable, MarginLow: LevelReactive},
	BaseFew:    {MarginHigh: LevelPartnership, MarginMedium: LevelProactive, MarginLow: LevelAccountable},
}

// RecommendLevel is the Kotler level for a margin and a customer base,
// and whether the pair is known. Many customers at a low margin is
// "basic or reactive" in the matrix: basic is recommended (the seeds'
// rule: low margin or very many customers → basic), reactive allowed.
func RecommendLevel(margin, base string) (int, bool) {
	l, ok := kotler[base][margin]
	return l, ok
}

// LevelPolicy is the relationship policy of the business or of one
// product line: what the admin said of it, the level the matrix
// recommends and the level in force (the recommendation unless the admin
// overrode it).
type LevelPolicy struct {
	Margin     string    `json:"margin"`
	Base       string    `json:"base"`
	Level      int       `json:"level"`                // in force; 0: not set
	Overridden bool      `json:"overridden,omitempty"` // the admin chose Level over the recommendation
	SetAt      time.Time `json:"set_at"`
	SetBy      int64     `json:"set_by"`
}

// RelationshipPolicy is the business's policy and its product lines'
// (settings key "relationship_policy").
type RelationshipPolicy struct {
	Business LevelPolicy            `json:"business"`
	Lines    map[string]LevelPolicy `json:"lines,omitempty"` // by product line name
}

// Validate checks a level policy the admin confirmed.
func (p LevelPolicy) Validate() error {
	if _, ok := RecommendLevel(p.Margin, p.Base); !ok {
		return Errorf(EInvalid, "margin %q, base %q", p.Margin, p.Base)
	}
	if p.Level < LevelBasic || p.Level > LevelPartnership {
		return Errorf(EInvalid, "level %d", p.Level)
	}
	return nil
}

// LevelFor is the level in force for a customer: their own when set,
// else the business's (0: none).
func (p RelationshipPolicy) LevelFor(c Customer) int {
	if c.RelationshipLevel > 0 {
		return c.RelationshipLevel
	}
	return p.Business.Level
}

// Allowances is what a relationship level lets the bot do after a sale.
type Allowances struct {
	CustomerMayWrite bool // reactive and up: customers may write to their rep through the bot
	SurveyAfterSale  bool // accountable and up: the satisfaction survey after a sale
	CheckIns         bool // proactive and up: periodic check-in follow-ups
	ProductNews      bool // proactive and up: new-product suggestions by interest
	ReviewMeetings   bool // partnership: recurring review meetings as follow-ups
}

// Allows says what level allows; basic (or unset) allows nothing after
// the sale.
func Allows(level int) Allowances {
	return Allowances{
		CustomerMayWrite: level >= LevelReactive,
		SurveyAfterSale:  level >= LevelAccountable,
		CheckIns:         level >= LevelProactive,
		ProductNews:      level >= LevelProactive,
		ReviewMeetings:   level >= LevelPartnership,
	}
}

// Cadences of the level-driven follow-ups the risk sweep plans.
const (
	CheckInEvery = 90 * 24 * time.Hour // proactive: a check-in when nothing happened for this long
	ReviewEvery  = 30 * 24 * time.Hour // partnership: a review meeting this often
)

// RelationshipDue says which level-driven follow-up a customer at level
// needs at now, given their last contact and the last such follow-up
// planned for them (zero: never): "review" (partnership), "checkin"
// (proactive), or "".
func RelationshipDue(level int, lastContact, lastPlanned, now time.Time) string {
	a := Allows(level)
	since := func(t time.Time, d time.Duration) bool { return t.IsZero() || now.Sub(t) >= d }
	switch {
	case a.ReviewMeetings && since(lastPlanned, ReviewEvery):
		return "review"
	case a.CheckIns && !a.ReviewMeetings && since(lastPlanned, CheckInEvery) && since(lastContact, CheckInEvery):
		return "checkin"
	}
	return ""
}

// RelationTarget is a customer whose relationship level may call for a
// check-in or a review meeting.
type RelationTarget struct {
	CustomerID  int64
	OwnerID     int64
	Level       int // the customer's own, else the business's
	LastContact time.Time
	LastPlanned time.Time
}
