package crm

import (
	"time"
	"unicode/utf8"
)

// SurveyKind is the question a survey asks.
type SurveyKind string

// The survey kinds: CSAT (1–5, "how satisfied are you with …?") and NPS
// (0–10, "how likely are you to recommend us?").
const (
	SurveyCSAT SurveyKind = "csat"
	SurveyNPS  SurveyKind = "nps"
)

// SurveyKinds lists the kinds in display order.
var SurveyKinds = []SurveyKind{SurveyCSAT, SurveyNPS}

// SurveyTrigger is what made the bot ask.
type SurveyTrigger string

// The triggers of a survey.
const (
	TriggerInvoice      SurveyTrigger = "invoice"      // N days after an invoice
	TriggerVisit        SurveyTrigger = "visit"        // N days after a visit
	TriggerStage        SurveyTrigger = "stage"        // N days after a move into the chosen stage
	TriggerManual       SurveyTrigger = "manual"       // a rep pressed "send survey" on the card
	TriggerRelationship SurveyTrigger = "relationship" // the periodic relationship NPS
	TriggerRecovery     SurveyTrigger = "recovery"     // a recovered detractor, asked again
)

// SurveyTriggers lists every trigger (for messages and reports).
var SurveyTriggers = []SurveyTrigger{TriggerInvoice, TriggerVisit, TriggerStage, TriggerManual, TriggerRelationship, TriggerRecovery}

// Kind is the question a trigger asks: a transaction (invoice, visit,
// stage, manual) is rated with CSAT, the relationship with NPS.
func (t SurveyTrigger) Kind() SurveyKind {
	if t == TriggerRelationship || t == TriggerRecovery {
		return SurveyNPS
	}
	return SurveyCSAT
}

// SurveyStatus is where a survey request stands.
type SurveyStatus string

// Survey statuses: planned, sent and open, closed after its week (answered),
// expired (never answered), or dropped before it was sent.
const (
	SurveyPending SurveyStatus = "pending"
	SurveySent    SurveyStatus = "sent"
	SurveyClosed  SurveyStatus = "closed"
	SurveyExpired SurveyStatus = "expired"
	SurveyDropped SurveyStatus = "dropped"
)

// Survey timing (issue 12: the norm among the best tools).
const (
	SurveyLifetime      = 7 * 24 * time.Hour  // a survey expires a week after it was sent
	SurveyReminderAfter = 48 * time.Hour      // one gentle reminder
	RecoveryResurvey    = 21 * 24 * time.Hour // a recovered detractor is asked again
	// ScoreExpectedFor is how long after the survey (or its reminder)
	// arrived a customer's text is taken for an answer to it: the question
	// is asked again; later, their text reaches their rep as any message.
	ScoreExpectedFor = 24 * time.Hour
	// CommentWindow is how long after the last part of a comment another
	// message still belongs to it (Telegram splits a long text in parts).
	CommentWindow = 5 * time.Minute
	// DaytimeStart and DaytimeEnd bound the customer's daytime, in hours
	// of their local clock: nobody is surveyed at night.
	DaytimeStart = 9
	DaytimeEnd   = 20
	// MaxSurveyWording bounds an admin's question text.
	MaxSurveyWording = 500
)

// Survey is one survey request with its answer, if any.
type Survey struct {
	ID         int64
	CustomerID int64
	Kind       SurveyKind
	Trigger    SurveyTrigger
	Status     SurveyStatus
	DueAt      time.Time // not sent before
	SentAt     time.Time // zero: not sent
	RemindedAt time.Time
	ExpiresAt  time.Time
	Locale     string // the language it was sent in
	Wording    int    // the wording's version (0: the default)
	// The answer: Score is -1 until the customer taps one.
	Score      int
	Comment    string
	AnsweredAt time.Time
	CommentAt  time.Time // the last part of the comment arrived
	// CommentAsked is set once the score is in and the comment asked for;
	// CommentDone once the customer wrote it or skipped it.
	CommentAsked time.Time
	CommentDone  bool
}

// Open reports whether the survey still takes answers at now.
func (s Survey) Open(now time.Time) bool {
	return s.Status == SurveySent && now.Before(s.ExpiresAt)
}

// ScoreExpected reports whether the customer's text at now is taken as an
// answer to unanswered survey s (within crm.ScoreExpectedFor of its
// arrival or its reminder's).
func (s Survey) ScoreExpected(now time.Time) bool {
	last := s.SentAt
	if s.RemindedAt.After(last) {
		last = s.RemindedAt
	}
	return !s.Answered() && s.Open(now) && now.Sub(last) < ScoreExpectedFor
}

