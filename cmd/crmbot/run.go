package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/telecrm/crmbot/internal/config"
)

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlags("run", "Run the bot against Telegram (or any Bot API server, such as `crmbot sandbox`).\nLong polling by default; webhook mode when CRM_WEBHOOK_URL is set. Migrations are applied at start.", stderr)
	config.Bind(fs, &cfg, config.FToken, config.FDatabase, config.FAPIURL, config.FWebhook, config.FLocale, config.FLog, config.FRate)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(config.FToken, config.FDatabase); err != nil {
		return err
	}
	log := configLogger(os.Stderr, cfg)
	// The app's logger is everyone's: a library that logs through slog or
	// the standard log package writes in the same format and level.
	slog.SetDefault(log)
	a, err := newApp(ctx, cfg, appOptions{Logger: log})
	if err != nil {
		return err
	}
	return a.run(ctx)
}
