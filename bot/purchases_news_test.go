package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A proactive check-in names what is new and fits the customer: products
// first invoiced in the last three months whose name holds one of their
// interests (an Arabic spelling finds a Persian interest), not what they
// already bought, not what is old; nothing is added for a customer
// without interests. In the rep's language, each name isolated.
func TestCheckInNamesNewProductsByInterest(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			o := newOrg(t, lang)
			h := o.h
			other := h.customer("Other Buyer", o.b.id)
			bare := h.customer("No Interests", o.a.id)
			day := 24 * time.Hour
			invoice := func(cid int64, name string, ago time.Duration) {
				h.exec(`INSERT INTO purchases (customer_id, kind, amount, currency, status, issued_at, items)
					VALUES ($1, 'invoice', 100, 'IRR', 'paid', $2, jsonb_build_array(jsonb_build_object('sku', 'S', 'name', $3::text, 'qty', 1, 'unit_price', 100)))`,
					cid, h.now.Add(-ago), name)
			}
			invoice(other, "زعفران سرگل", 400*day)         // old: not new
			invoice(other, "زعفران نگين ممتاز", 10*day)    // new, Arabic ي
			invoice(other, "Printer Ink", 5*day)           // new, no matching interest
			invoice(other, "Saffron Gift Box", 20*day)     // new, matches
			invoice(o.customer, "Saffron Gift Box", 3*day) // …but this customer has it already
			for _, name := range []string{"زعفران", "saffron"} {
				h.exec(`INSERT INTO customer_interests (customer_id, name, name_key, created_at, updated_at) VALUES ($1, $2, lower($2), now(), now())`, o.customer, name)
			}
			note := h.bot.PlannedNote(context.Background(), "checkin", o.customer, o.a.id)
			if !strings.HasPrefix(note, h.tr(lang, "value.note.checkin", nil)+"\n") {
				t.Fatalf("the check-in note lost its first line: %q", note)
			}
			if !strings.Contains(note, "زعفران نگين ممتاز") || strings.Contains(note, "سرگل") || strings.Contains(note, "Printer") || strings.Contains(note, "Gift Box") {
				t.Errorf("the suggestions: %q, want only the new saffron not bought yet", note)
			}
			if lang != "en" && !strings.Contains(note, "\u2068زعفران نگين ممتاز\u2069") {
				t.Errorf("the product name is not isolated in %s: %q", lang, note)
			}
			if got := h.bot.PlannedNote(context.Background(), "checkin", bare, o.a.id); got != h.tr(lang, "value.note.checkin", nil) {
				t.Errorf("a customer without interests: %q", got)
			}
			if got := h.bot.PlannedNote(context.Background(), "winback", o.customer, o.a.id); strings.Contains(got, "زعفران") {
				t.Errorf("a win-back names products: %q", got)
			}
		})
	}
}
