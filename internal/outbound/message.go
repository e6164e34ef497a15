// Package outbound holds what the bot hands to the durable outbound path
// (internal/delivery): a Message is one Bot API call to make, a
// Notification a message sent on the bot's own initiative. It is a leaf:
// the bot and the delivery path both import it, and it imports neither, so
// the bot needs no database or job queue to say what it wants sent.
package outbound

import (
	"time"

	"github.com/go-telegram/bot/models"
)

// Message is one Bot API call the bot wants made. Method says which; only
// the fields that method uses are read.
type Message struct {
	// Method is a Bot API method: sendMessage, editMessageText,
	// editMessageReplyMarkup, deleteMessage, answerCallbackQuery,
	// sendLocation, sendVoice, sendPhoto, sendDocument, sendChatAction,
	// setMyCommands, deleteMyCommands.
	Method          string `json:"method"`
	ChatID          int64  `json:"chat_id,omitempty"`
	MessageID       int    `json:"message_id,omitempty"`        // edits and deletes
	CallbackQueryID string `json:"callback_query_id,omitempty"` // answerCallbackQuery
	Text            string `json:"text,omitempty"`
	ParseMode       string `json:"parse_mode,omitempty"` // "HTML" or empty
	ShowAlert       bool   `json:"show_alert,omitempty"`
	NoPreview       bool   `json:"no_preview,omitempty"`
	// ReplyMarkup is a go-telegram/bot models.InlineKeyboardMarkup,
	// ReplyKeyboardMarkup, ReplyKeyboardRemove or ForceReply.
	ReplyMarkup any    `json:"reply_markup,omitempty"`
	FileID      string `json:"file_id,omitempty"` // sendVoice, sendPhoto, sendDocument by file_id
	// File is the bytes of a photo or document to upload (a chart, a QR
	// code, an export) when FileID is empty; FileName names it for the
	// reader. A caption goes in Text.
	File      []byte  `json:"file,omitempty"`
	FileName  string  `json:"file_name,omitempty"`
	Latitude  float64 `json:"latitude,omitempty"`
	Longitude float64 `json:"longitude,omitempty"`
	Action    string  `json:"action,omitempty"` // sendChatAction
	// Ref names a message the bot sends so that a later edit can find it
	// ("log:<nonce>"): set it on the send, and on an edit instead of
	// MessageID. An edit by Ref is resolved when it is sent (a chat's
	// replies go in order, so the named send is done by then); when the
	// named message is not there, editMessageText becomes sendMessage and
	// editMessageReplyMarkup is dropped.
	Ref string `json:"ref,omitempty"`
	// Commands, Scope and LanguageCode are setMyCommands' menu and
	// where it applies (deleteMyCommands reads the last two). A nil Scope
	// is the default scope. Set ChatID to the chat of a chat scope, so the
	// call is queued in order with that chat's other replies.
	Commands     []models.BotCommand `json:"commands,omitempty"`
	Scope        *CommandScope       `json:"scope,omitempty"`
	LanguageCode string              `json:"language_code,omitempty"`
}

// CommandScope is a Bot API BotCommandScope: "default",
// "all_private_chats", or "chat" with ChatID.
type CommandScope struct {
	Type   string `json:"type"`
	ChatID int64  `json:"chat_id,omitempty"`
}

// ChatScope is the scope of one chat's own command menu.
func ChatScope(chatID int64) *CommandScope {
	return &CommandScope{Type: "chat", ChatID: chatID}
}

// Notification is a message sent on the bot's own initiative, at or after
// Due, once per DedupKey.
type Notification struct {
	// Kind names the renderer that builds the message at send time
	// ("reminder", "escalation", "date_greeting", "digest", "survey", ...).
	Kind string `json:"kind"`
	// ChatID is the recipient's private chat.
	ChatID int64 `json:"chat_id"`
	// StaffID is the recipient when they are staff (their working hours and
	// time zone apply); 0 for customers.
	StaffID int64 `json:"staff_id,omitempty"`
	// DedupKey is unique per intended message ("reminder:42:2026-12-01T10:00"):
	// a second notification with the same key is never sent.
	DedupKey string    `json:"dedup_key"`
	Due      time.Time `json:"due"`
	// QuietHours holds a notification due outside the recipient's working
	// hours until their next working time.
	QuietHours bool `json:"quiet_hours,omitempty"`
	// RefID is the entity the renderer reads at send time (a follow-up, an
	// important date, ...), so the message shows the state of then, and a
	// renderer may skip a notification that no longer applies.
	RefID int64 `json:"ref_id,omitempty"`
	// Message is sent as is when no renderer is registered for Kind.
	Message *Message `json:"message,omitempty"`
}

// The kinds of the notifications scheduled work plans and the bot renders.
const (
	KindReminder     = "reminder"      // a follow-up comes due (RefID: the follow-up)
	KindEscalation   = "escalation"    // a follow-up left overdue, to the manager (RefID: the follow-up)
	KindDateGreeting = "date_greeting" // an important date tomorrow or today (RefID: the date)
	// A linked customer's message relayed to their rep (dedup key
	// "relay:<customer_relays.id>"), and a staff member's answer relayed
	// to the customer; both carry their Message.
	KindCustomerMessage = "customer_message"
	KindRepReply        = "rep_reply"
	KindDigest          = "digest"       // a manager's scheduled digest, its text (RefID: the manager)
	KindDigestChart     = "digest_chart" // the same digest's chart, a photo (RefID: the manager)
)
