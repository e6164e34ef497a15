package main

import (
	"context"
	"errors"
	"io"

	"github.com/telecrm/crmbot/internal/config"
)

// The commands below are wired as their packages land.

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlags("run", "Run the bot against Telegram (or any Bot API server, such as `crmbot sandbox`).", stderr)
	config.Bind(fs, &cfg, config.FToken, config.FDatabase, config.FAPIURL, config.FWebhook, config.FLocale, config.FLog, config.FRate)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(config.FToken, config.FDatabase); err != nil {
		return err
	}
	return errors.New("run: not wired yet")
}

func cmdSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("sandbox: not wired yet")
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("demo: not wired yet")
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("bench: not wired yet")
}
