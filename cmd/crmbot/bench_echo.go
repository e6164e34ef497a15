package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/telecrm/crmbot/internal/sandbox"
)

// The backlog: messages queued in the sandbox before a bot starts, as
// after an outage, drained once by a bare go-telegram/bot echo bot (the
// baseline) and once by crmbot. Both get the same messages from the same
// users: reps typing a customer's name, which crmbot answers with a search.

// queued is one message of the backlog.
type queued struct {
	r    *rep
	text string
}

// backlogMessages spreads k searches over the reps, round-robin.
func backlogMessages(reps []*rep, k int) []queued {
	out := make([]queued, k)
	for i := range out {
		r := reps[i%len(reps)]
		c := r.customers[(i/len(reps))%len(r.customers)]
		q := c.name
		if i%2 == 1 {
			q = c.surname
		}
		out[i] = queued{r: r, text: q}
	}
	return out
}

// queue posts the backlog to the sandbox.
func queue(sb *sandbox.Server, msgs []queued) error {
	for _, m := range msgs {
		if _, err := sb.SendText(m.r.tg, m.text, sandbox.MsgOpts{FirstName: m.r.first, LanguageCode: m.r.lang}); err != nil {
			return err
		}
	}
	return nil
}

// drained is how a bot drained the backlog.
type drained struct {
	n       int
	elapsed time.Duration // from its first getUpdates (or setWebhook) to its n-th reply
	rss     int64         // the bot process's resident memory at the end
}

func (d drained) rate() float64 { return float64(d.n) / d.elapsed.Seconds() }

// waitDrained waits until the observer has seen n replies.
func waitDrained(ctx context.Context, obs *observer, n int, pid int) (drained, error) {
	timeout := time.Minute + time.Duration(n)*20*time.Millisecond
	deadline := time.Now().Add(timeout)
	for obs.replies.Load() < int64(n) {
		if time.Now().After(deadline) {
			return drained{}, fmt.Errorf("only %d of %d queued messages answered after %v", obs.replies.Load(), n, timeout)
		}
		select {
		case <-ctx.Done():
			return drained{}, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	rss, _ := procMem(pid)
	return drained{n: n, elapsed: time.Duration(obs.lastReply.Load() - obs.firstPoll.Load()), rss: rss}, nil
}

// benchEcho measures the baseline on a sandbox of its own with the same
// options as the mix's: the backlog queued, then the echo bot started.
func benchEcho(ctx context.Context, msgs []queued) (drained, error) {
	sb := sandbox.New(mixSandboxOptions())
	obs := newObserver(sb.Handler())
	hs := httptest.NewServer(obs)
	defer hs.Close()
	defer sb.Close()
	sb.SetURL(hs.URL)
	if err := queue(sb, msgs); err != nil {
		return drained{}, err
	}
	ch, err := startChild(ctx, "the echo bot", childSpec{Kind: "echo", APIURL: hs.URL, Token: sb.Token()})
	if err != nil {
		return drained{}, err
	}
	d, err := waitDrained(ctx, obs, len(msgs), ch.cmd.Process.Pid)
	if serr := ch.stop(); err == nil {
		err = serr
	}
	return d, err
}

// mixSandboxOptions are the sandbox's options in the mix: Telegram's flood
// limits off (they are not what is measured), a short call log (the
// observer counts calls; a long log is copied on every call once full).
func mixSandboxOptions() sandbox.Options {
	return sandbox.Options{BotUsername: "crm_bench_bot", RateLimits: sandbox.RateLimits{Disabled: true}, MaxCalls: 200}
}
