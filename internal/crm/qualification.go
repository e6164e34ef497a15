package crm

import (
	"math"
	"time"
)

// Answer is the answer to one of seed 003's qualification questions.
type Answer string

// Answers: "" is not answered (skipped).
const (
	AnswerNone   Answer = ""
	AnswerYes    Answer = "yes"
	AnswerNo     Answer = "no"
	AnswerUnsure Answer = "unsure"
)

// Valid reports whether a is one of the answers.
func (a Answer) Valid() bool {
	return a == AnswerNone || a == AnswerYes || a == AnswerNo || a == AnswerUnsure
}

// Questions are seed 003's three questions, in the order they are asked:
// can we help them, do they need our help, do we want an ongoing
// relationship with them.
var Questions = []string{QuestionCanHelp, QuestionNeedsUs, QuestionOngoing}

// Question keys.
const (
	QuestionCanHelp = "can_help"
	QuestionNeedsUs = "needs_us"
	QuestionOngoing = "ongoing"
)

// Qualification is what was learnt of a lead when qualifying them (seed
// 003): the three answers, the company's revenue band and where they are.
// Job title, industry and city are the customer's own fields.
type Qualification struct {
	CustomerID      int64
	CanHelp         Answer
	NeedsUs         Answer
	Ongoing         Answer
	RevenueBand     string // a RevenueBands key; "" not said
	RevenueCurrency string // the currency the band was chosen in
	HasLocation     bool
	Latitude        float64
	Longitude       float64
	By              int64 // who first qualified them
	ByName          string
	At              time.Time // when
	UpdatedAt       time.Time
}

// Answer returns the answer to question q.
func (q Qualification) Answer(key string) Answer {
	switch key {
	case QuestionCanHelp:
		return q.CanHelp
	case QuestionNeedsUs:
		return q.NeedsUs
	case QuestionOngoing:
		return q.Ongoing
	}
	return AnswerNone
}

// SetAnswer records a to question key; false for an unknown question or
// answer.
func (q *Qualification) SetAnswer(key string, a Answer) bool {
	if !a.Valid() {
		return false
	}
	switch key {
	case QuestionCanHelp:
		q.CanHelp = a
	case QuestionNeedsUs:
		q.NeedsUs = a
	case QuestionOngoing:
		q.Ongoing = a
	default:
		return false
	}
	return true
}

// SuggestsUnqualified reports whether the answers say the lead is not
// worth pursuing: we cannot help them, or they do not need us.
func (q Qualification) SuggestsUnqualified() bool {
	return q.CanHelp == AnswerNo || q.NeedsUs == AnswerNo
}

// Empty reports whether nothing was recorded.
func (q Qualification) Empty() bool {
	return q.CanHelp == "" && q.NeedsUs == "" && q.Ongoing == "" && q.RevenueBand == "" && !q.HasLocation
}

// Validate checks a qualification before it is stored.
func (q Qualification) Validate() error {
	switch {
	case q.CustomerID == 0:
		return Errorf(EInvalid, "no customer")
	case !q.CanHelp.Valid() || !q.NeedsUs.Valid() || !q.Ongoing.Valid():
		return Errorf(EInvalid, "answer")
	case q.RevenueBand != "" && !validBand(q.RevenueBand):
		return Errorf(EInvalid, "revenue band %q", q.RevenueBand)
	case q.HasLocation && (math.Abs(q.Latitude) > 90 || math.Abs(q.Longitude) > 180):
		return Errorf(EInvalid, "location")
	}
	return nil
}

// leadRungs are the stages of each shipped pipeline a lead is in before
// anyone judged them; qualifiedRungs the ones above that a qualified lead
// may reach (migration 002 keys). Side exits (disqualified, unqualified
// lead), lost and past customers are neither: moving there is not
// qualifying.
var (
	leadRungs = map[string][]string{
		TemplateLadder:     {"suspect", "prospect"},
		TemplateSalesCycle: {"subscriber", "lead"},
	}
	qualifiedRungs = map[string][]string{
		TemplateLadder: {"prospect", "first_time", "repeat", "client", "advocate", "partner"},
		TemplateSalesCycle: {"qualified_active", "qualified_nurturing", "qualified_unresponsive", "opportunity",
			"customer", "evangelist", "friends_family"},
	}
	// unqualifiedRung is where each pipeline puts a lead not worth pursuing.
	unqualifiedRung = map[string]string{TemplateLadder: "disqualified", TemplateSalesCycle: "unqualified_lead"}
)

// NeedsQualification reports whether a move from one stage to another
// qualifies a lead, so the seed-003 questions are asked: within one
// shipped pipeline, up from a lead rung (ladder: suspect, prospect;
// sales cycle: subscriber, lead) onto a higher qualified rung (ladder:
// prospect and the customer rungs; sales cycle: the qualified stages,
// opportunity, customer, evangelist, friends and family). A customer
// already qualified is not asked again (their answers are edited from the
// card); a stage an admin added has no key here and never asks.
func NeedsQualification(from, to Stage, alreadyQualified bool) bool {
	if alreadyQualified || from.Template != to.Template || to.Position <= from.Position {
		return false
	}
	return contains(leadRungs[from.Template], from.Key) && contains(qualifiedRungs[to.Template], to.Key)
}

// UnqualifiedStageKey is the stage (key) a pipeline puts a lead not worth
// pursuing in; "" for an unknown template.
func UnqualifiedStageKey(template string) string { return unqualifiedRung[template] }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// RevenueBands are the bands a company's yearly revenue is put in, smallest
// first.
var RevenueBands = []string{"b1", "b2", "b3", "b4"}

func validBand(b string) bool { return contains(RevenueBands, b) }

// bandBounds are the bands' bounds in whole units of a currency, roughly
// the same worth in each (100 thousand, 1 million and 10 million US
// dollars), rounded to figures people say.
var bandBounds = map[string][3]int64{
	"USD": {100_000, 1_000_000, 10_000_000},
	"EUR": {100_000, 1_000_000, 10_000_000},
	"IRR": {100_000_000_000, 1_000_000_000_000, 10_000_000_000_000},
	"IRT": {10_000_000_000, 100_000_000_000, 1_000_000_000_000},
	"AED": {400_000, 4_000_000, 40_000_000},
	"SAR": {400_000, 4_000_000, 40_000_000},
	"QAR": {400_000, 4_000_000, 40_000_000},
	"KWD": {30_000, 300_000, 3_000_000},
	"TRY": {4_000_000, 40_000_000, 400_000_000},
}

// BandBounds returns the band bounds (whole units) of currency, US
// dollars' for a currency without its own.
func BandBounds(currency string) [3]int64 {
	if b, ok := bandBounds[currency]; ok {
		return b
	}
	return bandBounds["USD"]
}
