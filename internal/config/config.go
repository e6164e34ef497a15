// Package config reads crmbot's settings from environment variables, each
// overridable by a command-line flag, and validates them. A missing or
// malformed value is reported as one line naming the variable and what is
// expected.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the bot.
type Config struct {
	BotToken      string
	DatabaseURL   string
	APIURL        string
	WebhookURL    string
	WebhookSecret string
	ListenAddr    string
	DefaultLocale string
	TimeZone      string
	PhoneRegion   string
	LogLevel      string
	LogFormat     string  // "text" or "json"
	GlobalRate    float64 // notifications per second across all replicas

	bindErr *Error // a malformed environment value found by Bind
}

// Error is a configuration problem: which variable, and what is expected.
type Error struct {
	Var, Problem string
}

func (e *Error) Error() string { return e.Var + " " + e.Problem }

// Defaults of the optional settings.
const (
	DefaultAPIURL     = "https://api.telegram.org"
	DefaultListenAddr = ":8080"
	DefaultLocale     = "fa"
	DefaultTimeZone   = "Asia/Tehran"
)

// Field names a setting for Bind.
type Field int

// The settings a subcommand can ask Bind for.
const (
	FToken Field = iota
	FDatabase
	FAPIURL
	FWebhook
	FLocale
	FLog
	FRate
)

type spec struct {
	env, flag, def, usage string
	dst                   func(*Config) *string
}

var specs = map[Field][]spec{
	FToken:    {{"TELEGRAM_BOT_TOKEN", "token", "", "bot token from @BotFather", func(c *Config) *string { return &c.BotToken }}},
	FDatabase: {{"DATABASE_URL", "database-url", "", "PostgreSQL URL, e.g. postgres://user@host/crm", func(c *Config) *string { return &c.DatabaseURL }}},
	FAPIURL:   {{"TELEGRAM_API_URL", "api-url", DefaultAPIURL, "Bot API server (the sandbox's URL for local runs)", func(c *Config) *string { return &c.APIURL }}},
	FWebhook: {
		{"CRM_WEBHOOK_URL", "webhook-url", "", "public HTTPS URL Telegram posts updates to; empty means long polling", func(c *Config) *string { return &c.WebhookURL }},
		{"CRM_WEBHOOK_SECRET", "webhook-secret", "", "secret Telegram sends in X-Telegram-Bot-Api-Secret-Token", func(c *Config) *string { return &c.WebhookSecret }},
		{"CRM_LISTEN_ADDR", "listen", DefaultListenAddr, "address of /healthz, /readyz, /metrics and, in webhook mode, the webhook", func(c *Config) *string { return &c.ListenAddr }},
	},
	FLocale: {
		{"CRM_DEFAULT_LOCALE", "locale", DefaultLocale, "language for users Telegram gives none: fa, ar or en", func(c *Config) *string { return &c.DefaultLocale }},
		{"CRM_TIMEZONE", "timezone", DefaultTimeZone, "IANA time zone of the organisation", func(c *Config) *string { return &c.TimeZone }},
		{"CRM_PHONE_REGION", "phone-region", "", "region for phone numbers typed without country code (default from the locale: IR, AE, US)", func(c *Config) *string { return &c.PhoneRegion }},
	},
	FLog: {
		{"CRM_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", func(c *Config) *string { return &c.LogLevel }},
		{"CRM_LOG_FORMAT", "log-format", "text", "text (key=value lines) or json (one object a line, for log collectors)", func(c *Config) *string { return &c.LogFormat }},
	},
}

// Bind registers the flags of fields on fs, with defaults taken from the
// environment. Call Validate after fs.Parse.
func Bind(fs *flag.FlagSet, c *Config, fields ...Field) {
	for _, f := range fields {
		if f == FRate {
			def := 30.0
			if v, ok := os.LookupEnv("CRM_GLOBAL_RATE"); ok {
				if n, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil || n <= 0 || n > 1e6 {
					c.setBindErr(&Error{"CRM_GLOBAL_RATE", "must be a positive number of notifications per second, like 30"})
				} else {
					def = n
				}
			}
			fs.Float64Var(&c.GlobalRate, "global-rate", def, "notifications per second across all replicas [CRM_GLOBAL_RATE]")
			continue
		}
		for _, s := range specs[f] {
			def := s.def
			if v, ok := os.LookupEnv(s.env); ok {
				if strings.TrimSpace(v) == "" && s.def != "" {
					c.setBindErr(&Error{s.env, fmt.Sprintf("is set but empty: unset it to use the default (%s), or give %s", s.def, s.usage)})
				} else {
					def = v
				}
			}
			fs.StringVar(s.dst(c), s.flag, def, s.usage+" ["+s.env+"]")
		}
	}
}

