package main

import (
	"context"
	"fmt"
	"io"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
)

func cmdInvite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlags("invite", "Print a one-time staff invite link (https://t.me/<bot>?start=<token>).\nThe first admin is invited this way; admins and managers can also invite from inside the bot.", stderr)
	config.Bind(fs, &cfg, config.FToken, config.FDatabase, config.FAPIURL)
	role := fs.String("role", "rep", "role of the invited person: admin, manager or rep")
	team := fs.String("team", "", "team name (created if it does not exist)")
	ttl := fs.Duration("ttl", 7*24*time.Hour, "how long the link stays valid")
	username := fs.String("bot-username", "", "bot username for the link; asked from getMe when empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !crm.Role(*role).Valid() {
		return &config.Error{Var: "--role", Problem: "must be admin, manager or rep"}
	}
	if *ttl < time.Minute || *ttl > 90*24*time.Hour {
		return &config.Error{Var: "--ttl", Problem: "must be between 1m and 2160h (90 days)"}
	}
	required := []config.Field{config.FDatabase}
	if *username == "" {
		required = append(required, config.FToken)
	}
	if err := cfg.Validate(required...); err != nil {
		return err
	}
	name := *username
	if name == "" {
		var err error
		if name, err = botUsername(ctx, cfg); err != nil {
			return err
		}
	}
	if err := postgres.Migrate(ctx, cfg.DatabaseURL, nil); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	token, err := postgres.New(pool).CreateInvite(ctx, postgres.InviteRequest{Role: crm.Role(*role), TeamName: *team, TTL: *ttl})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "https://t.me/%s?start=%s\n", name, token)
	fmt.Fprintf(stderr, "one-time %s invite, valid until %s\n", *role, time.Now().Add(*ttl).Format(time.RFC3339))
	return nil
}

// botUsername asks the Bot API who the bot is.
func botUsername(ctx context.Context, cfg config.Config) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	b, err := tgbot.New(cfg.BotToken, tgbot.WithServerURL(cfg.APIURL), tgbot.WithSkipGetMe())
	if err != nil {
		return "", err
	}
	me, err := b.GetMe(ctx)
	if err != nil {
		return "", fmt.Errorf("ask the Bot API for the bot's username (getMe): %w", err)
	}
	return me.Username, nil
}
