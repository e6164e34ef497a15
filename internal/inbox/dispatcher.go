package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/backoff"
	"github.com/telecrm/crmbot/internal/postgres"
)

// DispatchStore is what the dispatcher needs of the store (*postgres.DB).
type DispatchStore interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	InSavepoint(ctx context.Context, fn func(ctx context.Context) error) error
	ClaimChats(ctx context.Context, now time.Time, limit, perChat int) ([]postgres.InboxChat, int, error)
	FinishChats(ctx context.Context, done []int64, failed []postgres.UpdateFailure, chats []postgres.ChatOutcome) ([]int64, error)
	MarkUpdateFailed(ctx context.Context, updateID int64, cause string, next time.Time, park bool) error
	PurgeUpdates(ctx context.Context, doneBefore, parkedBefore time.Time) (int64, error)
}

// DispatcherOptions configure a Dispatcher. Zero values take the defaults.
type DispatcherOptions struct {
	// Workers is how many updates (of different chats) are processed at
	// once in this process; default 8.
	Workers int
	// MaxAttempts is how many failures park an update; default 5.
	MaxAttempts int
	// Backoff is the delay after an update's first failure, doubled each
	// time up to MaxBackoff; defaults 1 s and 5 min.
	Backoff, MaxBackoff time.Duration
	// PollInterval is how often idle workers look for work they were not
	// woken for (retries coming due, a lost notification); default 1 s.
	PollInterval time.Duration
	// HandlerTimeout bounds one Handle call; default 30 s.
	HandlerTimeout time.Duration
	// ChatsPerClaim is the most chats one transaction takes; default 8.
	// A worker takes its share of the chats the last claim found due (one
	// each at rest, so that chats are spread over the workers; several
	// under a backlog, so that one commit serves several updates).
	ChatsPerClaim int
	// MaxBatch is the most updates one transaction processes (each in a
	// savepoint of its own); default 32.
	MaxBatch int
	// Linger is how long a worker woken by a new update waits before it
	// claims, so that the updates of a burst are taken in a few
	// transactions rather than one each; default 3 ms, negative for none.
	Linger time.Duration
	// BatchTime stops a transaction from taking more updates once its
	// handlers have run this long, so that its replies are not held back;
	// default 50 ms.
	BatchTime time.Duration
	// Retention is how long processed updates are kept (they catch
	// Telegram's retries of an update by its update_id); default 48 h.
	// ParkedRetention is the same for parked updates; default 6 days. Both
	// must stay under a week: after a quiet week Telegram may number
	// updates anew, and an old row would swallow a new update as a
	// duplicate.
	Retention, ParkedRetention time.Duration
	// PurgeEvery is how often Run purges old updates; default 10 min, and
	// negative turns the purge off (another process runs it).
	PurgeEvery time.Duration
	// AfterCommit, if set, runs after an update's transaction commits
	// (delivery.Outbox.AfterCommit sends the replies it queued).
	AfterCommit func(ctx context.Context, chatID int64)
	// OnParked, if set, hears each update parked after repeated failures,
	// after that is recorded (the bot tells the user to try again).
	OnParked func(ctx context.Context, u postgres.InboxUpdate)
	// OnHandled, if set, hears each handler run: the update's kind, how
	// long it took and its error (metrics).
	OnHandled func(kind string, took time.Duration, err error)
	// OnCommitted, if set, hears how many updates each committed
	// transaction processed (metrics).
	OnCommitted func(n int)
	// Now is the clock of retry times; default time.Now.
	Now func() time.Time
	// Logger reports failures and parked updates; default slog.Default().
	Logger *slog.Logger
}

