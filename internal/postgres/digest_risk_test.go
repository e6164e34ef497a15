package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// The digest's value-at-risk section on the digest fixture: the team's
// customers the risk sweep flagged, those who crossed their threshold
// since the last digest, the lapsed ones, and the three most valuable;
// another team's customer is not counted.
func TestDigestRiskAgainstFixture(t *testing.T) {
	ctx := context.Background()
	tehran, _ := time.LoadLocation("Asia/Tehran")
	pool := pgtest.DB(t)
	f := seedDigest(t, pool, tehran)
	day := 24 * time.Hour
	value := func(c int64, ltv int64, risk string, last time.Time, interval time.Duration) {
		t.Helper()
		if _, err := pool.Exec(ctx, `INSERT INTO customer_values (customer_id, stale, currency, ltv, margin, invoices,
				first_invoice_at, last_invoice_at, interval_seconds, risk)
			VALUES ($1, false, 'IRR', $2, $2, 3, $4::timestamptz - interval '60 days', $4, $5, $3)`,
			c, ltv, risk, last, int64(interval/time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	value(f.cA1, 5_000_000, "at_risk", f.now.Add(-50*day), 30*day)               // crossed 1.5 × 30 days five days ago
	value(f.cA2, 9_000_000, "at_risk", f.now.Add(-45*day-12*time.Hour), 30*day)  // crossed it twelve hours ago: new
	value(f.cB1, 2_000_000, "lapsed", f.now.Add(-100*day), 30*day)               // three times over
	value(f.cA3, 20_000_000, "", f.now.Add(-10*day), 30*day)                     // buying on rhythm
	value(f.cC1, 50_000_000, "at_risk", f.now.Add(-45*day-12*time.Hour), 30*day) // another team's
	db := postgres.New(pool, postgres.WithClock(func() time.Time { return f.now }))
	d, err := db.DigestData(ctx, digest.Query{Scope: digest.Scope{TeamID: f.team}, Period: digest.SinceLastPeriod(f.from, f.now),
		Since: f.from, Now: f.now, Loc: tehran, Calendar: "jalali", Template: "ladder"})
	if err != nil {
		t.Fatal(err)
	}
	r := d.Risk
	if r.AtRisk != 3 || r.Lapsed != 1 || r.New != 1 || r.Currency != "IRR" {
		t.Errorf("at risk %d, lapsed %d, new %d, currency %q; want 3, 1, 1, IRR", r.AtRisk, r.Lapsed, r.New, r.Currency)
	}
	var got []int64
	for _, v := range r.Top {
		got = append(got, v.CustomerID)
	}
	if want := []int64{f.cA2, f.cA1, f.cB1}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("top at risk %v, want Elham, Dara, Golnar %v", got, want)
	}
	if len(r.Top) > 0 && (r.Top[0].Name != "Elham" || r.Top[0].LTV != 9_000_000) {
		t.Errorf("top at risk %+v, want Elham's 9,000,000", r.Top[0])
	}
	// A risk factor of 2 set by the admin: Elham has not crossed 2 × 30 days yet.
	if _, err := pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('value_policy', '{"risk_factor": 2}')
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`); err != nil {
		t.Fatal(err)
	}
	d, err = db.DigestData(ctx, digest.Query{Scope: digest.Scope{TeamID: f.team}, Period: digest.SinceLastPeriod(f.from, f.now),
		Since: f.from, Now: f.now, Loc: tehran, Calendar: "jalali", Template: "ladder"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Risk.New != 0 {
		t.Errorf("with k = 2, %d new at risk, want 0", d.Risk.New)
	}
}
