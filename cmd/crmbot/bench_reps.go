package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/telecrm/crmbot/internal/sandbox"
)

// The simulated reps of the mix. Each is a goroutine that picks an action
// (find a customer, open a card, log a call, move a stage, work through
// /today), posts its steps through the sandbox's user side, waits for the
// bot's reply to each, and is paced by the phase: a human pause before
// each step (closed loop), or steps coming due at a set rate shared
// round-robin by every rep (open loop).

// replyTimeout is how long a rep waits for the bot's answer to a step.
const replyTimeout = 30 * time.Second

// botMsg is a bot message as the rep last saw it: sent or edited.
type botMsg struct {
	id      int64
	text    string
	buttons []string // callback data, in order
}

// reply is the bot's first answer to a step: a message or a toast.
type reply struct {
	at    time.Time
	msg   int64 // 0 for a toast
	text  string
	toast bool
}

// mixCustomer is one of a rep's customers.
type mixCustomer struct {
	id            int64
	name, surname string
}

// rep is one simulated sales rep: a staff member's chat with the bot.
type rep struct {
	idx       int
	tg        int64 // Telegram user id = chat id
	first     string
	lang      string
	customers []mixCustomer
	stage     map[int64]int64 // customer → stage, as the rep last moved it
	rng       *rand.Rand

	mu   sync.Mutex
	msgs map[int64]botMsg // the latest few bot messages by id

	replies chan reply
	due     chan time.Time // open loop: the rep's next steps come due

	// Used by the rep's goroutine only.
	lastPhase   *phase
	paced       bool      // has had a closed-loop pause before
	pauseUntil  time.Time // the end of the pause under way, if any
	lastResults int64     // the message of the latest search result list
	lastCard    int64     // the message showing the latest card
	results     []stepResult
}

// stepResult is one step a rep took.
type stepResult struct {
	phase    *phase
	kind     string
	due      time.Time // open loop: when the step came due; else = posted
	posted   time.Time
	answered time.Time // zero: no answer
	problem  string    // "" when the bot answered as expected
}

// keepMsgs is how many bot messages a rep remembers.
const keepMsgs = 12

// observe records a bot message of the rep's chat (from the observer) and
// wakes a step waiting for it.
func (r *rep) observe(m botMsg, at time.Time) {
	r.mu.Lock()
	r.msgs[m.id] = m
	if len(r.msgs) > keepMsgs {
		oldest := m.id
		for id := range r.msgs {
			oldest = min(oldest, id)
		}
		delete(r.msgs, oldest)
	}
	r.mu.Unlock()
	select {
	case r.replies <- reply{at: at, msg: m.id, text: m.text}:
	default:
	}
}

// toast records the answer to one of the rep's taps that showed a text.
func (r *rep) toast(text string, at time.Time) {
	select {
	case r.replies <- reply{at: at, text: text, toast: true}:
	default:
	}
}

// message returns the bot message id as the rep last saw it.
func (r *rep) message(id int64) (botMsg, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.msgs[id]
	return m, ok
}

// buttons returns the callback data on message id that starts with prefix.
func (r *rep) buttons(id int64, prefix string) []string {
	m, ok := r.message(id)
	if !ok {
		return nil
	}
	var out []string
	for _, b := range m.buttons {
		if strings.HasPrefix(b, prefix) {
			out = append(out, b)
		}
	}
	return out
}

// errStep ends an action whose step went wrong; the step is recorded.
var errStep = errors.New("step failed")

// say sends text as the rep and waits for the reply.
func (r *rep) say(ctx context.Context, d *driver, kind, text string) (reply, error) {
	return r.step(ctx, d, kind, func() (sandbox.Sent, error) {
		return d.sb.SendText(r.tg, text, sandbox.MsgOpts{FirstName: r.first, LanguageCode: r.lang})
	})
}

// tap presses a button of message msg with callback data data.
func (r *rep) tap(ctx context.Context, d *driver, kind string, msg int64, data string) (reply, error) {
	return r.step(ctx, d, kind, func() (sandbox.Sent, error) { return d.sb.Tap(r.tg, msg, data, false) })
}

// step waits for the phase's go-ahead, posts, and waits for the bot's first
// answer: a message or edit in the chat, or a toast on the tap.
func (r *rep) step(ctx context.Context, d *driver, kind string, post func() (sandbox.Sent, error)) (reply, error) {
	p, due, err := d.gate(ctx, r)
	if err != nil {
		return reply{}, err
	}
	for len(r.replies) > 0 { // a late second message of the step before
		<-r.replies
	}
	res := stepResult{phase: p, kind: kind, posted: time.Now()}
	res.due = due
	if due.IsZero() {
		res.due = res.posted
	}
	d.inflight.Add(1)
	defer d.inflight.Add(-1)
	sent, err := post()
	if err != nil {
		res.problem = "refused by the sandbox"
		r.results = append(r.results, res)
		return reply{}, fmt.Errorf("%w: %s: %v", errStep, kind, err)
	}
	if sent.CallbackQueryID != "" {
		d.obs.queries.Store(sent.CallbackQueryID, r)
	}
	timer := time.NewTimer(replyTimeout)
	defer timer.Stop()
	select {
	case rp := <-r.replies:
		res.answered = rp.at
		if id, bad := d.errorText(rp.text); bad {
			res.problem = id
		}
		r.results = append(r.results, res)
		if res.problem != "" {
			return rp, fmt.Errorf("%w: %s answered %s", errStep, kind, res.problem)
		}
		return rp, nil
	case <-timer.C:
		d.obs.queries.Delete(sent.CallbackQueryID)
		res.problem = "no answer in " + replyTimeout.String()
		r.results = append(r.results, res)
		return reply{}, fmt.Errorf("%w: %s: %s", errStep, kind, res.problem)
	case <-ctx.Done():
		return reply{}, ctx.Err()
	}
}