func (o DispatcherOptions) withDefaults() DispatcherOptions {
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.HandlerTimeout <= 0 {
		o.HandlerTimeout = 30 * time.Second
	}
	if o.ChatsPerClaim <= 0 {
		o.ChatsPerClaim = 8
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 32
	}
	if o.Linger == 0 {
		o.Linger = 3 * time.Millisecond
	}
	if o.BatchTime <= 0 {
		o.BatchTime = 50 * time.Millisecond
	}
	if o.Retention <= 0 {
		o.Retention = 48 * time.Hour
	}
	if o.ParkedRetention <= 0 {
		o.ParkedRetention = 6 * 24 * time.Hour
	}
	if o.PurgeEvery == 0 {
		o.PurgeEvery = 10 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Dispatcher processes committed updates. A worker's transaction claims a
// few due chats from inbox_chats (each held by an advisory lock, so no
// other worker of any replica takes it meanwhile) and runs each chat's
// pending updates in update_id order; then one statement marks the
// processed updates done, records the failed attempts and files the chats
// again (idle, or due at their head's retry time), and the transaction
// commits. A handler's writes, the replies it queued and the "processed"
// mark thus commit together; a crash anywhere before the commit leaves the
// updates pending, to be processed again from scratch, with nothing of the
// failed attempt persisting.
//
// Handlers run without savepoints (a round trip each saved) until one
// fails: then the whole transaction is rolled back and the batch is run
// again "carefully", each update in a savepoint of its own, so that the
// failure rolls back only its own writes and is recorded. Its chat waits for
// the retry; after MaxAttempts the update is parked and the chat moves on.
type Dispatcher struct {
	store   DispatchStore
	handler Handler
	pool    *pgxpool.Pool // for LISTEN; nil means polling only
	opts    DispatcherOptions

	wake      chan struct{} // one token wakes one idle worker
	lingering atomic.Bool   // a woken worker is gathering a burst
	due       atomic.Int64  // chats due at the last claim; -1 before any
	held      atomic.Int64  // chats held by this process's transactions
}

// NewDispatcher returns a dispatcher of store's inbox to h. With a pool,
// workers wake on the inbox's NOTIFY as soon as an update is committed.
func NewDispatcher(store DispatchStore, h Handler, pool *pgxpool.Pool, opts DispatcherOptions) *Dispatcher {
	opts = opts.withDefaults()
	d := &Dispatcher{store: store, handler: h, pool: pool, opts: opts, wake: make(chan struct{}, opts.Workers)}
	d.due.Store(-1)
	return d
}

// Run processes updates, and purges old ones every PurgeEvery, until ctx
// ends. Database outages are waited out.
func (d *Dispatcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	if d.pool != nil {
		wg.Add(1)
		go func() { defer wg.Done(); d.listen(ctx) }()
	}
	if d.opts.PurgeEvery > 0 {
		wg.Add(1)
		go func() { defer wg.Done(); d.purgeLoop(ctx) }()
	}
	for i := 0; i < d.opts.Workers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); d.work(ctx) }()
	}
	wg.Wait()
	return nil
}

func (d *Dispatcher) work(ctx context.Context) {
	fails := 0
	for ctx.Err() == nil {
		more, err := d.runOnce(ctx)
		if err != nil && ctx.Err() == nil {
			fails++
			delay := backoff.Exp(100*time.Millisecond, 2*time.Second, fails)
			if fails == 1 || fails%20 == 0 {
				d.opts.Logger.Warn("inbox: dispatch failed; retrying", "err", err, "delay", delay)
			}
			sleep(ctx, delay)
			continue
		}
		fails = 0
		if more {
			continue
		}
		// Idle until woken: updates committed meanwhile have left a
		// token (NOTIFY), and retries come due by the poll.
		t := time.NewTimer(d.opts.PollInterval)
		select {
		case <-ctx.Done():
		case <-d.wake:
			// One woken worker gathers the burst; the notifications
			// that come meanwhile wake nobody else (see notified).
			if d.opts.Linger > 0 && d.lingering.CompareAndSwap(false, true) {
				sleep(ctx, d.opts.Linger)
				d.lingering.Store(false)
			}
		case <-t.C:
		}
		t.Stop()
	}
}

