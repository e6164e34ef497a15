package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// crmFixture is a store with one rep and one of their customers.
type crmFixture struct {
	db       *postgres.DB
	now      *time.Time
	staff    int64
	customer int64
}

func newCRMFixture(t *testing.T) crmFixture {
	t.Helper()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	f := crmFixture{now: &now}
	f.db = postgres.New(pgtest.DB(t), postgres.WithClock(func() time.Time { return *f.now }))
	ctx := context.Background()
	err := f.db.Pool.QueryRow(ctx, `INSERT INTO staff (telegram_user_id, display_name, role) VALUES (10, 'Sara', 'rep') RETURNING id`).Scan(&f.staff)
	if err == nil {
		err = f.db.Pool.QueryRow(ctx, `INSERT INTO customers (name, name_norm, owner_id, stage_id)
			VALUES ('Ali', 'ali', $1, (SELECT min(id) FROM stages)) RETURNING id`, f.staff).Scan(&f.customer)
	}
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLogActivityIsIdempotentAndSettlesFollowUps(t *testing.T) {
	t.Parallel()
	f := newCRMFixture(t)
	ctx := context.Background()
	fu, err := f.db.CreateFollowUp(ctx, crm.FollowUp{CustomerID: f.customer, AssigneeID: f.staff, DueAt: f.now.Add(time.Hour)}, f.staff)
	if err != nil {
		t.Fatal(err)
	}
	at := f.now.Add(-2 * time.Hour)
	a := crm.Activity{CustomerID: f.customer, StaffID: f.staff, Kind: crm.ActivityCall, Outcome: crm.OutcomeReached,
		OccurredAt: at, SourceUpdateID: 777, Note: "first"}
	first, err := f.db.LogActivity(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	a.Note = "replayed"
	again, err := f.db.LogActivity(ctx, a)
	if err != nil || again.ID != first.ID || again.Note != "first" || again.StaffName != "Sara" {
		t.Fatalf("replay: %+v, %v (first %+v)", again, err, first)
	}
	var n int
	var last time.Time
	if err := f.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM activities), (SELECT last_contact_at FROM customers)`).Scan(&n, &last); err != nil {
		t.Fatal(err)
	}
	if n != 1 || !last.Equal(at) {
		t.Fatalf("%d activities, last contact %v", n, last)
	}
	// The open follow-up stays open: the rep closes it by choosing the
	// next step, so a customer never drops off the list unseen.
	if got, _ := f.db.FollowUp(ctx, fu.ID); got.Status != crm.FollowUpOpen {
		t.Errorf("logging a call closed the open follow-up by itself: %+v", got)
	}
	// Amending moves the time only earlier.
	first.OccurredAt, first.Duration = *f.now, 5*time.Minute
	if err := f.db.AmendActivity(ctx, first); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.Activity(ctx, first.ID)
	if err != nil || !got.OccurredAt.Equal(at) || got.Duration != 5*time.Minute {
		t.Fatalf("amended %+v, %v", got, err)
	}
	if _, err := f.db.Activity(ctx, 99999); !crm.IsCode(err, crm.ENotFound) {
		t.Errorf("missing activity: %v", err)
	}
}

func TestFollowUpLifecycleAndEscalationQueries(t *testing.T) {
	t.Parallel()
	f := newCRMFixture(t)
	ctx := context.Background()
	due := f.now.Add(time.Hour)
	fu, err := f.db.CreateFollowUp(ctx, crm.FollowUp{CustomerID: f.customer, AssigneeID: f.staff, DueAt: due}, f.staff)
	if err != nil || fu.CustomerName != "Ali" || fu.Status != crm.FollowUpOpen {
		t.Fatalf("create: %+v, %v", fu, err)
	}
	if d, err := f.db.EscalationDelay(ctx); err != nil || d != 24*time.Hour {
		t.Fatalf("delay %v, %v", d, err)
	}
	if list, _ := f.db.FollowUpsToEscalate(ctx, due.Add(time.Minute), 10); len(list) != 1 {
		t.Fatalf("to escalate: %+v", list)
	}
	if ok, _ := f.db.MarkEscalated(ctx, fu.ID, *f.now); !ok {
		t.Fatal("first mark")
	}
	if ok, _ := f.db.MarkEscalated(ctx, fu.ID, *f.now); ok {
		t.Fatal("second mark mustDates report false")
	}
	moved, err := f.db.RescheduleFollowUp(ctx, fu.ID, due.Add(24*time.Hour), true, f.staff)
	if err != nil || moved.SnoozeCount != 1 || !moved.EscalatedAt.IsZero() || !moved.DueAt.Equal(due.Add(24*time.Hour)) {
		t.Fatalf("reschedule: %+v, %v", moved, err)
	}
	if list, _ := f.db.FollowUpsDueBy(ctx, f.staff, due.Add(48*time.Hour), 10); len(list) != 1 {
		t.Fatalf("due by: %+v", list)
	}
	if err := f.db.CompleteFollowUp(ctx, fu.ID, f.staff); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CompleteFollowUp(ctx, fu.ID, f.staff); !crm.IsCode(err, crm.EConflict) {
		t.Fatalf("completing twice: %v", err)
	}
	if _, err := f.db.RescheduleFollowUp(ctx, fu.ID, due, false, f.staff); !crm.IsCode(err, crm.EConflict) {
		t.Fatalf("moving a done follow-up: %v", err)
	}
	// Nobody manages the rep and there is no admin: nobody to tell.
	if to, err := f.db.EscalationRecipients(ctx, f.staff); err != nil || len(to) != 0 {
		t.Fatalf("recipients %+v, %v", to, err)
	}
}

func TestImportantDatesStore(t *testing.T) {
	t.Parallel()
	f := newCRMFixture(t)
	ctx := context.Background()
	d, err := f.db.AddImportantDate(ctx, crm.ImportantDate{CustomerID: f.customer, Kind: crm.DateBirthday, Calendar: "jalali", Month: 12, Day: 30}, f.staff)
	if err != nil || d.CustomerName != "Ali" || d.OwnerID != f.staff {
		t.Fatalf("add: %+v, %v", d, err)
	}
	for _, list := range [][]crm.CustomerDate{mustDates(f.db.ImportantDates(ctx, f.customer)), mustDates(f.db.DatesToRemind(ctx)), mustDates(f.db.DatesOwnedBy(ctx, f.staff))} {
		if len(list) != 1 || list[0].ID != d.ID || list[0].Month != 12 || list[0].Day != 30 {
			t.Fatalf("listed %+v", list)
		}
	}
	if err := f.db.DeleteImportantDate(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.DeleteImportantDate(ctx, d.ID); !crm.IsCode(err, crm.ENotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func mustDates[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
