package schedule_test

import (
	"context"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/schedule"
)

// surveyRun runs survey dispatch at now and returns what it did and the
// notifications it planned.
func surveyRun(t *testing.T, f fixture, p *planned, now time.Time) (schedule.SurveyReport, []string) {
	t.Helper()
	teh, _ := time.LoadLocation("Asia/Tehran")
	rep, err := schedule.Surveys{Store: f.db, Notify: p, Org: teh, DefaultLocale: "fa"}.RunOnce(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, n := range p.take() {
		if n.ChatID != 900 || n.StaffID != 0 {
			t.Errorf("survey notification to chat %d, staff %d: want the customer's chat 900 and no staff", n.ChatID, n.StaffID)
		}
		keys = append(keys, n.DedupKey)
	}
	return rep, keys
}

func (f fixture) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := f.db.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (f fixture) status(t *testing.T) string {
	t.Helper()
	var s string
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT coalesce(string_agg(trigger || ':' || status || coalesce(':' || drop_reason, ''), ',' ORDER BY id), '')
		FROM survey_requests`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// Survey dispatch with a real database and no Telegram: an invoice two
// days old plans one CSAT, sent once in the customer's daytime; a visit
// the next day is throttled; the one reminder comes after 48 h; the
// survey closes after a week; a relationship NPS waits for the throttle.
func TestSurveyDispatchRunOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := &planned{}
	// 09:00 UTC is 12:30 in Tehran: daytime.
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	f.exec(t, `UPDATE customers SET telegram_user_id = 900, telegram_linked_at = $2, consent_at = $2, consent_version = '1',
		chat_locale = 'fa' WHERE id = $1`, f.client, now.Add(-3*24*time.Hour))
	f.exec(t, `INSERT INTO purchases (customer_id, kind, amount, currency, status, issued_at) VALUES ($1, 'invoice', 100, 'IRR', 'sent', $2)`,
		f.client, now.Add(-49*time.Hour))

	rep, keys := surveyRun(t, f, p, now)
	if rep.Planned != 1 || rep.Sent != 1 || len(keys) != 1 || f.status(t) != "invoice:sent" {
		t.Fatalf("first run: %+v %v %s", rep, keys, f.status(t))
	}
	if rep, keys := surveyRun(t, f, p, now.Add(time.Minute)); rep.Planned+rep.Sent != 0 || len(keys) != 0 {
		t.Fatalf("a second run planned or sent again: %+v %v", rep, keys)
	}
	// A visit a day later: its survey is due two days after, and throttled.
	f.exec(t, `INSERT INTO activities (customer_id, staff_id, kind, occurred_at) VALUES ($1, $2, 'visit', $3)`, f.client, f.rep, now.Add(24*time.Hour))
	rep, keys = surveyRun(t, f, p, now.Add(47*time.Hour))
	if len(keys) != 0 {
		t.Fatalf("before 48 h: %+v %v", rep, keys)
	}
	rep, keys = surveyRun(t, f, p, now.Add(72*time.Hour+time.Minute))
	if rep.Reminded != 1 || len(keys) != 1 || f.status(t) != "invoice:sent,visit:dropped:throttled" {
		t.Fatalf("after 48 h and the visit: %+v %v %s", rep, keys, f.status(t))
	}
	if rep, keys := surveyRun(t, f, p, now.Add(96*time.Hour)); rep.Reminded != 0 || len(keys) != 0 {
		t.Fatalf("a second reminder: %+v %v", rep, keys)
	}
	rep, _ = surveyRun(t, f, p, now.Add(crm.SurveyLifetime))
	if rep.Closed != 1 || f.status(t) != "invoice:expired,visit:dropped:throttled" {
		t.Fatalf("after a week: %+v %s", rep, f.status(t))
	}
	// The relationship NPS waits for the 30 days' throttle, then goes at
	// 09:00 in Tehran when the run finds it at night.
	night := time.Date(2026, 12, 22, 22, 0, 0, 0, time.UTC) // 01:30 in Tehran
	rep, keys = surveyRun(t, f, p, night)
	if rep.Planned != 1 || rep.Deferred != 1 || len(keys) != 0 {
		t.Fatalf("at night: %+v %v", rep, keys)
	}
	rep, keys = surveyRun(t, f, p, time.Date(2026, 12, 23, 5, 29, 0, 0, time.UTC))
	if len(keys) != 0 {
		t.Fatalf("before 09:00 in Tehran: %+v %v", rep, keys)
	}
	rep, keys = surveyRun(t, f, p, time.Date(2026, 12, 23, 5, 31, 0, 0, time.UTC))
	if rep.Sent != 1 || len(keys) != 1 || f.status(t) != "invoice:expired,visit:dropped:throttled,relationship:sent" {
		t.Fatalf("in the morning: %+v %v %s", rep, keys, f.status(t))
	}
}

// A customer who opted out, never consented or was unlinked is never
// planned; one whose rep skipped their surveys is planned and dropped.
func TestSurveyDispatchNeverToTheUnwilling(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	for name, link := range map[string]string{
		"opted out":   `consent_at = $2, opted_out_at = $2`,
		"no consent":  `consent_at = NULL`,
		"unreachable": `consent_at = $2, unreachable_at = $2`,
		"skipped":     `consent_at = $2`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			p := &planned{}
			f.exec(t, `UPDATE customers SET telegram_user_id = 900, telegram_linked_at = $2, `+link+` WHERE id = $1`, f.client, now.Add(-40*24*time.Hour))
			if name == "skipped" {
				if err := f.db.SetSurveysSkipped(context.Background(), f.client, true, f.rep); err != nil {
					t.Fatal(err)
				}
			}
			f.exec(t, `INSERT INTO purchases (customer_id, kind, amount, currency, status, issued_at) VALUES ($1, 'invoice', 100, 'IRR', 'sent', $2)`,
				f.client, now.Add(-49*time.Hour))
			rep, keys := surveyRun(t, f, p, now)
			want := ""
			if name == "skipped" {
				want = "invoice:dropped:skipped"
			}
			if len(keys) != 0 || rep.Sent != 0 || f.status(t) != want {
				t.Fatalf("%+v %v %q, want nothing sent and %q", rep, keys, f.status(t), want)
			}
		})
	}
}

// The throttle an admin set (7 days) lets a visit's survey go 8 days after
// the last; the customer's own time zone decides their daytime over the
// owner's and the organisation's.
func TestSurveyDispatchConfiguredThrottleAndCustomerZone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := &planned{}
	ctx := context.Background()
	s := crm.DefaultSurveySettings()
	s.ThrottleDays, s.RelationshipOn = 7, false
	if err := f.db.SetSurveySettings(ctx, s, 0); err != nil {
		t.Fatal(err)
	}
	// 09:00 UTC: daytime in Tehran, 04:00 in New York.
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	f.exec(t, `UPDATE customers SET telegram_user_id = 900, telegram_linked_at = $2, consent_at = $2, time_zone = 'America/New_York'
		WHERE id = $1`, f.client, now.Add(-40*24*time.Hour))
	f.exec(t, `INSERT INTO activities (customer_id, staff_id, kind, occurred_at) VALUES ($1, $2, 'visit', $3)`, f.client, f.rep, now.Add(-49*time.Hour))
	rep, keys := surveyRun(t, f, p, now)
	if rep.Deferred != 1 || len(keys) != 0 {
		t.Fatalf("at 04:00 in New York: %+v %v", rep, keys)
	}
	ny, _ := time.LoadLocation("America/New_York")
	morning := time.Date(2026, 11, 22, 9, 0, 0, 0, ny)
	if rep, keys := surveyRun(t, f, p, morning); rep.Sent != 1 || len(keys) != 1 {
		t.Fatalf("at 09:00 in New York: %+v %v", rep, keys)
	}
	f.exec(t, `INSERT INTO activities (customer_id, staff_id, kind, occurred_at) VALUES ($1, $2, 'visit', $3)`, f.client, f.rep, morning.Add(6*24*time.Hour))
	if rep, keys := surveyRun(t, f, p, morning.Add(8*24*time.Hour)); rep.Sent != 1 || len(keys) != 1 {
		t.Fatalf("8 days on with a 7 days' throttle: %+v %v %s", rep, keys, f.status(t))
	}
}

// The relationship level drives the survey after a sale (issue 14): at
// basic or reactive — the business's level, or the customer's own — an
// invoice plans no survey; at accountable and up, or with no level set,
// it does.
func TestSurveyAfterASaleFollowsTheRelationshipLevel(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name          string
		business, own int
		want          string
	}{
		{"no level set", 0, 0, "invoice:sent"},
		{"business basic", crm.LevelBasic, 0, ""},
		{"business reactive", crm.LevelReactive, 0, ""},
		{"business accountable", crm.LevelAccountable, 0, "invoice:sent"},
		{"business basic, the customer proactive", crm.LevelBasic, crm.LevelProactive, "invoice:sent"},
		{"business partnership, the customer basic", crm.LevelPartnership, crm.LevelBasic, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			p := &planned{}
			if tt.business != 0 {
				pol := crm.RelationshipPolicy{Business: crm.LevelPolicy{Margin: "high", Base: "few", Level: tt.business, Overridden: true, SetAt: now}}
				if err := f.db.SetRelationshipPolicy(context.Background(), pol, f.rep); err != nil {
					t.Fatal(err)
				}
			}
			if tt.own != 0 {
				f.exec(t, `UPDATE customers SET relationship_level = $2 WHERE id = $1`, f.client, tt.own)
			}
			f.exec(t, `UPDATE customers SET telegram_user_id = 900, telegram_linked_at = $2, consent_at = $2, consent_version = '1',
				chat_locale = 'fa' WHERE id = $1`, f.client, now.Add(-3*24*time.Hour))
			f.exec(t, `INSERT INTO purchases (customer_id, kind, amount, currency, status, issued_at) VALUES ($1, 'invoice', 100, 'IRR', 'sent', $2)`,
				f.client, now.Add(-49*time.Hour))
			surveyRun(t, f, p, now)
			if got := f.status(t); got != tt.want {
				t.Errorf("surveys after the invoice: %q, want %q", got, tt.want)
			}
		})
	}
}
