package bot

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/schedule"
)

// insightsOrg is newOrg with buyers: Behrouz (rep A, monthly, 60 days
// quiet: at risk, twice his interval), Yasaman (rep A, one invoice),
// Zohreh (rep B, every 10 days, 180 quiet: lapsed) and Wahid (rep Omid
// of team South), their values refreshed by the risk sweep.
type insightsOrg struct {
	*org
	south                           int64
	omid                            member
	behrouz, yasaman, zohreh, wahid int64
}

func newInsightsOrg(t *testing.T, lang string) *insightsOrg {
	t.Helper()
	o := &insightsOrg{org: newOrg(t, lang)}
	h := o.h
	o.south = h.team("South")
	o.omid = h.member(5, "Omid", "rep", lang, o.south)
	o.behrouz, o.yasaman = h.customer("Behrouz", o.a.id), h.customer("Yasaman", o.a.id)
	o.zohreh, o.wahid = h.customer("Zohreh", o.b.id), h.customer("Wahid", o.omid.id)
	ctx := context.Background()
	buy := func(cid int64, amount int64, daysAgo ...int) {
		t.Helper()
		for _, d := range daysAgo {
			if _, err := h.db.AddPurchase(ctx, crm.Purchase{CustomerID: cid, Kind: crm.KindInvoice, Amount: amount, Currency: "IRR",
				IssuedAt: h.now.AddDate(0, 0, -d)}, o.admin.id); err != nil {
				t.Fatal(err)
			}
		}
	}
	buy(o.behrouz, 5_000_000, 120, 90, 60)
	buy(o.yasaman, 1_000_000, 5)
	buy(o.zohreh, 2_000_000, 200, 190, 180)
	buy(o.wahid, 9_000_000, 10)
	if _, err := (schedule.Risk{Store: h.db, Locale: "fa"}).RunOnce(ctx, h.now); err != nil {
		t.Fatal(err)
	}
	return o
}

func containsAll(t *testing.T, who, text string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s: %q missing in\n%s", who, w, text)
		}
	}
	for _, n := range not {
		if strings.Contains(text, n) {
			t.Errorf("%s sees %q:\n%s", who, n, text)
		}
	}
}

// /insights for a rep (their own customers only, whatever button they
// forge), a manager (their team) and an admin (everyone, or a team): the
// lifetime value, the segments' share of revenue, the top buyers one tap
// from their cards, and the customers at risk or lapsed with the reason,
// in the reader's digits and currency.
func TestInsightsByRole(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newInsightsOrg(t, lang)
			h := o.h
			loc := h.bot.d.I18n.For(lang)
			money := func(n int64) string { return format.Money(lang, n, "IRR") }

			got := h.text(o.a.user, "/insights")
			text := texts(got)
			containsAll(t, "rep A", text, []string{"Behrouz", "Yasaman",
				loc.N("insights.total", 2, map[string]any{"Value": money(16_000_000)}),
				loc.N("insights.segment.top", 1, map[string]any{"Share": format.Int(lang, 94), "Value": money(15_000_000)}),
				loc.N("insights.at_risk_n", 1, nil)},
				[]string{"Zohreh", "Wahid"})
			if n := utf8.RuneCountInString(text); n > 4096 {
				t.Errorf("%d characters", n)
			}
			if !hasButton(got, cb(actCard, id(o.behrouz))) {
				t.Errorf("no tap to the top buyer's card: %s", dump(got))
			}
			got = h.press(o.a.user, 1, button(t, got, cb(actInsights, "0", "r")))
			last := format.Date(lang, calendar.Calendar(memberCal[lang]), h.now.AddDate(0, 0, -60).In(zone(lang)))
			containsAll(t, "rep A at risk", texts(got), []string{"Behrouz", last, format.Fixed(lang, 2, 1),
				loc.N("insights.risk_line", 30, map[string]any{"N": 1, "Name": "Behrouz", "Value": money(15_000_000), "Date": last,
					"Times": format.Fixed(lang, 2, 1)})}, []string{"Zohreh"})
			if !hasButton(got, cb(actCard, id(o.behrouz))) {
				t.Errorf("no tap to the card of the customer at risk: %s", dump(got))
			}
			// A forged team: still only rep A's own customers.
			got = h.press(o.a.user, 1, cb(actInsights, id(o.south), "s", "0"))
			containsAll(t, "rep A with a forged team", texts(got), []string{"Behrouz"}, []string{"Wahid", "Zohreh"})
			if got := h.press(o.a.user, 1, cb(actInsights, "0", "x", "0")); !onlyToast(got, h.tr(lang, "error.stale_button", nil)) {
				t.Errorf("a malformed section: %s", dump(got))
			}

			got = h.text(o.manager.user, "/insights")
			containsAll(t, "manager", texts(got), []string{"Behrouz", "Yasaman", "Zohreh", loc.N("insights.lapsed_n", 1, nil)}, []string{"Wahid"})
			got = h.press(o.manager.user, 1, button(t, got, cb(actInsights, "0", "l")))
			containsAll(t, "manager lapsed", texts(got), []string{"Zohreh", h.tr(lang, "insights.lapsed_hint", nil), format.Fixed(lang, 18, 1)}, []string{"Behrouz"})

			got = h.text(o.admin.user, "/insights")
			containsAll(t, "admin", texts(got), []string{"Behrouz", "Zohreh", "Wahid", loc.N("insights.total", 4, map[string]any{"Value": money(31_000_000)})}, nil)
			got = h.press(o.admin.user, 1, button(t, got, cb(actInsights, id(o.south), "s")))
			containsAll(t, "admin, team South", texts(got), []string{"Wahid"}, []string{"Behrouz", "Zohreh"})
		})
	}
}

func zone(lang string) *time.Location {
	l, _ := time.LoadLocation(memberTZ[lang])
	return l
}
