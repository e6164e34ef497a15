package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// state is everything Reset forgets. It is guarded by Server.mu.
type state struct {
	// epoch names this state: a new server or a Reset starts another one,
	// so a reader that remembers a seq (the web page) can tell that its
	// position means nothing here and read everything again.
	epoch string

	users map[int64]*userRec
	chats map[int64]*chatRec
	// seq numbers every transcript change (new message, edit, deletion,
	// toast) across all chats.
	seq int64

	nextUpdateID int64
	updates      []*updateRec // pending, ascending update_id
	history      []*updateRec // confirmed or delivered, newest last, capped
	allowed      []string     // allowed_updates in force; nil means the default
	poll         *pollRec     // the long poll in progress, if any
	hook         *webhookRec  // the webhook, if set

	commands    map[string][]BotCommand
	menuButtons map[int64]json.RawMessage // 0 is the bot's default
	// descriptions and shortDescriptions by language_code ("" for users
	// whose language has none of its own).
	descriptions, shortDescriptions map[string]string

	files    map[string]*storedFile
	byPath   map[string]*storedFile
	nextFile int64

	queries   map[string]*queryRec
	nextQuery int64

	calls   []Call
	callSeq int64

	faults    []*faultRec
	nextFault int
	limiter   limiter
	throttles []Throttle

	personas []Persona
}

func newState(opts Options) *state {
	return &state{
		epoch:             newEpoch(),
		users:             map[int64]*userRec{},
		chats:             map[int64]*chatRec{},
		nextUpdateID:      firstUpdateID(opts),
		commands:          map[string][]BotCommand{},
		menuButtons:       map[int64]json.RawMessage{},
		descriptions:      map[string]string{},
		shortDescriptions: map[string]string{},
		files:             map[string]*storedFile{},
		byPath:            map[string]*storedFile{},
		queries:           map[string]*queryRec{},
		limiter:           newLimiter(opts.RateLimits),
	}
}

// newEpoch returns a random name for a new state.
func newEpoch() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b[:])
}

// firstUpdateID numbers a new sandbox's updates from its clock (a thousand
// a second since 2020), so a restarted sandbox never reuses the IDs of an
// earlier run that a bot may still have in its inbox.
func firstUpdateID(opts Options) int64 {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	return max(now().Unix()-1577836800, 1) * 1000
}

// userRec is a user the sandbox knows: from a persona, AddUser or the first
// thing they sent.
type userRec struct {
	u User
}

// chatRec is one chat and its transcript.
type chatRec struct {
	chat      Chat
	userID    int64 // the user of a private chat
	started   bool  // the user has written to the bot
	blocked   bool
	msgs      []*msgRec
	byID      map[int64]*msgRec
	nextMsgID int64
	toasts    []Toast
	// keyboard is the reply keyboard the chat shows, as the bot last set it.
	keyboard json.RawMessage
	// keyboardOneTime hides the keyboard at the user's next message.
	keyboardOneTime bool
	action          string // the last sendChatAction
	actionAt        int64
}

// msgRec is one message of a transcript.
type msgRec struct {
	seq     int64
	m       Message
	fromBot bool
	// markup is the reply_markup as sent, of any kind (m.ReplyMarkup only
	// keeps inline keyboards, as Telegram does).
	markup  json.RawMessage
	buttons []inlineButton
	edits   int
	deleted bool
}

// queryRec is a callback query waiting for answerCallbackQuery.
type queryRec struct {
	id       string
	chatID   int64
	created  time.Time
	answered bool
}

func (s *Server) botUser(botID int64) User {
	return User{ID: botID, IsBot: true, FirstName: s.opts.BotFirstName, Username: s.opts.BotUsername}
}

// defaultBotID is the id of the bot the Token method names.
func (s *Server) defaultBotID() int64 {
	id, _ := parseToken(s.Token())
	return id
}

// userLocked returns the user, creating or refreshing it from the given
// profile fields (empty fields keep what is known).
func (s *Server) userLocked(id int64, first, last, username, lang string) *userRec {
	u := s.st.users[id]
	if u == nil {
		u = &userRec{u: User{ID: id, FirstName: "User " + strconv.FormatInt(id, 10)}}
		s.st.users[id] = u
	}
	if first != "" {
		u.u.FirstName = first
	}
	if last != "" {
		u.u.LastName = last
	}
	if username != "" {
		u.u.Username = strings.TrimPrefix(username, "@")
	}
	if lang != "" {
		u.u.LanguageCode = lang
	}
	return u
}

// privateChatLocked returns the private chat with a user, creating it.
func (s *Server) privateChatLocked(u *userRec) *chatRec {
	c := s.st.chats[u.u.ID]
	if c == nil {
		c = &chatRec{userID: u.u.ID, byID: map[int64]*msgRec{}}
		s.st.chats[u.u.ID] = c
	}
	c.chat = Chat{ID: u.u.ID, Type: "private", FirstName: u.u.FirstName, LastName: u.u.LastName, Username: u.u.Username}
	return c
}

// groupChatLocked returns a group chat, creating it. Ids at or below
// -1000000000000 are supergroups, as on Telegram.
func (s *Server) groupChatLocked(id int64) *chatRec {
	c := s.st.chats[id]
	if c == nil {
		typ := "group"
		if id <= -1000000000000 {
			typ = "supergroup"
		}
		c = &chatRec{chat: Chat{ID: id, Type: typ, Title: "Group " + strconv.FormatInt(-id, 10)}, byID: map[int64]*msgRec{}, started: true}
		s.st.chats[id] = c
	}
	return c
}

// addMessageLocked appends a message to a chat's transcript, numbering it.
func (s *Server) addMessageLocked(c *chatRec, m Message, fromBot bool, markup json.RawMessage, buttons []inlineButton) *msgRec {
	c.nextMsgID++
	m.MessageID = c.nextMsgID
	m.Chat = c.chat
	s.st.seq++
	rec := &msgRec{seq: s.st.seq, m: m, fromBot: fromBot, markup: markup, buttons: buttons}
	c.msgs = append(c.msgs, rec)
	c.byID[m.MessageID] = rec
	s.notifyLocked()
	return rec
}

// touchLocked renumbers a changed message so since_seq readers see it again.
func (s *Server) touchLocked(rec *msgRec) {
	s.st.seq++
	rec.seq = s.st.seq
	s.notifyLocked()
}

// replyCopy is the message as Telegram nests it in reply_to_message: without
// its own reply.
func replyCopy(m Message) *Message {
	m.ReplyToMessage = nil
	return &m
}
