package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"golang.org/x/sync/errgroup"

	"github.com/telecrm/crmbot/bot"
	"github.com/telecrm/crmbot/internal/backoff"
	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/metrics"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/postgres"
)

// pipelineCacheTTL is how old the stages and the active pipeline a replica
// answers from may be: an admin's change on another replica shows within it.
const pipelineCacheTTL = 2 * time.Second

// appOptions are the knobs of one bot process beyond its configuration:
// tests and the demo inject a clock and faster intervals.
type appOptions struct {
	Now            func() time.Time // nil: time.Now
	Logger         *slog.Logger
	PollTimeout    time.Duration // long poll; default 25 s
	ChatInterval   time.Duration // least time between two messages to one chat; default 1 s
	Workers        int           // dispatcher workers; default 8
	SweepInterval  time.Duration // outbox leftovers; default 1 s
	PeriodicEvery  time.Duration // every periodic sweep at this interval (tests); 0: each task's own
	ListenOverride net.Listener  // webhook mode: listen here instead of cfg.ListenAddr
	OnReady        func(a *app)  // called once everything is started
}

// app is one running bot process: the store, the durable inbound and
// outbound paths and the bot between them.
type app struct {
	cfg       config.Config
	opts      appOptions
	log       *slog.Logger
	pool      *pgxpool.Pool
	db        *postgres.DB
	api       *delivery.Client
	sender    *delivery.Sender
	outbox    *delivery.Outbox
	notifier  *delivery.Notifier  // sends notification jobs
	scheduler *delivery.Scheduler // plans them (bot, scheduled work)
	river     *river.Client[pgx.Tx]
	bot       *bot.Bot
	disp      *inbox.Dispatcher
	metrics   *metrics.Metrics
	username  string
	addr      string // ops (and webhook) listen address once listening
}

