package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
)

// Through the sandbox, with the real wiring: a rep moves a lead up, answers
// the three qualification questions at the foot of the card, types a job
// title, skips the industry, picks a revenue band and types the city; the
// card then shows who qualified them and the answers. An interest with
// its quantity and period follows, and /insights answers in the rep's
// language.
func TestQualificationAndInterestsE2E(t *testing.T) {
	t.Parallel()
	teh, _ := time.LoadLocation("Asia/Tehran")
	start := time.Date(2026, 11, 22, 12, 30, 0, 0, teh)
	for _, tt := range []struct{ lang, job, city, interest, qty string }{
		{"fa", "مدیر خرید", "اصفهان", "کاغذ A4", "۲۰ کارتن"},
		{"ar", "مدير المشتريات", "دبي", "ورق A4", "٢٠ علبة"},
		{"en", "Purchasing manager", "Shiraz", "A4 paper", "20 boxes"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			e := startE2E(t, start)
			ctx := context.Background()
			token, err := e.db.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleRep, TeamName: "North"})
			if err != nil {
				t.Fatal(err)
			}
			u := e.user(7101, "Sara", tt.lang)
			u.say("/start " + token)
			u.tap("ol:o:" + tt.lang)
			u.tap("oc:o:")
			u.tap("oz:o:0")
			var rep, cust, prospect int64
			if err := e.db.Pool.QueryRow(ctx, `SELECT id FROM staff WHERE telegram_user_id = 7101`).Scan(&rep); err != nil {
				t.Fatal(err)
			}
			c, err := e.db.CreateCustomer(ctx, crm.Customer{Name: "Kaveh", Phones: []string{"+989121112233"}, OwnerID: rep}, rep)
			if err != nil {
				t.Fatal(err)
			}
			cust = c.ID
			if err := e.db.Pool.QueryRow(ctx, `SELECT id FROM stages WHERE template = 'ladder' AND key = 'prospect'`).Scan(&prospect); err != nil {
				t.Fatal(err)
			}
			u.say("09121112233")
			u.tap("sm:")
			m := u.tap("sv:" + b36(cust) + ":" + b36(prospect))
			if !strings.Contains(m.Text, label(t, tt.lang, "qual.q.can_help")) {
				t.Fatalf("no question after the move:\n%s", m.Text)
			}
			u.tap("qa:" + b36(cust) + ":h:y")
			u.tap("qa:" + b36(cust) + ":n:y")
			m = u.tap("qa:" + b36(cust) + ":o:y")
			if !strings.Contains(m.Text, strings.SplitN(label(t, tt.lang, "qual.ask_job"), " ", 2)[0]) {
				t.Fatalf("no job title question:\n%s", m.Text)
			}
			u.say(tt.job)
			u.tap("qs:" + b36(cust) + ":i")
			u.tap("qb:" + b36(cust) + ":b1")
			u.say(tt.city)
			card := u.e.sb.Transcript(u.id).Messages
			var text string
			for i := len(card) - 1; i >= 0; i-- {
				if card[i].From == "bot" && strings.Contains(card[i].Text, tt.city) {
					text = card[i].Text
					break
				}
			}
			for _, want := range []string{tt.job, label(t, tt.lang, "qual.card.can_help.yes"), label(t, tt.lang, "qual.card.ongoing.yes"), "Sara"} {
				if !strings.Contains(text, want) {
					t.Errorf("the card after qualifying lacks %q:\n%s", want, text)
				}
			}
			var row string
			if err := e.db.Pool.QueryRow(ctx, `SELECT concat_ws('|', can_help, needs_us, ongoing, revenue_band) FROM customer_qualifications
				WHERE customer_id = $1 AND qualified_by = $2`, cust, rep).Scan(&row); err != nil || row != "yes|yes|yes|b1" {
				t.Errorf("stored qualification %q, %v", row, err)
			}

			u.tap("cm:")
			u.tap("qo:")
			u.tap("qn:")
			u.say(tt.interest)
			m = u.say(tt.qty)
			m = u.tap("qp:" + b36(cust))
			var qty int
			var period string
			if err := e.db.Pool.QueryRow(ctx, `SELECT quantity, period FROM customer_interests WHERE customer_id = $1`, cust).Scan(&qty, &period); err != nil || qty != 20 || period != "week" {
				t.Errorf("interest stored as %d a %q (%v), want 20 a week:\n%s", qty, period, err, m.Text)
			}
			m = u.say("/insights")
			if !strings.Contains(m.Text, label(t, tt.lang, "insights.none")) {
				t.Errorf("/insights without invoices:\n%s", m.Text)
			}
		})
	}
}

// b36 writes an id as the bot's buttons do.
func b36(n int64) string { return strconv.FormatInt(n, 36) }
