package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"time"
)

// Editing and deleting messages, and answering callback queries.

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

// editTargetLocked finds the bot message an edit names.
func (s *Server) editTargetLocked(p params) (*chatRec, *msgRec, *apiError) {
	if p.str("inline_message_id") != "" {
		return nil, nil, badRequest("MESSAGE_ID_INVALID")
	}
	c, aerr := s.targetLocked(p)
	if aerr != nil {
		return nil, nil, aerr
	}
	id, ok, aerr := p.int64("message_id")
	if aerr != nil {
		return nil, nil, aerr
	}
	if !ok {
		return nil, nil, badRequest("message identifier is not specified")
	}
	rec := c.byID[id]
	if rec == nil || rec.deleted {
		return nil, nil, badRequest("message to edit not found")
	}
	if !rec.fromBot {
		return nil, nil, badRequest("message can't be edited")
	}
	return c, rec, nil
}

// editMarkup reads the new reply_markup of an edit: only inline keyboards;
// leaving it out removes the keyboard, as on Telegram.
func editMarkup(p params) (*markup, *apiError) {
	mk, aerr := parseReplyMarkup(p.str("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if mk != nil && !mk.inline() {
		return nil, badRequest("inline keyboard expected")
	}
	return mk, nil
}

func markupRaw(mk *markup) json.RawMessage {
	if mk == nil {
		return nil
	}
	return mk.raw
}

func sameEntities(a, b []MessageEntity) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

// commitEditLocked applies an edit after flood control (when edits count).
func (s *Server) commitEditLocked(c *chatRec, rec *msgRec, method string, mk *markup, apply func(m *Message)) (Message, *apiError) {
	if s.opts.RateLimits.CountEdits {
		if aerr := s.throttleLocked(method, c); aerr != nil {
			return Message{}, aerr
		}
	}
	apply(&rec.m)
	rec.m.ReplyMarkup = markupRaw(mk)
	rec.markup = markupRaw(mk)
	rec.buttons = nil
	if mk != nil {
		rec.buttons = mk.buttons
	}
	rec.m.EditDate = s.now().Unix()
	rec.edits++
	s.touchLocked(rec)
	return rec.m, nil
}

func (s *Server) editMessageText(_ context.Context, c *call) (any, *apiError) {
	f, aerr := textParam(c.p)
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := editMarkup(c.p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, rec, aerr := s.editTargetLocked(c.p)
	if aerr != nil {
		return nil, aerr
	}
	if rec.m.Text == "" {
		return nil, badRequest("there is no text in the message to edit")
	}
	if rec.m.Text == f.text && sameEntities(rec.m.Entities, f.entities) && bytes.Equal(rec.m.ReplyMarkup, markupRaw(mk)) {
		return nil, badRequest(notModified)
	}
	var preview json.RawMessage
	if raw := c.p.str("link_preview_options"); raw != "" {
		if !json.Valid([]byte(raw)) {
			return nil, badRequest("can't parse link preview options JSON object")
		}
		preview = json.RawMessage(raw)
	}
	return s.commitEditLocked(chat, rec, c.method, mk, func(m *Message) {
		m.Text, m.Entities, m.LinkPreviewOptions = f.text, f.entities, preview
	})
}

func (s *Server) editMessageCaption(_ context.Context, c *call) (any, *apiError) {
	capt, aerr := captionParam(c.p)
	if aerr != nil {
		return nil, aerr
	}
	mk, aerr := editMarkup(c.p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, rec, aerr := s.editTargetLocked(c.p)
	if aerr != nil {
		return nil, aerr
	}
	if rec.m.Photo == nil && rec.m.Document == nil && rec.m.Voice == nil {
		return nil, badRequest("there is no caption in the message to edit")
	}
	if rec.m.Caption == capt.text && sameEntities(rec.m.CaptionEntities, capt.entities) && bytes.Equal(rec.m.ReplyMarkup, markupRaw(mk)) {
		return nil, badRequest(notModified)
	}
	return s.commitEditLocked(chat, rec, c.method, mk, func(m *Message) {
		m.Caption, m.CaptionEntities = capt.text, capt.entities
	})
}

func (s *Server) editMessageReplyMarkup(_ context.Context, c *call) (any, *apiError) {
	mk, aerr := editMarkup(c.p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, rec, aerr := s.editTargetLocked(c.p)
	if aerr != nil {
		return nil, aerr
	}
	if bytes.Equal(rec.m.ReplyMarkup, markupRaw(mk)) {
		return nil, badRequest(notModified)
	}
	return s.commitEditLocked(chat, rec, c.method, mk, func(*Message) {})
}

// deleteWindow is how old a message may be and still be deleted.
const deleteWindow = 48 * time.Hour

func (s *Server) deleteMessage(_ context.Context, c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok, aerr := c.p.int64("message_id")
	if aerr != nil {
		return nil, aerr
	}
	if !ok {
		return nil, badRequest("message identifier is not specified")
	}
	chatID, _, aerr := c.p.int64("chat_id")
	if aerr != nil {
		return nil, badRequest("chat not found")
	}
	chat := s.st.chats[chatID]
	if chat == nil {
		return nil, badRequest("chat not found")
	}
	rec := chat.byID[id]
	if rec == nil || rec.deleted {
		return nil, badRequest("message to delete not found")
	}
	if s.now().Sub(time.Unix(rec.m.Date, 0)) > deleteWindow {
		return nil, badRequest("message can't be deleted for everyone")
	}
	rec.deleted = true
	s.touchLocked(rec)
	return true, nil
}

// Toast is the answer to a callback query, as the user sees it: a
// notification at the top of the chat or, with ShowAlert, an alert.
type Toast struct {
	Seq             int64  `json:"seq"`
	CallbackQueryID string `json:"callback_query_id"`
	Text            string `json:"text,omitempty"`
	ShowAlert       bool   `json:"show_alert"`
	URL             string `json:"url,omitempty"`
	At              int64  `json:"at"`
}

func (s *Server) answerCallbackQuery(_ context.Context, c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.p.str("callback_query_id")
	q := s.st.queries[id]
	now := s.now()
	if q == nil || q.answered || now.Sub(q.created) > s.opts.CallbackTimeout {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if len([]rune(c.p.str("text"))) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	q.answered = true
	if chat := s.st.chats[q.chatID]; chat != nil {
		s.st.seq++
		t := Toast{Seq: s.st.seq, CallbackQueryID: id, Text: c.p.str("text"), ShowAlert: c.p.bool("show_alert"),
			URL: c.p.str("url"), At: now.Unix()}
		chat.toasts = append(chat.toasts, t)
		s.notifyLocked()
	}
	return true, nil
}
