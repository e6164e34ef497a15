package crm

import "time"

// StageChange is one move of a customer between stages, as the history
// page shows it.
type StageChange struct {
	CustomerID int64
	From       Stage // zero ID: the customer's first stage
	To         Stage
	ByName     string // who moved it; "" when unknown
	At         time.Time
	ReasonCode string
	ReasonText string
}

// FollowUpEventKind says what happened to a follow-up.
type FollowUpEventKind string

// The follow-up events of a customer's history.
const (
	FollowUpPlanned    FollowUpEventKind = "planned"
	FollowUpMoved      FollowUpEventKind = "moved"
	FollowUpSnoozed    FollowUpEventKind = "snoozed"
	FollowUpClosed     FollowUpEventKind = "done"
	FollowUpReopened   FollowUpEventKind = "reopened"
	FollowUpWithdrawn  FollowUpEventKind = "cancelled"
	FollowUpNoNextStep FollowUpEventKind = "no_next_step" // no follow-up: the rep chose none
)

// FollowUpEvent is a follow-up planned, moved, done or withdrawn, or the
// choice of no next step, as the history page shows it.
type FollowUpEvent struct {
	CustomerID int64
	Kind       FollowUpEventKind
	DueAt      time.Time // zero for FollowUpNoNextStep
	ByName     string    // who did it; "" when unknown
	At         time.Time
}

// HistoryEntry is one line of a customer's history: an activity, a stage
// change or a follow-up event, exactly one of them set.
type HistoryEntry struct {
	At          time.Time
	Activity    *Activity
	StageChange *StageChange
	FollowUp    *FollowUpEvent
	Survey      *Survey       // a survey answered (migration 011)
	Campaign    *CampaignSend // a campaign's message to the customer (migration 014)
}

// CustomerDate is an important date with the customer it belongs to and
// that customer's owner, for reminders and "my day".
type CustomerDate struct {
	ImportantDate
	CustomerName string
	OwnerID      int64
}
