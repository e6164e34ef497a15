package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// linkCustomer links account tg to customer cid with consent, in lang.
func (h *harness) linkCustomer(cid, tg int64, lang string) models.User {
	h.exec(`UPDATE customers SET telegram_user_id = $2, telegram_linked_at = now(), chat_locale = $3, consent_at = now(),
		consent_version = 'v' WHERE id = $1`, cid, tg, lang)
	return models.User{ID: tg, FirstName: "Customer", LanguageCode: lang}
}

// relayNote returns the one notification scheduled, held to the Bot API.
func relayNote(t *testing.T, h *harness) outbound.Notification {
	t.Helper()
	ns := h.takeNotes()
	if len(ns) != 1 || ns[0].Message == nil {
		t.Fatalf("want one notification with its message, got %+v", ns)
	}
	checkBotAPI(t, *ns[0].Message)
	return ns[0]
}

// sent records relayed notification n as sent with Telegram message id
// mid, as the delivery path does (its row in sends).
func (h *harness) sent(n outbound.Notification, mid int64) {
	h.exec(`INSERT INTO sends (dedup_key, chat_id, kind, status, telegram_message_id) VALUES ($1, $2, $3, 'sent', $4)`,
		n.DedupKey, n.ChatID, n.Kind, mid)
}

// The relay both ways: what a linked customer writes (text, voice, photo)
// reaches their rep as a notification and becomes a message on their
// history; the rep's answer (a Telegram reply to it, or its button) reaches
// the customer by file_id or as text, signed with the rep's name in the
// customer's language, and is logged too.
func TestRelayBothWays(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ staff, customer string }{{"fa", "ar"}, {"ar", "en"}, {"en", "fa"}} {
		t.Run(tt.staff+"-"+tt.customer, func(t *testing.T) {
			t.Parallel()
			o := newOrg(t, tt.staff)
			h := o.h
			me := h.linkCustomer(o.customer, 900, tt.customer)
			ack := h.tr(tt.customer, "customer.message_received", map[string]any{"Name": "علی کریمی", "Rep": "Sara"})

			got := h.text(me, "Is my order <ready>?")
			if len(got) != 1 || got[0].Text != ack || got[0].ChatID != me.ID {
				t.Fatalf("the customer's acknowledgement: %s", dump(got))
			}
			n := relayNote(t, h)
			m := n.Message
			if n.ChatID != o.a.user.ID || n.StaffID != o.a.id || n.Kind != outbound.KindCustomerMessage || m.Method != "sendMessage" ||
				!strings.Contains(m.Text, "Is my order &lt;ready&gt;?") || !strings.HasPrefix(m.Text, h.tr(tt.staff, "relay.incoming", map[string]any{"Name": "علی کریمی"})) ||
				!hasButton([]outbound.Message{*m}, actRelayReply+":"+id(o.customer)) {
				t.Fatalf("the rep's notification: %+v %s", n, dump([]outbound.Message{*m}))
			}
			if got := scalar[string](h, `SELECT kind || '|' || note || '|' || from_name || '|' || (staff_id IS NULL)::text FROM activities WHERE customer_id = $1`, o.customer); got != "message|Is my order <ready>?|علی کریمی|true" {
				t.Errorf("the customer's message as an activity: %s", got)
			}
			h.sent(n, 5000)

			// The rep replies to the notification.
			h.now = h.now.Add(time.Minute)
			got = h.handle(h.msgUpdate(o.a.user, h.now, func(m *models.Message) {
				m.Text = "Yes, <today>."
				m.ReplyToMessage = &models.Message{ID: 5000, Chat: m.Chat}
			}))
			if len(got) != 1 || got[0].Text != h.tr(tt.staff, "relay.sent", map[string]any{"Name": "علی کریمی"}) {
				t.Fatalf("the rep's confirmation: %s", dump(got))
			}
			n = relayNote(t, h)
			sign := h.tr(tt.customer, "relay.from_staff", map[string]any{"Rep": "Sara"})
			if n.ChatID != me.ID || n.StaffID != 0 || n.Kind != outbound.KindRepReply || n.Message.Text != sign+"\n\nYes, &lt;today&gt;." {
				t.Fatalf("the answer to the customer: %+v %q", n, n.Message.Text)
			}
			if got := scalar[int](h, `SELECT count(*) FROM activities WHERE customer_id = $1 AND staff_id = $2 AND kind = 'message' AND note = 'Yes, <today>.'`, o.customer, o.a.id); got != 1 {
				t.Errorf("the answer is logged %d times", got)
			}
			hist := h.press(o.a.user, 1, cb(actHistory, id(o.customer), "0"))
			// The customer's message names them as its author (the title names them too).
			if strings.Count(texts(hist), "علی کریمی") != 2 || !strings.Contains(texts(hist), "Is my order &lt;ready&gt;?") {
				t.Errorf("the history: %s", texts(hist))
			}

			// A voice message from the customer; the rep answers with a photo through the button.
			h.handle(h.msgUpdate(me, h.now, func(m *models.Message) {
				m.Voice = &models.Voice{FileID: "voice-in-1", Duration: 7}
			}))
			n = relayNote(t, h)
			if n.Message.Method != "sendVoice" || n.Message.FileID != "voice-in-1" || n.ChatID != o.a.user.ID {
				t.Fatalf("the customer's voice to the rep: %+v", n.Message)
			}
			got = h.press(o.a.user, 1, button(t, []outbound.Message{*n.Message}, actRelayReply+":"))
			if !strings.Contains(texts(got), h.tr(tt.staff, "relay.ask_answer", map[string]any{"Name": "علی کریمی"})) {
				t.Fatalf("the answer button: %s", dump(got))
			}
			h.handle(h.msgUpdate(o.a.user, h.now, func(m *models.Message) {
				m.Photo = []models.PhotoSize{{FileID: "photo-small"}, {FileID: "photo-big"}}
				m.Caption = "The invoice"
			}))
			n = relayNote(t, h)
			if n.Message.Method != "sendPhoto" || n.Message.FileID != "photo-big" || n.ChatID != me.ID || n.Message.Text != sign+"\n\nThe invoice" {
				t.Fatalf("the rep's photo to the customer: %+v", n.Message)
			}
			if st, err := h.db.LoadState(t.Context(), o.a.user.ID); err == nil {
				t.Errorf("the answer flow is still open: %+v", st)
			}

			// A photo from the customer, and a sticker (not passed on).
			h.handle(h.msgUpdate(me, h.now, func(m *models.Message) { m.Photo = []models.PhotoSize{{FileID: "p-in"}} }))
			if n := relayNote(t, h); n.Message.Method != "sendPhoto" || n.Message.FileID != "p-in" {
				t.Fatalf("the customer's photo: %+v", n.Message)
			}
			got = h.handle(h.msgUpdate(me, h.now, func(m *models.Message) { m.Sticker = &models.Sticker{FileID: "s"} }))
			if len(got) != 1 || got[0].Text != h.tr(tt.customer, "relay.unsupported", nil) || len(h.takeNotes()) != 0 {
				t.Errorf("a sticker: %s", dump(got))
			}
		})
	}
}

