package delivery_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// sendTimes lists when the sandbox accepted the bot's sendMessage calls
// whose text starts with prefix, in order.
func sendTimes(sb *sandbox.Server, prefix string) []time.Time {
	var out []time.Time
	for _, c := range sb.Calls(sandbox.CallFilter{Method: "sendMessage"}) {
		if c.OK && len(c.Params["text"]) >= len(prefix) && c.Params["text"][:len(prefix)] == prefix {
			out = append(out, c.Time)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// busiestSecond is the most messages in any one second of times.
func busiestSecond(times []time.Time) int {
	most := 0
	for i := range times {
		j := i
		for j < len(times) && times[j].Sub(times[i]) < time.Second {
			j++
		}
		most = max(most, j-i)
	}
	return most
}

// flood sends from s to chats first, first+1, … (one message each) until
// ctx ends, and returns how many it sent.
func flood(ctx context.Context, t *testing.T, s *delivery.Sender, prefix string, first int64) int {
	n := 0
	for chat := first; ctx.Err() == nil; chat++ {
		if _, err := s.Send(ctx, delivery.Message{Method: "sendMessage", ChatID: chat, Text: fmt.Sprintf("%s %d", prefix, chat)}); err != nil {
			if ctx.Err() == nil {
				t.Error(err)
			}
			return n
		}
		n++
	}
	return n
}

// Two replicas share the global rate: each takes half, so together they
// never send more than GlobalRate in a second. When one dies (it stops
// sending and beating, as a killed process does) the other gets the whole
// rate back within ShareWindow + ShareEvery, and a replica that stops
// cleanly hands its share back at the other's next heartbeat.
func TestGlobalRateSharedBetweenReplicas(t *testing.T) {
	const rate = 20
	opts := delivery.SenderOptions{GlobalRate: rate, Headroom: 1, ShareEvery: 200 * time.Millisecond}
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, opts)
	opts.Logger = quiet()
	a := e.sender
	run(t, func(ctx context.Context) error { return a.Run(ctx) })
	b := delivery.NewSender(e.client, e.pool, opts) // beats from its sends only: it dies by stopping
	users := make([]int64, 200)
	for i := range users {
		users[i] = int64(i + 1)
	}
	e.start(t, users...)

	share := func(s *delivery.Sender, replicas int) bool {
		rate, n := s.Share()
		return n == replicas && rate > 0
	}
	// b's first send beats; a counts it at its next heartbeat.
	if _, err := b.Send(t.Context(), delivery.Message{Method: "sendMessage", ChatID: 200, Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a to count two replicas", 2*time.Second, func() bool { return share(a, 2) })
	if got, _ := a.Share(); got < rate/2-0.5 || got > rate/2+0.5 {
		t.Fatalf("a's share of %d/s between two replicas: %.1f/s, want %d/s", rate, got, rate/2)
	}

	// Both send as fast as their shares allow for 2 s.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	var wg sync.WaitGroup
	var sentA, sentB atomic.Int64
	wg.Add(2)
	go func() { defer wg.Done(); sentA.Store(int64(flood(ctx, t, a, "both", 1))) }()
	go func() { defer wg.Done(); sentB.Store(int64(flood(ctx, t, b, "both", 101))) }()
	wg.Wait()
	cancel()
	// Unshared, they would send 2 × 2 s × 20/s = 80. The sandbox stamps
	// arrivals, so a loaded machine's HTTP jitter may squeeze a few into
	// one second; the total over the two seconds is what the split sets.
	times := sendTimes(e.sb, "both")
	if total := len(times); total > 2*rate+4 || total < 2*rate*3/4 {
		t.Errorf("two replicas sent %d messages in 2 s (a %d, b %d), want %d (2 s at %d/s, each replica's first at once)",
			total, sentA.Load(), sentB.Load(), 2*rate+2, rate)
	}
	if most := busiestSecond(times); most > rate*5/4 {
		t.Errorf("two replicas sent %d messages in one second, want about %d", most, rate)
	}

	// b dies: a gets the whole rate back within ShareWindow + ShareEvery.
	died := time.Now()
	waitFor(t, "a to count one replica", 3*time.Second, func() bool { return share(a, 1) })
	if back := time.Since(died); back > 900*time.Millisecond {
		t.Errorf("a got b's share back %v after b died, want within ShareWindow + ShareEvery (800 ms)", back)
	}
	ctx, cancel = context.WithTimeout(t.Context(), time.Second)
	n := flood(ctx, t, a, "alone", 1)
	cancel()
	if n < rate*3/4 {
		t.Errorf("alone, a sent %d messages in a second, want about %d", n, rate)
	}

	// A replica that stops cleanly hands its share back at once.
	c := delivery.NewSender(e.client, e.pool, opts)
	cctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(cctx) }()
	waitFor(t, "a to count c", 2*time.Second, func() bool { return share(a, 2) })
	stop()
	<-done
	stopped := time.Now()
	waitFor(t, "a to count one replica after c stopped", 2*time.Second, func() bool { return share(a, 1) })
	if back := time.Since(stopped); back > 400*time.Millisecond {
		t.Errorf("a got c's share back %v after c stopped, want within ShareEvery (200 ms)", back)
	}
}

// Replies to a user's action go out ReplyBurst at once, then one a
// ChatInterval, whichever replica sends them, with Telegram's limits on
// and no 429 (notifications: burst_internal_test.go).
func TestRepliesBurstWithinTelegramsLimits(t *testing.T) {
	opts := delivery.SenderOptions{ReplyBurst: 2}
	e := newEnv(t, sandbox.RateLimits{}, opts)
	opts.Logger = quiet()
	other := delivery.NewSender(e.client, e.pool, opts)
	e.start(t, 1)
	ctx := t.Context()
	for i, s := range []*delivery.Sender{e.sender, e.sender, other} {
		if _, err := s.Send(ctx, delivery.Message{Method: "sendMessage", ChatID: 1, Text: fmt.Sprintf("reply %d", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	times := sendTimes(e.sb, "reply")
	if len(times) != 3 {
		t.Fatalf("the chat got %d replies, want 3", len(times))
	}
	if gap := times[1].Sub(times[0]); gap > 500*time.Millisecond {
		t.Errorf("the second reply came %v after the first, want them together (ReplyBurst 2)", gap)
	}
	if gap := times[2].Sub(times[0]); gap < 950*time.Millisecond {
		t.Errorf("the third reply (another replica) came %v after the first, want a ChatInterval after", gap)
	}
	if th := e.sb.Throttles(); len(th) > 0 {
		t.Errorf("the sandbox answered 429: %+v", th)
	}
}
