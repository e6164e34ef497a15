package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/outbound"
)

// The reactive relay. A linked customer writes to the bot (text, a voice
// message or a photo): it becomes an activity of kind 'message' on them and
// reaches their rep as a notification, held for the rep's working hours;
// an unassigned customer's (or a departed rep's) goes to the managers of
// the rep's team, else to every admin (RelayRecipients). The customer gets a
// short acknowledgement. The staff member answers by replying to the
// notification, or with its "answer" button (a typed flow): the answer
// reaches the customer through the bot, signed with their name, in the
// customer's language, and is logged as a message too. When the customer
// cannot be reached (opted out, blocked the bot, unlinked) the staff member
// is told at once and nothing is sent.

// RelayStore is what the relay reads and writes.
type RelayStore interface {
	RelayRecipients(ctx context.Context, c crm.Customer) ([]crm.Staff, error)
	// LogCustomerMessage is idempotent per a.SourceUpdateID.
	LogCustomerMessage(ctx context.Context, a crm.Activity, fromName string) (crm.Activity, error)
	LogActivity(ctx context.Context, a crm.Activity) (crm.Activity, error)
	RecordRelay(ctx context.Context, customerID, staffID, chatID, activityID int64) (int64, error)
	// RelayCustomer returns crm.ENotFound unless the message is a relayed one.
	RelayCustomer(ctx context.Context, chatID, messageID int64) (int64, error)
}

// flowRelay is a staff member typing an answer to a customer (flowBase:
// the nonce of the run and the customer).
const flowRelay = "relay" // step: text

// relayTextMax bounds the customer's words quoted in a notification (the
// activity keeps them whole), under Telegram's 4096 with the header.
const relayTextMax = 3500

// relayCaptionMax bounds a caption's quoted words (Telegram allows 1024).
const relayCaptionMax = 800

func (b *Bot) routesRelay() {
	b.action(actRelayReply, b.editable(b.askRelayAnswer))
	b.action(actRelayCancel, b.onRelayCancel)
	b.flow(flowRelay, b.relayAnswerStep)
}

// relayed is what a message carries that the relay passes on.
type relayed struct {
	text     string // the text or caption
	voice    string // a voice message's file_id
	seconds  int
	photo    string // the largest size's file_id
	supports bool
}

func relayedOf(m *models.Message) relayed {
	switch {
	case m == nil:
		return relayed{}
	case m.Voice != nil:
		return relayed{voice: m.Voice.FileID, seconds: m.Voice.Duration, text: strings.TrimSpace(m.Caption), supports: true}
	case len(m.Photo) > 0:
		return relayed{photo: m.Photo[len(m.Photo)-1].FileID, text: strings.TrimSpace(m.Caption), supports: true}
	case strings.TrimSpace(m.Text) != "":
		return relayed{text: strings.TrimSpace(m.Text), supports: true}
	}
	return relayed{}
}

// note is what the activity keeps: the words, a photo marked 📷.
func (x relayed) note() string {
	if x.photo != "" {
		return strings.TrimSpace("📷 " + x.text)
	}
	return x.text
}

// message is x as a Bot API call to chat with head (the sender's line,
// HTML) above the quoted words.
func (x relayed) message(chat int64, head string, markup any) outbound.Message {
	m := outbound.Message{ChatID: chat, ParseMode: "HTML", ReplyMarkup: markup}
	words := esc(clipRunes(x.text, relayCaptionMax))
	switch {
	case x.voice != "":
		m.Method, m.FileID = "sendVoice", x.voice
	case x.photo != "":
		m.Method, m.FileID = "sendPhoto", x.photo
	default:
		m.Method, m.NoPreview = "sendMessage", true
		words = esc(clipRunes(x.text, relayTextMax))
	}
	m.Text = head
	if words != "" {
		m.Text += "\n\n" + words
	}
	return m
}

