package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Transcript is one chat as both sides see it: every message in order with
// edits applied, deleted ones marked, plus the answers to button taps.
type Transcript struct {
	ChatID  int64  `json:"chat_id"`
	Type    string `json:"type,omitempty"`
	Title   string `json:"title,omitempty"`
	Blocked bool   `json:"blocked"`
	// Seq is the latest sequence number of the whole sandbox when the
	// transcript was taken: poll again with since_seq=Seq.
	Seq int64 `json:"seq"`
	// Epoch names the sandbox's state: it changes when the sandbox is
	// restarted or reset, and then a since_seq from before means nothing
	// (read from 0 again).
	Epoch    string  `json:"epoch"`
	Messages []Entry `json:"messages"`
	Toasts   []Toast `json:"toasts"`
	// Keyboard is the reply keyboard the chat shows (the bot's last
	// ReplyKeyboardMarkup not yet removed).
	Keyboard json.RawMessage `json:"keyboard,omitempty"`
	// Action is the last chat action (typing, upload_photo, ...) and when.
	Action   string `json:"action,omitempty"`
	ActionAt int64  `json:"action_at,omitempty"`
	// Commands is the command menu the user of a private chat sees (see
	// MenuFor), and Description the bot's description in their language,
	// which Telegram shows in an empty chat.
	Commands    []BotCommand `json:"commands,omitempty"`
	Description string       `json:"description,omitempty"`
}

// Entry is one message of a transcript. Seq changes whenever the message
// does (edit, deletion), so since_seq readers can update it in place.
type Entry struct {
	Seq              int64           `json:"seq"`
	MessageID        int64           `json:"message_id"`
	From             string          `json:"from"` // "user" or "bot"
	FromID           int64           `json:"from_id"`
	FromName         string          `json:"from_name,omitempty"`
	Date             int64           `json:"date"`
	Text             string          `json:"text,omitempty"`
	Entities         []MessageEntity `json:"entities,omitempty"`
	Caption          string          `json:"caption,omitempty"`
	CaptionEntities  []MessageEntity `json:"caption_entities,omitempty"`
	ReplyMarkup      json.RawMessage `json:"reply_markup,omitempty"`
	ReplyToMessageID int64           `json:"reply_to_message_id,omitempty"`
	Photo            *FileRef        `json:"photo,omitempty"`
	Document         *FileRef        `json:"document,omitempty"`
	Voice            *FileRef        `json:"voice,omitempty"`
	Location         *Location       `json:"location,omitempty"`
	Contact          *Contact        `json:"contact,omitempty"`
	Edited           bool            `json:"edited"`
	EditCount        int             `json:"edit_count,omitempty"`
	Deleted          bool            `json:"deleted"`
}

// FileRef is a file in a transcript, with a URL to download its bytes
// (empty for a file sent by an external URL).
type FileRef struct {
	FileID   string `json:"file_id"`
	FileName string `json:"file_name,omitempty"`
	MimeType string `json:"mime_type,omitempty"`
	FileSize int64  `json:"file_size,omitempty"`
	Width    int    `json:"width,omitempty"`
	Height   int    `json:"height,omitempty"`
	Duration int    `json:"duration,omitempty"`
	URL      string `json:"url,omitempty"`
}

// Transcript returns a chat's whole transcript; an unknown chat is empty.
func (s *Server) Transcript(chatID int64) Transcript {
	return s.TranscriptSince(chatID, 0)
}

// TranscriptSince returns the messages and toasts of a chat whose Seq is
// greater than since.
func (s *Server) TranscriptSince(chatID, since int64) Transcript {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.transcriptLocked(chatID, since)
}

func (s *Server) transcriptLocked(chatID, since int64) Transcript {
	t := Transcript{ChatID: chatID, Seq: s.st.seq, Epoch: s.st.epoch, Messages: []Entry{}, Toasts: []Toast{}}
	if chatID > 0 { // a private chat: its id is the user's
		t.Commands = slices.Clone(s.menuLocked(chatID))
		t.Description = shownText(s.st.descriptions, s.userLangLocked(chatID))
	}
	c := s.st.chats[chatID]
	if c == nil {
		return t
	}
	t.Type, t.Blocked, t.Keyboard, t.Action, t.ActionAt = c.chat.Type, c.blocked, c.keyboard, c.action, c.actionAt
	t.Title = c.chat.Title
	if t.Title == "" {
		t.Title = strings.TrimSpace(c.chat.FirstName + " " + c.chat.LastName)
	}
	for _, rec := range c.msgs {
		if rec.seq > since {
			t.Messages = append(t.Messages, s.entryLocked(rec))
		}
	}
	for _, toast := range c.toasts {
		if toast.Seq > since {
			t.Toasts = append(t.Toasts, toast)
		}
	}
	return t
}

