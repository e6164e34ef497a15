package inbox_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// buildEchobot compiles testdata/echobot once per test binary.
var echobot = struct {
	once sync.Once
	path string
	err  error
}{}

func echobotPath(t *testing.T) string {
	t.Helper()
	echobot.once.Do(func() {
		dir, err := exec.Command("mktemp", "-d").Output()
		if err != nil {
			echobot.err = err
			return
		}
		echobot.path = filepath.Join(strings.TrimSpace(string(dir)), "echobot")
		out, err := exec.Command("go", "build", "-o", echobot.path, "./testdata/echobot").CombinedOutput()
		if err != nil {
			echobot.err = fmt.Errorf("build echobot: %v\n%s", err, out)
		}
	})
	if echobot.err != nil {
		t.Fatal(echobot.err)
	}
	return echobot.path
}

// proc is a running echobot.
type proc struct {
	cmd    *exec.Cmd
	listen string // webhook mode: the address it serves
}

func startEchobot(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(echobotPath(t), args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd}
	t.Cleanup(func() { p.kill() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if addr, ok := strings.CutPrefix(line, "listening "); ok {
			p.listen = addr
		}
		if line == "ready" {
			go func() {
				for sc.Scan() {
				}
			}()
			return p
		}
	}
	cmd.Wait()
	t.Fatalf("echobot did not start: %s", stderr.String())
	return nil
}

// kill is kill -9.
func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
	}
}

// slowAnswers is a proxy in front of the sandbox that holds sendMessage
// answers for a while after the sandbox acted: a bot killed then has
// posted a reply without learning it did.
func slowAnswers(t *testing.T, target string, delay time.Duration) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(r *http.Response) error {
		if strings.HasSuffix(r.Request.URL.Path, "/sendMessage") {
			time.Sleep(delay)
		}
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL
}

// kill -9 of the bot, three times, during a burst of messages from many
// chats; a restart after each. Every message gets exactly one reply, in
// order per chat. Answers to sends are delayed so that kills land where a
// reply is out but not yet recorded (the outbox resolves it by probing).
func TestKill9DuringBurst(t *testing.T) {
	const users, per = 15, 12
	sb := sandbox.NewTest(t, sandbox.Options{RateLimits: sandbox.RateLimits{Disabled: true}})
	api := slowAnswers(t, sb.BotAPIURL(), 40*time.Millisecond)
	args := []string{"-api", api, "-token", sb.Token(), "-db", pgtest.URL(t), "-chat-interval", "5ms"}
	bot := startEchobot(t, args...)

	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i <= per; i++ {
			for u := int64(1); u <= users; u++ {
				if _, err := sb.SendText(u, fmt.Sprintf("m%d", i), sandbox.MsgOpts{}); err != nil {
					t.Error(err)
					return
				}
			}
			time.Sleep(30 * time.Millisecond)
		}
	}()
	for k := 0; k < 3; k++ {
		time.Sleep(time.Duration(80+rand.IntN(120)) * time.Millisecond)
		bot.kill()
		bot = startEchobot(t, args...)
	}
	<-done

	want := make([]string, per)
	for i := range want {
		want[i] = fmt.Sprintf("echo: m%d", i+1)
	}
	deadline := time.Now().Add(30 * time.Second)
	for u := int64(1); u <= users; u++ {
		for len(botReplies(sb, u)) < per && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	time.Sleep(300 * time.Millisecond) // a late duplicate would show up now
	for u := int64(1); u <= users; u++ {
		if got := botReplies(sb, u); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("chat %d replies:\n got %q\nwant %q", u, got, want)
		}
	}
}

func botReplies(sb *sandbox.Server, chat int64) []string {
	var out []string
	for _, m := range sb.Transcript(chat).Messages {
		if m.From == "bot" {
			out = append(out, m.Text)
		}
	}
	return out
}

var _ = context.Background
