package crm

import "strconv"

// Erasure is what erasing a customer's personal data kept: the anonymous
// counts that stay in the reports, detached from any identity.
type Erasure struct {
	CustomerID int64
	Activities int // calls, visits, messages and notes (their text and voice gone)
	StageMoves int // stage history (free-text reasons gone)
	Purchases  int // quotes and invoices (amounts stay)
}

// CanErase reports whether actor may erase a customer's personal data:
// only an active admin, and never twice.
func CanErase(actor Staff, c Customer) bool {
	return actor.Active && actor.Role == RoleAdmin && !c.Deleted()
}

// ErasedName is the name an erased customer is left with: its number,
// nothing that identifies a person.
func ErasedName(id int64) string { return "#" + strconv.FormatInt(id, 10) }
