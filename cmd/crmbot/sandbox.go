package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/telecrm/crmbot/internal/sandbox"
)

func cmdSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sandbox", "Run the local Telegram sandbox alone: a Bot API server of our own, its user-side control API\nunder /sandbox/ and a web chat page at /. Point any bot at the printed Bot API URL.", stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	noLimits := fs.Bool("no-rate-limits", false, "turn Telegram's flood control off")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := sandbox.Options{}
	if *noLimits {
		opts.RateLimits.Disabled = true
	}
	sb, err := sandbox.Start(ctx, *addr, opts)
	if err != nil {
		return err
	}
	defer sb.Close()
	printSandbox(stdout, sb)
	fmt.Fprintln(stdout, "Ctrl-C stops it.")
	<-ctx.Done()
	return nil
}

func printSandbox(w io.Writer, sb *sandbox.Server) {
	base := sb.BotAPIURL()
	fmt.Fprintf(w, "Chat page:   %s/\n", base)
	fmt.Fprintf(w, "Bot API URL: %s   (TELEGRAM_API_URL)\n", base)
	fmt.Fprintf(w, "Bot token:   %s   (TELEGRAM_BOT_TOKEN)\n", sb.Token())
	fmt.Fprintf(w, "Control API: %s/sandbox/   (%s)\n", base, strings.Join([]string{"users/{id}/messages", "chats/{id}/transcript", "calls", "faults"}, ", "))
}
