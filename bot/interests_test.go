package bot

import (
	"strings"
	"testing"

	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/i18n"
)

// interestInput is what a rep types, in each language.
var interestInput = map[string]struct{ name, qty, unit, bad string }{
	"fa": {"کاغذ A4", "۲۰ کارتن", "کارتن", "بیست"},
	"ar": {"ورق A4", "٢٠ علبة", "علبة", "عشرون"},
	"en": {"A4 paper", "20 boxes", "boxes", "twenty"},
}

// A rep adds an interest with its quantity (typed in their digits) and
// period (a button); it is on the card and among the customer's tags;
// a wrong quantity or a duplicate is answered and changes nothing;
// removing it takes the tag away too.
func TestInterestsOnTheCard(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			in := interestInput[lang]
			c := id(o.customer)
			got := h.press(o.a.user, 1, cb(actInterests, c))
			add := button(t, got, cb(actInterestAdd, c))
			h.press(o.a.user, 1, add)
			got = h.text(o.a.user, in.name)
			iid := scalar[int64](h, `SELECT id FROM customer_interests WHERE customer_id = $1`, o.customer)
			if !hasButton(got, cb(actInterestView, c, id(iid))) {
				t.Fatalf("no quantity question after the name: %s", dump(got))
			}
			got = h.text(o.a.user, in.bad)
			if len(got) != 1 || got[0].Text != h.tr(lang, "interest.bad_qty", nil) {
				t.Fatalf("a wrong quantity: %s", dump(got))
			}
			got = h.text(o.a.user, in.qty)
			month := button(t, got, cb(actInterestPeriod, c, id(iid), "month"))
			h.press(o.a.user, 1, month)
			if row := scalar[string](h, `SELECT concat_ws('|', name, quantity, unit, period) FROM customer_interests WHERE id = $1`, iid); row != in.name+"|20|"+in.unit+"|month" {
				t.Errorf("stored %q", row)
			}
			if n := scalar[int64](h, `SELECT count(*) FROM customers WHERE id = $1 AND tags @> ARRAY[$2]`, o.customer, in.name); n != 1 {
				t.Errorf("the interest is not among the tags")
			}
			card := h.press(o.a.user, 1, cb(actCard, c))
			item := h.tr(lang, "interest.item.qty_per.month", map[string]any{"Name": in.name,
				"Qty": format.Int(lang, 20) + " " + i18n.Isolate(lang, in.unit)})
			if !strings.Contains(texts(card), item) {
				t.Errorf("the card lacks %q: %s", item, dump(card))
			}

			// The same name again (another spelling of case): refused.
			h.press(o.a.user, 1, add)
			got = h.text(o.a.user, strings.ToUpper(in.name))
			if len(got) != 1 || !strings.Contains(got[0].Text, h.tr(lang, "interest.exists", map[string]any{"Item": strings.ToUpper(in.name)})) {
				t.Errorf("a duplicate: %s", dump(got))
			}
			if n := scalar[int64](h, `SELECT count(*) FROM customer_interests WHERE customer_id = $1`, o.customer); n != 1 {
				t.Errorf("%d interests after a duplicate, want 1", n)
			}
			h.exec(`DELETE FROM conversation_state`)

			got = h.press(o.a.user, 1, cb(actInterestRemove, c, id(iid)))
			if hasButton(got, cb(actInterestView, c, id(iid))) {
				t.Errorf("the removed interest is still listed: %s", dump(got))
			}
			if n := scalar[int64](h, `SELECT count(*) FROM customers WHERE id = $1 AND tags @> ARRAY[$2]`, o.customer, in.name); n != 0 {
				t.Errorf("the tag stayed after removing the interest")
			}
			if n := scalar[int64](h, `SELECT count(*) FROM customers WHERE id = $1 AND tags @> ARRAY['VIP']`, o.customer); n != 1 {
				t.Errorf("another tag was lost")
			}
		})
	}
}
