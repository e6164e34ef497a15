package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The users' side of the chat as a Go API. Each action stores what the user
// did in the transcript and queues the update Telegram would send the bot.
// None of them blocks: the bot receives the update by getUpdates or webhook.

// MsgOpts describe who sends a user's message and when. Empty profile fields
// keep what the sandbox already knows about the user.
type MsgOpts struct {
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
	// Date is the message date; zero means Options.Now.
	Date time.Time
	// ChatID is 0 for the user's private chat with the bot, or a negative
	// id for a group (created on first use).
	ChatID int64
	// ReplyTo is the id of a message of the same chat the user replies to.
	ReplyTo int64
}

// Sent identifies what a user action produced. UpdateID is 0 when the bot's
// allowed_updates filtered the update out. Seq is the transcript sequence
// number after the action: pass it to WaitBotMessage.
type Sent struct {
	UpdateID        int64  `json:"update_id"`
	MessageID       int64  `json:"message_id,omitempty"`
	CallbackQueryID string `json:"callback_query_id,omitempty"`
	Seq             int64  `json:"seq"`
}

// Error is a refused user action. Status is the HTTP status the control API
// answers with.
type Error struct {
	Status int
	Msg    string
}

func (e *Error) Error() string { return "sandbox: " + e.Msg }

func userErr(status int, format string, args ...any) *Error {
	return &Error{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// AddUser makes a user known without them writing to the bot: the bot then
// gets "bot can't initiate conversation with a user" instead of "chat not
// found".
func (s *Server) AddUser(userID int64, o MsgOpts) error {
	if userID <= 0 {
		return userErr(http.StatusBadRequest, "user_id must be positive")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userLocked(userID, o.FirstName, o.LastName, o.Username, o.LanguageCode)
	s.notifyLocked()
	return nil
}

// userChatLocked finds or creates the user and the chat a message goes to.
func (s *Server) userChatLocked(userID int64, o MsgOpts) (*userRec, *chatRec, error) {
	if userID <= 0 {
		return nil, nil, userErr(http.StatusBadRequest, "user_id must be positive")
	}
	u := s.userLocked(userID, o.FirstName, o.LastName, o.Username, o.LanguageCode)
	var c *chatRec
	switch {
	case o.ChatID < 0:
		c = s.groupChatLocked(o.ChatID)
	case o.ChatID == 0 || o.ChatID == userID:
		c = s.privateChatLocked(u)
		if c.blocked {
			return nil, nil, userErr(http.StatusConflict, "user %d has blocked the bot: unblock first", userID)
		}
	default:
		return nil, nil, userErr(http.StatusBadRequest, "chat_id %d is neither the user's private chat nor a group", o.ChatID)
	}
	return u, c, nil
}

// userMessage stores a user's message and queues it for the bot.
func (s *Server) userMessage(userID int64, o MsgOpts, m Message) (Sent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, c, err := s.userChatLocked(userID, o)
	if err != nil {
		return Sent{}, err
	}
	if o.ReplyTo != 0 {
		r := c.byID[o.ReplyTo]
		if r == nil || r.deleted {
			return Sent{}, userErr(http.StatusNotFound, "message %d not found in chat %d", o.ReplyTo, c.chat.ID)
		}
		m.ReplyToMessage = replyCopy(r.m)
	}
	c.started = true
	if c.keyboardOneTime { // Telegram hides a one-time keyboard once used
		c.keyboard, c.keyboardOneTime = nil, false
	}
	from := u.u
	m.From = &from
	m.Date = s.now().Unix()
	if !o.Date.IsZero() {
		m.Date = o.Date.Unix()
	}
	rec := s.addMessageLocked(c, m, false, nil, nil)
	msg := rec.m
	id := s.enqueueLocked(Update{Message: &msg}, c.chat.ID)
	return Sent{UpdateID: id, MessageID: msg.MessageID, Seq: rec.seq}, nil
}

// SendText is the user typing text. Commands ("/start", "/help@bot") get
// bot_command entities with UTF-16 offsets, as Telegram marks them.
func (s *Server) SendText(userID int64, text string, o MsgOpts) (Sent, error) {
	if !utf8.ValidString(text) {
		return Sent{}, userErr(http.StatusBadRequest, "text is not valid UTF-8")
	}
	if strings.TrimSpace(text) == "" {
		return Sent{}, userErr(http.StatusBadRequest, "text is empty")
	}
	if utf16Len(text) > maxTextLen {
		return Sent{}, userErr(http.StatusBadRequest, "text is longer than 4096 UTF-16 code units")
	}
	return s.userMessage(userID, o, Message{Text: text, Entities: botCommandEntities(text)})
}

// ShareContact is the user sharing a contact (as with a request_contact
// button). A zero c.UserID means the user's own contact; an empty
// FirstName takes the user's.
func (s *Server) ShareContact(userID int64, c Contact, o MsgOpts) (Sent, error) {
	if strings.TrimSpace(c.PhoneNumber) == "" {
		return Sent{}, userErr(http.StatusBadRequest, "phone_number is empty")
	}
	if c.UserID == 0 {
		c.UserID = userID
	}
	if c.FirstName == "" {
		s.mu.Lock()
		c.FirstName = s.userLocked(userID, o.FirstName, o.LastName, o.Username, o.LanguageCode).u.FirstName
		s.mu.Unlock()
	}
	return s.userMessage(userID, o, Message{Contact: &c})
}

// ShareLocation is the user sharing a location.
func (s *Server) ShareLocation(userID int64, latitude, longitude float64, o MsgOpts) (Sent, error) {
	if latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180 {
		return Sent{}, userErr(http.StatusBadRequest, "latitude must be in [-90, 90] and longitude in [-180, 180]")
	}
	return s.userMessage(userID, o, Message{Location: &Location{Latitude: latitude, Longitude: longitude}})
}

// SendVoice is the user recording a voice note of the given seconds. The
// note is a small made-up OGG file the bot can fetch with getFile.
func (s *Server) SendVoice(userID int64, duration int, o MsgOpts) (Sent, error) {
	if duration <= 0 {
		return Sent{}, userErr(http.StatusBadRequest, "duration must be positive")
	}
	s.mu.Lock()
	f := s.addFileLocked("voice", "voice.oga", "audio/ogg", fakeOgg(duration))
	s.mu.Unlock()
	v := &Voice{FileID: f.id, FileUniqueID: f.uniqueID, Duration: duration, MimeType: "audio/ogg", FileSize: f.size()}
	return s.userMessage(userID, o, Message{Voice: v})
}

// Tap is the user tapping the inline button with callback_data data under a
// message of their private chat. Unless forge is set, the message must carry
// such a button.
func (s *Server) Tap(userID, messageID int64, data string, forge bool) (Sent, error) {
	return s.TapIn(userID, userID, messageID, data, forge)
}

// TapIn is Tap in any chat (a group, when chatID is negative).
func (s *Server) TapIn(chatID, userID, messageID int64, data string, forge bool) (Sent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.chats[chatID]
	if c == nil {
		return Sent{}, userErr(http.StatusNotFound, "chat %d not found", chatID)
	}
	rec := c.byID[messageID]
	if rec == nil || rec.deleted {
		return Sent{}, userErr(http.StatusNotFound, "message %d not found in chat %d", messageID, chatID)
	}
	if !forge && !slices.ContainsFunc(rec.buttons, func(b inlineButton) bool { return b.CallbackData == data && data != "" }) {
		var have []string
		for _, b := range rec.buttons {
			if b.CallbackData != "" {
				have = append(have, fmt.Sprintf("%q=%q", b.Text, b.CallbackData))
			}
		}
		return Sent{}, userErr(http.StatusBadRequest, "message %d in chat %d has no inline button with callback_data %q (buttons: %s)",
			messageID, chatID, data, strings.Join(have, ", "))
	}
	o := MsgOpts{}
	if chatID < 0 {
		o.ChatID = chatID
	}
	u, _, err := s.userChatLocked(userID, o)
	if err != nil {
		return Sent{}, err
	}
	s.st.nextQuery++
	id := strconv.FormatInt(4000000000000000000+s.st.nextQuery*7919+userID%1000, 10)
	msg := rec.m
	q := CallbackQuery{ID: id, From: u.u, Message: &msg, ChatInstance: strconv.FormatInt(chatID^0x5bd1e995, 10), Data: data}
	s.st.queries[id] = &queryRec{id: id, chatID: chatID, created: s.now()}
	uid := s.enqueueLocked(Update{CallbackQuery: &q}, chatID)
	return Sent{UpdateID: uid, CallbackQueryID: id, Seq: s.st.seq}, nil
}

// TapLabel is Tap on the inline button labelled label under a message of
// the user's private chat: the test names what the user sees, the sandbox
// finds the callback_data.
func (s *Server) TapLabel(userID, messageID int64, label string) (Sent, error) {
	s.mu.Lock()
	var data string
	found := false
	if c := s.st.chats[userID]; c != nil {
		if rec := c.byID[messageID]; rec != nil {
			for _, b := range rec.buttons {
				if b.Text == label && b.CallbackData != "" {
					data, found = b.CallbackData, true
					break
				}
			}
		}
	}
	s.mu.Unlock()
	if !found {
		return Sent{}, userErr(http.StatusBadRequest, "message %d in chat %d has no callback button labelled %q", messageID, userID, label)
	}
	return s.Tap(userID, messageID, data, false)
}

// Block is the user blocking the bot: the bot gets a my_chat_member update
// (member → kicked) and "bot was blocked by the user" on every send.
func (s *Server) Block(userID int64) (Sent, error) { return s.setBlocked(userID, true) }

// Unblock is the user unblocking the bot (kicked → member).
func (s *Server) Unblock(userID int64) (Sent, error) { return s.setBlocked(userID, false) }

func (s *Server) setBlocked(userID int64, blocked bool) (Sent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.chats[userID]
	u := s.st.users[userID]
	if c == nil || u == nil || c.chat.Type != "private" {
		return Sent{}, userErr(http.StatusNotFound, "user %d has no chat with the bot", userID)
	}
	if c.blocked == blocked {
		return Sent{Seq: s.st.seq}, nil
	}
	c.blocked = blocked
	bot := s.botUser(s.defaultBotID())
	zero := int64(0)
	member, kicked := ChatMember{Status: "member", User: bot}, ChatMember{Status: "kicked", User: bot, UntilDate: &zero}
	upd := &ChatMemberUpdated{Chat: c.chat, From: u.u, Date: s.now().Unix(), OldChatMember: member, NewChatMember: kicked}
	if !blocked {
		upd.OldChatMember, upd.NewChatMember = kicked, member
	}
	id := s.enqueueLocked(Update{MyChatMember: upd}, c.chat.ID)
	s.notifyLocked()
	return Sent{UpdateID: id, Seq: s.st.seq}, nil
}

// Persona is a user the demo offers on the web page.
type Persona struct {
	UserID       int64  `json:"user_id"`
	Name         string `json:"name"`
	Role         string `json:"role"` // admin, manager, rep or customer
	LanguageCode string `json:"language_code,omitempty"`
	PhoneNumber  string `json:"phone_number,omitempty"`
	// Started says the persona opened the chat with the bot before (the
	// demo's staff and linked customers), so the bot may write first.
	Started bool `json:"started,omitempty"`
}

// SetPersonas replaces the persona list and makes each persona a known user.
func (s *Server) SetPersonas(list []Persona) error {
	for _, p := range list {
		if p.UserID <= 0 {
			return userErr(http.StatusBadRequest, "persona %q: user_id must be positive", p.Name)
		}
		switch p.Role {
		case "admin", "manager", "rep", "customer":
		default:
			return userErr(http.StatusBadRequest, "persona %q: role %q is not admin, manager, rep or customer", p.Name, p.Role)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.personas = slices.Clone(list)
	for _, p := range list {
		first, last, _ := strings.Cut(p.Name, " ")
		s.userLocked(p.UserID, first, last, "", p.LanguageCode)
		if p.Started {
			_, c, err := s.userChatLocked(p.UserID, MsgOpts{FirstName: first, LastName: last, LanguageCode: p.LanguageCode})
			if err != nil {
				return err
			}
			c.started = true
		}
	}
	s.notifyLocked()
	return nil
}

// Personas returns the persona list ([] when none is set).
func (s *Server) Personas() []Persona {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.personas == nil {
		return []Persona{}
	}
	return slices.Clone(s.st.personas)
}
