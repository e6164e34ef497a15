package bot

import (
	"strings"
	"testing"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// An admin sets a product margin from /policy (a wrong line first, which
// changes nothing); the customer's card and /insights then show the
// margin-adjusted value; a rep cannot open or change the margins.
func TestPolicyProductMargins(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			if _, err := h.db.AddPurchase(t.Context(), crm.Purchase{CustomerID: o.customer, Kind: crm.KindInvoice, Amount: 8_000_000,
				Currency: "IRR", IssuedAt: h.now, Items: []crm.PurchaseItem{{Name: "A4 paper", Qty: 4, UnitPrice: 2_000_000}}}, o.a.id); err != nil {
				t.Fatal(err)
			}
			h.press(o.a.user, 1, cb(actCard, id(o.customer))) // the value is computed before any margin
			got := h.text(o.admin.user, "/policy")
			got = h.press(o.admin.user, 1, button(t, got, cb(actMargins)))
			h.press(o.admin.user, 1, button(t, got, cb(actMarginAdd)))
			if got := h.text(o.admin.user, "A4 paper"); len(got) != 1 || got[0].Text != h.tr(lang, "margins.bad", nil) {
				t.Fatalf("a line without a margin: %s", dump(got))
			}
			got = h.text(o.admin.user, "a4 paper "+format.Int(lang, 25)+"%")
			if !strings.Contains(texts(got), h.tr(lang, "margins.line", map[string]any{"Name": "a4 paper", "Pct": format.Int(lang, 25)})) {
				t.Fatalf("the margin is not listed: %s", dump(got))
			}
			if m := scalar[int](h, `SELECT (value->'margins'->>'a4 paper')::int FROM settings WHERE key = 'value_policy'`); m != 25 {
				t.Errorf("stored margin %d, want 25", m)
			}
			card := h.press(o.a.user, 1, cb(actCard, id(o.customer)))
			if want := h.tr(lang, "value.card.margin", map[string]any{"Value": format.Money(lang, 2_000_000, "IRR")}); !strings.Contains(texts(card), want) {
				t.Errorf("the card lacks %q: %s", want, dump(card))
			}
			ins := h.text(o.a.user, "/insights")
			if want := h.tr(lang, "insights.margin", map[string]any{"Value": format.Money(lang, 2_000_000, "IRR")}); !strings.Contains(texts(ins), want) {
				t.Errorf("/insights lacks %q: %s", want, dump(ins))
			}
			forbidden := h.tr(lang, "error.forbidden", nil)
			for _, data := range []string{cb(actMargins), cb(actMarginAdd), cb(actMarginRemove, "0")} {
				if got := h.press(o.a.user, 1, data); !onlyToast(got, forbidden) {
					t.Errorf("a rep pressed %s: %s", data, dump(got))
				}
			}
			if m := scalar[int](h, `SELECT count(*) FROM settings, jsonb_object_keys(value->'margins') WHERE key = 'value_policy'`); m != 1 {
				t.Errorf("%d margins after the rep's presses, want 1", m)
			}
			got = h.press(o.admin.user, 1, cb(actMarginRemove, "0"))
			if n := scalar[int](h, `SELECT count(*) FROM settings, jsonb_object_keys(coalesce(value->'margins', '{}')) WHERE key = 'value_policy'`); n != 0 {
				t.Errorf("%d margins after removing the only one: %s", n, dump(got))
			}
		})
	}
}
