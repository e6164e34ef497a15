package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/backoff"
)

// Caller is the Bot API as the sender uses it; *Client implements it.
type Caller interface {
	Call(ctx context.Context, method string, params, result any) error
}

// SenderOptions configure a Sender. Zero values take the defaults.
type SenderOptions struct {
	// GlobalRate is the most messages per second the bot sends, all
	// replicas together; default 30 (Telegram's bulk limit).
	GlobalRate float64
	// Headroom scales GlobalRate down so that network jitter never lets 31
	// messages land in one second at Telegram; default 0.94.
	Headroom float64
	// ChatInterval is the least time between two messages to one chat,
	// sustained; default 1 s.
	ChatInterval time.Duration
	// ReplyBurst is how many messages answering a user's own message or
	// tap (Send, not a notification) may reach their chat at once before
	// ChatInterval spacing applies: Telegram tolerates short bursts in a
	// private chat. Default 1: replies spaced like notifications, which is
	// what the bot runs with (see ReplyBurstMeasured).
	ReplyBurst int
	// ShareEvery is how often a sender with a pool renews its heartbeat in
	// send_replicas and its share of GlobalRate; default 1 s.
	ShareEvery time.Duration
	// ShareWindow is how long a replica counts as live after its last
	// heartbeat; default 3 × ShareEvery. A dead replica's share returns to
	// the others within ShareWindow + ShareEvery.
	ShareWindow time.Duration
	// Attempts is how many times Send tries a call that gets a 429 or a
	// 5xx before it gives up and returns the error; default 4.
	Attempts int
	// MaxWait is the longest Send waits for a 429's retry_after before
	// giving up (the caller reschedules instead); default 30 s.
	MaxWait time.Duration
	// Backoff is the first pause after a 5xx, doubled each time; default
	// 200 ms.
	Backoff time.Duration
	// CallTimeout bounds each Bot API attempt; default 5 s. A reply's lease
	// (OutboxOptions.Lease) is longer, so no attempt outlives the lease it
	// was made under.
	CallTimeout time.Duration
	// OnCall, if set, hears each Bot API attempt: its method, how long it
	// took and its error (metrics).
	OnCall func(method string, took time.Duration, err error)
	// Logger hears 429s and retries; default slog.Default().
	Logger *slog.Logger
}

// ReplyBurstMeasured is the burst measured safe in a steady run: two
// replies to one action reach the user at once, a third a second later.
// The bot does not use it yet: a process killed mid-burst and restarted
// once bursted on top of its predecessor's last sends and was answered 429
// (TestKillNineMidBurstResumesWithinSeconds), so the burst has to be booked
// across restarts before it is turned on. Measured
// with the sandbox's limits on (a private chat takes a burst of 3, then
// one a second): bursts of 2 and 3 got no 429, bursts of 4 did; 2 leaves
// one message of margin, since Telegram does not document the burst it
// tolerates (docs/PERFORMANCE.md, "Outbound").
const ReplyBurstMeasured = 2

