// Package inbox is crmbot's durable inbound path. Updates arrive by long
// polling (Poller) or webhook (Webhook) and are committed to the
// update_inbox table before Telegram hears they were received; the
// Dispatcher then hands them to the bot's Handler, one at a time per chat
// in update_id order and different chats in parallel, each in a
// transaction that also marks the update processed.
//
// The package knows nothing of the bot's logic: the Handler decides what an
// update means; the store (internal/postgres) keeps the rows.
package inbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/postgres"
)

// Handler processes one update. It runs inside the transaction that marks
// the update processed (the context carries it: postgres.DB methods and
// delivery.Outbox.Reply join it), so its writes, the replies it queues and
// the "processed" mark commit together. An error rolls its writes back; the
// update is retried later and parked after a few failures.
type Handler interface {
	Handle(ctx context.Context, u *models.Update) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, u *models.Update) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, u *models.Update) error { return f(ctx, u) }

// Caller is the Bot API as the inbox uses it (getUpdates, setWebhook,
// deleteWebhook); *delivery.Client implements it.
type Caller interface {
	Call(ctx context.Context, method string, params, result any) error
}

// UpdateStore keeps received updates (*postgres.DB).
type UpdateStore interface {
	InsertUpdates(ctx context.Context, ups []postgres.InboxUpdate) (int, error)
}

type tgUser struct {
	ID int64 `json:"id"`
}

type tgChat struct {
	ID int64 `json:"id"`
}

type tgMessage struct {
	MessageID int64   `json:"message_id"`
	Chat      tgChat  `json:"chat"`
	From      *tgUser `json:"from"`
}

type tgChatEvent struct {
	Chat tgChat  `json:"chat"`
	From *tgUser `json:"from"`
	User *tgUser `json:"user"`
}

// envelope is just enough of an update to file it: its id, kind, chat,
// user and message id.
type envelope struct {
	UpdateID          int64      `json:"update_id"`
	Message           *tgMessage `json:"message"`
	EditedMessage     *tgMessage `json:"edited_message"`
	ChannelPost       *tgMessage `json:"channel_post"`
	EditedChannelPost *tgMessage `json:"edited_channel_post"`
	BusinessMessage   *tgMessage `json:"business_message"`
	CallbackQuery     *struct {
		From    tgUser     `json:"from"`
		Message *tgMessage `json:"message"`
	} `json:"callback_query"`
	MyChatMember       *tgChatEvent `json:"my_chat_member"`
	ChatMember         *tgChatEvent `json:"chat_member"`
	ChatJoinRequest    *tgChatEvent `json:"chat_join_request"`
	MessageReaction    *tgChatEvent `json:"message_reaction"`
	InlineQuery        *tgChatEvent `json:"inline_query"`
	ChosenInlineResult *tgChatEvent `json:"chosen_inline_result"`
	ShippingQuery      *tgChatEvent `json:"shipping_query"`
	PreCheckoutQuery   *tgChatEvent `json:"pre_checkout_query"`
	PollAnswer         *tgChatEvent `json:"poll_answer"`
}

// ParseUpdate files one update's JSON for the inbox: its kind
// ("message", "callback_query", ...), the chat whose order it joins (the
// sender's private chat for chatless kinds, 0 when there is none) and the
// message id it carries.
func ParseUpdate(raw []byte) (postgres.InboxUpdate, error) {
	var e envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		return postgres.InboxUpdate{}, fmt.Errorf("parse update: %w", err)
	}
	if e.UpdateID <= 0 {
		return postgres.InboxUpdate{}, fmt.Errorf("parse update: no update_id")
	}
	u := postgres.InboxUpdate{UpdateID: e.UpdateID, Payload: raw, Kind: "other"}
	msg := func(kind string, m *tgMessage) {
		u.Kind, u.ChatID, u.MessageID = kind, m.Chat.ID, m.MessageID
		if m.From != nil {
			u.UserID = m.From.ID
		}
	}
	event := func(kind string, ev *tgChatEvent) {
		u.Kind, u.ChatID = kind, ev.Chat.ID
		for _, who := range []*tgUser{ev.From, ev.User} {
			if who != nil {
				u.UserID = who.ID
				break
			}
		}
		if u.ChatID == 0 { // inline queries and the like: the user's private chat
			u.ChatID = u.UserID
		}
	}
	switch {
	case e.Message != nil:
		msg("message", e.Message)
	case e.EditedMessage != nil:
		msg("edited_message", e.EditedMessage)
	case e.ChannelPost != nil:
		msg("channel_post", e.ChannelPost)
	case e.EditedChannelPost != nil:
		msg("edited_channel_post", e.EditedChannelPost)
	case e.BusinessMessage != nil:
		msg("business_message", e.BusinessMessage)
	case e.CallbackQuery != nil:
		u.Kind, u.UserID, u.ChatID = "callback_query", e.CallbackQuery.From.ID, e.CallbackQuery.From.ID
		if m := e.CallbackQuery.Message; m != nil && m.Chat.ID != 0 {
			u.ChatID = m.Chat.ID
		}
	case e.MyChatMember != nil:
		event("my_chat_member", e.MyChatMember)
	case e.ChatMember != nil:
		event("chat_member", e.ChatMember)
	case e.ChatJoinRequest != nil:
		event("chat_join_request", e.ChatJoinRequest)
	case e.MessageReaction != nil:
		event("message_reaction", e.MessageReaction)
	case e.InlineQuery != nil:
		event("inline_query", e.InlineQuery)
	case e.ChosenInlineResult != nil:
		event("chosen_inline_result", e.ChosenInlineResult)
	case e.ShippingQuery != nil:
		event("shipping_query", e.ShippingQuery)
	case e.PreCheckoutQuery != nil:
		event("pre_checkout_query", e.PreCheckoutQuery)
	case e.PollAnswer != nil:
		event("poll_answer", e.PollAnswer)
	}
	return u, nil
}
