package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// tr is a message in lang with data, as the bot writes it.
func tr(t *testing.T, lang, id string, data map[string]any) string {
	t.Helper()
	b, err := i18n.New("fa")
	if err != nil {
		t.Fatal(err)
	}
	return b.For(lang).T(id, data)
}

// tinyPNG is a small photo a user sends.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var e2eLinkRE = regexp.MustCompile(`https://t\.me/crm_e2e_bot\?start=(c_[A-Za-z0-9_-]+)`)

// TestCustomerLinkAndRelay: through the real wiring and the sandbox, a rep
// makes a customer's link from the card (the QR code arrives as a photo),
// the customer opens it, picks a language and agrees; they write text,
// a voice message and a photo, which reach the rep; the rep answers by a
// Telegram reply and with the button (text and a photo), which reach the
// customer signed with the rep's name in the customer's language. /stop is
// confirmed and honoured, /start opts in again; a block marks the
// customer unreachable and the rep is told; writing again clears it.
// Forged buttons (a customer pressing a staff code, another rep's link
// button) change nothing, and a revoked or expired link is refused.
func TestCustomerLinkAndRelay(t *testing.T) {
	t.Parallel()
	teh, _ := time.LoadLocation("Asia/Tehran")
	start := time.Date(2026, 11, 23, 13, 30, 0, 0, teh) // Monday: a working day in every locale's week
	for _, tt := range []struct{ rep, cust string }{{"fa", "ar"}, {"ar", "en"}, {"en", "fa"}} {
		t.Run(tt.cust, func(t *testing.T) {
			t.Parallel()
			e := startE2E(t, start)
			ctx := context.Background()
			rep := newRep(t, e.db, 7601, "Sara", tt.rep)
			other := newRep(t, e.db, 7602, "Reza", tt.rep)
			c, err := e.db.CreateCustomer(ctx, crm.Customer{Name: "علی کریمی", Phones: []string{"+989121112233"}, OwnerID: rep.ID}, rep.ID)
			if err != nil {
				t.Fatal(err)
			}
			u := e.user(rep.TelegramUserID, "Sara", tt.rep)
			card := u.say("علی کریمی")
			if !strings.Contains(card.Text, tr(t, tt.rep, "link.card.none", nil)) {
				t.Fatalf("the card does not say the customer is not connected: %s", card.Text)
			}
			qr := u.tap("jl:")
			if qr.Photo == nil || qr.Photo.Width != 512 {
				t.Fatalf("the QR code did not arrive as a 512 px photo: %+v", qr)
			}
			var token string
			var linkMsg sandbox.Entry
			for _, m := range botMessages(e.sb, u.id) {
				if mm := e2eLinkRE.FindStringSubmatch(m.Text); mm != nil {
					token, linkMsg = mm[1], m
				}
			}
			if token == "" {
				t.Fatalf("no link in the rep's chat:\n%s", e.sb.Transcript(u.id).String())
			}

			// Another rep's forged link button for Sara's customer.
			before := count(t, e, `SELECT count(*) FROM customer_invites`)
			o := e.user(other.TelegramUserID, "Reza", tt.rep)
			o.say("/today")
			last, _ := e.sb.LastBotMessage(o.id)
			if _, err := e.sb.Tap(o.id, last.MessageID, "jl:"+strconv.FormatInt(c.ID, 36), true); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, "the forged press to be answered", 10*time.Second, func() (bool, string) {
				return answered(e, tr(t, tt.rep, "error.forbidden", nil)), "no forbidden notice"
			})
			if n := count(t, e, `SELECT count(*) FROM customer_invites`); n != before {
				t.Fatalf("a forged link button made a link (%d → %d)", before, n)
			}

			// The customer opens the link in their Telegram language.
			cu := e.user(9100, "Ali", tt.cust)
			welcome := cu.say("/start " + token)
			if welcome.Text != tr(t, tt.cust, "link.welcome_no_org", map[string]any{"Name": "علی کریمی", "Rep": "Sara"}) {
				t.Fatalf("the customer's greeting: %q", welcome.Text)
			}
			if menu := e.sb.MenuFor(cu.id); len(menu) != 4 || menu[1].Command != "stop" {
				t.Errorf("the customer's menu: %+v", menu)
			}
			pick := map[string]string{"fa": "en", "ar": "fa", "en": "ar"}[tt.cust]
			if m := cu.tap("jg:" + pick); m.Text != tr(t, pick, "link.welcome_no_org", map[string]any{"Name": "علی کریمی", "Rep": "Sara"}) {
				t.Fatalf("after picking %s: %q", pick, m.Text)
			}
			cu.tap("jg:" + tt.cust)
			if m := cu.tap("jy"); m.Text != tr(t, tt.cust, "link.consent_given", map[string]any{"Rep": "Sara"}) {
				t.Fatalf("after agreeing: %q", m.Text)
			}
			if got := e.customer(c.ID); !got.Messageable() || got.Chat.Locale != tt.cust || got.Chat.ConsentVersion != crm.ConsentVersion {
				t.Fatalf("after consent: %+v", got.Chat)
			}

			// A customer pressing a staff code.
			fp := count(t, e, `SELECT count(*) FROM activities`)
			if _, err := e.sb.Tap(cu.id, welcome.MessageID, "lc:"+strconv.FormatInt(c.ID, 36), true); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, "the customer's forged press to be answered", 10*time.Second, func() (bool, string) {
				return answered(e, tr(t, tt.cust, "error.stale_button", nil)), "no stale notice"
			})

			// Text from the customer, answered by a Telegram reply.
			seq := e.sb.Seq()
			ack := cu.say("سفارش من کی می‌رسد؟")
			if ack.Text != tr(t, tt.cust, "customer.message_received", map[string]any{"Name": "علی کریمی", "Rep": "Sara"}) {
				t.Fatalf("the acknowledgement: %q", ack.Text)
			}
			if n := count(t, e, `SELECT count(*) FROM activities`); n != fp+1 {
				t.Errorf("activities: %d → %d, want one message", fp, n)
			}
			note := u.wait(seq, sandbox.TextContains("سفارش من کی می‌رسد؟"))
			s, err := e.sb.SendText(u.id, "Tomorrow at 10", sandbox.MsgOpts{FirstName: "Sara", LanguageCode: tt.rep, ReplyTo: note.MessageID})
			if err != nil {
				t.Fatal(err)
			}
			if got := u.settle(s.Seq); got[len(got)-1].Text != tr(t, tt.rep, "relay.sent", map[string]any{"Name": "علی کریمی"}) {
				t.Fatalf("the rep's confirmation: %q", got[len(got)-1].Text)
			}
			sign := tr(t, tt.cust, "relay.from_staff", map[string]any{"Rep": "Sara"})
			got := cu.wait(s.Seq, sandbox.TextContains("Tomorrow at 10"))
			if !strings.HasPrefix(got.Text, strings.NewReplacer("<b>", "", "</b>", "").Replace(sign)) {
				t.Errorf("the answer is not signed %q: %q", sign, got.Text)
			}

			// A voice message, answered with a photo through the button.
			seq = e.sb.Seq()
			cu.voice(4)
			voice := u.wait(seq, func(en sandbox.Entry) bool { return en.Voice != nil })
			if !slices.Contains(voice.ButtonLabels(), tr(t, tt.rep, "relay.btn.answer", nil)) {
				t.Errorf("the relayed voice has no answer button: %v", voice.ButtonLabels())
			}
			if _, err := e.sb.TapLabel(u.id, voice.MessageID, tr(t, tt.rep, "relay.btn.answer", nil)); err != nil {
				t.Fatal(err)
			}
			u.wait(seq, sandbox.TextIs(stripTags(tr(t, tt.rep, "relay.ask_answer", map[string]any{"Name": "علی کریمی"}))))
			ph, err := e.sb.SendPhoto(u.id, tinyPNG(t), "invoice", sandbox.MsgOpts{FirstName: "Sara", LanguageCode: tt.rep})
			if err != nil {
				t.Fatal(err)
			}
			if p := cu.wait(ph.Seq, func(en sandbox.Entry) bool { return en.Photo != nil }); !strings.HasSuffix(p.Caption, "invoice") {
				t.Errorf("the rep's photo reached the customer as %+v", p)
			}
			// A photo from the customer.
			ph, err = e.sb.SendPhoto(cu.id, tinyPNG(t), "", cu.opts())
			if err != nil {
				t.Fatal(err)
			}
			u.wait(ph.Seq, func(en sandbox.Entry) bool { return en.Photo != nil && en.Photo.Width == 8 })

			// /stop, and a reply to them is refused; /start again.
			if m := cu.say("/stop"); m.Text != tr(t, tt.cust, "link.stopped", map[string]any{"Rep": "Sara"}) {
				t.Fatalf("/stop: %q", m.Text)
			}
			if e.customer(c.ID).Messageable() {
				t.Fatal("/stop did not opt the customer out")
			}
			s, _ = e.sb.SendText(u.id, "Are you there?", sandbox.MsgOpts{FirstName: "Sara", LanguageCode: tt.rep, ReplyTo: note.MessageID})
			if got := u.settle(s.Seq); got[len(got)-1].Text != stripTags(tr(t, tt.rep, "relay.opted_out", map[string]any{"Name": "علی کریمی"})) {
				t.Errorf("a reply to an opted-out customer: %q", got[len(got)-1].Text)
			}
			if m := cu.say("/start"); m.Text != tr(t, tt.cust, "link.resumed", map[string]any{"Rep": "Sara"}) {
				t.Fatalf("/start: %q", m.Text)
			}
			if !e.customer(c.ID).Messageable() {
				t.Fatal("/start did not opt the customer in")
			}

			// A block marks them unreachable; the rep is told; writing again clears it.
			if _, err := e.sb.Block(cu.id); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, "the block to mark the customer unreachable", 10*time.Second, func() (bool, string) {
				ch := e.customer(c.ID).Chat
				return !ch.UnreachableAt.IsZero(), fmt.Sprintf("%+v", ch)
			})
			s, _ = e.sb.SendText(u.id, "Hello?", sandbox.MsgOpts{FirstName: "Sara", LanguageCode: tt.rep, ReplyTo: note.MessageID})
			if got := u.settle(s.Seq); got[len(got)-1].Text != stripTags(tr(t, tt.rep, "relay.blocked", map[string]any{"Name": "علی کریمی"})) {
				t.Errorf("a reply to a customer who blocked the bot: %q", got[len(got)-1].Text)
			}
			if _, err := e.sb.Unblock(cu.id); err != nil {
				t.Fatal(err)
			}
			if err := e.db.MarkUnreachable(ctx, cu.id, "a 403 on a send"); err != nil { // as the sender does on a 403
				t.Fatal(err)
			}
			if e.customer(c.ID).Chat.UnreachableAt.IsZero() {
				t.Fatal("a 403 did not mark the customer unreachable")
			}
			cu.say("I am back")
			if ch := e.customer(c.ID).Chat; !ch.UnreachableAt.IsZero() {
				t.Errorf("writing again left the customer unreachable: %+v", ch)
			}

			// The link is used; a revoked one and an expired one are refused.
			stranger := e.user(9200, "Someone", tt.cust)
			if m := stranger.say("/start " + token); m.Text != tr(t, tt.cust, "link.used", nil) {
				t.Errorf("a used link opened by someone else: %q", m.Text)
			}
			u.tap("jl:")
			// The tap's settle may end on a message that was already on its
			// way (the relayed "I am back"); the new link is the one to revoke.
			var newest sandbox.Entry
			waitUntil(t, "the new link", 10*time.Second, func() (bool, string) {
				newest = lastWithButton(e, u.id, "jx:")
				return newest.MessageID != linkMsg.MessageID, fmt.Sprint("the newest link is message ", newest.MessageID)
			})
			if _, err := e.sb.TapLabel(u.id, newest.MessageID, tr(t, tt.rep, "link.btn.revoke", nil)); err != nil {
				t.Fatal(err)
			}
			var revoked string
			waitUntil(t, "the link to be revoked", 10*time.Second, func() (bool, string) {
				for _, m := range botMessages(e.sb, u.id) {
					if mm := e2eLinkRE.FindStringSubmatch(m.Text); mm != nil && m.MessageID != linkMsg.MessageID {
						revoked = mm[1]
					}
				}
				n := count(t, e, `SELECT count(*) FROM customer_invites WHERE revoked_at IS NOT NULL`)
				return n >= 1 && revoked != "", fmt.Sprint(n, " revoked")
			})
			if m := stranger.say("/start " + revoked); m.Text != tr(t, tt.cust, "link.revoked_open", nil) {
				t.Errorf("a revoked link: %q", m.Text)
			}
			u.tap("jl:")
			var fresh string
			waitUntil(t, "a third link", 10*time.Second, func() (bool, string) {
				for _, m := range botMessages(e.sb, u.id) {
					if mm := e2eLinkRE.FindStringSubmatch(m.Text); mm != nil {
						fresh = mm[1]
					}
				}
				return fresh != revoked && fresh != token, "the newest link is " + fresh
			})
			e.clock.Set(start.Add(crm.CustomerLinkTTL + time.Minute))
			if m := stranger.say("/start " + fresh); m.Text != tr(t, tt.cust, "link.expired", nil) {
				t.Errorf("an expired link: %q", m.Text)
			}
		})
	}
}

