package sandbox

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sending messages: chat resolution, reply parameters, markup and the
// commit of a bot message to the transcript. The send* methods validate
// everything first, then apply flood control, then post.

// targetLocked resolves chat_id for a method that writes to a chat.
func (s *Server) targetLocked(p params) (*chatRec, *apiError) {
	raw := strings.TrimSpace(p.str("chat_id"))
	if raw == "" {
		return nil, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	c := s.st.chats[id]
	if c == nil {
		if s.st.users[id] != nil {
			return nil, forbidden("bot can't initiate conversation with a user")
		}
		return nil, badRequest("chat not found")
	}
	if c.chat.Type == "private" {
		if !c.started {
			return nil, forbidden("bot can't initiate conversation with a user")
		}
		if c.blocked {
			return nil, forbidden("bot was blocked by the user")
		}
	}
	return c, nil
}

// sendOpts are the parameters every send* method shares.
type sendOpts struct {
	replyTo *Message
	mk      *markup
	preview json.RawMessage
}

type replyParameters struct {
	MessageID                int64 `json:"message_id"`
	AllowSendingWithoutReply bool  `json:"allow_sending_without_reply"`
}

// sendOptsLocked reads reply_markup, reply_parameters (or the older
// reply_to_message_id) and link_preview_options.
func (s *Server) sendOptsLocked(c *chatRec, p params) (sendOpts, *apiError) {
	var o sendOpts
	mk, aerr := parseReplyMarkup(p.str("reply_markup"))
	if aerr != nil {
		return o, aerr
	}
	o.mk = mk
	var rp replyParameters
	if raw := p.str("reply_parameters"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &rp); err != nil {
			return o, badRequest("can't parse reply parameters JSON object")
		}
	} else {
		id, _, aerr := p.int64("reply_to_message_id")
		if aerr != nil {
			return o, aerr
		}
		rp = replyParameters{MessageID: id, AllowSendingWithoutReply: p.bool("allow_sending_without_reply")}
	}
	if rp.MessageID != 0 {
		if m := c.byID[rp.MessageID]; m != nil && !m.deleted {
			o.replyTo = replyCopy(m.m)
		} else if !rp.AllowSendingWithoutReply {
			return o, badRequest("message to be replied not found")
		}
	}
	if raw := p.str("link_preview_options"); raw != "" {
		if !json.Valid([]byte(raw)) || !strings.HasPrefix(strings.TrimSpace(raw), "{") {
			return o, badRequest("can't parse link preview options JSON object")
		}
		o.preview = json.RawMessage(raw)
	}
	return o, nil
}

// postLocked applies flood control and stores a bot message.
func (s *Server) postLocked(c *chatRec, botID int64, method string, m Message, o sendOpts) (Message, *apiError) {
	if aerr := s.throttleLocked(method, c); aerr != nil {
		return Message{}, aerr
	}
	bot := s.botUser(botID)
	m.From = &bot
	m.Date = s.now().Unix()
	m.ReplyToMessage = o.replyTo
	var raw json.RawMessage
	var buttons []inlineButton
	if o.mk != nil {
		raw = o.mk.raw
		switch o.mk.kind {
		case "inline_keyboard":
			m.ReplyMarkup = raw
			buttons = o.mk.buttons
		case "keyboard":
			c.keyboard, c.keyboardOneTime = raw, o.mk.oneTime
		case "remove_keyboard":
			c.keyboard, c.keyboardOneTime = nil, false
		}
	}
	rec := s.addMessageLocked(c, m, true, raw, buttons)
	return rec.m, nil
}

// textParam validates a message text after parsing its markup.
func textParam(p params) (formatted, *apiError) {
	if !utf8.ValidString(p.str("text")) {
		return formatted{}, badRequest("strings must be encoded in UTF-8")
	}
	f, aerr := parseFormatted(p.str("text"), p.str("parse_mode"), p.str("entities"))
	if aerr != nil {
		return f, aerr
	}
	if f.text == "" {
		return f, badRequest("message text is empty")
	}
	if utf16Len(f.text) > maxTextLen {
		return f, badRequest("message is too long")
	}
	return f, nil
}

