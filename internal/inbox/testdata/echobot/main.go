// Command echobot is the smallest real bot on the durable path, for the
// crash tests: a poller or webhook, the dispatcher and the reply outbox,
// with a handler that answers each text with "echo: <text>" through the
// outbox inside the update's transaction. Kill it at any moment; after a
// restart every message gets exactly one reply, in order per chat.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-telegram/bot/models"
	"golang.org/x/sync/errgroup"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/postgres"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "echobot:", err)
		os.Exit(1)
	}
}

func run() error {
	api := flag.String("api", "", "Bot API server URL")
	token := flag.String("token", "", "bot token")
	dbURL := flag.String("db", "", "PostgreSQL URL")
	webhook := flag.String("webhook", "", "public webhook URL (empty: long polling)")
	secret := flag.String("secret", "", "webhook secret")
	listen := flag.String("listen", "127.0.0.1:0", "webhook listen address")
	chatInterval := flag.Duration("chat-interval", time.Second, "least time between two messages to one chat")
	workers := flag.Int("workers", 8, "dispatcher workers")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	pool, err := postgres.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	db := postgres.New(pool)
	client := delivery.NewClient(*api, *token, nil)
	sender := delivery.NewSender(client, pool, delivery.SenderOptions{ChatInterval: *chatInterval, Logger: log})
	out := delivery.NewOutbox(db, sender, delivery.OutboxOptions{SweepInterval: 100 * time.Millisecond, Lease: 2 * time.Second, Logger: log})
	echo := inbox.HandlerFunc(func(ctx context.Context, u *models.Update) error {
		if u.Message == nil || u.Message.Text == "" {
			return nil
		}
		return out.Reply(ctx, delivery.Message{Method: "sendMessage", ChatID: u.Message.Chat.ID, Text: "echo: " + u.Message.Text})
	})
	disp := inbox.NewDispatcher(db, echo, pool, inbox.DispatcherOptions{Workers: *workers, AfterCommit: out.AfterCommit,
		PollInterval: 200 * time.Millisecond, Logger: log})

	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return out.Run(ctx) })
	g.Go(func() error { return disp.Run(ctx) })
	if *webhook == "" {
		p := inbox.NewPoller(client, db, pool, inbox.PollerOptions{Timeout: 2 * time.Second, Standby: 200 * time.Millisecond, Logger: log})
		g.Go(func() error { return p.Run(ctx) })
	} else {
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			return err
		}
		fmt.Println("listening", ln.Addr().String())
		wh := inbox.NewWebhook(db, pool.Ping, *secret, log)
		srv := &http.Server{Handler: wh.Routes("/telegram"), ReadHeaderTimeout: 5 * time.Second}
		g.Go(func() error {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
		g.Go(func() error {
			<-ctx.Done()
			return srv.Shutdown(context.Background())
		})
		if err := inbox.SetWebhook(ctx, client, inbox.WebhookConfig{URL: *webhook, Secret: *secret}); err != nil {
			return err
		}
	}
	fmt.Println("ready")
	return g.Wait()
}