// batch is what one transaction did.
type batch struct {
	done     []int64
	failed   []postgres.UpdateFailure
	outcomes []postgres.ChatOutcome
	errs     map[int64]error // the handler errors of failed, by update id
	updates  map[int64]postgres.InboxUpdate
	leftover bool    // a chat was left with updates due now
	again    []int64 // chats that got an update while held (still due)
}

// handlerFailed ends an optimistic transaction in which a handler failed.
type handlerFailed struct {
	updateID int64
	err      error
}

func (e *handlerFailed) Error() string {
	return fmt.Sprintf("update %d failed: run the batch again with savepoints: %v", e.updateID, e.err)
}

// RunOnce processes the pending updates of a few due chats in one
// transaction, if any chat is due, and reports whether it claimed one.
func (d *Dispatcher) RunOnce(ctx context.Context) (bool, error) {
	r, err := d.once(ctx)
	return r.claimed, err
}

// runOnce is RunOnce for the workers: it reports whether more work may be
// due at once (the claim was full, a chat was left with updates due, or a
// chat got an update while this transaction held it, which no other worker
// could claim meanwhile).
func (d *Dispatcher) runOnce(ctx context.Context) (bool, error) {
	r, err := d.once(ctx)
	return r.more, err
}

// txResult is what one transaction of RunOnce found.
type txResult struct {
	claimed bool // it held at least one chat
	more    bool // more work may be due at once
}

func (d *Dispatcher) once(ctx context.Context) (txResult, error) {
	r, err := d.runTx(ctx, nil)
	var hf *handlerFailed
	if errors.As(err, &hf) {
		// The failed call was the attempt: the careful run records it
		// without calling the handler again.
		r, err = d.runTx(ctx, map[int64]error{hf.updateID: hf.err})
	}
	return r, err
}

// runTx is one transaction of RunOnce. With known failures (non-nil, maybe
// empty) it runs carefully: each update in a savepoint, the known failures
// recorded without a call.
func (d *Dispatcher) runTx(ctx context.Context, known map[int64]error) (txResult, error) {
	var (
		chats []postgres.InboxChat
		b     batch
		spare int64 // due chats left that nobody here held, at the claim
	)
	limit := d.claimSize()
	err := d.store.InTx(ctx, func(ctx context.Context) error {
		var (
			err error
			due int
		)
		chats, due, err = d.store.ClaimChats(ctx, d.opts.Now(), limit, d.opts.MaxBatch)
		if err != nil {
			return err
		}
		d.due.Store(int64(due))
		if len(chats) == 0 {
			return nil
		}
		spare = int64(due) - d.held.Add(int64(len(chats)))
		defer d.held.Add(-int64(len(chats)))
		if spare > 0 {
			// Another worker takes the chats left while this one works,
			// rather than after this commit.
			d.Wake()
		}
		b, err = d.process(ctx, chats, known)
		if err != nil {
			return err
		}
		b.again, err = d.store.FinishChats(ctx, b.done, b.failed, b.outcomes)
		return err
	})
	r := txResult{claimed: len(chats) > 0}
	var hf *handlerFailed
	if len(chats) == 0 || errors.As(err, &hf) {
		return r, err
	}
	if err != nil {
		if ctx.Err() != nil || len(b.failed) == 0 {
			return r, err
		}
		// The transaction itself broke (a handler's timeout killed the
		// connection, say): nothing of it persists, so record the failed
		// attempts on their own, so that a handler that always hangs is
		// parked in the end; the other updates are simply tried again.
		for _, f := range b.failed {
			if ferr := d.store.MarkUpdateFailed(ctx, f.UpdateID, f.Cause, f.Next, f.Park); ferr != nil {
				return r, errors.Join(err, ferr)
			}
		}
		r.more = true
	} else {
		// More chats were left than the worker woken for them takes (a
		// claim as large as this one): a backlog, which this worker goes on
		// with at once. A
		// worker that went on whenever a chat was left (the woken one taking
		// it too) made one claim in three find nothing at 500 updates/s.
		r.more = b.leftover || len(b.again) > 0 || (len(chats) == limit && spare > int64(limit))
		if d.opts.AfterCommit != nil {
			for _, c := range chats {
				d.opts.AfterCommit(ctx, c.ChatID)
			}
		}
		if d.opts.OnCommitted != nil {
			d.opts.OnCommitted(len(b.done))
		}
	}
	for _, f := range b.failed {
		u := b.updates[f.UpdateID]
		// The update's own strings are cut out of the cause: its text and
		// sender are not for the logs.
		cause := redactCause(b.errs[f.UpdateID].Error(), u.Payload)
		if f.Park {
			d.opts.Logger.Error("inbox: update parked after repeated failures", "update_id", u.UpdateID,
				"chat", u.ChatID, "kind", u.Kind, "attempts", u.Attempts+1, "err", cause)
			if d.opts.OnParked != nil {
				d.opts.OnParked(ctx, u)
			}
		} else {
			d.opts.Logger.Warn("inbox: update failed; will retry", "update_id", u.UpdateID,
				"chat", u.ChatID, "kind", u.Kind, "attempt", u.Attempts+1, "err", cause)
		}
	}
	return r, nil
}

