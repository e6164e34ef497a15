package delivery_test

import (
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// A send that lasts longer than the lease (a 429 makes it wait) keeps its
// lease renewed, so a second replica flushing the same chat never takes the
// reply over and sends it again: the user gets it once.
func TestSlowSendKeepsItsLeaseAcrossReplicas(t *testing.T) {
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{CallTimeout: time.Second})
	const lease = 1500 * time.Millisecond
	a := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{Lease: lease, SweepInterval: 50 * time.Millisecond, Logger: quiet()})
	other := delivery.NewSender(e.client, e.pool, delivery.SenderOptions{CallTimeout: time.Second, Logger: quiet()})
	b := delivery.NewOutbox(e.db, other, delivery.OutboxOptions{Lease: lease, SweepInterval: 50 * time.Millisecond, Logger: quiet()})
	run(t, a.Run)
	run(t, b.Run)
	const user = 7
	e.start(t, user)
	if _, err := e.sb.InjectFault(sandbox.Fault{Kind: "429", RetryAfter: 3, Count: 1, Methods: []string{"sendMessage"}}); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if err := a.Reply(t.Context(), delivery.Message{Method: "sendMessage", ChatID: user, Text: "once"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reply", 15*time.Second, func() bool { return len(botTexts(e.sb, user)) > 0 })
	if waited := time.Since(began); waited < 2*lease {
		t.Fatalf("the reply came after %v: the 429 was meant to hold it longer than the lease", waited)
	}
	time.Sleep(2 * lease) // a takeover by the other replica would send it again now
	if got := botTexts(e.sb, user); len(got) != 1 {
		t.Fatalf("the user got %q, want the reply once", got)
	}
}