// relayFromCustomer passes what a linked customer wrote to their rep (or
// whoever stands in) and thanks them.
func (b *Bot) relayFromCustomer(r *req) error {
	x := relayedOf(r.msg)
	if !x.supports {
		return r.send(r.t("relay.unsupported", nil), nil)
	}
	c := r.customer
	a, err := b.relay.LogCustomerMessage(r.ctx, crm.Activity{CustomerID: c.ID, Note: x.note(), VoiceFileID: x.voice,
		VoiceDuration: seconds(x.seconds), OccurredAt: r.sentAt(), SourceUpdateID: r.u.ID}, c.Name)
	if err != nil {
		return err
	}
	if _, err := b.campaigns.MarkCampaignReplied(r.ctx, c.ID, r.now()); err != nil { // a reply to a campaign's message
		return err
	}
	if may, err := b.customerMayWrite(r, c); err != nil || !may {
		if err != nil {
			return err
		}
		data, err := b.customerData(r)
		if err != nil {
			return err
		}
		return r.send(r.t("value.customer.not_relayed", data), nil) // kept on the timeline, not passed on
	}
	to, err := b.relay.RelayRecipients(r.ctx, c)
	if err != nil {
		return err
	}
	for _, s := range to {
		if err := b.relayToStaff(r, s, a, x); err != nil {
			return err
		}
	}
	data, err := b.customerData(r)
	if err != nil {
		return err
	}
	if !c.Chat.OptedOutAt.IsZero() {
		return r.send(r.t("customer.message_received_stopped", data), nil)
	}
	return r.send(r.t("customer.message_received", data), nil)
}

// relayToStaff schedules the notification of customer message a to s, in
// s's language, with the buttons to answer and to open the card.
func (b *Bot) relayToStaff(r *req, s crm.Staff, a crm.Activity, x relayed) error {
	c := r.customer
	relayID, err := b.relay.RecordRelay(r.ctx, c.ID, s.ID, s.TelegramUserID, a.ID)
	if err != nil {
		return err
	}
	loc := b.d.I18n.For(b.d.I18n.Match(s.Locale))
	data := map[string]any{"Name": esc(clipRunes(c.Name, 120))}
	head := loc.T("relay.incoming", data)
	if c.OwnerID != s.ID {
		data["Owner"] = esc(c.OwnerName)
		head = loc.T("relay.incoming_pool", data)
		if c.OwnerID != 0 {
			head = loc.T("relay.incoming_for", data)
		}
	}
	if x.voice != "" {
		head += "\n" + loc.T("activity.voice_line", map[string]any{"Duration": format.Duration(loc.Lang(), seconds(x.seconds))})
	}
	kb := ikm([]models.InlineKeyboardButton{
		ib(loc.T("relay.btn.answer", nil), cb(actRelayReply, id(c.ID))),
		ib(loc.T("activity.open_card", nil), cb(actCard, id(c.ID))),
	})
	m := x.message(s.TelegramUserID, head, kb)
	return b.d.Notify.Schedule(r.ctx, outbound.Notification{Kind: outbound.KindCustomerMessage, ChatID: s.TelegramUserID,
		StaffID: s.ID, DedupKey: "relay:" + strconv.FormatInt(relayID, 10), Due: r.now(), QuietHours: true, Message: &m})
}

// relayReplyTo answers a staff member's Telegram reply to a relayed
// customer message: it goes to that customer. handled is false for any
// other message.
func (b *Bot) relayReplyTo(r *req) (handled bool, err error) {
	if r.msg == nil || r.msg.ReplyToMessage == nil || strings.HasPrefix(r.msg.Text, "/") {
		return false, nil
	}
	cid, err := b.relay.RelayCustomer(r.ctx, r.chatID, int64(r.msg.ReplyToMessage.ID))
	if crm.IsCode(err, crm.ENotFound) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	c, err := r.loadEditable(cid)
	if err != nil {
		return true, err
	}
	return true, b.answerCustomer(r, c)
}

