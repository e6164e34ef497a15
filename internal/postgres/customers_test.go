package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// fixture is a store with an admin and two reps on one team.
type fixture struct {
	db                 *postgres.DB
	admin, repA, repB  crm.Staff
	manager, otherTeam crm.Staff
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	db := postgres.New(pgtest.DB(t), postgres.WithClock(func() time.Time { return now }))
	f := &fixture{db: db}
	join := func(tg int64, role crm.Role, team string) crm.Staff {
		tok, err := db.CreateInvite(ctx, postgres.InviteRequest{Role: role, TeamName: team})
		if err != nil {
			t.Fatal(err)
		}
		s, err := db.RedeemInvite(ctx, tok, postgres.TelegramUser{ID: tg, FirstName: "S" + string(rune('A'+tg%26))}, "fa")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	f.admin = join(1, crm.RoleAdmin, "")
	f.manager = join(2, crm.RoleManager, "North")
	f.repA = join(3, crm.RoleRep, "North")
	f.repB = join(4, crm.RoleRep, "North")
	f.otherTeam = join(5, crm.RoleRep, "South")
	return f
}

func (f *fixture) customer(t *testing.T, owner crm.Staff, name, company string, phones ...string) crm.Customer {
	t.Helper()
	c, err := f.db.CreateCustomer(context.Background(), crm.Customer{Name: name, Company: company, Phones: phones, OwnerID: owner.ID}, owner.ID)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return c
}

func names(cs []crm.Customer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestSearchFoldsScriptsAndRanks(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.customer(t, f.admin, "علی کریمی", "پخش البرز", "+989121234567")
	f.customer(t, f.admin, "کریم علوی", "", "+989351112233")
	f.customer(t, f.admin, "Sara Alavi", "كريمي للتجارة", "+971501234567")
	f.customer(t, f.admin, "رضا احمدی", "", "+966501234567")

	tests := []struct {
		query string
		want  []string // in order; a prefix of the results
		total int
	}{
		{"علي كريمي", []string{"علی کریمی", "Sara Alavi"}, 2}, // the company is similar
		{"كريمي", []string{"علی کریمی", "Sara Alavi", "کریم علوی"}, 3},
		{"علی", []string{"علی کریمی"}, 1},
		{"كريم", []string{"کریم علوی", "علی کریمی", "Sara Alavi"}, 3},
		{"۰۹۱۲", []string{"علی کریمی"}, 1},
		{"0098 912 123", []string{"علی کریمی"}, 1},
		{"٠٥٠١٢٣", []string{"Sara Alavi", "رضا احمدی"}, 2},
		{"sara", []string{"Sara Alavi"}, 1},
		{"پخش", []string{"علی کریمی"}, 1},
		{"ع", nil, 0},
	}
	for _, tt := range tests {
		got, total, err := f.db.SearchCustomers(ctx, f.admin, tt.query, 10, 0)
		if err != nil {
			t.Fatalf("%q: %v", tt.query, err)
		}
		if total != tt.total || len(got) < len(tt.want) {
			t.Errorf("%q: got %v (total %d), want %v (total %d)", tt.query, names(got), total, tt.want, tt.total)
			continue
		}
		for i, w := range tt.want {
			if got[i].Name != w {
				t.Errorf("%q: result %d is %q, want %q (all: %v)", tt.query, i, got[i].Name, w, names(got))
			}
		}
	}
}

func TestSearchShowsOnlyVisibleCustomers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.customer(t, f.repA, "Karimi A", "")
	f.customer(t, f.repB, "Karimi B", "")
	f.customer(t, f.otherTeam, "Karimi South", "")
	pool, err := f.db.CreateCustomer(ctx, crm.Customer{Name: "Karimi Pool"}, f.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		who   crm.Staff
		total int
	}{{f.admin, 4}, {f.manager, 3}, {f.repA, 2}, {f.otherTeam, 2}} {
		got, total, err := f.db.SearchCustomers(ctx, tt.who, "karimi", 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if total != tt.total {
			t.Errorf("%s sees %v, want %d results", tt.who.Role, names(got), tt.total)
		}
		for _, c := range got {
			if !crm.CanView(tt.who, c) {
				t.Errorf("%s sees %q, which crm.CanView forbids", tt.who.Role, c.Name)
			}
		}
	}
	if pool.OwnerID != 0 {
		t.Fatalf("pool customer has owner %d", pool.OwnerID)
	}
	// Pagination: the total stays, the pages differ.
	p1, total, _ := f.db.SearchCustomers(ctx, f.admin, "karimi", 2, 0)
	p2, _, _ := f.db.SearchCustomers(ctx, f.admin, "karimi", 2, 2)
	if total != 4 || len(p1) != 2 || len(p2) != 2 || p1[0].ID == p2[0].ID {
		t.Fatalf("pages: %v / %v (total %d)", names(p1), names(p2), total)
	}
}

func TestCreateCustomerRefusesDuplicatePhone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a := f.customer(t, f.repA, "Ali", "", "+989121234567")
	if a.StageID == 0 || a.Name != "Ali" || len(a.Phones) != 1 || a.OwnerName == "" {
		t.Fatalf("created: %+v", a)
	}
	st, err := f.db.Stage(ctx, a.StageID)
	if err != nil || st.Key != "suspect" {
		t.Fatalf("first stage: %+v %v", st, err)
	}
	_, err = f.db.CreateCustomer(ctx, crm.Customer{Name: "Other", Phones: []string{"+989121234567"}}, f.repB.ID)
	var ce *crm.Error
	if !crm.IsCode(err, crm.EDuplicatePhone) || !errors.As(err, &ce) || ce.ID != a.ID {
		t.Fatalf("duplicate: got %v, want %s with ID %d", err, crm.EDuplicatePhone, a.ID)
	}
	if err := f.db.AddCustomerPhone(ctx, a.ID, "+989121234567", f.repA.ID); err != nil {
		t.Fatalf("re-adding own phone: %v", err)
	}
	if got, err := f.db.CustomerByPhone(ctx, "+989121234567"); err != nil || got.ID != a.ID {
		t.Fatalf("by phone: %+v %v", got, err)
	}
}

func TestStageMoveWritesHistory(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	c := f.customer(t, f.repA, "Ali", "")
	stages, err := f.db.PipelineStages(ctx, crm.TemplateLadder)
	if err != nil || len(stages) != 10 {
		t.Fatalf("stages: %d %v", len(stages), err)
	}
	from, to := stages[0], stages[2] // suspect → disqualified (side exit)
	m := crm.StageMove{CustomerID: c.ID, From: from, To: to, ReasonCode: "bad_credit"}
	at := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	if err := f.db.MoveCustomerStage(ctx, m, f.repA.ID, at); err != nil {
		t.Fatal(err)
	}
	if err := f.db.MoveCustomerStage(ctx, m, f.repA.ID, at); !crm.IsCode(err, crm.EConflict) {
		t.Fatalf("stale move: got %v, want conflict", err)
	}
	var n int
	var code string
	var when time.Time
	err = f.db.Pool.QueryRow(ctx, `SELECT count(*) OVER (), coalesce(reason_code, ''), changed_at FROM stage_history
		WHERE customer_id = $1 ORDER BY id DESC LIMIT 1`, c.ID).Scan(&n, &code, &when)
	if err != nil || n != 2 || code != "bad_credit" || !when.Equal(at) {
		t.Fatalf("history: n=%d code=%q at=%v err=%v", n, code, when, err)
	}
}

func TestPipelineSettingsAndStageEdits(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if tpl, err := f.db.ActivePipeline(ctx); err != nil || tpl != crm.TemplateLadder {
		t.Fatalf("default pipeline %q %v", tpl, err)
	}
	if err := f.db.SetPipeline(ctx, crm.TemplateSalesCycle, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	c := f.customer(t, f.repA, "New", "")
	if st, _ := f.db.Stage(ctx, c.StageID); st.Key != "subscriber" {
		t.Fatalf("new customer in %q, want subscriber", st.Key)
	}
	stages, _ := f.db.PipelineStages(ctx, crm.TemplateSalesCycle)
	if err := f.db.ShiftStage(ctx, stages[1].ID, -1, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	after, _ := f.db.PipelineStages(ctx, crm.TemplateSalesCycle)
	if after[0].ID != stages[1].ID || after[1].ID != stages[0].ID {
		t.Fatalf("shift up: got %s, %s", after[0].Key, after[1].Key)
	}
	names := map[string]string{"en": "Hot lead", "fa": "سرنخ داغ", "ar": "عميل واعد"}
	if err := f.db.RenameStage(ctx, stages[0].ID, names, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.db.Stage(ctx, stages[0].ID); st.Name("fa") != "سرنخ داغ" {
		t.Fatalf("renamed: %v", st.Names)
	}
	added, err := f.db.AddStage(ctx, crm.TemplateSalesCycle, map[string]string{"en": "VIP", "fa": "ویژه", "ar": "مميز"}, f.admin.ID)
	if err != nil || added.Kind != crm.KindOpen {
		t.Fatalf("add: %+v %v", added, err)
	}
	if err := f.db.ArchiveStage(ctx, added.ID, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetPipeline(ctx, "nonexistent", f.admin.ID); !crm.IsCode(err, crm.EInvalid) {
		t.Fatalf("unknown template: %v", err)
	}
}

func TestDeactivateHandsCustomersToManager(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	c := f.customer(t, f.repA, "Ali", "")
	south := f.customer(t, f.otherTeam, "Reza", "")
	heir, moved, err := f.db.DeactivateStaff(ctx, f.repA.ID, f.admin.ID)
	if err != nil || heir != f.manager.ID || moved != 1 {
		t.Fatalf("deactivate: heir %d moved %d err %v", heir, moved, err)
	}
	if got, _ := f.db.Customer(ctx, c.ID); got.OwnerID != f.manager.ID {
		t.Fatalf("owner %d, want manager %d", got.OwnerID, f.manager.ID)
	}
	if s, _ := f.db.StaffByID(ctx, f.repA.ID); s.Active {
		t.Fatal("still active")
	}
	// South has no manager: the customer goes to the pool.
	if heir, _, err := f.db.DeactivateStaff(ctx, f.otherTeam.ID, f.admin.ID); err != nil || heir != 0 {
		t.Fatalf("no manager: heir %d err %v", heir, err)
	}
	if got, _ := f.db.Customer(ctx, south.ID); got.OwnerID != 0 {
		t.Fatalf("owner %d, want the pool", got.OwnerID)
	}
	if _, _, err := f.db.DeactivateStaff(ctx, f.repA.ID, f.admin.ID); !crm.IsCode(err, crm.EConflict) {
		t.Fatalf("twice: %v", err)
	}
	var audits int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'staff.deactivate'`).Scan(&audits)
	if audits != 2 {
		t.Fatalf("audit entries: %d", audits)
	}
}
