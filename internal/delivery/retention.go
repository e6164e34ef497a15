package delivery

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/telecrm/crmbot/internal/postgres"
)

// RetentionStore is what the retention purge needs of the store
// (*postgres.DB).
type RetentionStore interface {
	PurgeDelivery(ctx context.Context, c postgres.DeliveryCutoffs) (postgres.DeliveryPurged, error)
	Now() time.Time
}

// RetentionOptions say how long the outbound path keeps what it no longer
// needs. Zero values take the defaults.
type RetentionOptions struct {
	// ScrubAfter is how long a finished reply keeps its text (customer data
	// included) before its payload is cut down to its Ref; default 1 h,
	// time enough to look at a reply Telegram refused. Nothing else reads a
	// finished reply's payload.
	ScrubAfter time.Duration
	// Replies is how long a finished reply is kept; default 48 h. Its
	// message id outlives it in message_floor. An edit by Ref of a reply
	// deleted by then sends a new message instead (editMessageText) or is
	// dropped (a keyboard strip); the flows that edit by Ref live 24 h from
	// their last step.
	Replies time.Duration
	// Sends is how long a notification's final record is kept; default 30
	// days. The record is what stops a job scheduled again for the same
	// DedupKey once River has cleaned the first job (completed jobs after
	// 24 h, discarded ones after 7 days; one job's 25 attempts span about
	// 20 days), so it must outlast that and any window in which a cause
	// schedules the same key again (an important date's two days; a
	// reminder's key carries its due time, an escalation's is marked in
	// the same transaction). Records hold ids, kinds and Telegram's
	// answers, no message text.
	Sends time.Duration
	// PacingIdle is how long after its spacing ended a chat's pacing row
	// is kept; default 1 h (a passed row books as a missing one).
	PacingIdle time.Duration
	// MaxRun bounds one RunOnce; what is left waits for the next run.
	// Default 30 s (a River job's timeout is a minute).
	MaxRun time.Duration
	// Logger hears what was purged; default slog.Default().
	Logger *slog.Logger
}

func (o RetentionOptions) withDefaults() RetentionOptions {
	if o.ScrubAfter <= 0 {
		o.ScrubAfter = time.Hour
	}
	if o.Replies <= 0 {
		o.Replies = 48 * time.Hour
	}
	if o.Sends <= 0 {
		o.Sends = 30 * 24 * time.Hour
	}
	if o.PacingIdle <= 0 {
		o.PacingIdle = time.Hour
	}
	if o.MaxRun <= 0 {
		o.MaxRun = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Retention purges the outbound path's tables: finished replies lose their
// text after ScrubAfter and go after Replies, notification records after
// Sends, idle pacing rows after PacingIdle (postgres.DB.PurgeDelivery says
// what is always kept so that no reply or notification is ever sent twice
// or lost). Run RunOnce periodically on one replica (River's leader); it is
// safe anywhere and concurrently.
type Retention struct {
	store RetentionStore
	opts  RetentionOptions
}

// NewRetention returns the purge of store's outbound tables.
func NewRetention(store RetentionStore, opts RetentionOptions) *Retention {
	return &Retention{store: store, opts: opts.withDefaults()}
}

// RunOnce purges once, for at most MaxRun, and reports what it did.
func (r *Retention) RunOnce(ctx context.Context) (postgres.DeliveryPurged, error) {
	now := r.store.Now()
	rctx, cancel := context.WithTimeout(ctx, r.opts.MaxRun)
	defer cancel()
	p, err := r.store.PurgeDelivery(rctx, postgres.DeliveryCutoffs{
		ScrubBefore:   now.Add(-r.opts.ScrubAfter),
		RepliesBefore: now.Add(-r.opts.Replies),
		SendsBefore:   now.Add(-r.opts.Sends),
		PacingIdle:    r.opts.PacingIdle,
	})
	if err != nil && ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded) {
		err = nil // out of time: the next run goes on
	}
	if p != (postgres.DeliveryPurged{}) {
		r.opts.Logger.Info("delivery: purged old rows", "replies_scrubbed", p.Scrubbed, "replies", p.Replies,
			"sends", p.Sends, "chat_pacing", p.Pacing)
	}
	return p, err
}
