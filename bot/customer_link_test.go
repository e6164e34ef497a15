package bot

import (
	"bytes"
	"context"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

var linkTokenRE = regexp.MustCompile(`start=(c_[A-Za-z0-9_-]+)`)

// makeLink presses the card's link button as m for customer cid and
// returns the token the link carries and the replies.
func (h *harness) makeLink(m member, cid int64) (string, []outbound.Message) {
	h.t.Helper()
	got := h.press(m.user, 1, cb(actLinkMake, id(cid)))
	match := linkTokenRE.FindStringSubmatch(texts(got))
	if match == nil {
		h.t.Fatalf("no customer link in %s", dump(got))
	}
	return match[1], got
}

// customerRow is customer cid as the store reads it.
func (h *harness) customerRow(cid int64) crm.Customer {
	h.t.Helper()
	c, err := h.db.Customer(context.Background(), cid)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// A rep makes a link from the card (text and QR photo; only a hash kept),
// the customer opens it and is greeted in their Telegram language with the
// consent question, changes the language, agrees; /stop is confirmed and
// honoured, /start opts them in again. The card says which state they are in.
func TestCustomerLinkConsentAndStop(t *testing.T) {
	t.Parallel()
	other := map[string]string{"fa": "ar", "ar": "en", "en": "fa"}
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			o := newOrg(t, lang)
			h := o.h
			card := h.press(o.a.user, 1, cb(actCard, id(o.customer)))
			if !strings.Contains(texts(card), h.tr(lang, "link.card.none", nil)) || !hasButton(card, actLinkMake+":") {
				t.Fatalf("the card shows no link state or button: %s", dump(card))
			}
			token, got := h.makeLink(o.a, o.customer)
			if len(got) != 3 || got[2].Method != "sendPhoto" || got[2].ChatID != o.a.user.ID {
				t.Fatalf("want the button answered, the link and its QR photo: %s", dump(got))
			}
			img, err := png.Decode(bytes.NewReader(got[2].File))
			if err != nil || img.Bounds().Dx() != qrSize {
				t.Fatalf("the QR code is no %d px PNG: %v", qrSize, err)
			}
			if n := scalar[int](h, `SELECT count(*) FROM customer_invites WHERE customer_id = $1 AND token_hash = sha256(convert_to($2, 'UTF8'))
				AND expires_at = $3`, o.customer, token, h.now.Add(crm.CustomerLinkTTL)); n != 1 {
				t.Fatalf("the link's hash and 14-day expiry are not stored (%d rows)", n)
			}

			me := models.User{ID: 900, FirstName: "Ali", LanguageCode: lang}
			got = h.text(me, "/start "+token)
			want := h.tr(lang, "link.welcome_no_org", map[string]any{"Name": "علی کریمی", "Rep": "Sara"})
			if len(got) != 2 || got[0].Method != "setMyCommands" || got[1].Text != want || !hasButton(got, actConsentYes) || !hasButton(got, actConsentNo) {
				t.Fatalf("opening the link: %s\nwant the menu and %q", dump(got), want)
			}
			if got[0].Scope == nil || got[0].Scope.ChatID != me.ID || len(got[0].Commands) != len(customerMenu) ||
				got[0].Commands[1].Description != h.tr(lang, "menu.customer.stop", nil) {
				t.Errorf("the customer's menu: %+v", got[0])
			}
			c := h.customerRow(o.customer)
			if c.Chat.TelegramUserID != me.ID || c.Chat.Locale != lang || !c.Chat.ConsentAt.IsZero() || c.Messageable() {
				t.Fatalf("after opening: %+v", c.Chat)
			}

			// Another language, then agree.
			got = h.press(me, 5, cb(actCustLang, other[lang]))
			if len(got) != 3 || got[0].Commands[0].Description != h.tr(other[lang], "menu.customer.start", nil) ||
				got[1].Text != h.tr(other[lang], "link.welcome_no_org", map[string]any{"Name": "علی کریمی", "Rep": "Sara"}) {
				t.Fatalf("picking %s: %s", other[lang], dump(got))
			}
			if c := h.customerRow(o.customer); c.Chat.Locale != other[lang] {
				t.Fatalf("chat locale %q, want %q", c.Chat.Locale, other[lang])
			}
			h.press(me, 5, cb(actCustLang, lang))
			got = h.press(me, 5, cb(actConsentYes))
			if !strings.Contains(texts(got), h.tr(lang, "link.consent_given", map[string]any{"Rep": "Sara"})) {
				t.Fatalf("agreeing: %s", dump(got))
			}
			c = h.customerRow(o.customer)
			if !c.Messageable() || !c.Chat.ConsentAt.Equal(h.now) || c.Chat.ConsentVersion != crm.ConsentVersion {
				t.Fatalf("after agreeing: %+v", c.Chat)
			}
			if card := h.press(o.a.user, 1, cb(actCard, id(o.customer))); !strings.Contains(texts(card), h.tr(lang, "link.card.consent", nil)) {
				t.Errorf("the card after consent: %s", texts(card))
			}

			// "Not now" pressed on the old question withdraws the consent.
			h.press(me, 5, cb(actConsentNo))
			if c := h.customerRow(o.customer); c.Messageable() {
				t.Fatalf("\"not now\" after agreeing left the customer messageable: %+v", c.Chat)
			}
			h.press(me, 5, cb(actConsentYes))

			// /stop, confirmed and kept; /start again.
			got = h.text(me, "/stop")
			if len(got) != 1 || got[0].Text != h.tr(lang, "link.stopped", map[string]any{"Rep": "Sara"}) {
				t.Fatalf("/stop: %s", dump(got))
			}
			if c := h.customerRow(o.customer); c.Messageable() || c.Chat.OptedOutAt.IsZero() {
				t.Fatalf("after /stop the customer is still messageable: %+v", c.Chat)
			}
			if card := h.press(o.a.user, 1, cb(actCard, id(o.customer))); !strings.Contains(texts(card), h.tr(lang, "link.card.opted_out", nil)) {
				t.Errorf("the card after /stop: %s", texts(card))
			}
			h.now = h.now.Add(time.Hour)
			got = h.text(me, "/start")
			if len(got) != 1 || got[0].Text != h.tr(lang, "link.resumed", map[string]any{"Rep": "Sara"}) {
				t.Fatalf("/start after /stop: %s", dump(got))
			}
			if c := h.customerRow(o.customer); !c.Messageable() || !c.Chat.ConsentAt.Equal(h.now) {
				t.Fatalf("after /start: %+v", c.Chat)
			}
			if got := h.text(me, "/start"); len(got) != 1 || got[0].Text != h.tr(lang, "customer.hello", map[string]any{"Name": "علی کریمی", "Rep": "Sara"}) {
				t.Errorf("/start when subscribed: %s", dump(got))
			}
			if got := h.text(me, "/language"); !hasButton(got, actCustLang+":"+other[lang]) {
				t.Errorf("/language: %s", dump(got))
			}
		})
	}
}

