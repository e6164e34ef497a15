package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/telecrm/crmbot/internal/config"
)

// cmdHealth asks a running crmbot on this machine for /readyz (or
// /healthz with --live), so that an image without a shell or curl can
// still have a health check: `crmbot health` exits 0 when it answers 200.
func cmdHealth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlags("health", "Check a running crmbot at CRM_LISTEN_ADDR: exit 0 when /readyz (or /healthz) answers 200.", stderr)
	config.Bind(fs, &cfg, config.FWebhook)
	live := fs.Bool("live", false, "check /healthz (the process is alive) instead of /readyz (the database answers too)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	addr := cfg.ListenAddr
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr
	}
	path := "/readyz"
	if *live {
		path = "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s answered %s: %s", path, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
