package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/sandbox"
	"github.com/telecrm/crmbot/internal/schedule"
)

// A survey end to end through the sandbox, in each language, with the
// real wiring (the dispatch job, River, the renderers, the sender): an
// invoice two days old → the customer gets the CSAT in their language →
// taps a low score → writes a comment → the rep and the manager get the
// alert with the comment → the rep keeps the call back's outcome.
func TestSurveyClosedLoopEndToEnd(t *testing.T) {
	t.Parallel()
	teh, _ := time.LoadLocation("Asia/Tehran")
	start := time.Date(2026, 11, 22, 12, 30, 0, 0, teh) // Sunday, daytime everywhere
	bundle, err := i18n.New("fa")
	if err != nil {
		t.Fatal(err)
	}
	for i, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			e := startE2E(t, start)
			ctx := context.Background()
			tr := func(id string, data map[string]any) string { return bundle.For(lang).T(id, data) }
			var team, rep, cust int64
			q := func(dst *int64, sql string, args ...any) {
				t.Helper()
				if err := e.db.Pool.QueryRow(ctx, sql, args...).Scan(dst); err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			q(&team, `INSERT INTO teams (name) VALUES ('North') RETURNING id`)
			q(&rep, `INSERT INTO staff (telegram_user_id, display_name, role, team_id, locale, time_zone, onboarded, welcomed_at)
				VALUES (7101, 'Sara', 'rep', $1, $2, 'Asia/Tehran', true, now()) RETURNING id`, team, lang)
			var mgr int64
			q(&mgr, `INSERT INTO staff (telegram_user_id, display_name, role, team_id, locale, time_zone, onboarded, welcomed_at)
				VALUES (7102, 'Maryam', 'manager', $1, $2, 'Asia/Tehran', true, now()) RETURNING id`, team, lang)
			if _, err := e.db.Pool.Exec(ctx, `UPDATE teams SET manager_id = $1 WHERE id = $2`, mgr, team); err != nil {
				t.Fatal(err)
			}
			customerTG := int64(9001 + i)
			q(&cust, `INSERT INTO customers (name, name_norm, owner_id, stage_id, telegram_user_id, telegram_linked_at, consent_at,
					consent_version, chat_locale)
				VALUES ('Ali Karimi', 'ali karimi', $1, (SELECT min(id) FROM stages), $2, $3, $3, '1', $4) RETURNING id`,
				rep, customerTG, start.Add(-3*24*time.Hour), lang)
			if _, err := e.db.Pool.Exec(ctx, `INSERT INTO purchases (customer_id, kind, amount, currency, status, issued_at)
				VALUES ($1, 'invoice', 100, 'IRR', 'sent', $2)`, cust, start.Add(-49*time.Hour)); err != nil {
				t.Fatal(err)
			}
			for _, staff := range []int64{7101, 7102} {
				e.user(staff, "Staff", lang).say("/today") // staff opened the bot long ago
			}
			c := e.user(customerTG, "Ali", lang)
			c.say("/start") // a customer opens the bot before it may write to them

			jobs := schedule.Surveys{Store: e.app.db, Notify: e.app.scheduler, Org: teh, DefaultLocale: "fa"}
			if _, err := jobs.RunOnce(ctx, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
			survey := c.wait(0, sandbox.TextContains(tr("survey.question.csat", nil)))
			if len(survey.Buttons()) != 5 || !strings.Contains(survey.Text, tr("survey.intro.invoice", map[string]any{"Name": "Ali Karimi"})) {
				t.Fatalf("the survey: %q %v", survey.Text, survey.ButtonLabels())
			}
			c.tap("vs:") // the first face: 1 of 5
			if got := c.say("The delivery was late"); got.Text != tr("survey.comment_thanks", nil) {
				t.Fatalf("after the comment: %q", got.Text)
			}
			alert := tr("survey.alert", map[string]any{"Name": "Ali Karimi", "Score": 1, "Max": 5, "Kind": tr("survey.kind.csat", nil)})
			for _, staff := range []int64{7101, 7102} {
				e.user(staff, "", lang).wait(0, sandbox.All(sandbox.TextContains(alert), sandbox.TextContains("The delivery was late")))
			}
			r := e.user(7101, "Sara", lang)
			r.tap("vo:")
			r.wait(0, sandbox.TextContains(tr("survey.outcome_kept", map[string]any{"Name": "Ali Karimi", "Outcome": tr("survey.outcome.recovered", nil)})))
			var outcome, fu string
			if err := e.db.Pool.QueryRow(ctx, `SELECT a.outcome, f.status FROM survey_alerts a JOIN follow_ups f ON f.id = a.follow_up_id`).
				Scan(&outcome, &fu); err != nil || outcome != "recovered" || fu != "done" {
				t.Fatalf("kept outcome %q, call back %q (%v)", outcome, fu, err)
			}
		})
	}
}
