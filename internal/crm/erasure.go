package crm

import (
	"strconv"
	"time"
)

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

// CanSeeErased reports whether c is an erased customer that actor could
// see when it was live: they are shown that it was erased (its number,
// nothing of the person); anyone else is told it is not there.
func CanSeeErased(actor Staff, c Customer) bool {
	live := c
	live.DeletedAt = time.Time{}
	return c.Deleted() && CanView(actor, live)
}
