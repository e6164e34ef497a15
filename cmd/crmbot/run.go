package main

import (
	"context"
	"io"
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
	log := newLogger(os.Stderr, cfg.SlogLevel())
	a, err := newApp(ctx, cfg, appOptions{Logger: log})
	if err != nil {
		return err
	}
	return a.run(ctx)
}