// claimSize is how many chats a transaction takes: a worker's share of
// the chats the last claim found due (those being processed included),
// within 1..ChatsPerClaim; ChatsPerClaim before any claim. At rest that is
// one, so that the chats of a burst are spread over the workers; under a
// backlog several, so that a claim, a finish and a commit serve several
// updates. BatchTime still ends a transaction whose handlers are slow.
func (d *Dispatcher) claimSize() int {
	due := int(d.due.Load())
	if due < 0 {
		return d.opts.ChatsPerClaim
	}
	return max(1, min(d.opts.ChatsPerClaim, (due+d.opts.Workers-1)/d.opts.Workers))
}

// process runs the claimed chats' updates and says what to record. Not
// careful (known is nil), it returns a *handlerFailed at the first handler
// failure.
func (d *Dispatcher) process(ctx context.Context, chats []postgres.InboxChat, known map[int64]error) (batch, error) {
	careful := known != nil
	b := batch{errs: map[int64]error{}, updates: map[int64]postgres.InboxUpdate{}}
	start, n := time.Now(), 0
	for _, c := range chats {
		out := postgres.ChatOutcome{ChatID: c.ChatID, Seq: c.Seq, Due: d.opts.Now()}
		stopped, untouched := false, true
		for _, u := range c.Updates {
			if n > 0 && (n >= d.opts.MaxBatch || time.Since(start) >= d.opts.BatchTime) {
				// Due again now: a chat cut short goes behind the chats
				// waiting; one not reached keeps its place (no outcome).
				stopped, b.leftover = true, true
				break
			}
			untouched = false
			if now := d.opts.Now(); u.NextAttemptAt.After(now) {
				out.Due, stopped = u.NextAttemptAt, true
				break
			}
			n++
			hErr, wasKnown := known[u.UpdateID]
			switch {
			case wasKnown:
			case careful:
				hErr = d.store.InSavepoint(ctx, func(ctx context.Context) error { return d.handle(ctx, u) })
			default:
				hErr = d.handle(ctx, u)
			}
			if ctx.Err() != nil {
				return b, ctx.Err()
			}
			if hErr == nil {
				b.done = append(b.done, u.UpdateID)
				continue
			}
			if !careful {
				return b, &handlerFailed{updateID: u.UpdateID, err: hErr}
			}
			next, park := d.retryTime(u.Attempts + 1)
			b.failed = append(b.failed, postgres.UpdateFailure{UpdateID: u.UpdateID, Cause: hErr.Error(), Next: next, Park: park})
			b.errs[u.UpdateID], b.updates[u.UpdateID] = hErr, u
			if !wasKnown {
				// A handler that timed out may have broken the
				// transaction: then stop, so that the updates after it
				// are not charged with its failure.
				if err := d.store.InSavepoint(ctx, func(context.Context) error { return nil }); err != nil {
					return b, fmt.Errorf("transaction broken after update %d: %w", u.UpdateID, err)
				}
			}
			if !park {
				out.Due, stopped = next, true
				break
			}
		}
		out.Idle = !stopped && c.Complete
		if !stopped && !c.Complete {
			b.leftover = true
		}
		if stopped && untouched {
			continue
		}
		b.outcomes = append(b.outcomes, out)
	}
	return b, nil
}

