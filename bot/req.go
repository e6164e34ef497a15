package bot

import (
	"context"
	"html"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/outbound"
)

// req is one update being handled: who sent it, in which language, and the
// helpers to answer.
type req struct {
	ctx      context.Context
	b        *Bot
	u        *models.Update
	chatID   int64
	user     models.User
	msg      *models.Message       // the message, for message updates
	cb       *models.CallbackQuery // the callback, for button presses
	cbMsg    *models.Message       // the message the pressed button is on
	staff    crm.Staff             // zero when the sender is not staff
	customer crm.Customer          // the sender's own customer record when they are a linked customer
	loadErr  error                 // the database failed while finding who the sender is
	loc      *i18n.Localizer
	arg      string // a command's argument
	answered bool   // the callback query was answered
	st       *State // loaded conversation state, if any
	stLoaded bool
	zone     *time.Location // userLoc's answer for zoneName
	zoneName string
}

func (b *Bot) newReq(ctx context.Context, u *models.Update) (*req, bool) {
	r := &req{ctx: ctx, b: b, u: u}
	switch {
	case u.Message != nil:
		r.msg = u.Message
		if u.Message.From == nil || u.Message.Chat.Type != models.ChatTypePrivate {
			return nil, false
		}
		r.user, r.chatID = *u.Message.From, u.Message.Chat.ID
	case u.CallbackQuery != nil:
		r.cb = u.CallbackQuery
		r.user = u.CallbackQuery.From
		r.cbMsg = u.CallbackQuery.Message.Message
		if r.cbMsg == nil {
			if im := u.CallbackQuery.Message.InaccessibleMessage; im != nil {
				r.chatID = im.Chat.ID
			}
		} else {
			r.chatID = r.cbMsg.Chat.ID
		}
		if r.chatID == 0 {
			r.chatID = r.user.ID
		}
	default:
		return nil, false
	}
	s, err := r.loadStaff()
	switch {
	case err == nil:
		r.staff = s
	case !crm.IsCode(err, crm.ENotFound):
		r.loadErr = err
	}
	if r.staff.ID == 0 || !r.staff.Active {
		c, err := b.people.CustomerByTelegramID(ctx, r.user.ID)
		switch {
		case err == nil:
			r.customer = c
		case !crm.IsCode(err, crm.ENotFound):
			r.loadErr = err
		}
	}
	lang := b.d.I18n.Match(r.user.LanguageCode)
	if r.staff.ID != 0 && r.staff.Locale != "" {
		lang = r.staff.Locale
	} else if r.customer.ID != 0 && r.customer.Chat.Locale != "" {
		lang = r.customer.Chat.Locale // the language the customer chose
	}
	r.loc = b.d.I18n.For(lang)
	return r, true
}

// staffStateStore finds the sender and the chat's flow in one round trip
// (*postgres.DB); a store without it is asked for each apart.
type staffStateStore interface {
	// StaffAndState returns crm.ENotFound for strangers (then the state is
	// not looked up) and a nil state when the chat is in no flow.
	StaffAndState(ctx context.Context, tgID, chatID int64) (crm.Staff, *State, error)
}

// loadStaff returns the sender's staff record, and with a staffStateStore
// loads the chat's state in the same statement.
func (r *req) loadStaff() (crm.Staff, error) {
	ss, ok := r.b.people.(staffStateStore)
	if !ok {
		return r.b.people.StaffByTelegramID(r.ctx, r.user.ID)
	}
	s, st, err := ss.StaffAndState(r.ctx, r.user.ID, r.chatID)
	if err == nil {
		r.keepState(st)
	}
	return s, err
}

// lang is the language the reply is written in.
func (r *req) lang() string { return r.loc.Lang() }

// now is the bot's clock.
func (r *req) now() time.Time { return r.b.d.Now() }

// sentAt is when the user sent the message (Telegram's date), which may be
// well before it reached us: a log queued on a phone without signal keeps
// its real time.
func (r *req) sentAt() time.Time {
	if r.msg != nil && r.msg.Date > 0 {
		return time.Unix(int64(r.msg.Date), 0)
	}
	return r.now()
}

// userLoc is the staff member's time zone, or the organisation's. It is
// resolved once per update: time.LoadLocation reads the zone database on
// every call (2 % of the bot's CPU under load when called per line).
func (r *req) userLoc() *time.Location {
	if r.zone != nil && r.zoneName == r.staff.TimeZone {
		return r.zone
	}
	r.zone, r.zoneName = r.b.d.OrgLocation, r.staff.TimeZone
	if r.staff.TimeZone != "" {
		r.zone = r.staff.Location()
	}
	return r.zone
}

// t translates a message ID with data.
func (r *req) t(id string, data map[string]any) string { return r.loc.T(id, data) }

// n translates a plural message ID for count.
func (r *req) n(id string, count int, data map[string]any) string { return r.loc.N(id, count, data) }

// send queues a new HTML message to the chat.
func (r *req) send(text string, markup any) error {
	return r.b.d.Out.Reply(r.ctx, outbound.Message{Method: "sendMessage", ChatID: r.chatID, Text: text, ParseMode: "HTML", ReplyMarkup: markup, NoPreview: true})
}

// edit replaces the text and keyboard of the message the pressed button is
// on; without one (a message update) it sends a new message.
func (r *req) edit(text string, markup any) error {
	if r.cbMsg == nil {
		return r.send(text, markup)
	}
	return r.b.d.Out.Reply(r.ctx, outbound.Message{Method: "editMessageText", ChatID: r.chatID, MessageID: r.cbMsg.ID, Text: text, ParseMode: "HTML", ReplyMarkup: markup, NoPreview: true})
}

// sendRef queues a new HTML message named ref, so that a later update can
// edit it by name (editRef) without knowing its message id.
func (r *req) sendRef(ref, text string, markup any) error {
	return r.b.d.Out.Reply(r.ctx, outbound.Message{Method: "sendMessage", ChatID: r.chatID, Text: text, ParseMode: "HTML", ReplyMarkup: markup, NoPreview: true, Ref: ref})
}

// editRef replaces the text and keyboard of the message sent as ref (or,
// when it is not there, sends a new one).
func (r *req) editRef(ref, text string, markup any) error {
	return r.b.d.Out.Reply(r.ctx, outbound.Message{Method: "editMessageText", ChatID: r.chatID, Ref: ref, Text: text, ParseMode: "HTML", ReplyMarkup: markup, NoPreview: true})
}

// stripRef takes the buttons off the message sent as ref, once it is no
// longer current (nothing happens when it is not there).
func (r *req) stripRef(ref string) error {
	return r.b.d.Out.Reply(r.ctx, outbound.Message{Method: "editMessageReplyMarkup", ChatID: r.chatID, Ref: ref, ReplyMarkup: ikm()})
}

// toast answers the callback query with a short notice (an alert if alert).
func (r *req) toast(text string, alert bool) error {
	if r.cb == nil {
		return r.send(text, nil)
	}
	if r.answered {
		return nil
	}
	r.answered = true
	return r.b.d.Out.Reply(r.ctx, outbound.Message{Method: "answerCallbackQuery", ChatID: r.chatID, CallbackQueryID: r.cb.ID, Text: text, ShowAlert: alert})
}

// finish answers a callback query nobody answered, so the button stops
// spinning.
func (r *req) finish() error {
	if r.cb != nil && !r.answered {
		r.answered = true
		return r.b.d.Out.Reply(r.ctx, outbound.Message{Method: "answerCallbackQuery", ChatID: r.chatID, CallbackQueryID: r.cb.ID})
	}
	return nil
}

// esc escapes user-supplied text for HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }
