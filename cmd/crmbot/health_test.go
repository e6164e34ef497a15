package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// `crmbot health`, the container's health check, answers 0 against a
// running bot and names the problem when nothing listens.
func TestHealthCommand(t *testing.T) {
	t.Parallel()
	e := startE2E(t, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	var out, errOut bytes.Buffer
	if err := cmdHealth(context.Background(), []string{"--listen", e.app.addr}, &out, &errOut); err != nil || strings.TrimSpace(out.String()) != "ok" {
		t.Fatalf("health of a running bot: %v %q %q", err, out.String(), errOut.String())
	}
	if err := cmdHealth(context.Background(), []string{"--listen", "127.0.0.1:1", "--live"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "/healthz") {
		t.Fatalf("health with nothing listening: %v", err)
	}
}