// retryTime is when the attempt-th failure is tried again, or park.
func (d *Dispatcher) retryTime(attempt int) (time.Time, bool) {
	if attempt >= d.opts.MaxAttempts {
		return d.opts.Now(), true
	}
	delay := min(d.opts.Backoff<<min(attempt-1, 20), d.opts.MaxBackoff)
	return d.opts.Now().Add(delay), false
}

// handle decodes the update and runs the handler, turning a panic into an
// error.
func (d *Dispatcher) handle(ctx context.Context, u postgres.InboxUpdate) (err error) {
	var upd models.Update
	if err := json.Unmarshal(u.Payload, &upd); err != nil {
		return fmt.Errorf("decode update %d: %w", u.UpdateID, err)
	}
	ctx, cancel := context.WithTimeout(ctx, d.opts.HandlerTimeout)
	defer cancel()
	began := time.Now()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panic: %v\n%s", r, debug.Stack())
		}
		if d.opts.OnHandled != nil {
			d.opts.OnHandled(u.Kind, time.Since(began), err)
		}
	}()
	return d.handler.Handle(ctx, &upd)
}

// Purge deletes processed updates older than Retention and parked ones
// older than ParkedRetention; Run calls it every PurgeEvery.
func (d *Dispatcher) Purge(ctx context.Context) (int64, error) {
	now := d.opts.Now()
	return d.store.PurgeUpdates(ctx, now.Add(-d.opts.Retention), now.Add(-d.opts.ParkedRetention))
}

func (d *Dispatcher) purgeLoop(ctx context.Context) {
	// Replicas started together spread their purges out.
	sleep(ctx, time.Duration(rand.Int64N(int64(min(d.opts.PurgeEvery, time.Minute)))))
	for ctx.Err() == nil {
		n, err := d.Purge(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			d.opts.Logger.Warn("inbox: purge of old updates failed", "err", err)
		case n > 0:
			d.opts.Logger.Info("inbox: purged old updates", "n", n)
		}
		sleep(ctx, d.opts.PurgeEvery)
	}
}

// Wake makes one idle worker look for updates now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// notified hears that updates were committed: it wakes a worker unless one
// is about to claim anyway.
func (d *Dispatcher) notified() {
	if !d.lingering.Load() {
		d.Wake()
	}
}

// listen wakes workers on each NOTIFY of the inbox channel, reconnecting
// after database outages.
func (d *Dispatcher) listen(ctx context.Context) {
	for ctx.Err() == nil {
		err := d.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		d.opts.Logger.Debug("inbox: listener lost; reconnecting", "err", err)
		d.Wake() // something may have been missed
		sleep(ctx, 500*time.Millisecond)
	}
}

func (d *Dispatcher) listenOnce(ctx context.Context) error {
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer func() {
		// The connection is LISTENing: close it rather than return it.
		conn.Conn().Close(context.WithoutCancel(ctx))
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+postgres.InboxChannel); err != nil {
		return err
	}
	d.Wake()
	for {
		if _, err := conn.Conn().WaitForNotification(ctx); err != nil {
			return err
		}
		d.notified()
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
