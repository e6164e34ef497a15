package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

func TestInviteLifecycle(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db := postgres.New(pgtest.DB(t), postgres.WithClock(clock))

	token, err := db.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleManager, TeamName: "Tehran North"})
	if err != nil {
		t.Fatal(err)
	}
	if len(token) > 64 {
		t.Fatalf("token %q is longer than a /start payload may be", token)
	}
	u := postgres.TelegramUser{ID: 777, FirstName: "Sara", LastName: "Karimi", LanguageCode: "fa"}
	s, err := db.RedeemInvite(ctx, token, u, "fa")
	if err != nil {
		t.Fatal(err)
	}
	if s.Role != crm.RoleManager || s.TeamID == 0 || !s.Active || s.Calendar != "jalali" || s.TimeZone != "Asia/Tehran" {
		t.Fatalf("redeemed staff: %+v", s)
	}
	if _, err := db.RedeemInvite(ctx, token, postgres.TelegramUser{ID: 778}, "en"); !crm.IsCode(err, crm.EInviteInvalid) {
		t.Fatalf("second use: got %v, want %s", err, crm.EInviteInvalid)
	}

	expiring, _ := db.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleRep, TTL: time.Hour})
	now = now.Add(2 * time.Hour)
	if _, err := db.RedeemInvite(ctx, expiring, postgres.TelegramUser{ID: 779}, "ar"); !crm.IsCode(err, crm.EInviteInvalid) {
		t.Fatalf("expired: got %v, want %s", err, crm.EInviteInvalid)
	}

	revoked, _ := db.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleRep})
	if err := db.RevokeInvite(ctx, revoked, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RedeemInvite(ctx, revoked, postgres.TelegramUser{ID: 780}, "ar"); !crm.IsCode(err, crm.EInviteInvalid) {
		t.Fatalf("revoked: got %v, want %s", err, crm.EInviteInvalid)
	}
	if _, err := db.RedeemInvite(ctx, "inv_forged", postgres.TelegramUser{ID: 781}, "en"); !crm.IsCode(err, crm.EInviteInvalid) {
		t.Fatalf("unknown token: got %v", err)
	}
	got, err := db.StaffByTelegramID(ctx, 777)
	if err != nil || got.ID != s.ID || got.DisplayName != "Sara Karimi" {
		t.Fatalf("lookup: %+v, %v", got, err)
	}
	if _, err := db.StaffByTelegramID(ctx, 779); !crm.IsCode(err, crm.ENotFound) {
		t.Fatalf("missing staff: got %v, want not_found", err)
	}
}

func TestWorkHoursRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := postgres.New(pgtest.DB(t))
	token, err := db.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleRep})
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.RedeemInvite(ctx, token, postgres.TelegramUser{ID: 42, FirstName: "Omar"}, "ar")
	if err != nil {
		t.Fatal(err)
	}
	w := crm.WorkHours{time.Sunday: {{Start: 9 * 60, End: 17 * 60}}, time.Thursday: {{Start: 9 * 60, End: 13 * 60}}}
	if err := db.SetWorkHours(ctx, s.ID, w); err != nil {
		t.Fatal(err)
	}
	got, err := db.StaffByID(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.WorkHours) != 2 || got.WorkHours[time.Thursday][0].End != 13*60 {
		t.Fatalf("work hours: got %+v, want %+v", got.WorkHours, w)
	}
	if err := db.SetWorkHours(ctx, s.ID, crm.WorkHours{time.Monday: {{Start: 600, End: 500}}}); !crm.IsCode(err, crm.EInvalid) {
		t.Fatalf("inverted span: got %v, want invalid_input", err)
	}
}
