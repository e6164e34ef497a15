package crm

import "time"

// InsightScope is whose customers /insights reads: one rep's own, one
// team's (owned by its members), or everyone's.
type InsightScope struct {
	OwnerID int64
	TeamID  int64
	All     bool
}

// InsightScopeFor is the scope a staff member may read: a rep their own
// customers, a manager their team's, an admin everyone's or one team's
// (teamID > 0). False for a manager without a team or an inactive member.
func InsightScopeFor(s Staff, teamID int64) (InsightScope, bool) {
	if !s.Active {
		return InsightScope{}, false
	}
	switch s.Role {
	case RoleAdmin:
		if teamID > 0 {
			return InsightScope{TeamID: teamID}, true
		}
		return InsightScope{All: true}, true
	case RoleManager:
		if s.TeamID == 0 {
			return InsightScope{}, false
		}
		return InsightScope{TeamID: s.TeamID}, true
	case RoleRep:
		return InsightScope{OwnerID: s.ID}, true
	}
	return InsightScope{}, false
}

// ValueRow is one buyer as /insights and the digest list them.
type ValueRow struct {
	CustomerID int64
	Name       string
	LTV        int64 // minor units
	Margin     int64 // margin-adjusted
	Last       time.Time
	Interval   time.Duration
}

// TimesOver is how many usual intervals have passed since the last
// invoice at now (0 without a rhythm).
func (v ValueRow) TimesOver(now time.Time) float64 {
	if v.Interval <= 0 {
		return 0
	}
	return float64(now.Sub(v.Last)) / float64(v.Interval)
}

// SegmentStat is one value segment within a scope: how many buyers and
// the revenue they brought.
type SegmentStat struct {
	Segment Segment
	Count   int
	LTV     int64
}

// Insights is the value and risk picture of a scope (seed 002's
// lifetime-value and prediction analyses).
type Insights struct {
	Currency string
	Buyers   int   // customers with a counted invoice
	LTV      int64 // the sum of their lifetime values
	Margin   int64 // margin-adjusted
	Margined bool  // product margins are set: Top is by Margin
	Top      []ValueRow
	Segments []SegmentStat // in Segments order
	AtRisk   []ValueRow    // the page asked for, the most valuable first
	AtRiskN  int
	Lapsed   []ValueRow
	LapsedN  int
}

// Share is part's share of whole in whole percent (0 when whole is 0).
func Share(part, whole int64) int {
	if whole <= 0 {
		return 0
	}
	return int((part*100 + whole/2) / whole)
}
