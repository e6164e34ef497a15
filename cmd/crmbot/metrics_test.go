package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// scrape reads the app's /metrics into name{labels} → value.
func scrape(t *testing.T, addr string) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			out[line[:i]] = v
		}
	}
	return out
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// In polling mode too the process answers /healthz, /readyz and /metrics,
// and the metrics move with the traffic: an update received and processed,
// a reply sent, its latency observed, the queues and the pool visible.
func TestMetricsMoveWithTraffic(t *testing.T) {
	t.Parallel()
	e := startE2E(t, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	addr := e.app.addr
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, body := get(t, "http://"+addr+p); code != http.StatusOK {
			t.Fatalf("%s in polling mode: %d %s", p, code, body)
		}
	}
	rep := newRep(t, e.db, 7501, "Sara", "en")
	u := e.user(rep.TelegramUserID, "Sara", "en")
	before := scrape(t, addr)
	for _, name := range []string{"crmbot_outbox_depth", "crmbot_inbox_backlog", "crmbot_jobs_queued", "crmbot_db_pool_max_conns",
		"crmbot_refused_replies_total", `crmbot_build_info{version="` + version + `"}`, "go_goroutines"} {
		if _, ok := before[name]; !ok {
			t.Errorf("/metrics has no %s", name)
		}
	}
	u.say("Dana")
	waitUntil(t, "the metrics to show the update and its reply", 10*time.Second, func() (bool, string) {
		m := scrape(t, addr)
		ok := m[`crmbot_updates_received_total{source="polling"}`] > before[`crmbot_updates_received_total{source="polling"}`] &&
			m["crmbot_updates_processed_total"] > before["crmbot_updates_processed_total"] &&
			m[`crmbot_sends_total{method="sendMessage",result="ok"}`] > before[`crmbot_sends_total{method="sendMessage",result="ok"}`] &&
			m["crmbot_reply_latency_seconds_count"] > before["crmbot_reply_latency_seconds_count"] &&
			m[`crmbot_update_processing_seconds_count{kind="message"}`] > before[`crmbot_update_processing_seconds_count{kind="message"}`]
		return ok, "not yet"
	})
	waitUntil(t, "this process to be River's leader", 20*time.Second, func() (bool, string) {
		return scrape(t, addr)["crmbot_river_leader"] == 1, "not the leader"
	})
}

// A start that fails half way (the port is taken) says which setting to
// fix and leaves nothing running.
func TestStartWithATakenPortFailsCleanly(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	sb := sandbox.NewTest(t, sandbox.Options{BotUsername: "crm_port_bot"})
	cfg := config.Config{BotToken: sb.Token(), DatabaseURL: pgtest.URL(t), APIURL: sb.BotAPIURL(), ListenAddr: taken.Addr().String(),
		DefaultLocale: "en", TimeZone: "UTC", GlobalRate: 30, LogLevel: "error"}
	if err := cfg.Validate(config.FToken, config.FDatabase); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := newApp(ctx, cfg, appOptions{Logger: testLog(t, "app")})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	err = a.run(ctx)
	if err == nil || !strings.Contains(err.Error(), "CRM_LISTEN_ADDR") {
		t.Fatalf("run with a taken port: %v", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("failing took %v", took)
	}
	if calls := sb.Calls(sandbox.CallFilter{Method: "getUpdates"}); len(calls) != 0 {
		t.Errorf("the poller ran although the start failed: %d getUpdates", len(calls))
	}
}
