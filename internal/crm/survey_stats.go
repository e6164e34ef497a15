package crm

import (
	"sort"
	"time"
)

// SurveyFact is one survey sent in a period, as the results read it: who
// owned the customer then, the answer, and the closed loop of a low one.
type SurveyFact struct {
	SurveyID int64
	Kind     SurveyKind
	RepID    int64 // the customer's owner (0: the pool)
	RepName  string
	TeamID   int64 // the owner's team (0: none)
	SentAt   time.Time
	Score    int          // -1: not answered
	Alerted  bool         // a low score raised an alert
	Outcome  AlertOutcome // "" until the call back's outcome was told
}

// SurveyFigures are the results of a group of surveys, each figure with the
// count it stands on.
type SurveyFigures struct {
	Sent      int // surveys sent
	Responses int // of which answered
	// CSATSum and CSATCount give the CSAT average (1–5).
	CSATCount int
	CSATSum   int
	// NPS answers: promoters (9–10), passives (7–8), detractors (0–6).
	NPSCount   int
	Promoters  int
	Detractors int
	// The closed loop: low scores alerted, and those whose call back's
	// outcome was told.
	Alerts int
	Closed int
}

// ResponseRate is answered / sent, in percent (0 when nothing was sent).
func (f SurveyFigures) ResponseRate() float64 { return pct(f.Responses, f.Sent) }

// CSAT is the average CSAT score (0 when there is none).
func (f SurveyFigures) CSAT() float64 {
	if f.CSATCount == 0 {
		return 0
	}
	return float64(f.CSATSum) / float64(f.CSATCount)
}

// NPS is promoters minus detractors, in percent of NPS answers (-100…100).
func (f SurveyFigures) NPS() float64 {
	return pct(f.Promoters, f.NPSCount) - pct(f.Detractors, f.NPSCount)
}

// ClosedLoopRate is the share of alerts whose call back's outcome was
// told, in percent.
func (f SurveyFigures) ClosedLoopRate() float64 { return pct(f.Closed, f.Alerts) }

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

func (f *SurveyFigures) add(x SurveyFact) {
	f.Sent++
	if x.Alerted {
		f.Alerts++
		if x.Outcome != "" {
			f.Closed++
		}
	}
	if x.Score < 0 {
		return
	}
	f.Responses++
	switch x.Kind {
	case SurveyCSAT:
		f.CSATCount++
		f.CSATSum += x.Score
	case SurveyNPS:
		f.NPSCount++
		switch {
		case x.Score >= 9:
			f.Promoters++
		case x.Score <= 6:
			f.Detractors++
		}
	}
}

// RepFigures are one rep's results.
type RepFigures struct {
	RepID   int64
	RepName string
	TeamID  int64
	SurveyFigures
}

// TeamFigures are one team's results.
type TeamFigures struct {
	TeamID int64
	SurveyFigures
}

// SurveyResults are a period's results overall, by team and by rep.
type SurveyResults struct {
	From, To time.Time
	Total    SurveyFigures
	Teams    []TeamFigures // by team id
	Reps     []RepFigures  // most surveys first
}

// SummarizeSurveys computes the results of the surveys sent in [from, to):
// response rate, CSAT average, NPS and the closed-loop rate, overall, by
// team and by rep. The managers' digest calls it as /surveys does, on the
// facts of postgres.DB.SurveyFacts.
func SummarizeSurveys(facts []SurveyFact, from, to time.Time) SurveyResults {
	res := SurveyResults{From: from, To: to}
	teams := map[int64]*TeamFigures{}
	reps := map[int64]*RepFigures{}
	for _, x := range facts {
		if x.SentAt.Before(from) || !x.SentAt.Before(to) {
			continue
		}
		res.Total.add(x)
		t := teams[x.TeamID]
		if t == nil {
			t = &TeamFigures{TeamID: x.TeamID}
			teams[x.TeamID] = t
		}
		t.add(x)
		r := reps[x.RepID]
		if r == nil {
			r = &RepFigures{RepID: x.RepID, RepName: x.RepName, TeamID: x.TeamID}
			reps[x.RepID] = r
		}
		r.add(x)
	}
	for _, t := range teams {
		res.Teams = append(res.Teams, *t)
	}
	sort.Slice(res.Teams, func(i, j int) bool { return res.Teams[i].TeamID < res.Teams[j].TeamID })
	for _, r := range reps {
		res.Reps = append(res.Reps, *r)
	}
	sort.Slice(res.Reps, func(i, j int) bool {
		if res.Reps[i].Sent != res.Reps[j].Sent {
			return res.Reps[i].Sent > res.Reps[j].Sent
		}
		return res.Reps[i].RepID < res.Reps[j].RepID
	})
	return res
}