// Links that do not work get a polite sentence in the opener's language
// and change nothing: expired, revoked, replaced by a newer one, used by
// someone else, unknown. The customer's own account opening it again is
// greeted; a staff member opening one is told it is for a customer; an
// account linked to another customer is not moved.
func TestCustomerLinkRefusals(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			o := newOrg(t, lang)
			h := o.h
			stranger := func(uid int64) models.User { return models.User{ID: uid, FirstName: "X", LanguageCode: lang} }
			say := func(u models.User, token, wantID string) {
				t.Helper()
				before := h.fingerprint()
				got := h.text(u, "/start "+token)
				if len(got) != 1 || got[0].Text != h.tr(lang, wantID, nil) {
					t.Errorf("opening %s: %s, want %s", token, dump(got), wantID)
				}
				if h.fingerprint() != before {
					t.Errorf("opening %s changed the database", token)
				}
			}
			first, _ := h.makeLink(o.a, o.customer)
			second, got := h.makeLink(o.a, o.customer)
			say(stranger(901), first, "link.revoked_open")
			say(o.b.user, second, "link.staff_opened")
			say(stranger(901), "c_madeUpToken", "link.unknown")

			// Revoked from its message; expired after 14 days.
			revoke := button(t, got, actLinkRevoke+":")
			if got := h.press(o.b.user, 1, revoke); len(got) != 1 || got[0].Text != h.tr(lang, "error.forbidden", nil) {
				t.Errorf("another rep revoking Sara's link: %s", dump(got))
			}
			if got := h.press(o.a.user, 1, revoke); !strings.Contains(texts(got), h.tr(lang, "link.revoked", map[string]any{"Name": "علی کریمی"})) {
				t.Errorf("revoking: %s", dump(got))
			}
			say(stranger(901), second, "link.revoked_open")
			third, _ := h.makeLink(o.a, o.customer)
			h.now = h.now.Add(crm.CustomerLinkTTL)
			say(stranger(901), third, "link.expired")
			h.now = h.now.Add(-crm.CustomerLinkTTL)

			// Used: again by its own account, not by another.
			h.text(stranger(902), "/start "+third)
			if got := h.text(stranger(902), "/start "+third); len(got) != 2 || !hasButton(got, actConsentYes) {
				t.Errorf("the customer opening their link again: %s", dump(got))
			}
			say(stranger(903), third, "link.used")

			// An account linked to another customer stays theirs.
			other := h.customer("Other Customer", o.a.id)
			fourth, _ := h.makeLink(o.a, other)
			say(stranger(902), fourth, "link.taken")
			if c := h.customerRow(other); c.Chat.TelegramUserID != 0 {
				t.Errorf("the other customer was linked to 902: %+v", c.Chat)
			}
		})
	}
}