var tokenRE = regexp.MustCompile(`^[0-9]{3,20}:[A-Za-z0-9_-]{10,}$`)

func (c *Config) setBindErr(e *Error) {
	if c.bindErr == nil {
		c.bindErr = e
	}
}

// Validate checks the fields that were bound; required says which must be
// non-empty.
func (c *Config) Validate(required ...Field) error {
	if c.bindErr != nil {
		return c.bindErr
	}
	for _, f := range required {
		switch f {
		case FToken:
			if c.BotToken == "" {
				return &Error{"TELEGRAM_BOT_TOKEN", "is not set: give the bot token from @BotFather (like 123456789:AA…), or run `crmbot demo` to try it without one"}
			}
		case FDatabase:
			if c.DatabaseURL == "" {
				return &Error{"DATABASE_URL", "is not set: give a PostgreSQL URL like postgres://user:pass@localhost:5432/crm"}
			}
		}
	}
	if c.BotToken != "" && !tokenRE.MatchString(c.BotToken) {
		return &Error{"TELEGRAM_BOT_TOKEN", "is malformed: expected digits, a colon and the secret, like 123456789:AAH…"}
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return &Error{"DATABASE_URL", "is malformed: expected postgres://user:pass@host:port/dbname"}
		}
	}
	if c.APIURL != "" {
		if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &Error{"TELEGRAM_API_URL", "is malformed: expected an http(s) URL like https://api.telegram.org"}
		}
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			return &Error{"CRM_WEBHOOK_URL", "is malformed: expected the public https URL Telegram should post to"}
		}
		if len(c.WebhookSecret) < 16 || !regexp.MustCompile(`^[A-Za-z0-9_-]{16,256}$`).MatchString(c.WebhookSecret) {
			return &Error{"CRM_WEBHOOK_SECRET", "must be set with webhooks: 16–256 characters of A-Z, a-z, 0-9, _ and -"}
		}
	}
	if c.DefaultLocale != "" && c.DefaultLocale != "fa" && c.DefaultLocale != "ar" && c.DefaultLocale != "en" {
		return &Error{"CRM_DEFAULT_LOCALE", "must be fa, ar or en"}
	}
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil {
			return &Error{"CRM_TIMEZONE", "is not a known time zone: expected an IANA name like Asia/Tehran or Asia/Dubai"}
		}
	}
	if c.LogLevel != "" {
		var l slog.Level
		if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
			return &Error{"CRM_LOG_LEVEL", "must be debug, info, warn or error"}
		}
	}
	if c.LogFormat != "" && c.LogFormat != "text" && c.LogFormat != "json" {
		return &Error{"CRM_LOG_FORMAT", "must be text or json"}
	}
	if c.PhoneRegion == "" {
		c.PhoneRegion = RegionFor(c.DefaultLocale)
	} else if !regexp.MustCompile(`^[A-Z]{2}$`).MatchString(strings.ToUpper(c.PhoneRegion)) {
		return &Error{"CRM_PHONE_REGION", "must be a two-letter region code like IR, AE or SA"}
	}
	c.PhoneRegion = strings.ToUpper(c.PhoneRegion)
	return nil
}

// RegionFor is the default phone region of a locale.
func RegionFor(locale string) string {
	switch locale {
	case "fa":
		return "IR"
	case "ar":
		return "AE"
	}
	return "US"
}

// Location returns the organisation's time zone (valid after Validate).
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// SlogLevel returns the configured log level (valid after Validate).
func (c *Config) SlogLevel() slog.Level {
	var l slog.Level
	l.UnmarshalText([]byte(c.LogLevel))
	return l
}