// An unassigned customer's message goes to the admins; a departed rep's
// to their team's manager.
func TestRelayWithoutARep(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "fa")
	h := o.h
	pool := h.customer("Pool Customer", 0)
	me := h.linkCustomer(pool, 901, "en")
	h.text(me, "hello?")
	if n := relayNote(t, h); n.ChatID != o.admin.user.ID || !strings.HasPrefix(n.Message.Text, h.tr("fa", "relay.incoming_pool", map[string]any{"Name": "Pool Customer"})) {
		t.Errorf("the pool customer's message went to %d: %q", n.ChatID, n.Message.Text)
	}
	h.exec(`UPDATE staff SET active = false, deactivated_at = now() WHERE id = $1`, o.a.id)
	sara := h.linkCustomer(o.customer, 902, "ar")
	h.text(sara, "مرحبا")
	if n := relayNote(t, h); n.ChatID != o.manager.user.ID || !strings.HasPrefix(n.Message.Text, h.tr("fa", "relay.incoming_for", map[string]any{"Name": "علی کریمی", "Owner": "Sara"})) {
		t.Errorf("the departed rep's customer's message went to %d: %q", n.ChatID, n.Message.Text)
	}
}

// The rep is told, and nothing is sent, when the customer asked for no
// messages, blocked the bot (my_chat_member "kicked": the customer is
// marked unreachable) or is not linked; another rep's forged answer button
// is refused.
func TestRelayToAnUnreachableCustomer(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "en")
	h := o.h
	answer := func(wantID string) {
		t.Helper()
		got := h.press(o.a.user, 1, cb(actRelayReply, id(o.customer)))
		if !strings.Contains(texts(got), h.tr("en", wantID, map[string]any{"Name": "علی کریمی"})) || len(h.takeNotes()) != 0 {
			t.Errorf("answering: %s, want %s", dump(got), wantID)
		}
	}
	answer("relay.not_linked")
	me := h.linkCustomer(o.customer, 900, "fa")
	if got := h.press(o.b.user, 1, cb(actRelayReply, id(o.customer))); len(got) != 1 || got[0].Text != h.tr("en", "error.forbidden", nil) {
		t.Errorf("Reza's forged answer button: %s", dump(got))
	}
	h.text(me, "/stop")
	answer("relay.opted_out")
	got := h.text(me, "still there?")
	if got[0].Text != h.tr("fa", "customer.message_received_stopped", map[string]any{"Name": "علی کریمی", "Rep": "Sara"}) {
		t.Errorf("an opted-out customer's message: %s", dump(got))
	}
	h.takeNotes()
	h.text(me, "/start")
	h.handle(&models.Update{ID: 99, MyChatMember: &models.ChatMemberUpdated{Chat: models.Chat{ID: me.ID, Type: models.ChatTypePrivate}, From: me,
		NewChatMember: models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{}}}})
	c := h.customerRow(o.customer)
	if c.Chat.UnreachableAt.IsZero() || c.Messageable() || c.Replyable() {
		t.Fatalf("a block did not mark the customer unreachable: %+v", c.Chat)
	}
	if card := h.press(o.a.user, 1, cb(actCard, id(o.customer))); !strings.Contains(texts(card), h.tr("en", "link.card.unreachable", nil)) {
		t.Errorf("the card of a customer who blocked the bot: %s", texts(card))
	}
	answer("relay.blocked")
	h.handle(&models.Update{ID: 100, MyChatMember: &models.ChatMemberUpdated{Chat: models.Chat{ID: me.ID, Type: models.ChatTypePrivate}, From: me,
		NewChatMember: models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{}}}})
	if c := h.customerRow(o.customer); !c.Messageable() {
		t.Errorf("unblocking left the customer unreachable: %+v", c.Chat)
	}
}

