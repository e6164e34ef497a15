package crm

import (
	"testing"
	"time"
)

func TestCanSeeErased(t *testing.T) {
	rep := Staff{ID: 1, Role: RoleRep, Active: true}
	other := Staff{ID: 2, Role: RoleRep, Active: true}
	admin := Staff{ID: 3, Role: RoleAdmin, Active: true}
	erased := Customer{ID: 9, OwnerID: rep.ID, DeletedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	for _, tt := range []struct {
		who  Staff
		c    Customer
		want bool
	}{{rep, erased, true}, {admin, erased, true}, {other, erased, false}, {rep, Customer{ID: 9, OwnerID: rep.ID}, false}} {
		if got := CanSeeErased(tt.who, tt.c); got != tt.want {
			t.Errorf("staff %d, customer deleted %v: %v, want %v", tt.who.ID, tt.c.Deleted(), got, tt.want)
		}
	}
	if CanErase(admin, erased) || !CanErase(admin, Customer{ID: 9}) || CanErase(rep, Customer{ID: 9, OwnerID: rep.ID}) {
		t.Error("only an admin erases, and only a live customer")
	}
}
