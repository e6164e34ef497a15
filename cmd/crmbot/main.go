// Command crmbot is the CRM that lives inside Telegram: one binary with the
// bot, its migrations, staff invites, a local Telegram sandbox and a demo.
//
// This package only wires the parts together; the behaviour lives in bot/
// and internal/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"syscall"

	"github.com/telecrm/crmbot/internal/config"
)

// version is set at build time with -ldflags "-X main.version=…" (make
// build and the Dockerfile do); otherwise it is the commit Go stamped into
// the binary, or "dev".
var version = "dev"

func init() { version = buildVersion(version) }

// buildVersion returns stamped when it was set by the linker, else the
// VCS revision the go command recorded (with "+dirty" for local edits).
func buildVersion(stamped string) string {
	if stamped != "dev" {
		return stamped
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return stamped
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return stamped
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return "dev-" + rev
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	cmds := map[string]command{
		"run":     {"run the bot against Telegram or any Bot API server", cmdRun},
		"migrate": {"apply database migrations (up) or show their status", cmdMigrate},
		"invite":  {"print a one-time staff invite link", cmdInvite},
		"sandbox": {"run the local Telegram sandbox alone", cmdSandbox},
		"demo":    {"run everything locally: database, sandbox, bot and demo data", cmdDemo},
		"bench":   {"measure inbound and outbound throughput against the sandbox", cmdBench},
		"version": {"print the version", cmdVersion},
		"health":  {"check that a running crmbot is alive and ready (for container health checks)", cmdHealth},
	}
	for name, c := range transferCommands() {
		cmds[name] = c
	}
	return cmds
}

// exitCode maps an error to the process's exit status: 2 for bad usage or
// configuration, 1 for anything else.
func exitCode(err error) int {
	var ce *config.Error
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ce), errors.Is(err, flag.ErrHelp), errors.Is(err, errUsage):
		return 2
	}
	return 1
}

var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errUsage) {
		fmt.Fprintf(os.Stderr, "crmbot: %v\n", err)
	}
	os.Exit(exitCode(err))
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "crmbot: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return errUsage
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Usage: crmbot <command> [flags]   (crmbot <command> --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
}

// newFlags returns a flag set whose --help prints a summary and the flags.
func newFlags(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: crmbot %s [flags]\n\n%s\n\nFlags (each also read from the environment variable in brackets):\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// configLogger is the logger cfg asks for: its level, and JSON lines when
// CRM_LOG_FORMAT=json. Every record carries the binary's version.
func configLogger(w io.Writer, cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.SlogLevel()}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(h).With("version", version)
}

func cmdVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "Print the version of this binary.", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "crmbot %s\n", version)
	return nil
}