// CustomerNotification addresses a messageable customer's chat and refuses
// anyone else.
func TestCustomerNotificationHonoursConsent(t *testing.T) {
	t.Parallel()
	b := &Bot{}
	c := crm.Customer{ID: 1, Chat: crm.CustomerChat{TelegramUserID: 900, ConsentAt: time.Unix(1, 0)}}
	m := outbound.Message{Method: "sendMessage", Text: "hi"}
	if n, ok := b.CustomerNotification(c, "survey", "k", time.Unix(2, 0), m); !ok || n.ChatID != 900 || n.Message.ChatID != 900 || n.StaffID != 0 {
		t.Errorf("a consenting customer: %+v %v", n, ok)
	}
	for name, ch := range map[string]crm.CustomerChat{
		"not linked":  {ConsentAt: time.Unix(1, 0)},
		"no consent":  {TelegramUserID: 900},
		"opted out":   {TelegramUserID: 900, ConsentAt: time.Unix(1, 0), OptedOutAt: time.Unix(2, 0)},
		"unreachable": {TelegramUserID: 900, ConsentAt: time.Unix(1, 0), UnreachableAt: time.Unix(2, 0)},
	} {
		if _, ok := b.CustomerNotification(crm.Customer{ID: 1, Chat: ch}, "survey", "k", time.Unix(2, 0), m); ok {
			t.Errorf("%s: a notification was allowed", name)
		}
	}
}

// At the basic relationship level nothing follows a sale: a customer's
// message is kept on their timeline, reaches nobody, and they are told so
// in their language; their own reactive level lets them write again.
func TestRelayFollowsTheRelationshipLevel(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "en")
	h := o.h
	pol := crm.RelationshipPolicy{Business: crm.LevelPolicy{Margin: "low", Base: "many", Level: crm.LevelBasic, SetAt: time.Now()}}
	if err := h.db.SetRelationshipPolicy(context.Background(), pol, o.admin.id); err != nil {
		t.Fatal(err)
	}
	me := h.linkCustomer(o.customer, 903, "fa")
	got := h.text(me, "سلام، فاکتور را فرستادید؟")
	if len(got) != 1 || got[0].Text != h.tr("fa", "value.customer.not_relayed", map[string]any{"Name": "علی کریمی", "Rep": "Sara"}) {
		t.Errorf("a basic-level customer's message was answered: %s", dump(got))
	}
	if n := h.takeNotes(); len(n) != 0 {
		t.Errorf("a basic-level customer's message reached staff: %d notifications", len(n))
	}
	var kept int
	if err := h.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM activities WHERE customer_id = $1 AND kind = 'message' AND note LIKE '%فاکتور%'`, o.customer).Scan(&kept); err != nil || kept != 1 {
		t.Errorf("the message on the timeline: %d (%v), want 1", kept, err)
	}
	h.exec(`UPDATE customers SET relationship_level = 2 WHERE id = $1`, o.customer)
	h.text(me, "و حالا؟")
	if n := relayNote(t, h); n.ChatID != o.a.user.ID {
		t.Errorf("at the customer's own reactive level the message went to %d, want the rep", n.ChatID)
	}
}
