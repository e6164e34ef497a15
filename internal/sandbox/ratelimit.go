package sandbox

import (
	"math"
	"time"
)

// RateLimits configure flood control. The zero value is Telegram's documented
// limits, on: about one message a second to one private chat (a burst of 3
// tolerated), 30 messages a second overall, 20 a minute to one group.
//
// What counts: every send* method that posts a message (sendMessage,
// sendPhoto, sendDocument, sendVoice, sendLocation, sendContact).
// sendChatAction, answerCallbackQuery, deleteMessage and the get/set methods
// never count. Edits count only with CountEdits: Telegram throttles rapid
// edits too, but more loosely than sends, and a bot that answers a tap with
// an edit plus a new message must not be punished for it.
//
// Over a limit the call is refused with 429 "Too Many Requests: retry after
// N" and parameters.retry_after N (whole seconds, at least 1) and nothing is
// sent; the refusal is kept in Throttles. The windows run on Options.Now, so
// a test with a fake clock can step over retry_after without sleeping.
type RateLimits struct {
	// Disabled turns flood control off (fast tests).
	Disabled bool
	// PerChatBurst is how many messages a private chat takes at once;
	// default 3.
	PerChatBurst int
	// PerChatInterval is the sustained pace to one private chat: one
	// message per interval; default 1s.
	PerChatInterval time.Duration
	// GlobalPerSecond is the bot's overall limit; default 30.
	GlobalPerSecond int
	// GroupPerMinute is the limit per group chat; default 20.
	GroupPerMinute int
	// CountEdits makes editMessage* calls count like sends.
	CountEdits bool
}

func (r RateLimits) withDefaults() RateLimits {
	if r.PerChatBurst <= 0 {
		r.PerChatBurst = 3
	}
	if r.PerChatInterval <= 0 {
		r.PerChatInterval = time.Second
	}
	if r.GlobalPerSecond <= 0 {
		r.GlobalPerSecond = 30
	}
	if r.GroupPerMinute <= 0 {
		r.GroupPerMinute = 20
	}
	return r
}

// Throttle is one 429 the sandbox gave, from flood control or an injected
// fault.
type Throttle struct {
	Time       time.Time `json:"time"`
	Method     string    `json:"method"`
	ChatID     int64     `json:"chat_id,omitempty"`
	Scope      string    `json:"scope"` // "chat", "group", "global" or "fault"
	RetryAfter int       `json:"retry_after"`
}

type bucket struct {
	tokens float64
	last   time.Time
}

type limiter struct {
	cfg    RateLimits
	chats  map[int64]*bucket
	groups map[int64][]time.Time
	global []time.Time
}

func newLimiter(cfg RateLimits) limiter {
	return limiter{cfg: cfg, chats: map[int64]*bucket{}, groups: map[int64][]time.Time{}}
}

func ceilSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

func prune(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}

// take admits one message to chatID at now, or says which limit refused it
// and for how many seconds.
func (l *limiter) take(chatID int64, group bool, now time.Time) (scope string, retryAfter int) {
	if l.cfg.Disabled {
		return "", 0
	}
	l.global = prune(l.global, now.Add(-time.Second))
	if len(l.global) >= l.cfg.GlobalPerSecond {
		return "global", ceilSeconds(l.global[0].Add(time.Second).Sub(now))
	}
	if group {
		win := prune(l.groups[chatID], now.Add(-time.Minute))
		l.groups[chatID] = win
		if len(win) >= l.cfg.GroupPerMinute {
			return "group", ceilSeconds(win[0].Add(time.Minute).Sub(now))
		}
		l.groups[chatID] = append(win, now)
	} else {
		b := l.chats[chatID]
		if b == nil {
			b = &bucket{tokens: float64(l.cfg.PerChatBurst), last: now}
			l.chats[chatID] = b
		}
		if elapsed := now.Sub(b.last); elapsed > 0 {
			b.tokens = math.Min(float64(l.cfg.PerChatBurst), b.tokens+float64(elapsed)/float64(l.cfg.PerChatInterval))
			b.last = now
		}
		if b.tokens < 1 {
			wait := time.Duration((1 - b.tokens) * float64(l.cfg.PerChatInterval))
			return "chat", ceilSeconds(wait)
		}
		b.tokens--
	}
	l.global = append(l.global, now)
	return "", 0
}

// throttleLocked applies flood control to one message to c; it records and
// returns the 429 when refused.
func (s *Server) throttleLocked(method string, c *chatRec) *apiError {
	now := s.now()
	scope, after := s.st.limiter.take(c.chat.ID, c.chat.Type != "private", now)
	if scope == "" {
		return nil
	}
	s.recordThrottleLocked(Throttle{Time: now, Method: method, ChatID: c.chat.ID, Scope: scope, RetryAfter: after})
	return tooManyRequests(after)
}

func (s *Server) recordThrottleLocked(t Throttle) {
	s.st.throttles = append(s.st.throttles, t)
	if over := len(s.st.throttles) - 10000; over > 0 {
		s.st.throttles = append([]Throttle(nil), s.st.throttles[over:]...)
	}
}

// Throttles lists every 429 given, oldest first.
func (s *Server) Throttles() []Throttle {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Throttle(nil), s.st.throttles...)
}