func (s *Server) entryLocked(rec *msgRec) Entry {
	m := rec.m
	e := Entry{
		Seq: rec.seq, MessageID: m.MessageID, From: "user", Date: m.Date,
		Text: m.Text, Entities: m.Entities, Caption: m.Caption, CaptionEntities: m.CaptionEntities,
		ReplyMarkup: rec.markup, Location: m.Location, Contact: m.Contact,
		Edited: rec.edits > 0, EditCount: rec.edits, Deleted: rec.deleted,
	}
	if rec.fromBot {
		e.From = "bot"
	}
	if m.From != nil {
		e.FromID = m.From.ID
		e.FromName = strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)
	}
	if m.ReplyToMessage != nil {
		e.ReplyToMessageID = m.ReplyToMessage.MessageID
	}
	ref := func(id string) *FileRef {
		f := s.st.files[id]
		if f == nil {
			return &FileRef{FileID: id}
		}
		r := &FileRef{FileID: id, FileName: f.name, MimeType: f.mime, FileSize: f.size(), Width: f.width, Height: f.height}
		if f.url == "" {
			r.URL = f.downloadURL()
		}
		return r
	}
	if len(m.Photo) > 0 {
		e.Photo = ref(m.Photo[len(m.Photo)-1].FileID)
	}
	if m.Document != nil {
		e.Document = ref(m.Document.FileID)
	}
	if m.Voice != nil {
		e.Voice = ref(m.Voice.FileID)
		e.Voice.Duration = m.Voice.Duration
	}
	return e
}

// String renders the transcript for people: one line per message, buttons
// and keyboards indented under it.
func (t Transcript) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "chat %d", t.ChatID)
	if t.Type != "" {
		fmt.Fprintf(&b, " (%s %s)", t.Type, t.Title)
	}
	if t.Blocked {
		b.WriteString(" [bot blocked]")
	}
	b.WriteString("\n")
	if len(t.Messages) == 0 {
		b.WriteString("  (no messages)\n")
	}
	for _, e := range t.Messages {
		b.WriteString(e.String())
	}
	for _, toast := range t.Toasts {
		kind := "toast"
		if toast.ShowAlert {
			kind = "alert"
		}
		fmt.Fprintf(&b, "  %s for query %s: %q\n", kind, toast.CallbackQueryID, toast.Text)
	}
	if len(t.Keyboard) > 0 {
		b.WriteString("  " + keyboardText(t.Keyboard) + "\n")
	}
	if t.Action != "" {
		fmt.Fprintf(&b, "  last action: %s at %s\n", t.Action, time.Unix(t.ActionAt, 0).UTC().Format("15:04:05"))
	}
	return b.String()
}

// String renders one entry as the text transcript shows it.
func (e Entry) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s %s:", e.MessageID, time.Unix(e.Date, 0).UTC().Format("15:04:05"), e.From)
	var parts []string
	if e.ReplyToMessageID != 0 {
		parts = append(parts, fmt.Sprintf("(reply to #%d)", e.ReplyToMessageID))
	}
	if e.Photo != nil {
		parts = append(parts, fmt.Sprintf("[photo %dx%d %s]", e.Photo.Width, e.Photo.Height, e.Photo.FileID))
	}
	if e.Document != nil {
		parts = append(parts, fmt.Sprintf("[document %s]", e.Document.FileName))
	}
	if e.Voice != nil {
		parts = append(parts, fmt.Sprintf("[voice %ds]", e.Voice.Duration))
	}
	if e.Location != nil {
		parts = append(parts, fmt.Sprintf("[location %.5f,%.5f]", e.Location.Latitude, e.Location.Longitude))
	}
	if e.Contact != nil {
		parts = append(parts, fmt.Sprintf("[contact %s %s]", e.Contact.FirstName, e.Contact.PhoneNumber))
	}
	if txt := e.Text + e.Caption; txt != "" {
		parts = append(parts, strings.ReplaceAll(txt, "\n", "\n    "))
	}
	b.WriteString(" " + strings.Join(parts, " "))
	if e.Edited {
		fmt.Fprintf(&b, " (edited x%d)", e.EditCount)
	}
	if e.Deleted {
		b.WriteString(" (deleted)")
	}
	b.WriteString("\n")
	if len(e.ReplyMarkup) > 0 {
		b.WriteString("    " + keyboardText(e.ReplyMarkup) + "\n")
	}
	return b.String()
}

// keyboardText renders a reply_markup as "[label → data] [label ↗ url]".
func keyboardText(raw json.RawMessage) string {
	var mk struct {
		Inline [][]map[string]any `json:"inline_keyboard"`
		Reply  [][]map[string]any `json:"keyboard"`
		Remove bool               `json:"remove_keyboard"`
		Force  bool               `json:"force_reply"`
	}
	if json.Unmarshal(raw, &mk) != nil {
		return string(raw)
	}
	switch {
	case mk.Remove:
		return "(remove keyboard)"
	case mk.Force:
		return "(force reply)"
	}
	var rows []string
	for _, row := range append(mk.Inline, mk.Reply...) {
		var bs []string
		for _, btn := range row {
			label := fmt.Sprint(btn["text"])
			switch {
			case btn["callback_data"] != nil:
				label += fmt.Sprintf(" → %v", btn["callback_data"])
			case btn["url"] != nil:
				label += fmt.Sprintf(" ↗ %v", btn["url"])
			case btn["request_contact"] == true:
				label += " (contact)"
			case btn["request_location"] == true:
				label += " (location)"
			}
			bs = append(bs, "["+label+"]")
		}
		rows = append(rows, strings.Join(bs, " "))
	}
	prefix := ""
	if len(mk.Reply) > 0 {
		prefix = "reply keyboard: "
	}
	return prefix + strings.Join(rows, " / ")
}
