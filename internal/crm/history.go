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

// HistoryEntry is one line of a customer's history: an activity or a stage
// change, exactly one of them set.
type HistoryEntry struct {
	At          time.Time
	Activity    *Activity
	StageChange *StageChange
}

// CustomerDate is an important date with the customer it belongs to and
// that customer's owner, for reminders and "my day".
type CustomerDate struct {
	ImportantDate
	CustomerName string
	OwnerID      int64
}
