package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"
)

// webhookRec is the webhook in force. Delivery follows Telegram: updates are
// POSTed as JSON with the secret header; a chat's next update goes only after
// its previous one got a 2xx; different chats go concurrently up to
// maxConn; failures are retried with exponential backoff.
type webhookRec struct {
	url       string
	secret    string
	maxConn   int
	ipAddress string
	allowed   []string
	cancel    context.CancelFunc
	inflight  int

	lastErrorDate    int64
	lastErrorMessage string
}

// WebhookInfo is what getWebhookInfo answers.
type WebhookInfo struct {
	URL                  string   `json:"url"`
	HasCustomCertificate bool     `json:"has_custom_certificate"`
	PendingUpdateCount   int      `json:"pending_update_count"`
	IPAddress            string   `json:"ip_address,omitempty"`
	LastErrorDate        int64    `json:"last_error_date,omitempty"`
	LastErrorMessage     string   `json:"last_error_message,omitempty"`
	MaxConnections       int      `json:"max_connections,omitempty"`
	AllowedUpdates       []string `json:"allowed_updates,omitempty"`
}

func validSecretToken(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (s *Server) setWebhook(_ context.Context, c *call) (any, *apiError) {
	raw := c.p.str("url")
	if raw == "" { // an empty URL removes the webhook, as on Telegram
		return s.deleteWebhook(context.Background(), c)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, badRequest("invalid webhook URL specified")
	}
	secret := c.p.str("secret_token")
	if secret != "" && !validSecretToken(secret) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	maxConn, has, aerr := c.p.int64("max_connections")
	if aerr != nil {
		return nil, aerr
	}
	if !has {
		maxConn = 40
	}
	maxConn = min(max(maxConn, 1), 100)
	allowed, hasAllowed, aerr := parseAllowedUpdates(c.p)
	if aerr != nil {
		return nil, aerr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if hasAllowed {
		s.st.allowed = allowed
	}
	if c.p.bool("drop_pending_updates") {
		s.retireLocked(len(s.st.updates), "confirmed")
	}
	if s.st.poll != nil { // a long poll in progress ends
		s.st.poll.conflict = true
		close(s.st.poll.done)
		s.st.poll = nil
	}
	s.stopWebhookLocked()
	ctx, cancel := context.WithCancel(s.ctx)
	h := &webhookRec{url: raw, secret: secret, maxConn: int(maxConn), ipAddress: c.p.str("ip_address"),
		allowed: s.st.allowed, cancel: cancel}
	s.st.hook = h
	s.wg.Add(1)
	go s.runWebhook(ctx, h)
	s.notifyLocked()
	return true, nil
}

func (s *Server) deleteWebhook(_ context.Context, c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopWebhookLocked()
	if c.p.bool("drop_pending_updates") {
		s.retireLocked(len(s.st.updates), "confirmed")
	}
	s.notifyLocked()
	return true, nil
}

func (s *Server) getWebhookInfo(_ context.Context, _ *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := WebhookInfo{PendingUpdateCount: len(s.st.updates)}
	if h := s.st.hook; h != nil {
		info.URL = h.url
		info.IPAddress = h.ipAddress
		info.LastErrorDate = h.lastErrorDate
		info.LastErrorMessage = h.lastErrorMessage
		info.MaxConnections = h.maxConn
		info.AllowedUpdates = h.allowed
	}
	return info, nil
}

// stopWebhookLocked ends delivery; updates in flight stay pending.
func (s *Server) stopWebhookLocked() {
	if s.st.hook != nil {
		s.st.hook.cancel()
		s.st.hook = nil
	}
}

// runWebhook starts deliveries whenever an update can go and waits for a
// change (a new update, a finished delivery) or a retry time.
func (s *Server) runWebhook(ctx context.Context, h *webhookRec) {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if s.st.hook != h {
			s.mu.Unlock()
			return
		}
		now := time.Now()
		var wake time.Time
		waiting := map[int64]bool{} // chats whose earliest update is not yet delivered
		for _, u := range s.st.updates {
			if waiting[u.chatID] {
				continue
			}
			waiting[u.chatID] = true
			if u.inflight || h.inflight >= h.maxConn {
				continue
			}
			if now.Before(u.nextTry) {
				if wake.IsZero() || u.nextTry.Before(wake) {
					wake = u.nextTry
				}
				continue
			}
			u.inflight = true
			h.inflight++
			s.wg.Add(1)
			go s.deliver(ctx, h, u)
		}
		changed := s.changed
		s.mu.Unlock()

		var timerC <-chan time.Time
		if !wake.IsZero() {
			timer.Reset(time.Until(wake))
			timerC = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-timerC:
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// deliver posts one update and records the outcome.
func (s *Server) deliver(ctx context.Context, h *webhookRec, u *updateRec) {
	defer s.wg.Done()
	fail := s.post(ctx, h, u.body)

	s.mu.Lock()
	defer s.mu.Unlock()
	h.inflight--
	u.inflight = false
	defer s.notifyLocked()
	if s.st.hook != h {
		return // the webhook changed meanwhile; the update stays pending
	}
	if fail == "" {
		for i, p := range s.st.updates {
			if p == u {
				s.st.updates = append(s.st.updates[:i:i], s.st.updates[i+1:]...)
				u.done = "delivered"
				s.st.history = append(s.st.history, u)
				break
			}
		}
		return
	}
	u.attempts++
	u.lastError = fail
	backoff := s.opts.WebhookRetryMin << min(u.attempts-1, 20)
	u.nextTry = time.Now().Add(min(backoff, s.opts.WebhookRetryMax))
	h.lastErrorDate = s.now().Unix()
	h.lastErrorMessage = fail
	s.logf("sandbox: webhook update %d: %s (attempt %d)", u.id, fail, u.attempts)
}

// post sends one update; it returns "" on a 2xx answer, else the error as
// last_error_message reports it. With webhook backends (SetWebhookBackends)
// it tries them in the balancer's order until one answers.
func (s *Server) post(ctx context.Context, h *webhookRec, body []byte) string {
	urls, backends := s.lb.targets(h.url, time.Now())
	var fail string
	for i, u := range urls {
		var unreachable bool
		fail, unreachable = s.postTo(ctx, h, u, body)
		s.lb.record(backends[i], fail == "", unreachable, time.Now())
		if !unreachable || ctx.Err() != nil {
			break
		}
	}
	return fail
}

// postTo posts one update to url; unreachable says the request got no
// HTTP answer (refused, reset, timed out), so a balancer may try another.
func (s *Server) postTo(ctx context.Context, h *webhookRec, url string, body []byte) (fail string, unreachable bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err.Error(), false
	}
	req.Header.Set("Content-Type", "application/json")
	if h.secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", h.secret)
	}
	resp, err := s.opts.WebhookClient.Do(req)
	if err != nil {
		var ne net.Error
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return "Connection refused", true
		case errors.As(err, &ne) && ne.Timeout():
			return "Read timeout expired", true
		}
		return err.Error(), true
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Sprintf("Wrong response from the webhook: %d %s", resp.StatusCode, http.StatusText(resp.StatusCode)), false
	}
	return "", false
}
