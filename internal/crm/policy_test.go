package crm

import "testing"

func TestAccess(t *testing.T) {
	admin := Staff{ID: 1, Role: RoleAdmin, Active: true}
	mgr := Staff{ID: 2, Role: RoleManager, TeamID: 10, Active: true}
	repA := Staff{ID: 3, Role: RoleRep, TeamID: 10, Active: true}
	repB := Staff{ID: 4, Role: RoleRep, TeamID: 10, Active: true}
	otherRep := Staff{ID: 5, Role: RoleRep, TeamID: 20, Active: true}
	exRep := Staff{ID: 6, Role: RoleRep, TeamID: 10, Active: false}

	ofA := Customer{ID: 100, OwnerID: repA.ID, OwnerTeamID: 10}
	ofOther := Customer{ID: 101, OwnerID: otherRep.ID, OwnerTeamID: 20}
	pool := Customer{ID: 102}

	tests := []struct {
		name           string
		actor          Staff
		c              Customer
		view, edit, cl bool
	}{
		{"admin sees all", admin, ofOther, true, true, false},
		{"manager sees team", mgr, ofA, true, true, false},
		{"manager not other team", mgr, ofOther, false, false, false},
		{"manager sees pool", mgr, pool, true, true, true},
		{"rep sees own", repA, ofA, true, true, false},
		{"rep not teammate's", repB, ofA, false, false, false},
		{"rep sees pool but must claim", repB, pool, true, false, true},
		{"ex-staff nothing", exRep, ofA, false, false, false},
		{"ex-staff not even pool", exRep, pool, false, false, false},
	}
	for _, tt := range tests {
		if got := CanView(tt.actor, tt.c); got != tt.view {
			t.Errorf("%s: CanView got %v, want %v", tt.name, got, tt.view)
		}
		if got := CanEdit(tt.actor, tt.c); got != tt.edit {
			t.Errorf("%s: CanEdit got %v, want %v", tt.name, got, tt.edit)
		}
		if got := CanClaim(tt.actor, tt.c); got != tt.cl {
			t.Errorf("%s: CanClaim got %v, want %v", tt.name, got, tt.cl)
		}
	}
	if !CanAssign(mgr, ofA, repB) {
		t.Error("manager should reassign within the team")
	}
	if CanAssign(mgr, ofA, otherRep) {
		t.Error("manager must not hand a customer to another team")
	}
	if CanAssign(repA, ofA, repB) {
		t.Error("a rep must not reassign")
	}
	if CanAssign(admin, ofA, exRep) {
		t.Error("nobody may assign to an inactive member")
	}
	if !CanInvite(mgr, RoleRep, 10) || CanInvite(mgr, RoleRep, 20) || CanInvite(mgr, RoleAdmin, 10) || CanInvite(repA, RoleRep, 10) {
		t.Error("invite rules broken")
	}
	deleted := ofA
	deleted.DeletedAt = deleted.CreatedAt.AddDate(2000, 0, 0)
	if CanView(admin, deleted) {
		t.Error("a deleted customer must not be visible")
	}
}

func TestStageMove(t *testing.T) {
	prospect := Stage{ID: 2, Template: TemplateLadder, Key: "prospect", Kind: KindOpen}
	first := Stage{ID: 4, Template: TemplateLadder, Key: "first_time", Kind: KindWon}
	disq := Stage{ID: 3, Template: TemplateLadder, Key: "disqualified", Kind: KindSideExit}
	lost := Stage{ID: 10, Template: TemplateLadder, Key: "lost", Kind: KindLost}
	other := Stage{ID: 11, Template: TemplateSalesCycle, Key: "lead", Kind: KindOpen}
	tests := []struct {
		name string
		m    StageMove
		code string
	}{
		{"forward", StageMove{From: prospect, To: first}, ""},
		{"same stage", StageMove{From: prospect, To: prospect}, EConflict},
		{"side exit needs reason", StageMove{From: prospect, To: disq}, EReasonRequired},
		{"side exit with preset", StageMove{From: prospect, To: disq, ReasonCode: "bad_credit"}, ""},
		{"lost with free text", StageMove{From: first, To: lost, ReasonText: "  moved abroad "}, ""},
		{"lost blank text", StageMove{From: first, To: lost, ReasonText: "   "}, EReasonRequired},
		{"other needs text", StageMove{From: first, To: lost, ReasonCode: "other"}, EReasonRequired},
		{"unknown preset", StageMove{From: first, To: lost, ReasonCode: "x"}, EInvalid},
		{"other pipeline", StageMove{From: prospect, To: other}, EInvalid},
	}
	for _, tt := range tests {
		if got := ErrorCode(tt.m.Validate()); got != tt.code {
			t.Errorf("%s: got code %q, want %q", tt.name, got, tt.code)
		}
	}
}
