package delivery_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// Two replicas (two senders on one database) writing to one chat at once
// space their messages by ChatInterval between them, while a chat that got
// nothing lately is written to at once.
func TestChatSpacingAcrossReplicas(t *testing.T) {
	const interval = 200 * time.Millisecond
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{ChatInterval: interval})
	e.start(t, 1, 2)
	replicas := []*delivery.Sender{
		e.sender,
		delivery.NewSender(e.client, e.pool, delivery.SenderOptions{ChatInterval: interval, Logger: quiet()}),
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 3 {
		for r, s := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m := delivery.Message{Method: "sendMessage", ChatID: 1, Text: fmt.Sprintf("replica %d #%d", r, i)}
				if _, err := s.Send(ctx, m); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()

	var times []time.Time
	for _, c := range e.sb.Calls(sandbox.CallFilter{Method: "sendMessage"}) {
		if c.OK && c.Params["chat_id"] == "1" {
			times = append(times, c.Time)
		}
	}
	if len(times) != 6 {
		t.Fatalf("chat 1 got %d messages, want 6", len(times))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for i := 1; i < len(times); i++ {
		// The sandbox stamps arrivals; allow the jitter of two HTTP calls.
		if gap := times[i].Sub(times[i-1]); gap < interval-20*time.Millisecond {
			t.Errorf("messages %d and %d reached chat 1 %v apart, want at least %v", i, i+1, gap, interval)
		}
	}

	// A chat that got nothing lately is written to at once, by either
	// replica, even right after another chat's burst.
	for r, s := range replicas {
		t0 := time.Now()
		if _, err := s.Send(ctx, delivery.Message{Method: "sendMessage", ChatID: 2, Text: "hello"}); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(t0); r == 0 && d > interval/2 {
			t.Errorf("a message to an idle chat took %v, want it sent at once", d)
		} else if r == 1 && d < interval-20*time.Millisecond {
			t.Errorf("replica 1 wrote to chat 2 %v after replica 0, want at least %v", d, interval)
		}
	}
}

// A reply whose call took long (Telegram answered it 600 ms after its
// booking) keeps its chat's spacing across replicas from when Telegram took
// it, not from when it was booked: the outbox pushes the chat's shared
// spacing as it marks the reply sent, so another replica's message to the
// chat right after still waits ChatInterval.
func TestSlowReplySpacedFromItsAnswer(t *testing.T) {
	const interval = 300 * time.Millisecond
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{ChatInterval: interval})
	e.start(t, 1)
	o := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{Logger: quiet()})
	run(t, o.Run)
	if _, err := e.sb.InjectFault(sandbox.Fault{Kind: "latency", LatencyMS: 600, Count: 1, Methods: []string{"sendMessage"}}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := o.Reply(ctx, delivery.Message{Method: "sendMessage", ChatID: 1, Text: "reply"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reply marked sent", 10*time.Second, func() bool {
		var sent bool
		err := e.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM outbox WHERE chat_id = 1 AND status = 'sent')`).Scan(&sent)
		return err == nil && sent
	})
	other := delivery.NewSender(e.client, e.pool, delivery.SenderOptions{ChatInterval: interval, Logger: quiet()})
	if _, err := other.Send(ctx, delivery.Message{Method: "sendMessage", ChatID: 1, Text: "notification"}); err != nil {
		t.Fatal(err)
	}
	var times []time.Time
	for _, c := range e.sb.Calls(sandbox.CallFilter{Method: "sendMessage"}) {
		if c.OK && c.Params["chat_id"] == "1" {
			times = append(times, c.Time)
		}
	}
	if len(times) != 2 {
		t.Fatalf("chat 1 got %d messages, want 2", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < interval-20*time.Millisecond {
		t.Errorf("the other replica's message reached chat 1 %v after the reply, want at least %v", gap, interval)
	}
}
