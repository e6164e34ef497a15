package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/postgres"
)

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlags("migrate", "Apply every pending migration (up, the default) or print where the database stands (status).\nRunning it twice is a no-op. Usage: crmbot migrate [flags] [up|status]", stderr)
	config.Bind(fs, &cfg, config.FDatabase)
	action := "up"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		action = fs.Arg(0)
	}
	if err := cfg.Validate(config.FDatabase); err != nil {
		return err
	}
	switch action {
	case "up":
		logf := func(format string, a ...any) { fmt.Fprintf(stdout, format+"\n", a...) }
		if err := postgres.Migrate(ctx, cfg.DatabaseURL, logf); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "database is up to date")
	case "status":
		st, err := postgres.Status(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "schema version %d of %d; river version %d of %d\n", st.Version, st.Latest, st.RiverVersion, st.RiverLatest)
		if !st.UpToDate() {
			fmt.Fprintln(stdout, "pending migrations: run `crmbot migrate up`")
		}
	default:
		return &config.Error{Var: "migrate", Problem: fmt.Sprintf("does not know %q: use up or status", action)}
	}
	return nil
}
