package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/demo"
	"github.com/telecrm/crmbot/internal/pgcluster"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

const demoDatabase = "crmbot_demo"

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlags("demo", "Run everything a newcomer needs in one process: a local PostgreSQL (DATABASE_URL if set, else a\ncluster kept under --dir), the Telegram sandbox with its chat page, the bot pointed at it and demo data.\nOpen the printed URL, pick a persona and talk to the bot. Ctrl-C stops everything; the next run reuses the data.", stderr)
	config.Bind(fs, &cfg, config.FDatabase, config.FLocale, config.FLog)
	addr := fs.String("addr", "127.0.0.1:8081", "address of the sandbox and its chat page")
	dir := fs.String("dir", ".crmbot", "where the demo keeps its PostgreSQL cluster")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.SlogLevel())

	if cfg.DatabaseURL == "" {
		fmt.Fprintf(stdout, "Starting PostgreSQL in %s …\n", filepath.Join(*dir, "pg"))
		c, err := pgcluster.Open(ctx, filepath.Join(*dir, "pg"))
		if err != nil {
			return fmt.Errorf("start the demo database: %w", err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c.StopGracefully(sctx)
		}()
		if err := ensureDatabase(ctx, c.URL("postgres"), demoDatabase); err != nil {
			return err
		}
		cfg.DatabaseURL = c.URL(demoDatabase)
	}

	sb, err := sandbox.Start(ctx, *addr, sandbox.Options{BotUsername: "crm_demo_bot", BotFirstName: "CRM"})
	if err != nil {
		return fmt.Errorf("%w (is another demo running? try --addr 127.0.0.1:0)", err)
	}
	defer sb.Close()

	if err := postgres.Migrate(ctx, cfg.DatabaseURL, nil); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	personas, err := demo.Seed(ctx, pool, time.Now())
	pool.Close()
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	ps := make([]sandbox.Persona, 0, len(personas))
	for _, p := range personas {
		ps = append(ps, sandbox.Persona{UserID: p.UserID, Name: p.Name, Role: p.Role, LanguageCode: p.LanguageCode, Started: true})
	}
	if err := sb.SetPersonas(ps); err != nil {
		return err
	}

	cfg.BotToken, cfg.APIURL = sb.Token(), sb.BotAPIURL()
	cfg.GlobalRate = 30
	if err := cfg.Validate(config.FToken, config.FDatabase); err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, appOptions{Logger: log, PollTimeout: 10 * time.Second, OnReady: func(*app) {
		fmt.Fprintf(stdout, "\ncrmbot demo is ready.\n\n  Open %s/ in a browser, pick a persona (a rep, say) and chat.\n\n", sb.BotAPIURL())
		fmt.Fprintf(stdout, "  Bot API for other clients: %s  token %s\n  Database: %s\n\nCtrl-C stops everything.\n", sb.BotAPIURL(), sb.Token(), redactURL(cfg.DatabaseURL))
	}})
	if err != nil {
		return err
	}
	err = a.run(ctx)
	fmt.Fprintln(stdout, "\nStopped. Run `make demo` again to continue where you left off.")
	return err
}

// ensureDatabase creates database name on the server at adminURL if it does
// not exist yet.
func ensureDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil || exists {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(hidden)"
	}
	return u.Redacted()
}
