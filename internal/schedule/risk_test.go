package schedule_test

import (
	"context"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/schedule"
)

// A buyer with a monthly rhythm turns at risk past 1.5 months, gets one
// win-back follow-up for their owner, is flagged lapsed past three, and a
// new invoice clears the flag and ends the episode.
func TestRiskSweepFlagsOnceAndANewInvoiceClears(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	invoice := func(day int) {
		t.Helper()
		_, err := f.db.AddPurchase(ctx, crm.Purchase{CustomerID: f.client, Kind: crm.KindInvoice, Amount: 1_000_000,
			Currency: "IRR", IssuedAt: t0.AddDate(0, 0, day)}, f.rep)
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []int{0, 30, 60} {
		invoice(d)
	}
	sweep := schedule.Risk{Store: f.db, Locale: "fa", Note: func(_ context.Context, kind string, _, _ int64) string { return kind }}
	winbacks := func() (n int) {
		t.Helper()
		if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM follow_ups WHERE customer_id = $1 AND note = 'winback'
			AND assignee_id = $2`, f.client, f.rep).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	risk := func(at time.Time) crm.RiskLevel {
		t.Helper()
		p, err := f.db.ValuePolicy(ctx, "fa")
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.db.CustomerValue(ctx, f.client, p, at)
		if err != nil {
			t.Fatal(err)
		}
		if v.Interval != 30*24*time.Hour || v.LTV != 3_000_000 {
			t.Fatalf("value %+v: want a 30-day interval and 3,000,000 rials", v)
		}
		return v.Risk
	}
	steps := []struct {
		day      int
		wantRisk crm.RiskLevel
		winbacks int
	}{
		{100, crm.RiskNone, 0},   // 40 days after the last: under 1.5 × 30
		{106, crm.RiskAtRisk, 1}, // 46 days: at risk, one win-back
		{120, crm.RiskAtRisk, 1}, // again: no second
		{151, crm.RiskLapsed, 1}, // 91 days: past 3 ×
	}
	for _, s := range steps {
		now := t0.AddDate(0, 0, s.day)
		if _, err := sweep.RunOnce(ctx, now); err != nil {
			t.Fatal(err)
		}
		if got := risk(now); got != s.wantRisk {
			t.Errorf("day %d: risk %q, want %q", s.day, got, s.wantRisk)
		}
		var stored string
		_ = f.db.Pool.QueryRow(ctx, `SELECT risk FROM customer_values WHERE customer_id = $1`, f.client).Scan(&stored)
		if stored != string(s.wantRisk) {
			t.Errorf("day %d: stored risk %q, want %q", s.day, stored, s.wantRisk)
		}
		if got := winbacks(); got != s.winbacks {
			t.Errorf("day %d: %d win-back follow-ups, want %d", s.day, got, s.winbacks)
		}
	}
	invoice(152)
	now := t0.AddDate(0, 0, 153)
	if _, err := sweep.RunOnce(ctx, now); err != nil {
		t.Fatal(err)
	}
	var stored string
	var winbackAt *time.Time
	if err := f.db.Pool.QueryRow(ctx, `SELECT risk, winback_at FROM customer_values WHERE customer_id = $1`, f.client).Scan(&stored, &winbackAt); err != nil {
		t.Fatal(err)
	}
	if stored != "" || winbackAt != nil {
		t.Errorf("after a new invoice: risk %q, win-back mark %v; want both cleared", stored, winbackAt)
	}
}

// A partnership customer gets a review meeting every 30 days, a proactive
// one a check-in after 90 quiet days; basic customers get nothing.
func TestRiskSweepPlansTheRelationshipFollowUps(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if _, err := f.db.Pool.Exec(ctx, `UPDATE customers SET relationship_level = 5 WHERE id = $1`, f.client); err != nil {
		t.Fatal(err)
	}
	sweep := schedule.Risk{Store: f.db, Locale: "en", Note: func(_ context.Context, kind string, _, _ int64) string { return kind }}
	count := func(kind string) (n int) {
		t.Helper()
		_ = f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM follow_ups WHERE customer_id = $1 AND note = $2`, f.client, kind).Scan(&n)
		return n
	}
	for i, step := range []struct {
		days, reviews int
	}{{0, 1}, {10, 1}, {31, 2}} {
		if _, err := sweep.RunOnce(ctx, now.AddDate(0, 0, step.days)); err != nil {
			t.Fatal(err)
		}
		if got := count("review"); got != step.reviews {
			t.Errorf("step %d (day %d): %d reviews, want %d", i, step.days, got, step.reviews)
		}
	}
	if _, err := f.db.Pool.Exec(ctx, `UPDATE customers SET relationship_level = 1 WHERE id = $1`, f.client); err != nil {
		t.Fatal(err)
	}
	if _, err := sweep.RunOnce(ctx, now.AddDate(0, 0, 100)); err != nil {
		t.Fatal(err)
	}
	if count("review") != 2 || count("checkin") != 0 {
		t.Errorf("a basic customer got a follow-up: %d reviews, %d check-ins", count("review"), count("checkin"))
	}
}
