package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/backoff"
	"github.com/telecrm/crmbot/internal/postgres"
)

// PollerLockKey is the advisory lock the polling leader holds: only one
// process may call getUpdates at a time.
const PollerLockKey int64 = 0x63726d706f6c6c // "crmpoll"

// leaderCheckEvery is how often a leading poller checks that its session,
// and so its lock, is still there.
const leaderCheckEvery = time.Second

// PollerStore is what the poller needs of the store (*postgres.DB).
type PollerStore interface {
	UpdateStore
}

// PollerOptions configure a Poller. Zero values take the defaults.
type PollerOptions struct {
	// Timeout is the long poll's timeout; default 25 s.
	Timeout time.Duration
	// Limit is the most updates one getUpdates returns; default 100.
	Limit int
	// AllowedUpdates is passed to getUpdates; nil keeps Telegram's choice.
	AllowedUpdates []string
	// Standby is how often a process that is not the leader tries to
	// become it; default 2 s.
	Standby time.Duration
	// OnUpdates, if set, hears how many updates each stored batch held
	// (benchmarks and tests).
	OnUpdates func(n int)
	// Logger hears leadership changes and errors; default slog.Default().
	Logger *slog.Logger
}

func (o PollerOptions) withDefaults() PollerOptions {
	if o.Timeout <= 0 {
		o.Timeout = 25 * time.Second
	}
	if o.Limit <= 0 || o.Limit > 100 {
		o.Limit = 100
	}
	if o.Standby <= 0 {
		o.Standby = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Poller long-polls getUpdates with an offset of its own: a batch is
// committed to the inbox before the next call confirms it to Telegram, so
// a crash loses nothing (the batch comes again; duplicates are dropped by
// update_id). Among replicas, only the holder of an advisory lock polls;
// the others stand by and take over when its session ends.
type Poller struct {
	api   Caller
	store PollerStore
	pool  *pgxpool.Pool
	opts  PollerOptions
}

// NewPoller returns a poller storing into store; pool holds the leader
// lock.
func NewPoller(api Caller, store PollerStore, pool *pgxpool.Pool, opts PollerOptions) *Poller {
	return &Poller{api: api, store: store, pool: pool, opts: opts.withDefaults()}
}

// Run polls while this process is the leader, and waits to become it
// otherwise, until ctx ends.
func (p *Poller) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		led, err := p.lead(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			p.opts.Logger.Warn("inbox poller: stopped leading", "err", err)
		}
		if !led || err != nil {
			sleep(ctx, p.opts.Standby)
		}
	}
	return nil
}

// lead takes the leader lock if it is free and polls while holding it.
func (p *Poller) lead(ctx context.Context) (bool, error) {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer func() {
		// Closing the session releases the lock whatever state it is in.
		conn.Conn().Close(context.WithoutCancel(ctx))
		conn.Release()
	}()
	var got bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", PollerLockKey).Scan(&got); err != nil {
		return false, err
	}
	if !got {
		return false, nil
	}
	p.opts.Logger.Info("inbox poller: leading")
	// getUpdates is refused while a webhook is set.
	if err := p.api.Call(ctx, "deleteWebhook", map[string]any{}, nil); err != nil {
		return true, fmt.Errorf("delete webhook: %w", err)
	}
	// No stored offset: Telegram keeps what we have not confirmed, and
	// confirms only below the offset we pass, so the first call without one
	// returns exactly the unconfirmed updates (duplicates of committed ones
	// are dropped by update_id). A stored offset would skip everything after
	// Telegram restarts its numbering (it does after a quiet week).
	var offset int64
	var checked time.Time
	fails := 0
	for ctx.Err() == nil {
		// The lock lives as long as the session: make sure it is still
		// there, at most once a second (an idle long poll waits longer than
		// that anyway; a busy one would otherwise check before every batch).
		if time.Since(checked) >= leaderCheckEvery {
			if _, err := conn.Exec(ctx, "SELECT 1"); err != nil {
				return true, fmt.Errorf("leader session lost: %w", err)
			}
			checked = time.Now()
		}
		next, err := p.PollOnce(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return true, nil
			}
			fails++
			delay := backoff.Exp(200*time.Millisecond, 5*time.Second, fails)
			p.opts.Logger.Warn("inbox poller: getUpdates failed", "err", err, "retry_in", delay)
			sleep(ctx, delay)
			continue
		}
		fails = 0
		offset = next
	}
	return true, nil
}

// PollOnce makes one getUpdates call from offset, commits what it returns
// and returns the offset that confirms it.
func (p *Poller) PollOnce(ctx context.Context, offset int64) (int64, error) {
	params := map[string]any{"timeout": int(p.opts.Timeout / time.Second), "limit": p.opts.Limit}
	if offset > 0 {
		params["offset"] = offset
	}
	if p.opts.AllowedUpdates != nil {
		params["allowed_updates"] = p.opts.AllowedUpdates
	}
	var raws []json.RawMessage
	if err := p.api.Call(ctx, "getUpdates", params, &raws); err != nil {
		return offset, err
	}
	if len(raws) == 0 {
		return offset, nil
	}
	ups := make([]postgres.InboxUpdate, 0, len(raws))
	next := offset
	for _, raw := range raws {
		u, err := ParseUpdate(raw)
		if err != nil {
			// Its JSON is not logged: it holds what the user wrote and who
			// they are.
			p.opts.Logger.Error("inbox poller: dropping an unreadable update", "err", err, "bytes", len(raw))
			continue
		}
		ups = append(ups, u)
		next = max(next, u.UpdateID+1)
	}
	if _, err := p.store.InsertUpdates(ctx, ups); err != nil {
		return offset, err
	}
	if p.opts.OnUpdates != nil {
		p.opts.OnUpdates(len(ups))
	}
	if next == offset && len(raws) > 0 {
		return offset, errors.New("getUpdates returned only unreadable updates")
	}
	return next, nil
}
