package bot

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

// A linked customer reaches the customer side only: whatever they type or
// press (a staff command, a search, a forwarded or forged staff button,
// even on their own record) they see no staff menu, no keyboard of the
// staff and no other customer's data; what they type is relayed to their
// rep, and a staff button pressed changes nothing in the database.
// Strangers still get one polite sentence.
func TestALinkedCustomerNeverReachesTheStaffSide(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			o := newOrg(t, lang)
			h := o.h
			other := h.customer("Secret Other", o.a.id)
			h.exec(`UPDATE customers SET telegram_user_id = 777, telegram_linked_at = now(), consent_at = now(), consent_version = 'v' WHERE id = $1`, o.customer)
			me := models.User{ID: 777, FirstName: "Ali", LanguageCode: lang}
			fid := scalar[int64](h, `INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, now() + interval '1 day') RETURNING id`, o.customer, o.a.id)
			hello := h.tr(lang, "customer.hello", map[string]any{"Name": "علی کریمی", "Rep": "Sara"})
			for _, text := range []string{"/start", "/help", "/today", "/team", "/staff", "/invite"} {
				got := h.text(me, text)
				if len(got) != 1 || got[0].Text != hello {
					t.Errorf("customer typed %s: %s, want the customer greeting", text, dump(got))
				}
				if _, staffKeys := got[0].ReplyMarkup.(*models.ReplyKeyboardMarkup); staffKeys {
					t.Errorf("customer typed %s and got a keyboard: %+v", text, got[0].ReplyMarkup)
				}
			}
			for _, text := range []string{"Secret Other", "+989123456789", h.tr(lang, "menu.today", nil), h.tr(lang, "menu.team", nil)} {
				got := h.text(me, text)
				if len(got) != 1 || strings.Contains(dump(got), "Secret") || got[0].Text != h.tr(lang, "customer.message_received", map[string]any{"Name": "علی کریمی", "Rep": "Sara"}) {
					t.Errorf("customer typed %q: %s", text, dump(got))
				}
			}
			notes := h.takeNotes()
			for _, n := range notes {
				if n.ChatID != o.a.user.ID {
					t.Errorf("the customer's text reached chat %d, not their rep's: %s", n.ChatID, n.Message.Text)
				}
			}
			if len(notes) != 4 {
				t.Errorf("%d of the customer's 4 messages reached their rep", len(notes))
			}
			before := h.fingerprint()
			stale := h.tr(lang, "error.stale_button", nil)
			codes := slices.Sorted(func(yield func(string) bool) {
				for c := range h.bot.actions {
					if !yield(c) {
						return
					}
				}
			})
			for _, code := range codes {
				for _, data := range []string{cb(code, id(o.customer)), cb(code, id(other)), cb(code, id(fid), "0"), cb(code)} {
					got := h.press(me, 1, data)
					if len(got) != 1 || got[0].Method != "answerCallbackQuery" || got[0].Text != stale {
						t.Errorf("customer pressed %q: %s, want only the stale notice", data, dump(got))
					}
				}
			}
			if after := h.fingerprint(); after != before {
				t.Fatal("the customer's updates changed the database")
			}
			// Unlinked, they are a stranger again.
			h.exec(`UPDATE customers SET telegram_user_id = NULL WHERE id = $1`, o.customer)
			if got := h.text(me, "/start"); len(got) != 1 || got[0].Text != h.tr(lang, "access.not_staff", nil) {
				t.Errorf("an unlinked customer: %s", dump(got))
			}
		})
	}
}

// A customer-side button registered twice stops the bot at start, as a
// staff one does; a registered one is the only kind a customer can press.
func TestCustomerActionsAreRegisteredOnce(t *testing.T) {
	t.Parallel()
	b := &Bot{customerActions: map[string]actionFunc{}}
	b.customerAction("sv", func(*req, []string) error { return nil })
	defer func() {
		if recover() == nil {
			t.Error("a customer callback code registered twice did not stop the bot")
		}
	}()
	b.customerAction("sv", func(*req, []string) error { return nil })
}
