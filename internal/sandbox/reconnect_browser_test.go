package sandbox_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestWebChatSurvivesASandboxRestart keeps the chat page open in headless
// Chromium while the sandbox is stopped and a new one (fresh state, its
// positions starting again) starts on the same port, as `crmbot demo` does
// after a restart. The page must say it is reconnecting while nothing
// answers, then load the new sandbox's state without a reload: the old
// message gone, the new sandbox's description and the persona's own menu
// shown, and a message the bot posts then appearing. On the way it checks
// that the English "No messages yet." runs left to right in the
// right-to-left chat.
func TestWebChatSurvivesASandboxRestart(t *testing.T) {
	chromium := browserPath(t)
	node := nodePath(t)
	installPlaywright(t)

	const userID = 5552001
	personas := []sandbox.Persona{{UserID: userID, Name: "مریم احمدی", Role: "rep", LanguageCode: "fa", Started: true}}
	opts := sandbox.Options{RateLimits: sandbox.RateLimits{Disabled: true}}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	first, err := sandbox.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = first.Close() })
	if err := first.SetPersonas(personas); err != nil {
		t.Fatal(err)
	}
	base := first.BotAPIURL()
	addr := strings.TrimPrefix(base, "http://")

	cmd := exec.CommandContext(ctx, node, filepath.Join(browserDir, "reconnect.mjs"), base+"/", strconv.Itoa(userID))
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	steps := bufio.NewScanner(stdout)
	fail := func(format string, args ...any) {
		t.Helper()
		_, _ = io.Copy(io.Discard, stdout)
		werr := cmd.Wait()
		t.Fatalf("%s\nreconnect.mjs: %v\n%s", fmt.Sprintf(format, args...), werr, stderr.String())
	}
	reach := func(want string) {
		t.Helper()
		for steps.Scan() {
			line := strings.TrimSpace(steps.Text())
			if line == want {
				t.Logf("page: %s", line)
				return
			}
			t.Logf("page says: %s", line)
		}
		fail("the page ended before %s", want)
	}

	reach("EMPTY")
	postText(t, base, first.Token(), userID, "before restart")
	reach("OPENED")

	if err := first.Close(); err != nil {
		t.Fatalf("stop the first sandbox: %v", err)
	}
	reach("BANNER")

	// The new sandbox is set up before it listens, so the page finds its
	// description and menus at its first answer.
	second := sandbox.New(opts)
	t.Cleanup(func() { _ = second.Close() })
	if err := second.SetPersonas(personas); err != nil {
		t.Fatal(err)
	}
	h := second.Handler()
	callHandler(t, h, second.Token(), "setMyDescription", map[string]any{"description": "این ربات برای تیم فروش است.", "language_code": "fa"})
	callHandler(t, h, second.Token(), "setMyCommands", map[string]any{"commands": []sandbox.BotCommand{{Command: "start", Description: "Start"}}})
	callHandler(t, h, second.Token(), "setMyCommands", map[string]any{"commands": []sandbox.BotCommand{{Command: "start", Description: "شروع"}}, "language_code": "fa"})
	callHandler(t, h, second.Token(), "setMyCommands", map[string]any{
		"commands":      []sandbox.BotCommand{{Command: "today", Description: "کارهای امروز"}, {Command: "help", Description: "راهنما"}},
		"scope":         map[string]any{"type": "chat", "chat_id": userID},
		"language_code": "fa",
	})
	ln := listenAgain(t, addr)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	second.SetURL(base)
	reach("RESYNCED")

	postText(t, base, second.Token(), userID, "after restart")
	reach("DONE")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("reconnect.mjs: %v\n%s", err, stderr.String())
	}
}

// listenAgain listens on the address the stopped sandbox had, retrying a
// moment while the old socket closes.
func listenAgain(t *testing.T, addr string) net.Listener {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			return ln
		}
		if time.Now().After(deadline) {
			t.Fatalf("listen on %s again: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// postText is the bot writing to a user through the Bot API.
func postText(t *testing.T, base, token string, chatID int64, text string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"chat_id": chatID, "text": text})
	res, err := http.Post(base+"/bot"+token+"/sendMessage", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("sendMessage: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(res.Body)
		t.Fatalf("sendMessage: %d %s", res.StatusCode, data)
	}
}

// callHandler makes a Bot API call on a sandbox that is not listening yet.
func callHandler(t *testing.T, h http.Handler, token, method string, params map[string]any) {
	t.Helper()
	body, _ := json.Marshal(params)
	req := httptest.NewRequest(http.MethodPost, "/bot"+token+"/"+method, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var env struct {
		OK          bool   `json:"ok"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || !env.OK {
		t.Fatalf("%s: %d %s %v", method, rec.Code, rec.Body.String(), err)
	}
}