// askRelayAnswer starts typing an answer to c (the notification's
// button), when c can still be reached.
func (b *Bot) askRelayAnswer(r *req, c crm.Customer, _ []string) error {
	if !c.Replyable() {
		return r.send(b.unreachableText(r, c), nil)
	}
	n := r.nonce()
	if err := r.setState(flowRelay, "text", flowMap(flowBase{Nonce: n, Customer: flowID(c.ID)})); err != nil {
		return err
	}
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(r.t("relay.ask_answer", map[string]any{"Name": esc(clipRunes(c.Name, 120))}),
		ikm([]models.InlineKeyboardButton{ib(r.t("common.cancel", nil), cb(actRelayCancel, n))}))
}

// relayAnswerStep takes the typed answer of the flow.
func (b *Bot) relayAnswerStep(r *req, st *State) error {
	f := loadFlow[flowBase](st)
	if !relayedOf(r.msg).supports {
		return r.send(r.t("relay.unsupported_staff", nil), nil)
	}
	if err := r.clearState(); err != nil {
		return err
	}
	c, err := r.loadEditable(int64(f.Customer))
	if err != nil {
		return err
	}
	return b.answerCustomer(r, c)
}

func (b *Bot) onRelayCancel(r *req, args []string) error {
	if len(args) != 1 {
		return r.staleButton()
	}
	if _, ok, err := r.inFlow(args[0], flowRelay); err != nil {
		return err
	} else if !ok {
		return r.staleButton()
	}
	if err := r.clearState(); err != nil {
		return err
	}
	return r.edit(r.t("relay.cancelled", nil), nil)
}

// answerCustomer relays the staff member's message to c, signed with their
// name in c's language, logs it on c, and confirms; an unreachable c is
// explained instead.
func (b *Bot) answerCustomer(r *req, c crm.Customer) error {
	x := relayedOf(r.msg)
	if !x.supports {
		return r.send(r.t("relay.unsupported_staff", nil), nil)
	}
	if !c.Replyable() {
		return r.send(b.unreachableText(r, c), nil)
	}
	loc := b.CustomerLocalizer(c)
	head := loc.T("relay.from_staff", map[string]any{"Rep": esc(clipRunes(r.staff.DisplayName, 120))})
	m := x.message(c.Chat.TelegramUserID, head, nil)
	key := "relay_reply:" + strconv.FormatInt(r.u.ID, 10)
	if err := b.d.Notify.Schedule(r.ctx, outbound.Notification{Kind: outbound.KindRepReply, ChatID: c.Chat.TelegramUserID,
		DedupKey: key, Due: r.now(), Message: &m}); err != nil {
		return err
	}
	if _, err := b.relay.LogActivity(r.ctx, crm.Activity{CustomerID: c.ID, StaffID: r.staff.ID, Kind: crm.ActivityMessage,
		Note: x.note(), VoiceFileID: x.voice, VoiceDuration: seconds(x.seconds), OccurredAt: r.sentAt(), SourceUpdateID: r.u.ID}); err != nil {
		return err
	}
	return r.send(r.t("relay.sent", map[string]any{"Name": esc(clipRunes(c.Name, 120))}), nil)
}

// unreachableText says why c cannot get a staff member's message.
func (b *Bot) unreachableText(r *req, c crm.Customer) string {
	data := map[string]any{"Name": esc(clipRunes(c.Name, 120))}
	switch {
	case c.Chat.TelegramUserID == 0:
		return r.t("relay.not_linked", data)
	case !c.Chat.UnreachableAt.IsZero():
		return r.t("relay.blocked", data)
	}
	return r.t("relay.opted_out", data)
}

// seconds is n seconds as a duration.
func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// customerMayWrite says whether the relationship level in force for c
// (crm.RelationshipPolicy.LevelFor) lets them write to their rep through
// the bot: reactive and up, or no level set at all (nothing is held back
// until an admin chooses one). At basic, what they write is kept on their
// timeline and they are told it is not passed on.
func (b *Bot) customerMayWrite(r *req, c crm.Customer) (bool, error) {
	rp, err := b.policies.RelationshipPolicy(r.ctx)
	if err != nil {
		return false, err
	}
	level := rp.LevelFor(c)
	return level == 0 || crm.Allows(level).CustomerMayWrite, nil
}
