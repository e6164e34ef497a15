package inbox

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// SecretHeader is the header Telegram sends the webhook secret in.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Webhook receives updates Telegram posts. It answers 2xx only after the
// update is committed, 401 to a missing or wrong secret (compared in
// constant time) and 503 while the database is unreachable, so Telegram
// retries. Duplicates (Telegram retrying an update we did commit) are
// dropped by update_id and answered 200. Updates of concurrent requests are
// committed together (group commit): each request is answered once the
// commit holding its update is done.
type Webhook struct {
	group  *groupCommit
	ping   func(ctx context.Context) error
	secret []byte
	logger *slog.Logger
	// OnUpdate, if set, hears each committed update (benchmarks, tests).
	OnUpdate func()
}

// NewWebhook returns the webhook handler. ping checks the database for
// /readyz (pgxpool.Pool.Ping). secret must be non-empty.
func NewWebhook(store UpdateStore, ping func(ctx context.Context) error, secret string, logger *slog.Logger) *Webhook {
	if logger == nil {
		logger = slog.Default()
	}
	return &Webhook{group: newGroupCommit(store), ping: ping, secret: []byte(secret), logger: logger}
}

// Routes serves the webhook at path plus /healthz (the process is alive)
// and /readyz (the database answers).
func (w *Webhook) Routes(path string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST "+path, w)
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) {
		rw.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(rw http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := w.ping(ctx); err != nil {
			http.Error(rw, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		rw.Write([]byte("ok\n"))
	})
	return mux
}

// ServeHTTP stores one posted update.
func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	got := []byte(r.Header.Get(SecretHeader))
	if len(w.secret) == 0 || subtle.ConstantTimeCompare(got, w.secret) != 1 {
		http.Error(rw, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, 4<<20))
	if err != nil {
		http.Error(rw, "unreadable body", http.StatusBadRequest)
		return
	}
	u, err := ParseUpdate(body)
	if err != nil {
		// Retrying would not make it readable; take it off Telegram's
		// queue so the chat is not stuck behind it.
		w.logger.Error("inbox webhook: dropping an unreadable update", "err", err)
		rw.WriteHeader(http.StatusOK)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	if err := w.group.insert(ctx, u); err != nil {
		w.logger.Warn("inbox webhook: store failed; telegram will retry", "update_id", u.UpdateID, "err", err)
		http.Error(rw, "try again", http.StatusServiceUnavailable)
		return
	}
	if w.OnUpdate != nil {
		w.OnUpdate()
	}
	rw.WriteHeader(http.StatusOK)
}

// WebhookConfig is what SetWebhook tells Telegram.
type WebhookConfig struct {
	URL            string
	Secret         string
	MaxConnections int      // default 40
	AllowedUpdates []string // nil keeps Telegram's choice
}

// SetWebhook registers the webhook with Telegram (pending updates are
// kept: they will be posted).
func SetWebhook(ctx context.Context, api Caller, c WebhookConfig) error {
	if c.URL == "" || c.Secret == "" {
		return errors.New("set webhook: url and secret are required")
	}
	p := map[string]any{"url": c.URL, "secret_token": c.Secret, "max_connections": c.MaxConnections}
	if c.MaxConnections <= 0 {
		p["max_connections"] = 40
	}
	if c.AllowedUpdates != nil {
		p["allowed_updates"] = c.AllowedUpdates
	}
	return api.Call(ctx, "setWebhook", p, nil)
}
