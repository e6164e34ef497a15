package config

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
)

func parse(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	for _, k := range []string{"TELEGRAM_BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_URL", "CRM_WEBHOOK_URL", "CRM_WEBHOOK_SECRET", "CRM_LISTEN_ADDR", "CRM_DEFAULT_LOCALE", "CRM_TIMEZONE", "CRM_LOG_LEVEL", "CRM_PHONE_REGION"} {
		t.Setenv(k, env[k]) // restored after the test
		if _, set := env[k]; !set {
			os.Unsetenv(k)
		}
	}
	var c Config
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	Bind(fs, &c, FToken, FDatabase, FAPIURL, FWebhook, FLocale, FLog)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return &c, c.Validate(FToken, FDatabase)
}

func TestValidate(t *testing.T) {
	ok := map[string]string{"TELEGRAM_BOT_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", "DATABASE_URL": "postgres://u@localhost/crm", "CRM_DEFAULT_LOCALE": "fa", "CRM_TIMEZONE": "Asia/Tehran", "CRM_LOG_LEVEL": "info"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantVar string
	}{
		{"all good", ok, nil, ""},
		{"no token", with("TELEGRAM_BOT_TOKEN", ""), nil, "TELEGRAM_BOT_TOKEN"},
		{"bad token", with("TELEGRAM_BOT_TOKEN", "nope"), nil, "TELEGRAM_BOT_TOKEN"},
		{"flag overrides env", with("TELEGRAM_BOT_TOKEN", "nope"), []string{"-token", "42424242:abcdefghijklmnopqrstuvwxyz"}, ""},
		{"no database", with("DATABASE_URL", ""), nil, "DATABASE_URL"},
		{"bad database", with("DATABASE_URL", "mysql://x"), nil, "DATABASE_URL"},
		{"bad locale", with("CRM_DEFAULT_LOCALE", "de"), nil, "CRM_DEFAULT_LOCALE"},
		{"bad zone", with("CRM_TIMEZONE", "Mars/Base"), nil, "CRM_TIMEZONE"},
		{"bad level", with("CRM_LOG_LEVEL", "loud"), nil, "CRM_LOG_LEVEL"},
		{"webhook without secret", with("CRM_WEBHOOK_URL", "https://crm.example.com/tg"), nil, "CRM_WEBHOOK_SECRET"},
		{"bad api url", with("TELEGRAM_API_URL", "ftp://x"), nil, "TELEGRAM_API_URL"},
	}
	for _, tt := range tests {
		c, err := parse(t, tt.env, tt.args...)
		var ce *Error
		switch {
		case tt.wantVar == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.wantVar != "" && (!errors.As(err, &ce) || ce.Var != tt.wantVar):
			t.Errorf("%s: got %v, want an error naming %s", tt.name, err, tt.wantVar)
		case tt.wantVar != "" && strings.Contains(err.Error(), "\n"):
			t.Errorf("%s: error must be one line: %q", tt.name, err)
		case tt.wantVar == "" && c.PhoneRegion != "IR":
			t.Errorf("%s: phone region from fa: got %q, want IR", tt.name, c.PhoneRegion)
		}
	}
}

// A malformed or empty environment value is named, not silently replaced
// by the default.
func TestBindRefusesMalformedEnvironment(t *testing.T) {
	for _, tt := range []struct{ env, value, want string }{
		{"CRM_GLOBAL_RATE", "abc", "CRM_GLOBAL_RATE must be a positive number"},
		{"CRM_GLOBAL_RATE", "-5", "CRM_GLOBAL_RATE must be a positive number"},
		{"CRM_TIMEZONE", "", "CRM_TIMEZONE is set but empty"},
		{"CRM_DEFAULT_LOCALE", " ", "CRM_DEFAULT_LOCALE is set but empty"},
	} {
		t.Run(tt.env+"="+tt.value, func(t *testing.T) {
			t.Setenv(tt.env, tt.value)
			var c Config
			fs := flag.NewFlagSet("run", flag.ContinueOnError)
			Bind(fs, &c, FLocale, FRate)
			if err := fs.Parse(nil); err != nil {
				t.Fatal(err)
			}
			err := c.Validate()
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Validate with %s=%q: %v, want %q…", tt.env, tt.value, err, tt.want)
			}
		})
	}
	t.Run("a good rate", func(t *testing.T) {
		t.Setenv("CRM_GLOBAL_RATE", "12.5")
		var c Config
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		Bind(fs, &c, FRate)
		fs.Parse(nil)
		if err := c.Validate(); err != nil || c.GlobalRate != 12.5 {
			t.Fatalf("rate %v, %v", c.GlobalRate, err)
		}
	})
}
