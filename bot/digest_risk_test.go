package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/format"
)

// The manager's digest says how many of the team's customers are at risk,
// how many are new to the list, how many stopped buying, and names the
// three most valuable with their value in the manager's digits.
func TestDigestValueAtRisk(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	day := 24 * time.Hour
	for i, lang := range []string{"fa", "ar", "en"} {
		d := h.digestTeam(lang, int64(9200+10*i))
		loc := h.bot.d.I18n.For(lang)
		if got := texts(h.text(d.manager.user, "/digest")); strings.Contains(got, loc.N("digest.risk.title", 0, nil)) {
			t.Errorf("%s: a risk section with nobody at risk:\n%s", lang, got)
		}
		names := []string{"Kaveh", "Laleh", "Mehdi", "Nasrin"}
		ltv := []int64{7_000_000, 3_000_000, 5_000_000, 1_000_000}
		for j, name := range names {
			c := h.customer(name, d.rep.id)
			risk, last := "at_risk", h.now.Add(-50*day)
			if j == 3 {
				risk, last = "lapsed", h.now.Add(-100*day)
			}
			if j == 0 {
				last = h.now.Add(-45*day - 2*time.Hour) // crossed 1.5 × 30 days two hours ago
			}
			h.exec(`INSERT INTO customer_values (customer_id, stale, currency, ltv, margin, invoices, last_invoice_at, interval_seconds, risk)
				VALUES ($1, false, 'IRR', $2, $2, 3, $3, $4, $5)`, c, ltv[j], last, int64(30*day/time.Second), risk)
		}
		text := texts(h.text(d.manager.user, "/digest"))
		tehran := zone(lang)
		for _, want := range []string{
			loc.N("digest.risk.title", 4, nil), loc.N("digest.risk.new", 1, nil), loc.N("digest.risk.lapsed", 1, nil),
			h.tr(lang, "digest.risk.line", map[string]any{"Customer": "Kaveh", "Value": format.Money(lang, 7_000_000, "IRR"),
				"Date": format.Date(lang, calendar.Calendar(memberCal[lang]), h.now.Add(-45*day-2*time.Hour).In(tehran))}),
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the digest lacks %q:\n%s", lang, want, text)
			}
		}
		if k, m, l := strings.Index(text, "Kaveh"), strings.Index(text, "Mehdi"), strings.Index(text, "Laleh"); k < 0 || m < k || l < m {
			t.Errorf("%s: the top three are not by value (Kaveh, Mehdi, Laleh):\n%s", lang, text)
		}
		if strings.Contains(text, "Nasrin") {
			t.Errorf("%s: a fourth customer is named:\n%s", lang, text)
		}
	}
}
