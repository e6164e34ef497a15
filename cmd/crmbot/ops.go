package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/metrics"
)

// The process's HTTP side, in every mode: /healthz (alive), /readyz (the
// database answers), /metrics (Prometheus), and in webhook mode the
// webhook itself.

// listen opens the ops (and webhook) listener first of all, so that a
// port already taken stops the start before anything else runs.
func (a *app) listen() (net.Listener, error) {
	if a.opts.ListenOverride != nil {
		return a.opts.ListenOverride, nil
	}
	addr := a.cfg.ListenAddr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (CRM_LISTEN_ADDR): %w", addr, err)
	}
	return ln, nil
}

// opsServer serves health, readiness, metrics and, with a webhook, the
// updates Telegram posts. Every phase of a request is bounded, so a slow
// or stuck client cannot hold a connection open.
func (a *app) opsServer() *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.pool.Ping(ctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", a.metrics.Handler())
	if a.cfg.WebhookURL != "" {
		path := "/"
		if u, err := url.Parse(a.cfg.WebhookURL); err == nil && u.Path != "" {
			path = u.Path
		}
		wh := inbox.NewWebhook(a.db, a.pool.Ping, a.cfg.WebhookSecret, a.log)
		wh.OnUpdate = func() { a.metrics.Received("webhook", 1) }
		mux.Handle("POST "+path, wh)
	}
	return &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
}

// registerGauges adds what is read from the database and the pool at
// scrape time, and the counters other parts keep.
func (a *app) registerGauges() {
	count := func(sql string, args ...any) func(ctx context.Context) (float64, error) {
		return func(ctx context.Context) (float64, error) {
			var n int64
			err := a.pool.QueryRow(ctx, sql, args...).Scan(&n)
			return float64(n), err
		}
	}
	a.metrics.Register(
		metrics.NewGauges(
			metrics.Gauge{Name: "crmbot_inbox_backlog", Help: "Updates received and not yet processed (all replicas).",
				Read: count(`SELECT count(*) FROM update_inbox WHERE status = 'pending'`)},
			metrics.Gauge{Name: "crmbot_outbox_depth", Help: "Replies queued or being sent (all replicas).",
				Read: count(`SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')`)},
			metrics.Gauge{Name: "crmbot_jobs_queued", Help: "Notification and periodic jobs waiting to run (River: available, scheduled, retryable).",
				Read: count(`SELECT count(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable')`)},
			metrics.Gauge{Name: "crmbot_unreachable_chats", Help: "Chats the bot may not write to (blocked).",
				Read: count(`SELECT count(*) FROM unreachable_chats`)},
			metrics.Gauge{Name: "crmbot_river_leader", Help: "1 when this process is River's elected leader (it runs the periodic sweeps).",
				Read: func(ctx context.Context) (float64, error) {
					return count(`SELECT count(*) FROM river_leader WHERE leader_id = $1`, a.river.ID())(ctx)
				}},
		),
		metrics.CounterFunc("crmbot_refused_replies_total", "Replies and notifications Telegram refused (a bug: never retried).",
			func() float64 { return float64(a.outbox.Refused() + a.notifier.Refused()) }),
		metrics.GaugeFunc("crmbot_db_pool_acquired_conns", "Database connections in use.",
			func() float64 { return float64(a.pool.Stat().AcquiredConns()) }),
		metrics.GaugeFunc("crmbot_db_pool_idle_conns", "Database connections idle in the pool.",
			func() float64 { return float64(a.pool.Stat().IdleConns()) }),
		metrics.GaugeFunc("crmbot_db_pool_max_conns", "The pool's connection limit.",
			func() float64 { return float64(a.pool.Stat().MaxConns()) }),
		metrics.CounterFunc("crmbot_db_pool_waits_total", "Acquisitions that had to wait for a free connection.",
			func() float64 { return float64(a.pool.Stat().EmptyAcquireCount()) }),
	)
}