// CommentExpected reports whether the customer's text at now is the
// comment of survey s: it is answered, the comment was asked for less
// than crm.ScoreExpectedFor ago, and neither written nor skipped yet.
func (s Survey) CommentExpected(now time.Time) bool {
	return s.Answered() && !s.CommentDone && !s.CommentAsked.IsZero() && s.Open(now) && now.Sub(s.CommentAsked) < ScoreExpectedFor
}

// Answered reports whether the customer gave a score.
func (s Survey) Answered() bool { return s.Score >= 0 }

// ScoreRange is the lowest and highest score of kind.
func ScoreRange(kind SurveyKind) (lo, hi int) {
	if kind == SurveyNPS {
		return 0, 10
	}
	return 1, 5
}

// ValidScore reports whether score is an answer to kind.
func ValidScore(kind SurveyKind, score int) bool {
	lo, hi := ScoreRange(kind)
	return score >= lo && score <= hi
}

// LowScore reports whether an answer alerts the rep: CSAT ≤ 2 or NPS ≤ 6
// (a detractor).
func LowScore(kind SurveyKind, score int) bool { return score <= LowScoreMax(kind) }

// LowScoreMax is the highest score of kind that is low (LowScore): 6 for
// NPS, 2 for CSAT. Queries that pick low answers read it from here.
func LowScoreMax(kind SurveyKind) int {
	if kind == SurveyNPS {
		return 6
	}
	return 2
}

// SurveySettings are the admin's choices (settings key "surveys").
type SurveySettings struct {
	InvoiceOn        bool   `json:"invoice_on"`
	InvoiceDays      int    `json:"invoice_days"`
	VisitOn          bool   `json:"visit_on"`
	VisitDays        int    `json:"visit_days"`
	StageOn          bool   `json:"stage_on"`
	StageDays        int    `json:"stage_days"`
	StageKey         string `json:"stage_key"` // the stage whose entry is surveyed
	RelationshipOn   bool   `json:"relationship_on"`
	RelationshipDays int    `json:"relationship_days"` // at most one relationship NPS per customer this often
	ThrottleDays     int    `json:"throttle_days"`     // at most one survey per customer this often
}

// Limits of the settings.
const (
	MinThrottleDays = 7
	MaxThrottleDays = 180
	MaxTriggerDays  = 30
)

// DefaultSurveySettings: every trigger on, two days after an invoice, a
// visit or becoming a first-time customer, a relationship NPS every 90
// days, one survey per customer per 30 days.
func DefaultSurveySettings() SurveySettings {
	return SurveySettings{InvoiceOn: true, InvoiceDays: 2, VisitOn: true, VisitDays: 2, StageOn: true, StageDays: 2,
		StageKey: "first_time", RelationshipOn: true, RelationshipDays: 90, ThrottleDays: 30}
}

// Validate checks the settings an admin chose.
func (s SurveySettings) Validate() error {
	switch {
	case s.ThrottleDays < MinThrottleDays || s.ThrottleDays > MaxThrottleDays:
		return Errorf(EInvalid, "throttle %d days", s.ThrottleDays)
	case s.RelationshipDays < s.ThrottleDays || s.RelationshipDays > 365:
		return Errorf(EInvalid, "relationship every %d days", s.RelationshipDays)
	case s.StageKey == "":
		return Errorf(EInvalid, "no stage")
	}
	for _, d := range []int{s.InvoiceDays, s.VisitDays, s.StageDays} {
		if d < 0 || d > MaxTriggerDays {
			return Errorf(EInvalid, "trigger after %d days", d)
		}
	}
	return nil
}

// ValidateWording checks an admin's question text.
func ValidateWording(text string) error {
	n := utf8.RuneCountInString(text)
	if n == 0 || n > MaxSurveyWording {
		return Errorf(EInvalid, "wording of %d characters", n)
	}
	return nil
}

// Daytime reports whether t is within the customer's daytime in loc.
func Daytime(t time.Time, loc *time.Location) bool {
	h := t.In(loc).Hour()
	return h >= DaytimeStart && h < DaytimeEnd
}

// NextDaytime is t when it is daytime in loc, else the next day start.
func NextDaytime(t time.Time, loc *time.Location) time.Time {
	if Daytime(t, loc) {
		return t
	}
	l := t.In(loc)
	start := time.Date(l.Year(), l.Month(), l.Day(), DaytimeStart, 0, 0, 0, loc)
	if !l.Before(start) {
		start = time.Date(l.Year(), l.Month(), l.Day()+1, DaytimeStart, 0, 0, 0, loc)
	}
	return start
}

// SurveyDecision is what dispatch does with a planned survey now.
type SurveyDecision int