// customer reads customer id from the database.
func (e *e2e) customer(id int64) crm.Customer {
	e.t.Helper()
	c, err := e.db.Customer(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func count(t *testing.T, e *e2e, sql string) int {
	t.Helper()
	var n int
	if err := e.db.Pool.QueryRow(context.Background(), sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// answered reports whether a button press was answered with text.
func answered(e *e2e, text string) bool {
	for _, c := range e.sb.Calls(sandbox.CallFilter{Method: "answerCallbackQuery"}) {
		if c.Params["text"] == text {
			return true
		}
	}
	return false
}

// lastWithButton is the newest bot message in chat with a button whose
// data starts with prefix.
func lastWithButton(e *e2e, chat int64, prefix string) sandbox.Entry {
	e.t.Helper()
	ms := botMessages(e.sb, chat)
	for i := len(ms) - 1; i >= 0; i-- {
		for _, b := range ms[i].Buttons() {
			if strings.HasPrefix(b.CallbackData, prefix) {
				return ms[i]
			}
		}
	}
	e.t.Fatalf("no message with a %q button", prefix)
	return sandbox.Entry{}
}

var tagsRE = regexp.MustCompile(`<[^>]*>`)

// stripTags is HTML text as the chat shows it.
func stripTags(s string) string { return tagsRE.ReplaceAllString(s, "") }