func (o SenderOptions) withDefaults() SenderOptions {
	if o.GlobalRate <= 0 {
		o.GlobalRate = 30
	}
	if o.Headroom <= 0 || o.Headroom > 1 {
		o.Headroom = 0.94
	}
	if o.ChatInterval <= 0 {
		o.ChatInterval = time.Second
	}
	if o.ReplyBurst <= 0 {
		o.ReplyBurst = 1
	}
	if o.ShareEvery <= 0 {
		o.ShareEvery = time.Second
	}
	if o.ShareWindow <= o.ShareEvery {
		o.ShareWindow = 3 * o.ShareEvery
	}
	if o.Attempts <= 0 {
		o.Attempts = 4
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 30 * time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = 200 * time.Millisecond
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Sender makes Bot API calls within Telegram's limits. Messages that post
// something (sendMessage, sendLocation, sendVoice) are spaced per chat by
// ChatInterval (after a burst of ReplyBurst for replies) and globally by
// GlobalRate. The global rate is paced in memory: with a pool it is shared
// among the live replicas (budget.go: each takes GlobalRate / replicas,
// renewed every ShareEvery), without one it is this process's. With a
// pool each message also books its chat in PostgreSQL (chat_pacing:
// delivery_book_chat, one statement), so a notification sent by one
// replica and a reply sent by another still reach a chat ChatInterval
// apart. In this process each chat's sends are serialised. A chat that
// got nothing in the last ChatInterval is written to at once, so a reply
// to a user's message does not wait. Any 429 pauses every call of every
// replica until its retry_after has passed (send_pacing.paused_until,
// read by every booking); 5xx answers are retried with backoff. It is
// safe for concurrent use; Run keeps its share current.
type Sender struct {
	api     Caller
	pool    *pgxpool.Pool
	opts    SenderOptions
	replica string // its name in send_replicas

	beating sync.Mutex // held by the heartbeat under way

	mu      sync.Mutex
	gap     time.Duration // between two global slots of this process
	live    int           // replicas sharing GlobalRate, at the last heartbeat
	beatAt  time.Time     // the last heartbeat; zero before the first
	chats   map[int64]*chatPace
	paused  time.Time // no call before this (real time)
	refused map[int64]refusal
	tat     time.Time // the next global slot of this process
	swept   time.Time
}

type chatPace struct {
	mu    sync.Mutex
	next  time.Time // the chat's GCRA time: a message may go once next - tolerance has passed
	users int       // goroutines holding or waiting for mu
}

// NewSender returns a sender calling api. pool may be nil for a
// single-process budget.
func NewSender(api Caller, pool *pgxpool.Pool, opts SenderOptions) *Sender {
	opts = opts.withDefaults()
	s := &Sender{api: api, pool: pool, opts: opts, replica: newReplicaID(), chats: map[int64]*chatPace{}}
	s.setShare(1, time.Time{})
	return s
}

// Sent is what Telegram answered to a successful call.
type Sent struct {
	MessageID int64 // the new message's id, for the methods that post one
	// ChatPush, from SendReply only, is non-zero when the message waited
	// (a 429, a retry, its slot) and its chat's shared spacing must be
	// pushed to ChatPush after now: the caller does it in the statement
	// that records the send (postgres.DB.MarkOutboxSentMore), as Send
	// would have done with a statement of its own.
	ChatPush time.Duration
}

// Send makes the call m describes and returns Telegram's answer. Errors:
// IsUnreachable (403: do not write to this chat again), IsAmbiguous (no
// answer: a send may have been delivered), IsTemporary (429 or 5xx still
// failing after Attempts, or a 429 longer than MaxWait), any other
// *APIError is permanent. Repeating edits, deletions and callback answers
// is harmless: "message is not modified", "message to delete not found" and
// an expired callback query count as success.
func (s *Sender) Send(ctx context.Context, m Message) (Sent, error) {
	return s.send(ctx, m, false, false)
}

// SendReply is Send for a caller that records the outcome in PostgreSQL
// right after (the outbox): when a successful message waited, pushing its
// chat's shared spacing is left to it (Sent.ChatPush), so that the push
// costs no statement of its own. The caller's statement runs right after
// the call, where Send's own push would have: until it does, another
// replica may book the chat by its spacing from before the wait, as it may
// with Send. After a failed call the push is made here, as Send makes it.
func (s *Sender) SendReply(ctx context.Context, m Message) (Sent, error) {
	return s.send(ctx, m, false, true)
}

// send is Send; unsolicited marks a notification: a chat that refused one
// a moment ago is not asked again, while a reply to the user's own message
// is always tried (they may just have unblocked). deferPush is SendReply's.
func (s *Sender) send(ctx context.Context, m Message, unsolicited, deferPush bool) (Sent, error) {
	if err := m.Validate(); err != nil {
		return Sent{}, err
	}
	if counted(m.Method) {
		tolerance := s.tolerance(unsolicited, m.ChatID)
		cp := s.chat(m.ChatID)
		cp.mu.Lock()
		defer s.release(m.ChatID, cp)
		if err := sleepUntil(ctx, cp.next.Add(-tolerance)); err != nil {
			return Sent{}, err
		}
		began := time.Now()
		sent, err := s.call(ctx, m, unsolicited)
		now := time.Now()
		cp.next = maxTime(cp.next, now).Add(s.opts.ChatInterval)
		if now.Sub(began) > s.opts.ChatInterval/4 && s.pool != nil {
			// It waited (a 429, a retry, a slot): count from now.
			if deferPush && err == nil {
				sent.ChatPush = s.opts.ChatInterval
			} else {
				s.chatSent(ctx, m.ChatID)
			}
		}
		return sent, err
	}
	return s.call(ctx, m, unsolicited)
}

// tolerance is how far ahead of a message its chat's GCRA time may be:
// (ReplyBurst - 1) × ChatInterval for a reply in a private chat (a user's
// id is positive, a group's negative), none for a notification or a group.
func (s *Sender) tolerance(unsolicited bool, chatID int64) time.Duration {
	if unsolicited || chatID < 0 {
		return 0
	}
	return time.Duration(s.opts.ReplyBurst-1) * s.opts.ChatInterval
}

// chatSent pushes the chat's shared spacing to ChatInterval after now,
// once a send that took long is answered (it may have waited out a 429
// after booking).
func (s *Sender) chatSent(ctx context.Context, chatID int64) {
	if _, err := s.pool.Exec(context.WithoutCancel(ctx), `SELECT delivery_chat_sent($1, $2)`, chatID, s.opts.ChatInterval.Seconds()); err != nil {
		s.opts.Logger.Warn("record a chat's send time", "chat", chatID, "err", err)
	}
}

// call tries one message up to Attempts times, pacing each try.
func (s *Sender) call(ctx context.Context, m Message, unsolicited bool) (Sent, error) {
	var lastErr error
	backoff := s.opts.Backoff
	for attempt := 0; attempt < s.opts.Attempts; attempt++ {
		if err := s.pace(ctx, counted(m.Method), m.ChatID, s.tolerance(unsolicited, m.ChatID)); err != nil {
			if ctx.Err() != nil {
				return Sent{}, err
			}
			return Sent{}, &LocalError{Op: "book a send slot", Err: err}
		}
		if counted(m.Method) && unsolicited {
			if refused := s.refusedRecently(m.ChatID); refused != nil {
				return Sent{}, refused
			}
		}
		var res struct {
			MessageID int64 `json:"message_id"`
		}
		var out any
		if counted(m.Method) || m.Method == "editMessageText" || m.Method == "editMessageReplyMarkup" {
			out = &res
		}
		cctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
		began := time.Now()
		err := s.api.Call(cctx, m.Method, m.CallParams(), out)
		cancel()
		if s.opts.OnCall != nil {
			s.opts.OnCall(m.Method, time.Since(began), err)
		}
		if IsUnreachable(err) {
			s.remember403(m.ChatID, err)
		}
		switch {
		case err == nil:
			return Sent{MessageID: res.MessageID}, nil
		case harmlessRepeat(m.Method, err):
			return Sent{}, nil
		case RetryAfter(err) > 0:
			wait := RetryAfter(err)
			s.pause(ctx, wait)
			s.opts.Logger.Warn("telegram flood control: pausing all sends", "method", m.Method, "chat", m.ChatID, "retry_after", wait)
			if wait > s.opts.MaxWait {
				return Sent{}, err
			}
		case IsAmbiguous(err) && counted(m.Method):
			return Sent{}, err // the caller probes before any resend
		case IsTemporary(err):
			s.opts.Logger.Info("telegram call failed, retrying", "method", m.Method, "chat", m.ChatID, "err", err, "backoff", backoff)
			if err := sleepFor(ctx, jitter(backoff)); err != nil {
				return Sent{}, err
			}
			backoff *= 2
		default:
			return Sent{}, err
		}
		lastErr = err
	}
	return Sent{}, lastErr
}

// refusedWindow is how long a chat that answered 403 is refused without
// asking Telegram again: notifications queued for it behind the per-chat
// spacing stop at once instead of each trying (the database's unreachable
// mark, cleared when the user writes again, is the lasting record).
// An entry is dropped when it is next read past the window, and by the
// minute sweep (sweepLocked), so the map holds only the last minute's.
const refusedWindow = time.Minute

func (s *Sender) remember403(chatID int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused == nil {
		s.refused = map[int64]refusal{}
	}
	now := time.Now()
	s.refused[chatID] = refusal{err: err, at: now}
	s.sweepLocked(now)
}

// refusedRecently returns the 403 a chat answered within refusedWindow.
func (s *Sender) refusedRecently(chatID int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.refused[chatID]
	if !ok {
		return nil
	}
	if time.Since(r.at) > refusedWindow {
		delete(s.refused, chatID)
		return nil
	}
	return r.err
}

type refusal struct {
	err error
	at  time.Time
}

// harmlessRepeat reports the answers that mean a repeated edit, deletion or
// callback answer had already taken effect (or can no longer matter).
func harmlessRepeat(method string, err error) bool {
	switch method {
	case "editMessageText", "editMessageReplyMarkup":
		return descIs(err, "message is not modified")
	case "deleteMessage":
		return descIs(err, "message to delete not found")
	case "answerCallbackQuery":
		return descIs(err, "query is too old") || descIs(err, "query ID is invalid")
	}
	return false
}

// pace waits for the end of any 429 pause and, for counted methods, for a
// global slot and the chat's spacing.
func (s *Sender) pace(ctx context.Context, slot bool, chatID int64, tolerance time.Duration) error {
	for {
		s.mu.Lock()
		until := s.paused
		s.mu.Unlock()
		if err := sleepUntil(ctx, until); err != nil {
			return err
		}
		if !slot {
			return nil
		}
		wait, err := s.reserve(ctx, chatID, tolerance)
		if err != nil {
			return err
		}
		if err := sleepFor(ctx, wait); err != nil {
			return err
		}
		s.mu.Lock()
		again := s.paused.After(time.Now())
		s.mu.Unlock()
		if !again { // a 429 that came while we slept voids the slot
			return nil
		}
	}
}

// reserve books this process's next global slot and, with a pool, the
// chat at that slot (delivery_book_chat; while another replica's spacing
// holds the chat, the slot is given back and the chat waited for), and
// returns how long to wait for the slot. A 429 pause of another replica
// read by the booking becomes this process's pause, and reserve returns
// so that pace waits it out.
func (s *Sender) reserve(ctx context.Context, chatID int64, tolerance time.Duration) (time.Duration, error) {
	for {
		slot, err := s.slot(ctx)
		if err != nil {
			return 0, fmt.Errorf("reserve a send slot: %w", err)
		}
		delay := max(time.Until(slot), 0)
		if s.pool == nil {
			return delay, nil
		}
		var wait, paused float64
		var booked bool
		err = s.pool.QueryRow(ctx, `SELECT wait, booked, paused FROM delivery_book_chat($1, $2, $3, $4)`,
			chatID, s.opts.ChatInterval.Seconds(), tolerance.Seconds(), delay.Seconds()).Scan(&wait, &booked, &paused)
		if err != nil {
			s.unslot(slot)
			return 0, fmt.Errorf("reserve a send slot: %w", err)
		}
		if booked {
			return delay, nil
		}
		s.unslot(slot)
		if paused > 0 {
			s.pauseLocal(secondsOf(paused))
			return 0, nil
		}
		// Another replica wrote to the chat: wait for its spacing; no
		// global slot is held meanwhile.
		if err := sleepFor(ctx, min(secondsOf(wait), s.opts.ChatInterval)); err != nil {
			return 0, err
		}
	}
}

func secondsOf(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

// pauseLocal stops every call of this process for d from now.
func (s *Sender) pauseLocal(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until := time.Now().Add(d); until.After(s.paused) {
		s.paused = until
	}
}

// pause stops every call of this process, and with a pool of every
// replica, for d from now.
func (s *Sender) pause(ctx context.Context, d time.Duration) {
	s.pauseLocal(d)
	if s.pool != nil {
		if _, err := s.pool.Exec(ctx, `SELECT delivery_pause($1)`, d.Seconds()); err != nil {
			s.opts.Logger.Warn("record the send pause", "err", err)
		}
	}
}

// PausedUntil is when the current 429 pause of this process ends (zero or
// past when none).
func (s *Sender) PausedUntil() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

func (s *Sender) chat(id int64) *chatPace {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := s.chats[id]
	if cp == nil {
		cp = &chatPace{}
		s.chats[id] = cp
	}
	cp.users++
	return cp
}

// release unlocks a chat and, once a minute, sweeps what is no longer
// needed.
func (s *Sender) release(id int64, cp *chatPace) {
	cp.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	cp.users--
	s.sweepLocked(time.Now())
}

// sweepLocked, at most once a minute, forgets idle chats whose spacing has
// passed and 403s older than refusedWindow. s.mu must be held.
func (s *Sender) sweepLocked(now time.Time) {
	if now.Sub(s.swept) < time.Minute {
		return
	}
	s.swept = now
	for k, c := range s.chats {
		if c.users == 0 && now.After(c.next) {
			delete(s.chats, k)
		}
	}
	for k, r := range s.refused {
		if now.Sub(r.at) > refusedWindow {
			delete(s.refused, k)
		}
	}
}

// Probe looks for a message the bot may have posted to a private chat
// without learning its id (the process died during the call, or the
// connection dropped): private-chat message ids are sequential, so it
// edits the reply markup of the ids after floor to the markup the message
// was sent with. "message is not modified" on an id that isCandidate
// accepts (a bot message not otherwise recorded) means it was delivered;
// "message to edit not found" past the newest message means it was not.
// Users' messages ("message can't be edited") are skipped. markup is the
// message's inline keyboard, or nil.
func (s *Sender) Probe(ctx context.Context, chatID, floor int64, markup any, isCandidate func(ctx context.Context, id int64) (bool, error)) (id int64, found bool, err error) {
	const maxProbes, maxMissing = 50, 3
	missing := 0
	for id := floor + 1; id <= floor+maxProbes; id++ {
		p := map[string]any{"chat_id": chatID, "message_id": id}
		if markup != nil {
			p["reply_markup"] = markup
		}
		if err := s.pace(ctx, false, chatID, 0); err != nil {
			return 0, false, err
		}
		err := s.api.Call(ctx, "editMessageReplyMarkup", p, nil)
		switch {
		case descIs(err, "message to edit not found"):
			missing++
			if missing >= maxMissing {
				return 0, false, nil
			}
			continue
		case descIs(err, "message can't be edited"):
			missing = 0
			continue
		case err == nil:
			// The markup differed, so this bot message is not the one we
			// look for (ours has exactly this markup). It cannot happen
			// while a chat has at most one unrecorded send.
			missing = 0
			s.opts.Logger.Warn("probe edited another bot message", "chat", chatID, "message_id", id)
			continue
		case descIs(err, "message is not modified"):
			missing = 0
			ok, cerr := isCandidate(ctx, id)
			if cerr != nil {
				return 0, false, cerr
			}
			if ok {
				return id, true, nil
			}
			continue
		case RetryAfter(err) > 0:
			s.pause(ctx, RetryAfter(err))
			id-- // try the same id again
			continue
		default:
			return 0, false, fmt.Errorf("probe chat %d message %d: %w", chatID, id, err)
		}
	}
	return 0, false, errors.New("probe: no end of the chat found")
}

func maxTime(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

func jitter(d time.Duration) time.Duration { return backoff.Jitter(d) }

func sleepUntil(ctx context.Context, t time.Time) error {
	return sleepFor(ctx, time.Until(t))
}

func sleepFor(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
