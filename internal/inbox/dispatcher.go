package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/postgres"
)

// DispatchStore is what the dispatcher needs of the store (*postgres.DB).
type DispatchStore interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	InSavepoint(ctx context.Context, fn func(ctx context.Context) error) error
	ClaimUpdate(ctx context.Context, now time.Time) (postgres.InboxUpdate, bool, error)
	MarkUpdateDone(ctx context.Context, updateID int64) error
	MarkUpdateFailed(ctx context.Context, updateID int64, cause string, next time.Time, park bool) error
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
	// AfterCommit, if set, runs after an update's transaction commits
	// (delivery.Outbox.AfterCommit sends the replies it queued).
	AfterCommit func(ctx context.Context, chatID int64)
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
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Dispatcher processes committed updates. Each update runs as one
// transaction: claim the chat's oldest pending update (row lock, SKIP
// LOCKED, so no other worker of any replica takes that chat meanwhile),
// run the handler in a savepoint, mark the update done, commit. A crash
// anywhere before the commit leaves the update pending, to be processed
// again from scratch; nothing of the failed attempt persists. A handler
// error rolls back the savepoint and records the attempt; after
// MaxAttempts the update is parked and its chat moves on.
type Dispatcher struct {
	store   DispatchStore
	handler Handler
	pool    *pgxpool.Pool // for LISTEN; nil means polling only
	opts    DispatcherOptions

	wake chan struct{} // one token wakes one idle worker
}

// NewDispatcher returns a dispatcher of store's inbox to h. With a pool,
// workers wake on the inbox's NOTIFY as soon as an update is committed.
func NewDispatcher(store DispatchStore, h Handler, pool *pgxpool.Pool, opts DispatcherOptions) *Dispatcher {
	opts = opts.withDefaults()
	return &Dispatcher{store: store, handler: h, pool: pool, opts: opts, wake: make(chan struct{}, opts.Workers)}
}

// Run processes updates until ctx ends. Database outages are waited out.
func (d *Dispatcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	if d.pool != nil {
		wg.Add(1)
		go func() { defer wg.Done(); d.listen(ctx) }()
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
		did, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			fails++
			delay := min(50*time.Millisecond<<min(fails, 6), 2*time.Second)
			if fails == 1 || fails%20 == 0 {
				d.opts.Logger.Warn("inbox: dispatch failed; retrying", "err", err, "delay", delay)
			}
			sleep(ctx, delay)
			continue
		}
		fails = 0
		if did {
			// There may be more: bring one more worker in, so a burst
			// fans out over the pool without every commit waking all.
			d.Wake()
			continue
		}
		t := time.NewTimer(d.opts.PollInterval)
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunOnce processes one update if one is ready and reports whether it did.
func (d *Dispatcher) RunOnce(ctx context.Context) (bool, error) {
	var (
		u      postgres.InboxUpdate
		found  bool
		hErr   error
		parked bool
	)
	err := d.store.InTx(ctx, func(ctx context.Context) error {
		var err error
		u, found, err = d.store.ClaimUpdate(ctx, d.opts.Now())
		if err != nil || !found {
			return err
		}
		hErr = d.store.InSavepoint(ctx, func(ctx context.Context) error {
			if err := d.handle(ctx, u); err != nil {
				return err
			}
			return d.store.MarkUpdateDone(ctx, u.UpdateID)
		})
		if hErr == nil || ctx.Err() != nil {
			return hErr
		}
		var next time.Time
		next, parked = d.retryTime(u.Attempts + 1)
		return d.store.MarkUpdateFailed(ctx, u.UpdateID, hErr.Error(), next, parked)
	})
	if !found {
		return false, err
	}
	if err != nil && hErr != nil && ctx.Err() == nil {
		// The transaction itself broke (the handler's timeout killed the
		// connection, say): record the attempt on its own so a handler
		// that always hangs is parked in the end.
		next, park := d.retryTime(u.Attempts + 1)
		parked = park
		if ferr := d.store.MarkUpdateFailed(ctx, u.UpdateID, hErr.Error(), next, park); ferr != nil {
			return true, errors.Join(err, ferr)
		}
		err = nil
	}
	if err != nil {
		return true, err
	}
	switch {
	case hErr == nil:
		if d.opts.AfterCommit != nil {
			d.opts.AfterCommit(ctx, u.ChatID)
		}
	case parked:
		d.opts.Logger.Error("inbox: update parked after repeated failures", "update_id", u.UpdateID,
			"chat", u.ChatID, "kind", u.Kind, "attempts", u.Attempts+1, "err", hErr)
	default:
		d.opts.Logger.Warn("inbox: update failed; will retry", "update_id", u.UpdateID,
			"chat", u.ChatID, "attempt", u.Attempts+1, "err", hErr)
	}
	return true, nil
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
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panic: %v\n%s", r, debug.Stack())
		}
	}()
	return d.handler.Handle(ctx, &upd)
}

// Wake makes one idle worker look for updates now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
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
		d.Wake()
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
