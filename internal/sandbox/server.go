package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultToken is the token Token returns when Options.Token is empty. Any
// well-formed token is accepted unless Options.Token is set.
const DefaultToken = "7000000001:sandbox-local-token"

// Options configure a Server. The zero value is a strict, Telegram-like
// sandbox with flood control on.
type Options struct {
	// Token, when set, is the only token accepted; other well-formed tokens
	// are answered 401 Unauthorized. When empty any well-formed token
	// ("<digits>:<secret>") is a bot whose id is the digits.
	Token string
	// BotUsername is what getMe reports; default "crm_sandbox_bot".
	BotUsername string
	// BotFirstName is what getMe reports; default "CRM Sandbox".
	BotFirstName string
	// Now is the clock for message dates, callback query expiry, flood
	// control windows and the 48-hour deletion limit; default time.Now.
	Now func() time.Time
	// CallbackTimeout is how long a callback query can be answered; default
	// 15s. Later answers get "query is too old ...".
	CallbackTimeout time.Duration
	// RateLimits configure flood control (on by default).
	RateLimits RateLimits
	// LongPollMax caps the timeout of getUpdates; default 50s.
	LongPollMax time.Duration
	// WebhookRetryMin and WebhookRetryMax bound the exponential backoff of
	// webhook redelivery; defaults 1s and 30s.
	WebhookRetryMin, WebhookRetryMax time.Duration
	// WebhookClient posts webhook updates; default a client with a 30s
	// timeout.
	WebhookClient *http.Client
	// MaxCalls is how many Bot API calls the call log keeps; default 10000.
	MaxCalls int
	// Logf, when set, receives one line per notable event (webhook errors).
	Logf func(format string, args ...any)
}

func (o Options) withDefaults() Options {
	if o.BotUsername == "" {
		o.BotUsername = "crm_sandbox_bot"
	}
	if o.BotFirstName == "" {
		o.BotFirstName = "CRM Sandbox"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CallbackTimeout <= 0 {
		o.CallbackTimeout = 15 * time.Second
	}
	if o.LongPollMax <= 0 {
		o.LongPollMax = 50 * time.Second
	}
	if o.WebhookRetryMin <= 0 {
		o.WebhookRetryMin = time.Second
	}
	if o.WebhookRetryMax < o.WebhookRetryMin {
		o.WebhookRetryMax = max(30*time.Second, o.WebhookRetryMin)
	}
	if o.WebhookClient == nil {
		o.WebhookClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.MaxCalls <= 0 {
		o.MaxCalls = 10000
	}
	o.RateLimits = o.RateLimits.withDefaults()
	return o
}

// Server is the sandbox: a Bot API server, the users' side of every chat and
// a record of everything that happened. Its methods are safe for concurrent
// use.
type Server struct {
	opts Options
	now  func() time.Time

	// ctx ends background work (webhook delivery) when the server closes.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	st      *state
	changed chan struct{} // closed and replaced whenever state changes
	wg      sync.WaitGroup

	baseMu  sync.Mutex
	baseURL string
	httpSrv *http.Server

	lb balancer // webhook backends, if any (SetWebhookBackends)
}

// New returns a sandbox with empty state. Serve its Handler, or use Start.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts:    opts,
		now:     opts.Now,
		ctx:     ctx,
		cancel:  cancel,
		changed: make(chan struct{}),
	}
	s.st = newState(opts)
	return s
}

// Start listens on addr (":0" or "127.0.0.1:0" for a free port) and serves
// the sandbox until ctx ends or Close is called. BotAPIURL reports the
// address.
func Start(ctx context.Context, addr string, opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen %s: %w", addr, err)
	}
	s := New(opts)
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	host := ln.Addr().String()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		host = fmt.Sprintf("127.0.0.1:%d", tcp.Port)
	}
	s.baseMu.Lock()
	s.httpSrv = srv
	s.baseURL = "http://" + host
	s.baseMu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("sandbox: serve: %v", err)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.ctx.Done():
		}
	}()
	return s, nil
}

// SetURL records the address the sandbox is served at (for example an
// httptest.Server's URL) so BotAPIURL can report it.
func (s *Server) SetURL(u string) {
	s.baseMu.Lock()
	s.baseURL = strings.TrimRight(u, "/")
	s.baseMu.Unlock()
}

// BotAPIURL is the URL to give the bot client (bot.WithServerURL): the
// server's root, without a trailing slash. It is empty until Start or
// SetURL.
func (s *Server) BotAPIURL() string {
	s.baseMu.Lock()
	defer s.baseMu.Unlock()
	return s.baseURL
}

// Token is the token a bot should use: Options.Token or DefaultToken.
func (s *Server) Token() string {
	if s.opts.Token != "" {
		return s.opts.Token
	}
	return DefaultToken
}

// Close stops webhook delivery, ends pending long polls and, when the server
// was started with Start, stops listening. It is safe to call twice.
func (s *Server) Close() error {
	s.cancel()
	s.mu.Lock()
	s.stopWebhookLocked()
	s.notifyLocked()
	s.mu.Unlock()
	s.baseMu.Lock()
	srv := s.httpSrv
	s.httpSrv = nil
	s.baseMu.Unlock()
	var err error
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		err = srv.Shutdown(ctx)
	}
	s.wg.Wait()
	return err
}

// Reset forgets every chat, update, file, call, fault, throttle, webhook and
// persona, as if the server were new. Pending long polls return empty.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopWebhookLocked()
	if s.st.poll != nil {
		close(s.st.poll.done)
	}
	s.st = newState(s.opts)
	s.notifyLocked()
}

// Handler serves the Bot API, file downloads, the control API and the web
// chat page.
func (s *Server) Handler() http.Handler {
	control := s.controlMux()
	web := s.webHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case strings.HasPrefix(p, "/bot"):
			s.serveBotAPI(w, r)
		case strings.HasPrefix(p, "/file/bot"):
			s.serveFileDownload(w, r)
		case strings.HasPrefix(p, "/sandbox/"):
			control.ServeHTTP(w, r)
		case p == "/" || p == "/index.html" || strings.HasPrefix(p, "/static/"):
			web.ServeHTTP(w, r)
		default:
			writeEnvelope(w, nil, errNotFound)
		}
	})
}

// notifyLocked wakes every waiter (long polls, webhook delivery, WaitFor).
// s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Seq is the sequence number of the latest change to any transcript. Pass it
// to WaitBotMessage to wait for what happens next.
func (s *Server) Seq() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.seq
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}
