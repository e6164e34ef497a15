package sandbox

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestWebhookBackendsRoundRobinAndFailover spreads webhook deliveries over
// three backends: in turn while all are up, at once over the other two
// when one stops (the retry backoff is a minute, so only failing over
// within a delivery can deliver in time), and to all three again once it
// is back. Each update arrives once, at the path the bot registered.
func TestWebhookBackendsRoundRobinAndFailover(t *testing.T) {
	o := fast()
	o.WebhookRetryMin, o.WebhookRetryMax = time.Minute, time.Minute
	sb := NewTest(t, o)
	var rcs [3]*receiver
	var srvs [3]*httptest.Server
	var addrs []string
	for i := range rcs {
		rcs[i] = &receiver{inflight: map[int64]int{}}
		srvs[i] = httptest.NewServer(onPath(t, "/tg/hook", rcs[i]))
		addrs = append(addrs, srvs[i].URL)
	}
	t.Cleanup(func() {
		for _, s := range srvs {
			s.Close()
		}
	})
	if err := sb.SetWebhookBackends(time.Hour, addrs[0], addrs[1], addrs[2]); err != nil {
		t.Fatal(err)
	}
	wantOK(t, callJSON(t, sb, "setWebhook", map[string]any{"url": "http://crmbot.invalid/tg/hook?x=1", "max_connections": 1}))

	sent := map[int64]bool{}
	send := func(n int) {
		t.Helper()
		for i := 0; i < n; i++ {
			s, err := sb.SendText(int64(1000+len(sent)), "hi", MsgOpts{})
			if err != nil {
				t.Fatal(err)
			}
			sent[s.UpdateID] = true
		}
	}
	delivered := func() map[int64]int {
		got := map[int64]int{}
		for _, rc := range rcs {
			for _, u := range rc.snapshot() {
				got[u.UpdateID]++
			}
		}
		return got
	}
	settle := func(what string) {
		t.Helper()
		// A backend records an update before its answer reaches the
		// sandbox, which only then counts it served and no longer pending.
		waitUntil(t, what, func() bool {
			return len(delivered()) == len(sent) && webhookInfo(t, sb).PendingUpdateCount == 0
		})
		for id, n := range delivered() {
			if n != 1 || !sent[id] {
				t.Fatalf("update %d delivered %d times (sent: %v)", id, n, sent[id])
			}
		}
	}

	// All up, one delivery at a time: strictly in turn.
	send(30)
	settle("30 updates over three backends")
	for i, rc := range rcs {
		if n := len(rc.snapshot()); n != 10 {
			t.Errorf("backend %d got %d of 30 updates, want 10 (round robin)", i, n)
		}
	}

	// One stops: the next deliveries fail over to the others at once.
	addr := srvs[1].Listener.Addr().String()
	srvs[1].Close()
	send(30)
	settle("30 more updates with backend 1 down")
	if n := len(rcs[1].snapshot()); n != 10 {
		t.Errorf("the stopped backend got %d updates, want its first 10 only", n)
	}
	for _, i := range []int{0, 2} {
		if n := len(rcs[i].snapshot()); n < 24 || n > 26 {
			t.Errorf("backend %d has %d updates, want about 25 (10, then half of the 30 while backend 1 is down)", i, n)
		}
	}
	st := sb.WebhookBackends()
	if st[1].Failed != 1 || st[0].Served+st[2].Served != 50 {
		t.Errorf("stats %+v: want backend 1 tried once after it stopped (then marked down) and the other two to serve 50", st)
	}

	// It comes back on the same address; once its down mark passes it
	// gets its turn again.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srvs[1] = httptest.NewUnstartedServer(onPath(t, "/tg/hook", rcs[1]))
	srvs[1].Listener.Close()
	srvs[1].Listener = ln
	srvs[1].Start()
	if err := sb.SetWebhookBackends(time.Hour, addrs[0], addrs[1], addrs[2]); err != nil {
		t.Fatal(err)
	}
	send(30)
	settle("30 more with all three up again")
	if n := len(rcs[1].snapshot()); n != 20 {
		t.Errorf("the restarted backend has %d updates, want 20 (10 before it stopped, 10 after)", n)
	}
	if info := webhookInfo(t, sb); info.URL != "http://crmbot.invalid/tg/hook?x=1" || info.PendingUpdateCount != 0 {
		t.Errorf("getWebhookInfo = %+v: want the registered URL and nothing pending", info)
	}
}

// onPath serves h, failing the test for a request to another path and
// query than the registered webhook URL's.
func onPath(t *testing.T, path string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path || r.URL.RawQuery != "x=1" {
			t.Errorf("delivery to %s, want %s?x=1", r.URL.RequestURI(), path)
		}
		h.ServeHTTP(w, r)
	})
}