// newApp migrates the database, connects and builds every part; run starts
// them.
func newApp(ctx context.Context, cfg config.Config, o appOptions) (*app, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	a := &app{cfg: cfg, opts: o, log: o.Logger}
	now := o.clock()
	if err := postgres.Migrate(ctx, cfg.DatabaseURL, func(f string, args ...any) { a.log.Info(fmt.Sprintf(f, args...)) }); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	a.pool = pool
	a.db = postgres.New(pool, postgres.WithClock(now), postgres.WithPipelineCache(pipelineCacheTTL))
	a.api = delivery.NewClient(cfg.APIURL, cfg.BotToken, nil)
	if a.username, err = getMe(ctx, a.api, a.log); err != nil {
		pool.Close()
		return nil, err
	}
	bundle, err := i18n.New(cfg.DefaultLocale)
	if err != nil {
		pool.Close()
		return nil, err
	}
	a.metrics = metrics.New(version)
	a.sender = delivery.NewSender(a.api, pool, delivery.SenderOptions{GlobalRate: cfg.GlobalRate, ChatInterval: o.ChatInterval, Logger: a.log,
		OnCall: func(method string, took time.Duration, err error) {
			a.metrics.SendResult(method, took, metrics.ErrorCode(err))
		}})
	a.outbox = delivery.NewOutbox(a.db, a.sender, delivery.OutboxOptions{SweepInterval: o.SweepInterval, Logger: a.log, OnSent: a.metrics.ReplySent})
	inserter, err := delivery.NewInsertOnlyRiver(pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	a.scheduler = delivery.NewScheduler(inserter, append([]string{outbound.KindReminder, outbound.KindEscalation, outbound.KindDateGreeting,
		outbound.KindDigest, outbound.KindDigestChart}, append(bot.SurveyKinds(), bot.CampaignKinds()...)...)...).Slow(outbound.KindDigest, outbound.KindDigestChart)
	a.bot = bot.New(bot.Deps{
		Store: a.db, Out: a.outbox, Notify: a.scheduler, I18n: bundle, Now: now,
		BotUsername: a.username, DefaultLocale: cfg.DefaultLocale, PhoneRegion: cfg.PhoneRegion,
		OrgLocation: cfg.Location(), Log: a.log,
		Files: a.api,
	})
	renderers := map[string]delivery.Renderer{}
	for kind, r := range a.bot.Renderers() {
		renderers[kind] = r
	}
	a.notifier = delivery.NewNotifier(a.db, a.sender, now, a.log, renderers)
	workers := river.NewWorkers()
	river.AddWorker(workers, a.notifier.Worker())
	river.AddWorker(workers, &periodicWorker{tasks: a.periodicTasks()})
	rc, err := delivery.NewRiver(pool, delivery.RiverOptions{Workers: workers, PeriodicJobs: periodicJobs(o.PeriodicEvery, a.periodicTasks()), Now: o.Now, Logger: quieter(a.log, slog.LevelWarn)})
	if err != nil {
		pool.Close()
		return nil, err
	}
	a.river = rc
	a.disp = inbox.NewDispatcher(a.db, a.bot, pool, inbox.DispatcherOptions{Workers: o.Workers, AfterCommit: a.outbox.AfterCommit, Now: now, Logger: a.log,
		OnHandled: a.metrics.Handled, OnCommitted: a.metrics.Committed,
		OnParked: func(ctx context.Context, u postgres.InboxUpdate) {
			a.metrics.Parked()
			if err := a.bot.Parked(ctx, u.Payload); err != nil {
				a.log.Warn("tell the user their update failed", "update_id", u.UpdateID, "err", err)
			}
		}})
	a.registerGauges()
	return a, nil
}

// run serves until ctx ends, then stops everything gracefully. A start
// that fails half way (a port taken, a webhook Telegram refuses) stops what
// it had started before it returns.
func (a *app) run(ctx context.Context) error {
	defer a.pool.Close()
	ln, err := a.listen()
	if err != nil {
		return err
	}
	a.addr = ln.Addr().String()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	fail := func(err error) error {
		cancel()
		g.Wait()
		return err
	}
	srv := a.opsServer()
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve %s: %w", a.addr, err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	if err := a.river.Start(gctx); err != nil {
		return fail(fmt.Errorf("start river: %w", err))
	}
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return a.river.Stop(sctx)
	})
	g.Go(func() error { return ignoreCanceled(a.outbox.Run(gctx)) })
	g.Go(func() error { return ignoreCanceled(a.sender.Run(gctx)) })
	g.Go(func() error { return ignoreCanceled(a.disp.Run(gctx)) })
	g.Go(func() error { a.publishMenus(gctx); return nil })
	if a.cfg.WebhookURL == "" {
		if err := a.api.Call(gctx, "deleteWebhook", map[string]any{}, nil); err != nil {
			a.log.Warn("delete webhook", "err", err)
		}
		p := inbox.NewPoller(a.api, a.db, a.pool, inbox.PollerOptions{Timeout: a.opts.PollTimeout, Logger: a.log,
			AllowedUpdates: allowedUpdates, OnUpdates: func(n int) { a.metrics.Received("polling", n) }})
		g.Go(func() error { return ignoreCanceled(p.Run(gctx)) })
	} else if err := inbox.SetWebhook(gctx, a.api, inbox.WebhookConfig{URL: a.cfg.WebhookURL, Secret: a.cfg.WebhookSecret,
		AllowedUpdates: allowedUpdates}); err != nil {
		return fail(err)
	}
	a.log.Info("crmbot is running", "bot", "@"+a.username, "mode", a.mode(), "listen", a.addr, "version", version)
	if a.opts.OnReady != nil {
		a.opts.OnReady(a)
	}
	return g.Wait()
}

// allowedUpdates are the update kinds the bot handles, asked for in both
// modes: messages and their edits, button presses, and the bot's own
// membership (a user blocking or unblocking it).
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

func (a *app) mode() string {
	if a.cfg.WebhookURL != "" {
		return "webhook"
	}
	return "polling"
}

// getMe asks the Bot API who the bot is, retrying while it is unreachable
// (a bad token fails at once).
func getMe(ctx context.Context, api *delivery.Client, log *slog.Logger) (string, error) {
	for delay := time.Second; ; delay = min(2*delay, 30*time.Second) {
		var me models.User
		err := api.Call(ctx, "getMe", map[string]any{}, &me)
		if err == nil {
			return me.Username, nil
		}
		var ae *delivery.APIError
		if errors.As(err, &ae) && (ae.Code == http.StatusUnauthorized || ae.Code == http.StatusNotFound) {
			return "", &config.Error{Var: "TELEGRAM_BOT_TOKEN", Problem: "was refused by the Bot API (getMe: " + ae.Description + "): check the token"}
		}
		log.Warn("Bot API unreachable, retrying", "err", err, "in", delay)
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(backoff.Jitter(delay)):
		}
	}
}

// clock is the injected clock, or time.Now.
func (o appOptions) clock() func() time.Time {
	if o.Now != nil {
		return o.Now
	}
	return time.Now
}

func ignoreCanceled(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// quieter returns a logger that drops records below min (River reports job
// counts at info every few seconds).
func quieter(l *slog.Logger, min slog.Level) *slog.Logger {
	return slog.New(minLevel{Handler: l.Handler(), min: min})
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}
