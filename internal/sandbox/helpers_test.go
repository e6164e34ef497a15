package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

// fakeClock is an Options.Now a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 21, 9, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fast is the options most tests use: no flood control, short long polls.
func fast() Options {
	return Options{RateLimits: RateLimits{Disabled: true}, LongPollMax: 2 * time.Second,
		WebhookRetryMin: 5 * time.Millisecond, WebhookRetryMax: 20 * time.Millisecond}
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newBot is the real go-telegram client pointed at the sandbox. It sends
// every request as multipart/form-data.
func newBot(t *testing.T, sb *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{bot.WithServerURL(sb.BotAPIURL()), bot.WithSkipGetMe(),
		bot.WithErrorsHandler(func(error) {})}, opts...)
	b, err := bot.New(sb.Token(), opts...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

// apiResp is a decoded Bot API envelope plus the HTTP status.
type apiResp struct {
	Status      int
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func doReq(t *testing.T, req *http.Request) apiResp {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var r apiResp
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("%s: not an envelope: %s", req.URL.Path, body)
	}
	r.Status = res.StatusCode
	if r.Status != http.StatusOK && r.ErrorCode != r.Status {
		t.Errorf("%s: HTTP %d but error_code %d", req.URL.Path, r.Status, r.ErrorCode)
	}
	return r
}

// callJSON calls a method with a JSON body.
func callJSON(t *testing.T, sb *Server, method string, params map[string]any) apiResp {
	t.Helper()
	body, _ := json.Marshal(params)
	req, _ := http.NewRequest(http.MethodPost, sb.BotAPIURL()+"/bot"+sb.Token()+"/"+method, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return doReq(t, req)
}

// callForm calls a method with an url-encoded body.
func callForm(t *testing.T, sb *Server, method string, vals url.Values) apiResp {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, sb.BotAPIURL()+"/bot"+sb.Token()+"/"+method, strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return doReq(t, req)
}

// wantErr checks a failed call's status and exact description.
func wantErr(t *testing.T, r apiResp, code int, desc string) {
	t.Helper()
	if r.OK || r.ErrorCode != code || r.Description != desc {
		t.Errorf("got ok=%v %d %q, want %d %q", r.OK, r.ErrorCode, r.Description, code, desc)
	}
}

func wantOK(t *testing.T, r apiResp) {
	t.Helper()
	if !r.OK {
		t.Fatalf("call failed: %d %s", r.ErrorCode, r.Description)
	}
}

// control calls the control API and decodes the JSON answer into out.
func control(t *testing.T, sb *Server, method, path string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, sb.BotAPIURL()+path, rd)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
	return res.StatusCode
}

// start is a user opening the bot, so the bot may write to them.
func start(t *testing.T, sb *Server, userID int64) Sent {
	t.Helper()
	sent, err := sb.SendText(userID, "/start", MsgOpts{FirstName: "Test"})
	if err != nil {
		t.Fatalf("SendText: %v", err)
	}
	return sent
}

func mustMessage(t *testing.T, r apiResp) Message {
	t.Helper()
	wantOK(t, r)
	var m Message
	if err := json.Unmarshal(r.Result, &m); err != nil {
		t.Fatalf("result is not a Message: %s", r.Result)
	}
	return m
}
