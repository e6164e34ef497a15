package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/schedule"
)

// purchaseInput is what a rep types in each language.
var purchaseInput = map[string]struct{ amount, currency, items, quoteDate string }{
	"fa": {"۱٬۲۵۰٬۰۰۰", "IRR", "اسپرسوساز × ۲، دانهٔ قهوه", "۱۴۰۵/۸/۲۰"},
	"ar": {"١٢٥٠٫٥", "SAR", "آلة إسبريسو × ٢، بن", "٢٠٢٦-١١-١١"},
	"en": {"1,250.50", "USD", "espresso machine x 2, beans", "2026-11-11"},
}

// A rep enters an invoice (a wrong amount first, which keeps the flow),
// the ladder offers the move to first-time customer, a quote dated by a
// typed date becomes an invoice in one tap, and the ladder then offers
// repeat customer. Amounts are shown in the rep's digits.
func TestPurchasesQuoteInvoiceAndLadder(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			in := purchaseInput[lang]
			if in.currency != "IRR" {
				pol := crm.DefaultValuePolicy(lang)
				pol.Currency = in.currency
				if err := h.db.SetValuePolicy(context.Background(), pol, o.admin.id); err != nil {
					t.Fatal(err)
				}
			}
			cid := id(o.customer)
			card := h.press(o.a.user, 1, cb(actCard, cid))
			list := h.press(o.a.user, 1, button(t, card, cb(actPurchases, cid)))
			got := h.press(o.a.user, 1, button(t, list, cb(actNewInvoice, cid)))
			if !hasButton(got, cb(actPurchaseCur, cid, "EUR")) {
				t.Fatalf("amount prompt offers no currencies: %s", dump(got))
			}
			got = h.text(o.a.user, "twelve")
			if want := h.tr(lang, "purchase.bad_amount", nil); len(got) != 1 || !strings.HasPrefix(got[0].Text, strings.SplitN(want, " ", 3)[0]) {
				t.Fatalf("a wrong amount: got %s, want the bad-amount answer", dump(got))
			}
			got = h.text(o.a.user, in.amount)
			minor, _ := crm.ParseAmount(in.amount, format.CurrencyDigits(in.currency))
			shown := format.Money(lang, minor, in.currency)
			if !strings.Contains(texts(got), shown) {
				t.Fatalf("the amount is not shown as %q: %s", shown, dump(got))
			}
			got = h.text(o.a.user, in.items)
			got = h.press(o.a.user, 1, button(t, got, cb(actPurchaseDay, cid, "0")))
			suggest := button(t, got, cb(actStageMove, cid))
			first := scalar[int64](h, `SELECT id FROM stages WHERE template = 'ladder' AND key = 'first_time'`)
			if suggest != cb(actStageMove, cid, id(first)) {
				t.Fatalf("after the first invoice the ladder suggests %q, want first-time customer", suggest)
			}
			if n := scalar[int64](h, `SELECT count(*) FROM purchases WHERE customer_id = $1 AND kind = 'invoice'
				AND items @> '[{"qty": 2}]' AND (amount * 100)::bigint = $2`, o.customer, minor*map[string]int64{"IRR": 100}[in.currency]+minor*map[string]int64{"SAR": 1, "USD": 1}[in.currency]); n != 1 {
				t.Fatalf("%d invoices stored with the amount and two of the first item, want 1", n)
			}
			h.press(o.a.user, 1, suggest)
			if got := scalar[int64](h, `SELECT stage_id FROM customers WHERE id = $1`, o.customer); got != first {
				t.Fatalf("stage %d after the suggested move, want %d", got, first)
			}

			// A quote, no items, dated by typing, then converted.
			h.press(o.a.user, 1, cb(actNewQuote, cid))
			h.text(o.a.user, in.amount)
			h.press(o.a.user, 1, cb(actPurchaseSkip, cid))
			got = h.text(o.a.user, "31 Dec 2040")
			if want := h.tr(lang, "purchase.bad_date", nil); len(got) != 1 || got[0].Text != want {
				t.Fatalf("a date in the future: got %s", dump(got))
			}
			got = h.text(o.a.user, in.quoteDate)
			day := scalar[time.Time](h, `SELECT issued_at FROM purchases WHERE kind = 'quote' AND customer_id = $1`, o.customer)
			if d := day.In(h.db.Now().Location()); d.Year() != 2026 || d.Month() != 11 || d.Day() != 11 {
				t.Fatalf("the quote is dated %v, want 2026-11-11", day)
			}
			convert := button(t, got, cb(actConvert))
			got = h.press(o.a.user, 1, convert)
			repeat := scalar[int64](h, `SELECT id FROM stages WHERE template = 'ladder' AND key = 'repeat'`)
			if !hasButton(got, cb(actStageMove, cid, id(repeat))) {
				t.Fatalf("after the second invoice no repeat-customer suggestion: %s", dump(got))
			}
			if n := scalar[int64](h, `SELECT count(*) FROM purchases WHERE customer_id = $1 AND kind = 'invoice'`, o.customer); n != 2 {
				t.Fatalf("%d invoices after converting, want 2", n)
			}
			// The same button again: nothing new.
			got = h.press(o.a.user, 1, convert)
			if !onlyToast(got, h.tr(lang, "purchase.already_converted", nil)) {
				t.Fatalf("converting twice: %s", dump(got))
			}
			if n := scalar[int64](h, `SELECT count(*) FROM purchases WHERE customer_id = $1`, o.customer); n != 3 {
				t.Fatalf("%d purchases after a second convert press, want 3", n)
			}
			// The card shows the value in the rep's digits.
			card = h.press(o.a.user, 1, cb(actCard, cid))
			if !strings.Contains(texts(card), format.Money(lang, 2*minor, in.currency)) {
				t.Errorf("the card does not show the lifetime value %q: %s", format.Money(lang, 2*minor, in.currency), dump(card))
			}
		})
	}
}

