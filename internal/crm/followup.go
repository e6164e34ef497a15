package crm

import "time"

// FollowUpStatus is where a follow-up stands.
type FollowUpStatus string

// Follow-up statuses.
const (
	FollowUpOpen      FollowUpStatus = "open"
	FollowUpDone      FollowUpStatus = "done"
	FollowUpCancelled FollowUpStatus = "cancelled"
)

// FollowUp is a promise to contact a customer again at a given time.
type FollowUp struct {
	ID           int64
	CustomerID   int64
	CustomerName string
	AssigneeID   int64
	ActivityID   int64
	DueAt        time.Time
	Status       FollowUpStatus
	Note         string
	SnoozeCount  int
	RemindedAt   time.Time
	EscalatedAt  time.Time
	DoneAt       time.Time
}

// Overdue reports whether the follow-up is open and past due at now.
func (f FollowUp) Overdue(now time.Time) bool {
	return f.Status == FollowUpOpen && f.DueAt.Before(now)
}

// ValidateDue checks a new due time: in the future, within two years.
func ValidateDue(due, now time.Time) error {
	switch {
	case !due.After(now):
		return Errorf(EInvalid, "due time is in the past")
	case due.After(now.AddDate(2, 0, 0)):
		return Errorf(EInvalid, "due time is too far ahead")
	}
	return nil
}

// ImportantDateKind is the occasion of an important date (DOMAIN.md §4).
type ImportantDateKind string

// Important date kinds.
const (
	DateBirthday           ImportantDateKind = "birthday"
	DateWeddingAnniversary ImportantDateKind = "wedding_anniversary"
	DateCompanyFounding    ImportantDateKind = "company_founding"
	DateChildBirthday      ImportantDateKind = "child_birthday"
	DateTrip               ImportantDateKind = "trip"
	DateOther              ImportantDateKind = "other"
)

// ImportantDateKinds lists the kinds in display order.
var ImportantDateKinds = []ImportantDateKind{DateBirthday, DateWeddingAnniversary, DateCompanyFounding, DateChildBirthday, DateTrip, DateOther}

// ImportantDate recurs yearly in its own calendar.
type ImportantDate struct {
	ID         int64
	CustomerID int64
	Kind       ImportantDateKind
	Label      string
	Calendar   string // gregorian, jalali or hijri
	Month, Day int
	Year       int // 0: unknown
}
