package sandbox

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

func limited(clock *fakeClock) Options {
	opts := fast()
	opts.RateLimits = RateLimits{} // Telegram's defaults, on
	opts.Now = clock.Now
	return opts
}

func send(t *testing.T, sb *Server, chat int64) apiResp {
	t.Helper()
	return callJSON(t, sb, "sendMessage", map[string]any{"chat_id": chat, "text": "x"})
}

func TestFloodControlPerChat(t *testing.T) {
	clock := newFakeClock()
	sb := NewTest(t, limited(clock))
	start(t, sb, 42)
	for i := 0; i < 3; i++ { // the burst
		wantOK(t, send(t, sb, 42))
	}
	r := send(t, sb, 42)
	wantErr(t, r, 429, "Too Many Requests: retry after 1")
	if r.Parameters.RetryAfter != 1 {
		t.Errorf("retry_after = %d", r.Parameters.RetryAfter)
	}
	// Another chat is not affected; edits and chat actions do not count.
	start(t, sb, 43)
	wantOK(t, send(t, sb, 43))
	m := sb.Transcript(42).Messages[1]
	wantOK(t, callJSON(t, sb, "editMessageText", map[string]any{"chat_id": 42, "message_id": m.MessageID, "text": "edited"}))
	wantOK(t, callJSON(t, sb, "sendChatAction", map[string]any{"chat_id": 42, "action": "typing"}))

	clock.Add(time.Duration(r.Parameters.RetryAfter) * time.Second)
	wantOK(t, send(t, sb, 42)) // after retry_after
	wantErr(t, send(t, sb, 42), 429, "Too Many Requests: retry after 1")

	th := sb.Throttles()
	if len(th) != 2 || th[0].Scope != "chat" || th[0].ChatID != 42 || th[0].Method != "sendMessage" || th[0].RetryAfter != 1 {
		t.Errorf("throttles = %+v", th)
	}
	// Refused sends are not in the transcript.
	if n := len(sb.Transcript(42).Messages); n != 5 {
		t.Errorf("%d messages in the transcript, want 5", n)
	}
}

func TestFloodControlGlobalAndGroup(t *testing.T) {
	clock := newFakeClock()
	sb := NewTest(t, limited(clock))
	for u := int64(1); u <= 31; u++ {
		start(t, sb, u)
	}
	for u := int64(1); u <= 30; u++ {
		wantOK(t, send(t, sb, u))
	}
	r := send(t, sb, 31)
	wantErr(t, r, 429, "Too Many Requests: retry after 1")
	clock.Add(time.Second)
	wantOK(t, send(t, sb, 31))

	// A group takes 20 a minute.
	if _, err := sb.SendText(7, "hi all", MsgOpts{ChatID: -100}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		clock.Add(100 * time.Millisecond) // stay under 30/s
		wantOK(t, send(t, sb, -100))
	}
	r = send(t, sb, -100)
	if r.ErrorCode != 429 || r.Parameters.RetryAfter < 57 || r.Parameters.RetryAfter > 60 {
		t.Errorf("group flood: %d %q retry_after %d", r.ErrorCode, r.Description, r.Parameters.RetryAfter)
	}
	clock.Add(time.Duration(r.Parameters.RetryAfter) * time.Second)
	wantOK(t, send(t, sb, -100))
	scopes := map[string]int{}
	for _, th := range sb.Throttles() {
		scopes[th.Scope]++
	}
	if scopes["global"] != 1 || scopes["group"] != 1 {
		t.Errorf("throttle scopes = %v", scopes)
	}
}

func TestFloodControlWithRealClient(t *testing.T) {
	clock := newFakeClock()
	sb := NewTest(t, limited(clock))
	start(t, sb, 42)
	b := newBot(t, sb)
	ctx := ctxT(t)
	var tooMany *bot.TooManyRequestsError
	for i := 0; i < 4; i++ {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "burst"})
		if i < 3 && err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		if i == 3 && (!errors.As(err, &tooMany) || tooMany.RetryAfter != 1) {
			t.Fatalf("4th send: %v", err)
		}
	}
	clock.Add(time.Duration(tooMany.RetryAfter) * time.Second)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "later"}); err != nil {
		t.Errorf("after retry_after: %v", err)
	}
}

func TestFaults(t *testing.T) {
	clock := newFakeClock()
	opts := fast()
	opts.Now = clock.Now
	sb := NewTest(t, opts)
	start(t, sb, 42)

	if _, err := sb.InjectFault(Fault{Kind: "429", RetryAfter: 7, Count: 2, Methods: []string{"sendMessage"}}); err != nil {
		t.Fatal(err)
	}
	wantOK(t, callJSON(t, sb, "getMe", nil)) // other methods pass
	for i := 0; i < 2; i++ {
		r := send(t, sb, 42)
		wantErr(t, r, 429, "Too Many Requests: retry after 7")
		if r.Parameters.RetryAfter != 7 {
			t.Errorf("retry_after = %d", r.Parameters.RetryAfter)
		}
	}
	wantOK(t, send(t, sb, 42)) // count used up

	sb.InjectFault(Fault{Kind: "5xx", Status: 502, DurationMS: 1000})
	wantErr(t, send(t, sb, 42), 502, "Bad Gateway")
	wantErr(t, callJSON(t, sb, "getMe", nil), 502, "Bad Gateway")
	clock.Add(time.Second)
	wantOK(t, send(t, sb, 42)) // duration over

	sb.InjectFault(Fault{Kind: "latency", LatencyMS: 80, Count: 1})
	began := time.Now()
	wantOK(t, send(t, sb, 42))
	if d := time.Since(began); d < 80*time.Millisecond {
		t.Errorf("latency fault took only %v", d)
	}

	sb.InjectFault(Fault{Kind: "drop", Count: 1})
	b := newBot(t, sb)
	_, err := b.SendMessage(ctxT(t), &bot.SendMessageParams{ChatID: 42, Text: "dropped"})
	if err == nil || !strings.Contains(err.Error(), "error do request") {
		t.Errorf("drop fault: %v", err)
	}
	wantOK(t, send(t, sb, 42))

	// Faults through the control API; DELETE clears them.
	var resp map[string]any
	if code := control(t, sb, http.MethodPost, "/sandbox/faults", map[string]any{"kind": "5xx"}, &resp); code != 200 {
		t.Fatalf("POST /sandbox/faults = %d %v", code, resp)
	}
	wantErr(t, send(t, sb, 42), 500, "Internal Server Error")
	if code := control(t, sb, http.MethodPost, "/sandbox/faults", map[string]any{"kind": "boom"}, &resp); code != 400 {
		t.Errorf("bad fault kind accepted: %d", code)
	}
	control(t, sb, http.MethodDelete, "/sandbox/faults", nil, nil)
	wantOK(t, send(t, sb, 42))

	calls := sb.Calls(CallFilter{Method: "sendMessage"})
	faulted := map[string]int{}
	for _, c := range calls {
		faulted[c.Fault]++
	}
	if faulted["429"] != 2 || faulted["5xx"] != 2 || faulted["drop"] != 1 {
		t.Errorf("faulted calls = %v", faulted)
	}
	if th := sb.Throttles(); len(th) != 2 || th[0].Scope != "fault" {
		t.Errorf("throttles = %+v", th)
	}
}