// captionParam validates an optional caption.
func captionParam(p params) (formatted, *apiError) {
	if !utf8.ValidString(p.str("caption")) {
		return formatted{}, badRequest("strings must be encoded in UTF-8")
	}
	f, aerr := parseFormatted(p.str("caption"), p.str("parse_mode"), p.str("caption_entities"))
	if aerr != nil {
		return f, aerr
	}
	if utf16Len(f.text) > maxCaptionLen {
		return f, badRequest("message caption is too long")
	}
	return f, nil
}

func (s *Server) sendMessage(_ context.Context, c *call) (any, *apiError) {
	f, aerr := textParam(c.p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.targetLocked(c.p)
	if aerr != nil {
		return nil, aerr
	}
	o, aerr := s.sendOptsLocked(chat, c.p)
	if aerr != nil {
		return nil, aerr
	}
	m := Message{Text: f.text, Entities: f.entities, LinkPreviewOptions: o.preview}
	return s.postLocked(chat, c.botID, c.method, m, o)
}

func (s *Server) sendLocation(_ context.Context, c *call) (any, *apiError) {
	lat, okLat, aerr := c.p.float("latitude")
	if aerr != nil {
		return nil, aerr
	}
	lon, okLon, aerr := c.p.float("longitude")
	if aerr != nil {
		return nil, aerr
	}
	if !okLat || !okLon || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return nil, badRequest("wrong location specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.targetLocked(c.p)
	if aerr != nil {
		return nil, aerr
	}
	o, aerr := s.sendOptsLocked(chat, c.p)
	if aerr != nil {
		return nil, aerr
	}
	return s.postLocked(chat, c.botID, c.method, Message{Location: &Location{Latitude: lat, Longitude: lon}}, o)
}

func (s *Server) sendContact(_ context.Context, c *call) (any, *apiError) {
	phone, first := strings.TrimSpace(c.p.str("phone_number")), strings.TrimSpace(c.p.str("first_name"))
	if phone == "" {
		return nil, badRequest("phone number is empty")
	}
	if first == "" {
		return nil, badRequest("first name is empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.targetLocked(c.p)
	if aerr != nil {
		return nil, aerr
	}
	o, aerr := s.sendOptsLocked(chat, c.p)
	if aerr != nil {
		return nil, aerr
	}
	ct := &Contact{PhoneNumber: phone, FirstName: first, LastName: c.p.str("last_name"), Vcard: c.p.str("vcard")}
	return s.postLocked(chat, c.botID, c.method, Message{Contact: ct}, o)
}

// sendMedia is sendPhoto, sendDocument and sendVoice.
func (s *Server) sendMedia(c *call, kind string) (any, *apiError) {
	capt, aerr := captionParam(c.p)
	if aerr != nil {
		return nil, aerr
	}
	duration, _, aerr := c.p.int64("duration")
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.targetLocked(c.p)
	if aerr != nil {
		return nil, aerr
	}
	o, aerr := s.sendOptsLocked(chat, c.p)
	if aerr != nil {
		return nil, aerr
	}
	before := s.st.nextFile
	f, aerr := s.inputFileLocked(c.p, kind, kind)
	if aerr != nil {
		return nil, aerr
	}
	m := Message{Caption: capt.text, CaptionEntities: capt.entities}
	switch kind {
	case "photo":
		m.Photo = []PhotoSize{{FileID: f.id, FileUniqueID: f.uniqueID, Width: f.width, Height: f.height, FileSize: f.size()}}
	case "document":
		m.Document = &Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: f.mime, FileSize: f.size()}
	case "voice":
		m.Voice = &Voice{FileID: f.id, FileUniqueID: f.uniqueID, Duration: int(duration), MimeType: "audio/ogg", FileSize: f.size()}
	}
	out, aerr := s.postLocked(chat, c.botID, c.method, m, o)
	if aerr != nil && s.st.nextFile > before { // refused: forget the upload
		delete(s.st.files, f.id)
		delete(s.st.byPath, f.path)
	}
	return out, aerr
}

func (s *Server) sendPhoto(_ context.Context, c *call) (any, *apiError) {
	return s.sendMedia(c, "photo")
}

func (s *Server) sendDocument(_ context.Context, c *call) (any, *apiError) {
	return s.sendMedia(c, "document")
}

func (s *Server) sendVoice(_ context.Context, c *call) (any, *apiError) {
	return s.sendMedia(c, "voice")
}