// Rep B presses every purchase button on rep A's customer and quote:
// each is refused politely and nothing changes.
func TestPurchasesForgedCallbacksChangeNothing(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			q, err := h.db.AddPurchase(context.Background(), crm.Purchase{CustomerID: o.customer, Kind: crm.KindQuote,
				Amount: 5000, Currency: "IRR", IssuedAt: h.now}, o.a.id)
			if err != nil {
				t.Fatal(err)
			}
			c := id(o.customer)
			forbidden := h.tr(lang, "error.forbidden", nil)
			count := func() int64 { return scalar[int64](h, `SELECT count(*) + sum(length(status)) FROM purchases`) }
			before, fp := count(), h.fingerprint()
			for _, data := range []string{cb(actPurchases, c), cb(actNewQuote, c), cb(actNewInvoice, c), cb(actPurchaseCur, c, "USD"),
				cb(actPurchaseSkip, c), cb(actPurchaseDay, c, "0"), cb(actConvert, id(q.ID))} {
				if got := h.press(o.b.user, 1, data); !onlyToast(got, forbidden) {
					t.Errorf("rep B pressed %q: got %s, want only the forbidden notice", data, dump(got))
				}
			}
			for _, data := range []string{cb(actPolicy), cb(actPolicyCurrency, "USD"), cb(actPolicyLadder, "apply"),
				cb(actPolicyRisk, "20"), cb(actPolicyMargin, "high"), cb(actPolicyBase, "few"), cb(actPolicyLevel, "5")} {
				if got := h.press(o.b.user, 1, data); !onlyToast(got, forbidden) {
					t.Errorf("rep pressed admin action %q: got %s", data, dump(got))
				}
			}
			if count() != before || h.fingerprint() != fp {
				t.Fatal("forged purchase buttons changed the database")
			}
			// A stale flow button of rep A (no purchase in progress) is stale.
			if got := h.press(o.a.user, 1, cb(actPurchaseDay, c, "0")); !onlyToast(got, h.tr(lang, "error.stale_button", nil)) {
				t.Errorf("a day button with no purchase in progress: %s", dump(got))
			}
		})
	}
}

// A buyer past 1.5 × their rhythm is flagged on the card with the reason,
// and the sweep gives their rep one win-back follow-up.
func TestRiskFlagOnTheCardAndWinBack(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			ctx := context.Background()
			for _, d := range []int{-110, -80, -50} { // monthly, last 50 days ago
				if _, err := h.db.AddPurchase(ctx, crm.Purchase{CustomerID: o.customer, Kind: crm.KindInvoice, Amount: 1000,
					Currency: "IRR", IssuedAt: h.now.AddDate(0, 0, d)}, o.a.id); err != nil {
					t.Fatal(err)
				}
			}
			sweep := schedule.Risk{Store: h.db, Locale: "fa"}
			for i := 0; i < 2; i++ {
				if _, err := sweep.RunOnce(ctx, h.now); err != nil {
					t.Fatal(err)
				}
			}
			if n := scalar[int64](h, `SELECT count(*) FROM follow_ups WHERE customer_id = $1 AND assignee_id = $2 AND status = 'open'`, o.customer, o.a.id); n != 1 {
				t.Fatalf("%d win-back follow-ups for the owner after two sweeps, want 1", n)
			}
			card := texts(h.press(o.a.user, 1, cb(actCard, id(o.customer))))
			loc := h.bot.d.I18n.For(lang)
			flag := loc.N("value.card.at_risk", 50, map[string]any{"Date": "\x00"})
			rhythm := loc.N("value.card.rhythm", 30, nil)
			if !strings.Contains(card, strings.SplitN(flag, "\x00", 2)[0][:12]) || !strings.Contains(card, rhythm) {
				t.Errorf("the card lacks the risk flag and its reason (%q, %q):\n%s", flag, rhythm, card)
			}
		})
	}
}
