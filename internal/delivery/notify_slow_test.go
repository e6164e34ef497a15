package delivery_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// Notifications of a kind put on the slow queue (the digest's charts) are
// rendered at most SlowWorkers at a time however many fall due together,
// and every one is sent.
func TestSlowKindsRenderedFewAtATime(t *testing.T) {
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{})
	const chats = 6
	for c := int64(1); c <= chats; c++ {
		e.start(t, c)
	}
	var now, peak atomic.Int32
	render := func(ctx context.Context, no delivery.Notification) (delivery.Message, bool, error) {
		n := now.Add(1)
		defer now.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(100 * time.Millisecond) // a chart being drawn
		return delivery.Message{Method: "sendMessage", Text: no.DedupKey}, false, nil
	}
	n := delivery.NewNotifier(e.db, e.sender, nil, quiet(), map[string]delivery.Renderer{"heavy": render})
	workers := river.NewWorkers()
	river.AddWorker(workers, n.Worker())
	c, err := delivery.NewRiver(e.pool, delivery.RiverOptions{Workers: workers, Logger: quiet(), FetchPollInterval: 50 * time.Millisecond, SlowWorkers: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sched := delivery.NewScheduler(c, "heavy").Slow("heavy")
	for i := int64(1); i <= chats; i++ {
		schedule(t, e.db, sched, delivery.Notification{Kind: "heavy", ChatID: i, DedupKey: fmt.Sprintf("heavy:%d", i), Due: time.Now()})
	}
	var queued int
	e.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE queue = $1`, delivery.SlowQueue).Scan(&queued)
	if queued != chats {
		t.Fatalf("%d jobs on %s, want %d", queued, delivery.SlowQueue, chats)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		c.Stop(sctx)
	}()
	waitFor(t, "every slow notification sent", 20*time.Second, func() bool {
		var sent int
		e.pool.QueryRow(ctx, `SELECT count(*) FROM sends WHERE status = 'sent'`).Scan(&sent)
		return sent == chats
	})
	if p := peak.Load(); p > 2 {
		t.Fatalf("%d slow notifications rendered at once, want at most 2", p)
	}
	if got := sched.Queue("reminder"); got != delivery.NotifyQueue {
		t.Errorf("a reminder goes on %q, want %q", got, delivery.NotifyQueue)
	}
}