// A rep may not make a link for a customer who is not theirs, and a
// manager may for their team's: the button is re-authorized on every press.
func TestCustomerLinkForgedButton(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "en")
	h := o.h
	got := h.press(o.b.user, 1, cb(actLinkMake, id(o.customer)))
	if len(got) != 1 || got[0].Method != "answerCallbackQuery" || got[0].Text != h.tr("en", "error.forbidden", nil) {
		t.Errorf("Reza's forged link button for Sara's customer: %s", dump(got))
	}
	if n := scalar[int](h, `SELECT count(*) FROM customer_invites`); n != 0 {
		t.Errorf("a forged press made %d links", n)
	}
	if _, got := h.makeLink(o.manager, o.customer); !hasButton(got, actLinkRevoke+":") {
		t.Errorf("the manager's link: %s", dump(got))
	}
}

// An admin names the organisation with /orgname (a rep may not), and a
// customer opening their link is told it, in their language.
func TestOrgNameInTheGreeting(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "en")
	h := o.h
	if got := h.text(o.a.user, "/orgname Evil Corp"); !strings.Contains(texts(got), h.tr("en", "error.forbidden", nil)) {
		t.Errorf("a rep naming the organisation: %s", dump(got))
	}
	if got := h.text(o.admin.user, "/orgname"); len(got) != 1 || got[0].Text != h.tr("en", "link.org.none", nil) {
		t.Errorf("/orgname with none set: %s", dump(got))
	}
	if got := h.text(o.admin.user, "/orgname "+strings.Repeat("x", maxOrgName+1)); len(got) != 1 || got[0].Text != h.tr("en", "link.org.too_long", nil) {
		t.Errorf("a name too long: %s", dump(got))
	}
	h.text(o.admin.user, "/orgname  پخش البرز ")
	if got := h.text(o.admin.user, "/orgname"); len(got) != 1 || got[0].Text != h.tr("en", "link.org.current", map[string]any{"Name": "پخش البرز"}) {
		t.Errorf("/orgname after setting it: %s", dump(got))
	}
	token, _ := h.makeLink(o.a, o.customer)
	got := h.text(models.User{ID: 900, FirstName: "Ali", LanguageCode: "ar"}, "/start "+token)
	want := h.tr("ar", "link.welcome", map[string]any{"Name": "علی کریمی", "Rep": "Sara", "Org": "پخش البرز"})
	if len(got) != 2 || got[1].Text != want {
		t.Errorf("the greeting: %s\nwant %q", dump(got), want)
	}
}