// second waits for the second answer of a step that answers twice, so
// that it is not taken for the answer to the next step.
func (r *rep) second(ctx context.Context, what string) error {
	select {
	case <-r.replies:
		return nil
	case <-time.After(replyTimeout):
		return r.broke(what)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// broke records that the bot's answer lacked what the action needs next
// (a button), as a problem of the step that got that answer.
func (r *rep) broke(what string) error {
	if n := len(r.results); n > 0 && r.results[n-1].problem == "" {
		r.results[n-1].problem = "answer without " + what
	}
	return fmt.Errorf("%w: answer without %s", errStep, what)
}

// pick returns a random element of xs.
func pick[T any](r *rep, xs []T) T { return xs[r.rng.IntN(len(xs))] }

// phase is one stretch of the mix with one way of pacing the reps.
type phase struct {
	name  string
	open  bool          // open loop: steps come due at rate, round-robin over the reps
	rate  float64       // open loop
	reps  int           // closed loop: reps 0 … reps-1 act
	pause time.Duration // closed loop: a human pause before each step, ± 50 %
	start time.Time
	end   time.Time
	stats *phaseStats // what was measured at its end
}

// driver runs the reps through phases.
type driver struct {
	sb    *sandbox.Server
	obs   *observer
	reps  []*rep
	errs  map[string]string // an error sentence the bot may send → its message id
	plain map[int64]bool    // stages a customer may move to without a reason

	mu      sync.Mutex
	cur     *phase // nil between phases
	changed chan struct{}

	inflight atomic.Int64 // steps posted and not yet answered
	dropped  atomic.Int64 // open loop: steps that found their rep's queue full
}

// current returns the phase and a channel closed when it changes.
func (d *driver) current() (*phase, chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cur, d.changed
}

// set starts phase p (nil: pause the reps).
func (d *driver) set(p *phase) {
	d.mu.Lock()
	d.cur = p
	close(d.changed)
	d.changed = make(chan struct{})
	d.mu.Unlock()
}

// gate blocks until the rep may post its next step, and returns the phase
// it belongs to and, in an open loop, when it came due.
func (d *driver) gate(ctx context.Context, r *rep) (*phase, time.Time, error) {
	for {
		p, changed := d.current()
		switch {
		case p == nil:
		case p.open:
			select {
			case due := <-r.due:
				if !due.Before(p.start) {
					r.lastPhase, r.pauseUntil = p, time.Time{}
					return p, due, nil
				}
				continue // left over from an earlier phase
			case <-changed:
				continue
			case <-ctx.Done():
				return nil, time.Time{}, ctx.Err()
			}
		case r.idx < p.reps:
			r.lastPhase = p
			if r.pauseUntil.IsZero() {
				wait := time.Duration(float64(p.pause) * (0.5 + r.rng.Float64()))
				if !r.paced { // spread the reps' first steps over one pause
					wait = time.Duration(float64(p.pause) * r.rng.Float64())
				}
				r.paced, r.pauseUntil = true, time.Now().Add(wait)
			}
			select {
			case <-time.After(time.Until(r.pauseUntil)):
				r.pauseUntil = time.Time{}
				return p, time.Time{}, nil
			case <-changed: // a pause goes on into the next closed-loop phase
				continue
			case <-ctx.Done():
				return nil, time.Time{}, ctx.Err()
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, time.Time{}, ctx.Err()
		}
	}
}

// schedule feeds an open-loop phase: one step due every 1/rate seconds,
// handed round-robin to the reps, until stop is closed.
func (d *driver) schedule(p *phase, stop <-chan struct{}) {
	interval := time.Duration(float64(time.Second) / p.rate)
	for i := 0; ; i++ {
		due := p.start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-time.After(wait):
			case <-stop:
				return
			}
		}
		select {
		case <-stop:
			return
		default:
		}
		select {
		case d.reps[i%len(d.reps)].due <- due:
		default:
			d.dropped.Add(1)
		}
	}
}

// plainStage reports whether a move to stage id needs no reason.
func (d *driver) plainStage(id int64) bool { return d.plain[id] }

// errorText reports whether text is one of the bot's error sentences, and
// which.
func (d *driver) errorText(text string) (string, bool) {
	if text == "" {
		return "", false
	}
	text = stripBidi(text)
	for s, id := range d.errs {
		if strings.Contains(text, s) {
			return id, true
		}
	}
	return "", false
}

// stripBidi drops the directional marks and isolates the bot puts around
// right-to-left text.
func stripBidi(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u200e', '\u200f', '\u061c', '\u2066', '\u2067', '\u2068', '\u2069':
			return -1
		}
		return r
	}, s)
}

// run is a rep's life: actions, one after another, until ctx ends.
func (r *rep) run(ctx context.Context, d *driver) {
	for ctx.Err() == nil {
		n := r.rng.IntN(100)
		for _, a := range mixActions {
			if n < a.weight {
				if err := a.run(r, ctx, d); err != nil && !errors.Is(err, errStep) && ctx.Err() == nil {
					r.results = append(r.results, stepResult{phase: r.lastPhase, kind: a.name, problem: err.Error()})
				}
				break
			}
			n -= a.weight
		}
	}
}