// The decisions of dispatch.
const (
	SendSurvey   SurveyDecision = iota
	WaitSurvey                  // not daytime yet: wait until the returned time
	DropSurvey                  // never send it (the returned reason says why)
	ExpireSurvey                // planned too long ago to still make sense
)

// Reasons a planned survey is dropped.
const (
	DropNotMessageable = "not_messageable" // not linked, no consent, opted out, unreachable or deleted
	DropSkipped        = "skipped"         // the rep chose to skip the customer's surveys
	DropThrottled      = "throttled"       // surveyed too recently
)

// SurveyContext is what dispatch knows of a planned survey's customer.
type SurveyContext struct {
	Customer     Customer
	Skipped      bool      // the rep skipped this customer's surveys
	LastSentAt   time.Time // their last survey sent (zero: never), this one aside
	Location     *time.Location
	ThrottleDays int
}

// DecideSurvey says whether survey s goes out at now: never to a customer
// who may not be messaged or whose surveys were skipped; at most one per
// throttle period (a recovered detractor's re-survey excepted); only in
// the customer's daytime; and not once a week has passed since it was due.
func DecideSurvey(s Survey, c SurveyContext, now time.Time) (SurveyDecision, time.Time, string) {
	switch {
	case !c.Customer.Messageable():
		return DropSurvey, time.Time{}, DropNotMessageable
	case c.Skipped && s.Trigger != TriggerManual:
		return DropSurvey, time.Time{}, DropSkipped
	case s.Trigger != TriggerRecovery && s.Trigger != TriggerManual && !c.LastSentAt.IsZero() &&
		now.Sub(c.LastSentAt) < time.Duration(c.ThrottleDays)*24*time.Hour:
		return DropSurvey, time.Time{}, DropThrottled
	case now.Sub(s.DueAt) >= SurveyLifetime:
		return ExpireSurvey, time.Time{}, ""
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	if !Daytime(now, loc) {
		return WaitSurvey, NextDaytime(now, loc), ""
	}
	return SendSurvey, now, ""
}

// SurveyZone is the customer's time zone: their own, else their owner's,
// else the organisation's.
func SurveyZone(customerZone, ownerZone string, org *time.Location) *time.Location {
	for _, z := range []string{customerZone, ownerZone} {
		if z == "" {
			continue
		}
		if loc, err := time.LoadLocation(z); err == nil {
			return loc
		}
	}
	if org == nil {
		return time.UTC
	}
	return org
}

// WithinOneWorkingDay is when a call back promised at t falls due: the
// same time on the next working day of w (its nearest working time),
// so a detractor is called within one working day.
func WithinOneWorkingDay(w WorkHours, t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	for i := 1; i <= 7; i++ {
		d := l.AddDate(0, 0, i)
		if len(w[d.Weekday()]) == 0 {
			continue
		}
		spans := w[d.Weekday()]
		midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		mins := l.Hour()*60 + l.Minute()
		last := spans[len(spans)-1]
		switch {
		case mins < spans[0].Start:
			return midnight.Add(time.Duration(spans[0].Start) * time.Minute)
		case mins >= last.End:
			return midnight.Add(time.Duration(last.End-1) * time.Minute)
		}
		return w.NextWorkingTime(midnight.Add(time.Duration(mins)*time.Minute), loc)
	}
	return t.Add(24 * time.Hour)
}

// AlertOutcome is what came of calling a detractor back.
type AlertOutcome string

// The outcomes of a call back.
const (
	OutcomeRecovered    AlertOutcome = "recovered"
	OutcomeNotRecovered AlertOutcome = "not_recovered"
	OutcomeUnreachable  AlertOutcome = "unreachable"
)

// AlertOutcomes lists the outcomes in display order.
var AlertOutcomes = []AlertOutcome{OutcomeRecovered, OutcomeNotRecovered, OutcomeUnreachable}

// SurveyAlert is a low score sent to the rep and their manager, with the
// call back it asks for and what came of it.
type SurveyAlert struct {
	ID         int64
	SurveyID   int64
	CustomerID int64
	RepID      int64
	FollowUpID int64
	CreatedAt  time.Time
	Outcome    AlertOutcome // "" until the call's outcome is told
	OutcomeAt  time.Time
}

// SurveyCandidate is a survey the dispatch job decides on, with its
// customer and what the rules read of them.
type SurveyCandidate struct {
	Survey     Survey
	Customer   Customer
	Skipped    bool      // the rep skipped this customer's surveys
	LastSentAt time.Time // their last other survey sent (zero: never)
	OwnerZone  string    // the owner's time zone
}
