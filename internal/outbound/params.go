package outbound

import (
	"encoding/json"
	"fmt"
)

// PostsMessage reports whether method posts a new message: only those
// count against Telegram's per-chat and global limits, and only those are
// unsafe to repeat (a repeat shows the message twice).
func PostsMessage(method string) bool {
	switch method {
	case "sendMessage", "sendLocation", "sendVoice", "sendPhoto", "sendDocument":
		return true
	}
	return false
}

// Upload limits of the Bot API: photos up to 10 MB, other files up to 50 MB.
const (
	MaxPhotoBytes    = 10 << 20
	MaxDocumentBytes = 50 << 20
)

// mediaField is the parameter that carries a media method's file.
func mediaField(method string) string {
	switch method {
	case "sendPhoto":
		return "photo"
	case "sendDocument":
		return "document"
	case "sendVoice":
		return "voice"
	}
	return ""
}

// Upload is a file sent in a multipart request: Field is the form part's
// name, referred to from the parameters as "attach://<Field>".
type Upload struct {
	Field, Name string
	Data        []byte
}

// Multipart is what Call is given for a message that uploads a file: its
// parameters and the file. internal/delivery's Client posts it as
// multipart/form-data.
type Multipart struct {
	Params map[string]any
	Files  []Upload
}

// CallParams is what the sender passes to the Bot API for m: its
// parameters, or a Multipart when m uploads a file.
func (m Message) CallParams() any {
	if len(m.File) == 0 || m.FileID != "" || mediaField(m.Method) == "" {
		return m.Params()
	}
	name := m.FileName
	if name == "" {
		name = mediaField(m.Method)
	}
	return Multipart{Params: m.Params(), Files: []Upload{{Field: "file", Name: name, Data: m.File}}}
}

// Validate checks that a message names a method the sender knows and the
// fields that method needs.
func (m Message) Validate() error {
	switch m.Method {
	case "sendMessage", "sendLocation", "sendVoice", "sendChatAction":
		if m.ChatID == 0 {
			return fmt.Errorf("%s: no chat_id", m.Method)
		}
	case "sendPhoto", "sendDocument":
		limit := MaxDocumentBytes
		if m.Method == "sendPhoto" {
			limit = MaxPhotoBytes
		}
		switch {
		case m.ChatID == 0:
			return fmt.Errorf("%s: no chat_id", m.Method)
		case m.FileID == "" && len(m.File) == 0:
			return fmt.Errorf("%s: no file_id and no file", m.Method)
		case len(m.File) > limit:
			return fmt.Errorf("%s: file of %d bytes, over the %d limit", m.Method, len(m.File), limit)
		}
	case "editMessageText", "editMessageReplyMarkup", "deleteMessage":
		if m.ChatID == 0 || (m.MessageID == 0 && (m.Ref == "" || m.Method == "deleteMessage")) {
			return fmt.Errorf("%s: no chat_id or message_id", m.Method)
		}
	case "answerCallbackQuery":
		if m.CallbackQueryID == "" {
			return fmt.Errorf("answerCallbackQuery: no callback_query_id")
		}
	case "setMyCommands", "deleteMyCommands":
		if m.Scope != nil && m.Scope.Type == "chat" && m.Scope.ChatID == 0 {
			return fmt.Errorf("%s: chat scope without a chat_id", m.Method)
		}
		if m.Method == "setMyCommands" && (len(m.Commands) == 0 || len(m.Commands) > 100) {
			return fmt.Errorf("setMyCommands: %d commands, want 1 to 100 (deleteMyCommands clears a menu)", len(m.Commands))
		}
	default:
		return fmt.Errorf("unknown method %q", m.Method)
	}
	if (m.Method == "sendMessage" || m.Method == "editMessageText") && m.Text == "" {
		return fmt.Errorf("%s: empty text", m.Method)
	}
	return nil
}

// Params renders a message as the Bot API parameters of its method.
func (m Message) Params() map[string]any {
	p := map[string]any{}
	set := func(k string, v any, ok bool) {
		if ok {
			p[k] = v
		}
	}
	switch m.Method {
	case "answerCallbackQuery":
		p["callback_query_id"] = m.CallbackQueryID
		set("text", m.Text, m.Text != "")
		set("show_alert", true, m.ShowAlert)
		return p
	case "setMyCommands", "deleteMyCommands":
		set("commands", m.Commands, m.Method == "setMyCommands")
		set("scope", m.Scope, m.Scope != nil)
		set("language_code", m.LanguageCode, m.LanguageCode != "")
		return p
	}
	p["chat_id"] = m.ChatID
	set("message_id", m.MessageID, m.MessageID != 0)
	switch m.Method {
	case "sendMessage", "editMessageText":
		p["text"] = m.Text
		set("parse_mode", m.ParseMode, m.ParseMode != "")
		set("link_preview_options", map[string]bool{"is_disabled": true}, m.NoPreview)
	case "sendVoice", "sendPhoto", "sendDocument":
		p[mediaField(m.Method)] = m.FileID
		if m.FileID == "" {
			p[mediaField(m.Method)] = "attach://file"
		}
		set("caption", m.Text, m.Text != "")
		set("parse_mode", m.ParseMode, m.ParseMode != "" && m.Text != "")
	case "sendLocation":
		p["latitude"], p["longitude"] = m.Latitude, m.Longitude
	case "sendChatAction":
		p["action"] = m.Action
	}
	if m.Method != "deleteMessage" && m.Method != "sendChatAction" {
		set("reply_markup", m.ReplyMarkup, m.ReplyMarkup != nil)
	}
	return p
}

// InlineMarkup returns the message's reply_markup when it is an inline
// keyboard (the only kind a sent message keeps), else nil.
func (m Message) InlineMarkup() any {
	if m.ReplyMarkup == nil {
		return nil
	}
	raw, err := json.Marshal(m.ReplyMarkup)
	if err != nil {
		return nil
	}
	var probe struct {
		InlineKeyboard json.RawMessage `json:"inline_keyboard"`
	}
	if json.Unmarshal(raw, &probe) != nil || len(probe.InlineKeyboard) == 0 {
		return nil
	}
	return json.RawMessage(raw)
}

// Body is the JSON body the sender posts for m: its method's parameters.
// Tests hold it to the Bot API's rules (sandbox.Validate); an edit by Ref
// is shown with a stand-in message_id.
func (m Message) Body() ([]byte, error) {
	if m.MessageID == 0 && m.Ref != "" {
		m.MessageID = 1
	}
	return json.Marshal(m.Params())
}
