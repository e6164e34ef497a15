// Package digest is the managers' daily digest as data: who it covers (a
// team or the whole company), the period it reports on, what it holds (per
// rep work, the funnel, overdue follow-ups, today's dates, what works) and
// when it is sent (a robfig/cron/v3 schedule per manager, in their zone and
// work week). It imports no adapter: internal/postgres fills a Data,
// internal/schedule plans the scheduled sends and bot/ renders it.
package digest

import (
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// Scope is whose work a digest covers: one team's reps, or every rep of
// the company (admins only).
type Scope struct {
	TeamID int64 // 0 with All
	All    bool
}

// ScopeFor is the scope a staff member may see: a manager's team, the
// whole company for an admin who asks for it; false for reps and
// managers without a team.
func ScopeFor(s crm.Staff, wantAll bool) (Scope, bool) {
	if !s.Active {
		return Scope{}, false
	}
	switch s.Role {
	case crm.RoleAdmin:
		if wantAll || s.TeamID == 0 {
			return Scope{All: true}, true
		}
		return Scope{TeamID: s.TeamID}, true
	case crm.RoleManager:
		if s.TeamID == 0 {
			return Scope{}, false
		}
		return Scope{TeamID: s.TeamID}, true
	}
	return Scope{}, false
}

// Query is what a digest is built from: whose work, over which period,
// the funnel's moves since when, and the instant "now" (overdue, no next
// step) in the reader's zone and calendar.
type Query struct {
	Scope    Scope
	Period   Period
	Since    time.Time // the last digest (moves and low scores since then)
	Now      time.Time
	Loc      *time.Location
	Calendar string // the reader's calendar: this month and last month in it
	Template string // the active pipeline
}

// Ratio is n of d, kept as counts so that a small sample is seen as one.
type Ratio struct{ N, D int }

// Percent is the share in whole percent, 0 when there is nothing to share.
func (r Ratio) Percent() int {
	if r.D == 0 {
		return 0
	}
	return (r.N*100 + r.D/2) / r.D
}

// RepStats is one rep's work over the period.
type RepStats struct {
	StaffID      int64
	Name         string
	Calls        int // calls logged
	Reached      int // of them, with the customer reached
	Visits       int
	NewCustomers int // customers created in the period now owned by the rep
	Up, Down     int // stage moves by the rep up and down the ladder
	OnTime, Late int // follow-ups done in the period, by their due time
	OverdueNow   int // open follow-ups past due at Now
	NoNextStep   int // open-stage customers with no open follow-up
	// Survey is the rep's customers' NPS answers in the period (0–10; CSAT
	// answers, on a scale of 5, are not mixed in); Survey.D is 0 when
	// there are none.
	Survey Score
}

// Score is a number of NPS answers and the sum of their scores (0–10).
type Score struct{ Sum, D int }

// StageRow is one rung of the funnel: customers on it now and moved onto
// it since the last digest.
type StageRow struct {
	Stage   crm.Stage
	Now     int
	MovedIn int
}

// Conversion is the share of the customers who left rung From in a month
// who climbed to a higher rung, this month and the one before.
type Conversion struct {
	From, To        crm.Stage
	ThisMonth, Last Ratio
}

// Overdue is an open follow-up past due.
type Overdue struct {
	FollowUpID, CustomerID int64
	Customer, Rep          string
	DueAt                  time.Time
}

// DateToday is a customer's important date falling today.
type DateToday struct {
	CustomerID int64
	Customer   string
	Rep        string
	Kind       crm.ImportantDateKind
	Label      string
}

// LowScore is a low survey answer (crm.LowScore: CSAT ≤ 2, NPS ≤ 6) since
// the last digest.
type LowScore struct {
	CustomerID int64
	Customer   string
	Score      int
	At         time.Time
}

// Preceder is an activity kind and outcome that came last before a stage
// advance, and how many advances it preceded.
type Preceder struct {
	Kind    crm.ActivityKind
	Outcome crm.Outcome // "" when none was recorded
	Count   int
}

// BestRep is the rep with the best conversion this month: advances of the
// customers they worked on.
type BestRep struct {
	StaffID int64
	Name    string
	Ratio   Ratio
}

// MinSample is the fewest customers a rep must have worked on this month
// to be named the best converter: fewer is chance, not a trend.
const MinSample = 5

// Data is one digest.
type Data struct {
	Query     Query
	Reps      []RepStats // by name
	Funnel    []StageRow // the active pipeline in ladder order
	Convert   []Conversion
	Overdue   []Overdue // the most overdue first, at most OverdueTop
	OverdueN  int       // all overdue follow-ups of the scope
	Dates     []DateToday
	LowScores []LowScore
	// Advances is the number of stage advances this month; Preceders the
	// last activities before them, the most frequent first.
	Advances  int
	Preceders []Preceder
	Best      *BestRep // nil when nobody reached MinSample
	Trend     Trend
	// Surveys is false while the product has no survey answers to read
	// (SurveyHook).
	Surveys bool
	// Risk is the scope's buyers past their buying rhythm.
	Risk Risk
}

// Risk is the digest's value-at-risk section: the scope's customers
// flagged at risk or lapsed by the risk sweep, how many of them crossed
// their threshold since the last digest, and the most valuable of them.
type Risk struct {
	AtRisk int // at risk or lapsed now
	Lapsed int // of them, lapsed
	New    int // crossed k × their interval since Query.Since
	Top    []crm.ValueRow
	// Currency is the one the values of Top are in.
	Currency string
}

// RiskTop is how many customers at risk the digest names.
const RiskTop = 3

// OverdueTop is how many overdue follow-ups the digest lists.
const OverdueTop = 10

// TrendDays is the length of the activity trend the chart draws.
const TrendDays = 14

// Trend is the activities logged per rep per local day, oldest day first.
type Trend struct {
	Days []time.Time // local midnights
	Reps []RepTrend  // same order as Data.Reps
}

// RepTrend is one rep's activities per day of the trend.
type RepTrend struct {
	StaffID int64
	Name    string
	Counts  []int // len == len(Trend.Days)
}

// Rung reports whether s is a rung of the ladder the funnel draws: a live
// open or won stage (side exits, inactive and lost are off the ladder).
func Rung(s crm.Stage) bool {
	return !s.Archived && (s.Kind == crm.KindOpen || s.Kind == crm.KindWon)
}

// Advance reports whether a move from one stage to another climbs the
// ladder: onto a rung, from a lower rung or from off the ladder (a
// customer won back). Every other move is a step down.
func Advance(from, to crm.Stage) bool {
	onLadder := to.Kind == crm.KindOpen || to.Kind == crm.KindWon
	fromLadder := from.Kind == crm.KindOpen || from.Kind == crm.KindWon
	return onLadder && (!fromLadder || to.Position > from.Position)
}

// SurveyHook: survey scores come from survey_responses (migration 001),
// read by internal/postgres/digest_surveys.go; when the survey feature
// changes where answers live, only that file changes.
const SurveyHook = "survey_responses"
