package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// updateRec is one update, pending until getUpdates confirms it with a
// higher offset or the webhook answers 2xx.
type updateRec struct {
	id      int64
	kind    string
	chatID  int64
	created time.Time
	body    json.RawMessage
	// returned counts how many getUpdates answers carried it.
	returned int
	// Webhook delivery: attempts so far, when the next may start (real
	// time), whether one is under way, the last failure.
	attempts  int
	nextTry   time.Time
	inflight  bool
	lastError string
	done      string // "confirmed" or "delivered" once it left the queue
}

// pollRec is the getUpdates long poll in progress. done is closed when a
// newer getUpdates or Reset ends it; conflict tells which.
type pollRec struct {
	done     chan struct{}
	conflict bool
}

const (
	updateRetention = 24 * time.Hour
	historyCap      = 1000
)

// allowedLocked tells whether an update kind is stored under the current
// allowed_updates. The default leaves out chat_member and reactions, as on
// Telegram.
func (s *Server) allowedLocked(kind string) bool {
	if len(s.st.allowed) == 0 {
		switch kind {
		case "chat_member", "message_reaction", "message_reaction_count":
			return false
		}
		return true
	}
	return slices.Contains(s.st.allowed, kind)
}

// enqueueLocked stores an update for the bot and returns its id, or 0 when
// allowed_updates filters its kind out (Telegram does not store those).
func (s *Server) enqueueLocked(u Update, chatID int64) int64 {
	kind := u.kind()
	if !s.allowedLocked(kind) {
		return 0
	}
	s.st.nextUpdateID++
	u.UpdateID = s.st.nextUpdateID
	body, _ := json.Marshal(u)
	s.st.updates = append(s.st.updates, &updateRec{
		id: u.UpdateID, kind: kind, chatID: chatID, created: s.now(), body: body,
	})
	s.notifyLocked()
	return u.UpdateID
}

// retireLocked moves the first n pending updates to the history.
func (s *Server) retireLocked(n int, how string) {
	for _, u := range s.st.updates[:n] {
		u.done = how
		s.st.history = append(s.st.history, u)
	}
	s.st.updates = append([]*updateRec(nil), s.st.updates[n:]...)
	if over := len(s.st.history) - historyCap; over > 0 {
		s.st.history = append([]*updateRec(nil), s.st.history[over:]...)
	}
}

// confirmLocked applies a getUpdates offset: updates below a positive
// offset are gone; a negative offset keeps only the last -offset updates.
// Updates older than 24 hours are dropped as Telegram drops them.
func (s *Server) confirmLocked(offset int64) {
	n := 0
	switch {
	case offset > 0:
		for n < len(s.st.updates) && s.st.updates[n].id < offset {
			n++
		}
	case offset < 0:
		n = max(0, len(s.st.updates)+int(offset))
	}
	cutoff := s.now().Add(-updateRetention)
	for n < len(s.st.updates) && s.st.updates[n].created.Before(cutoff) {
		n++
	}
	if n > 0 {
		s.retireLocked(n, "confirmed")
	}
}

func parseAllowedUpdates(p params) ([]string, bool, *apiError) {
	raw, ok := p.v["allowed_updates"]
	if !ok {
		return nil, false, nil
	}
	list := []string{}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			return nil, false, badRequest("can't parse allowed updates JSON array")
		}
	}
	return list, true, nil
}

func (s *Server) getUpdates(ctx context.Context, c *call) (any, *apiError) {
	offset, _, aerr := c.p.int64("offset")
	if aerr != nil {
		return nil, aerr
	}
	limit, hasLimit, aerr := c.p.int64("limit")
	if aerr != nil {
		return nil, aerr
	}
	if !hasLimit || limit > 100 {
		limit = 100
	}
	limit = max(limit, 1)
	secs, _, aerr := c.p.int64("timeout")
	if aerr != nil {
		return nil, aerr
	}
	timeout := min(time.Duration(max(secs, 0))*time.Second, s.opts.LongPollMax)
	allowed, hasAllowed, aerr := parseAllowedUpdates(c.p)
	if aerr != nil {
		return nil, aerr
	}

	s.mu.Lock()
	if s.st.hook != nil {
		s.mu.Unlock()
		return nil, &apiError{Code: http.StatusConflict, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if hasAllowed {
		s.st.allowed = allowed
	}
	s.confirmLocked(offset)
	if prev := s.st.poll; prev != nil {
		prev.conflict = true
		close(prev.done)
	}
	me := &pollRec{done: make(chan struct{})}
	s.st.poll = me
	st := s.st
	deadline := time.Now().Add(timeout)
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if s.st != st { // Reset
			s.mu.Unlock()
			return []json.RawMessage{}, nil
		}
		out := s.collectLocked(int(limit))
		if len(out) > 0 || !time.Now().Before(deadline) {
			if s.st.poll == me {
				s.st.poll = nil
			}
			s.mu.Unlock()
			return out, nil
		}
		changed := s.changed
		s.mu.Unlock()
		if timer == nil {
			timer = time.NewTimer(time.Until(deadline))
		}
		select {
		case <-ctx.Done():
			s.mu.Lock()
			if s.st.poll == me {
				s.st.poll = nil
			}
			s.mu.Unlock()
			return []json.RawMessage{}, nil
		case <-me.done:
			if me.conflict {
				return nil, &apiError{Code: http.StatusConflict, Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
			}
			return []json.RawMessage{}, nil
		case <-s.ctx.Done():
			return []json.RawMessage{}, nil
		case <-changed:
		case <-timer.C:
		}
		s.mu.Lock()
	}
}

// collectLocked returns up to limit pending updates, oldest first.
func (s *Server) collectLocked(limit int) []json.RawMessage {
	out := []json.RawMessage{}
	for _, u := range s.st.updates {
		if len(out) == limit {
			break
		}
		u.returned++
		out = append(out, u.body)
	}
	return out
}

// UpdateInfo describes one update for debugging (GET /sandbox/updates).
type UpdateInfo struct {
	UpdateID int64     `json:"update_id"`
	Kind     string    `json:"kind"`
	ChatID   int64     `json:"chat_id,omitempty"`
	Created  time.Time `json:"created"`
	// State is "pending" (never handed out), "returned" (handed out by
	// getUpdates, not yet confirmed), "inflight" (being posted to the
	// webhook), "confirmed" or "delivered".
	State     string          `json:"state"`
	Attempts  int             `json:"attempts,omitempty"`
	LastError string          `json:"last_error,omitempty"`
	Update    json.RawMessage `json:"update"`
}

// Updates lists recent confirmed or delivered updates, then the pending
// ones, oldest first.
func (s *Server) Updates() []UpdateInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []UpdateInfo{}
	add := func(u *updateRec) {
		state := u.done
		switch {
		case state != "":
		case u.inflight:
			state = "inflight"
		case u.returned > 0:
			state = "returned"
		default:
			state = "pending"
		}
		out = append(out, UpdateInfo{
			UpdateID: u.id, Kind: u.kind, ChatID: u.chatID, Created: u.created, State: state,
			Attempts: u.attempts, LastError: u.lastError, Update: u.body,
		})
	}
	for _, u := range s.st.history {
		add(u)
	}
	for _, u := range s.st.updates {
		add(u)
	}
	return out
}
