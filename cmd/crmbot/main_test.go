package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/telecrm/crmbot/internal/pgtest"
)

// buildBinary compiles crmbot once for the tests that run it as a process.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "crmbot-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "crmbot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", &exec.ExitError{Stderr: out}
	}
	return bin, nil
})

func runBinary(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func TestMisconfigurationIsOneLineAndExitTwo(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     []string
		args    []string
		mention string
	}{
		{"run without token", nil, []string{"run"}, "TELEGRAM_BOT_TOKEN"},
		{"run without database", []string{"TELEGRAM_BOT_TOKEN=123456:abcdefghijklmnop"}, []string{"run"}, "DATABASE_URL"},
		{"bad time zone", []string{"TELEGRAM_BOT_TOKEN=123456:abcdefghijklmnop", "DATABASE_URL=postgres://x@localhost/db", "CRM_TIMEZONE=Tehran"}, []string{"run"}, "CRM_TIMEZONE"},
		{"bad flag value", nil, []string{"run", "--token", "oops", "--database-url", "postgres://x@localhost/db"}, "TELEGRAM_BOT_TOKEN"},
		{"migrate without database", nil, []string{"migrate"}, "DATABASE_URL"},
		{"invite with a bad role", []string{"DATABASE_URL=postgres://x@localhost/db"}, []string{"invite", "--role", "boss", "--bot-username", "b"}, "--role"},
		{"unknown command", nil, []string{"serve"}, "unknown command"},
	} {
		stdout, stderr, code := runBinary(t, tt.env, tt.args...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2 (stderr %q)", tt.name, code, stderr)
		}
		first := strings.SplitN(strings.TrimSpace(stderr), "\n", 2)[0]
		if !strings.Contains(first, tt.mention) {
			t.Errorf("%s: first line %q does not name %s", tt.name, first, tt.mention)
		}
		if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
			t.Errorf("%s: stack trace in %q", tt.name, stderr)
		}
		if tt.name != "unknown command" && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s: want one line, got %q", tt.name, stderr)
		}
		_ = stdout
	}
	for _, cmd := range []string{"run", "migrate", "invite", "sandbox", "demo", "bench", "version"} {
		_, stderr, code := runBinary(t, nil, cmd, "--help")
		if code != 2 || !strings.Contains(stderr, "Usage: crmbot "+cmd) {
			t.Errorf("%s --help: exit %d, %q", cmd, code, stderr)
		}
	}
}

func TestMigrateTwiceFromTheCommandLine(t *testing.T) {
	// A migrated database, and one with no schema at all.
	for _, db := range []string{pgtest.URL(t), emptyDB(t)} {
		for i := 0; i < 2; i++ {
			out, stderr, code := runBinary(t, []string{"DATABASE_URL=" + db}, "migrate")
			if code != 0 || !strings.Contains(out, "up to date") {
				t.Fatalf("migrate #%d: exit %d\n%s%s", i+1, code, out, stderr)
			}
		}
		out, _, code := runBinary(t, []string{"DATABASE_URL=" + db}, "migrate", "status")
		if code != 0 || strings.Contains(out, "pending") {
			t.Fatalf("status after migrate: exit %d %q", code, out)
		}
	}
}

// emptyDB creates a database with nothing in it on the shared test server.
func emptyDB(t *testing.T) string {
	t.Helper()
	admin := pgtest.AdminURL(t)
	name := "empty_" + strings.ReplaceAll(strings.ToLower(t.Name()), "/", "_")
	ctx := context.Background()
	pool := pgtest.DB(t)
	if _, err := pool.Exec(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	return regexp.MustCompile(`/[^/?]*(\?|$)`).ReplaceAllString(admin, "/"+name+"$1")
}

// TestDemo runs `crmbot demo` as a newcomer would (its own cluster in a
// fresh directory), picks the rep persona on the chat page's API and talks
// to the bot; a second run reuses the data.
func TestDemo(t *testing.T) {
	t.Parallel() // it mostly waits for the demo process
	// As root the demo's postgres runs as the postgres user, which must be
	// able to reach the directory, as it can a checkout's ./.crmbot.
	parent, err := os.MkdirTemp("", "crmbot-demo-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, ".crmbot")
	var counts []string
	for run := 1; run <= 2; run++ {
		bin, err := buildBinary()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		cmd := exec.CommandContext(ctx, bin, "demo", "--addr", "127.0.0.1:0", "--dir", dir, "--log-level", "warn")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
		var out syncBuffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		base := waitFor(t, &out, regexp.MustCompile(`Open (http://127\.0\.0\.1:\d+)/`))
		var personas []struct {
			UserID int64  `json:"user_id"`
			Role   string `json:"role"`
		}
		getJSON(t, base+"/sandbox/personas", &personas)
		var rep int64
		for _, p := range personas {
			if p.Role == "rep" && rep == 0 {
				rep = p.UserID
			}
		}
		if rep == 0 {
			t.Fatalf("no rep persona in %+v", personas)
		}
		postJSON(t, base+"/sandbox/users/"+itoa(rep)+"/messages", `{"text":"/today"}`)
		deadline := time.Now().Add(20 * time.Second)
		for {
			var tr struct {
				Messages []struct{ From, Text string } `json:"messages"`
			}
			getJSON(t, base+"/sandbox/chats/"+itoa(rep)+"/transcript", &tr)
			if n := len(tr.Messages); n >= 2 && tr.Messages[n-1].From == "bot" && tr.Messages[n-1].Text != "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("run %d: the bot did not answer the rep: %+v\n%s", run, tr, out.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
		dbURL := waitFor(t, &out, regexp.MustCompile(`Database: (postgres://\S+)`))
		counts = append(counts, countRows(t, dbURL))
		cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("run %d: demo did not stop cleanly on Ctrl-C: %v\n%s", run, err, out.String())
		}
		cancel()
	}
	if counts[0] != counts[1] || counts[0] == "" {
		t.Fatalf("the second run must reuse the data: %s, then %s", counts[0], counts[1])
	}
}

// countRows summarises the demo data's size.
func countRows(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var staff, customers, activities int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM staff), (SELECT count(*) FROM customers), (SELECT count(*) FROM activities)`).
		Scan(&staff, &customers, &activities); err != nil {
		t.Fatal(err)
	}
	if staff == 0 || customers < 45 {
		t.Fatalf("demo data missing: %d staff, %d customers", staff, customers)
	}
	return fmt.Sprintf("%d staff, %d customers, %d activities", staff, customers, activities)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitFor(t *testing.T, out *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s in:\n%s", re, out.String())
	return ""
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}

func postJSON(t *testing.T, url, body string) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s", url, res.Status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
