package crm

import (
	"time"
	"unicode/utf8"
)

// ActivityKind is what the rep did.
type ActivityKind string

// Activity kinds.
const (
	ActivityCall    ActivityKind = "call"
	ActivityVisit   ActivityKind = "visit"
	ActivityMessage ActivityKind = "message"
	ActivityNote    ActivityKind = "note"
)

// Outcome is how a call or visit went.
type Outcome string

// Call outcomes, in the order the bot offers them.
const (
	OutcomeReached       Outcome = "reached"
	OutcomeNoAnswer      Outcome = "no_answer"
	OutcomeBusy          Outcome = "busy"
	OutcomeWrongNumber   Outcome = "wrong_number"
	OutcomeCallBackLater Outcome = "call_back_later"
	OutcomeNotInterested Outcome = "not_interested"
)

// Outcomes lists every outcome in display order.
var Outcomes = []Outcome{OutcomeReached, OutcomeNoAnswer, OutcomeBusy, OutcomeWrongNumber, OutcomeCallBackLater, OutcomeNotInterested}

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool {
	for _, k := range Outcomes {
		if k == o {
			return true
		}
	}
	return false
}

// Activity is one logged contact with a customer: the organisation's memory.
type Activity struct {
	ID             int64
	CustomerID     int64
	StaffID        int64
	StaffName      string
	Kind           ActivityKind
	Outcome        Outcome // calls and visits; optional
	Duration       time.Duration
	Note           string
	VoiceFileID    string
	VoiceDuration  time.Duration
	Latitude       float64
	Longitude      float64
	HasLocation    bool
	OccurredAt     time.Time // when the rep sent it (the message's date)
	SourceUpdateID int64     // the Telegram update that created it, for idempotency
}

// Validate checks an activity before it is stored.
func (a *Activity) Validate() error {
	switch a.Kind {
	case ActivityCall, ActivityVisit, ActivityMessage, ActivityNote:
	default:
		return Errorf(EInvalid, "activity kind %q", a.Kind)
	}
	switch {
	case a.CustomerID == 0:
		return Errorf(EInvalid, "no customer")
	case a.Outcome != "" && !a.Outcome.Valid():
		return Errorf(EInvalid, "outcome %q", a.Outcome)
	case a.Duration < 0 || a.Duration > 24*time.Hour:
		return Errorf(EInvalid, "duration %s", a.Duration)
	case utf8.RuneCountInString(a.Note) > MaxNoteLen:
		return Errorf(EInvalid, "note is too long")
	case a.HasLocation && (a.Latitude < -90 || a.Latitude > 90 || a.Longitude < -180 || a.Longitude > 180):
		return Errorf(EInvalid, "location out of range")
	case a.OccurredAt.IsZero():
		return Errorf(EInvalid, "no time")
	case a.Kind == ActivityNote && a.Note == "" && a.VoiceFileID == "":
		return Errorf(EInvalid, "empty note")
	}
	return nil
}
