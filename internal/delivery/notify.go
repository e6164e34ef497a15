package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
)

// NotifyQueue is the River queue notification jobs run on.
const NotifyQueue = "notify"

// SlowQueue is the River queue of the notifications whose rendering is
// heavy (Scheduler.Slow): few of them run at once (RiverOptions.SlowWorkers),
// so that a hundred digests falling due together read their data and draw
// their charts one or two at a time instead of all at once on NotifyQueue's
// hundred workers, and never hold the workers that reminders need.
const SlowQueue = "notify_slow"

// NotifyArgs is the River job of one notification. Key (the DedupKey) makes
// it unique: scheduling the same notification twice inserts one job.
type NotifyArgs struct {
	N   Notification `json:"n"`
	Key string       `json:"key" river:"unique"`
}

// Kind is the River job kind.
func (NotifyArgs) Kind() string { return "notification" }

// InsertOpts puts notifications on their queue, unique by Key while a job
// for it is waiting, running or completed.
func (NotifyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: NotifyQueue, MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Renderer builds a notification's message at send time, from the state of
// then. skip drops the notification (it no longer applies: the follow-up
// was done, the customer left); an error retries it later.
type Renderer func(ctx context.Context, n Notification) (msg Message, skip bool, err error)

// NotifyStore is what notifications need of the store (*postgres.DB).
type NotifyStore interface {
	StaffByID(ctx context.Context, id int64) (crm.Staff, error)
	BeginSends(ctx context.Context, begins []postgres.SendBegin) ([]postgres.SendStart, error)
	FinishSends(ctx context.Context, outcomes []postgres.SendOutcome) error
	AbandonSend(ctx context.Context, dedupKey string) error
	KnownBotMessage(ctx context.Context, chatID, messageID int64) (bool, error)
	MarkUnreachable(ctx context.Context, chatID int64, reason string) error
}

// Notifier schedules notifications as River jobs and works them: quiet
// hours, rendering, one send per DedupKey recorded in the sends table, 429
// snoozed until retry_after, 5xx and network errors retried by River with
// backoff, 403 marking the chat unreachable with no retry.
//
// Each notification's record is written twice: 'sending' (with the
// chat's message floor) before its Bot API call, so that a worker killed
// during the call leaves it visibly ambiguous and the retry probes
// instead of sending again, and its outcome once Telegram answered. The
// workers' records of the same moment are written together (a batcher: one
// statement for every begin, one for every outcome, instead of one each),
// and each worker goes on only once its own is committed.
type Notifier struct {
	store     NotifyStore
	sender    *Sender
	now       func() time.Time
	logger    *slog.Logger
	renderers map[string]Renderer
	begins    *batcher[postgres.SendBegin, postgres.SendStart]
	outcomes  *batcher[postgres.SendOutcome, struct{}]

	refused atomic.Int64 // notifications Telegram refused
}

// The notifier's batches of sends records: at most sendBatchMax records a
// statement, sendBatchFlights statements of each kind at once.
const (
	sendBatchMax     = 200
	sendBatchFlights = 2
)

// Refused counts the notifications Telegram refused since start (a bug of
// ours: the message is never retried).
func (n *Notifier) Refused() int64 { return n.refused.Load() }

// NewNotifier returns the sending side of notifications: its Worker sends
// each notification job through sender, building the message with the
// renderer of its kind (kinds without one send Notification.Message as
// is). now is the clock of quiet hours (nil: time.Now); logger may be nil.
func NewNotifier(store NotifyStore, sender *Sender, now func() time.Time, logger *slog.Logger, renderers map[string]Renderer) *Notifier {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	rs := make(map[string]Renderer, len(renderers))
	for k, r := range renderers {
		rs[k] = r
	}
	n := &Notifier{store: store, sender: sender, now: now, logger: logger, renderers: rs}
	n.begins = &batcher[postgres.SendBegin, postgres.SendStart]{
		run: func(ctx context.Context, bs []postgres.SendBegin) ([]postgres.SendStart, []error) {
			starts, err := store.BeginSends(ctx, bs)
			return starts, repeatErr(err, len(bs))
		},
		key: func(b postgres.SendBegin) string { return b.DedupKey },
		max: sendBatchMax, flights: sendBatchFlights,
	}
	n.outcomes = &batcher[postgres.SendOutcome, struct{}]{
		run: func(ctx context.Context, outs []postgres.SendOutcome) ([]struct{}, []error) {
			return nil, repeatErr(store.FinishSends(ctx, outs), len(outs))
		},
		key: func(o postgres.SendOutcome) string { return o.DedupKey },
		max: sendBatchMax, flights: sendBatchFlights,
	}
	return n
}

// repeatErr is err for each of n requests (nil when err is).
func repeatErr(err error, n int) []error {
	if err == nil {
		return nil
	}
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// finish records a notification's outcome (with the other workers' of the
// moment) and returns once it is committed.
func (n *Notifier) finish(ctx context.Context, no Notification, status string, messageID int64, cause string) error {
	_, err := n.outcomes.do(ctx, postgres.SendOutcome{DedupKey: no.DedupKey, ChatID: no.ChatID, Kind: no.Kind, Status: status, MessageID: messageID, Cause: cause})
	return err
}

// Scheduler is the planning side of notifications: it inserts their jobs
// with an insert-only River client, so it can be built before the bot
// whose renderers the worker needs (no client to attach afterwards).
type Scheduler struct {
	client *river.Client[pgx.Tx]
	kinds  map[string]bool
	slow   map[string]bool
}

// NewScheduler returns a scheduler inserting with client (an insert-only
// River client does: NewInsertOnlyRiver). kinds are the notification kinds
// a renderer will build; any other kind must carry its Message.
func NewScheduler(client *river.Client[pgx.Tx], kinds ...string) *Scheduler {
	s := &Scheduler{client: client, kinds: map[string]bool{}, slow: map[string]bool{}}
	for _, k := range kinds {
		s.kinds[k] = true
	}
	return s
}

// Slow puts the notifications of kinds on SlowQueue from now on: kinds
// whose rendering takes much memory or CPU (the digest's chart). Call it
// while wiring, before the first Schedule; it returns s.
func (s *Scheduler) Slow(kinds ...string) *Scheduler {
	for _, k := range kinds {
		s.slow[k] = true
	}
	return s
}

// Queue is the River queue a notification of kind goes on.
func (s *Scheduler) Queue(kind string) string {
	if s.slow[kind] {
		return SlowQueue
	}
	return NotifyQueue
}

// NewInsertOnlyRiver returns a River client that only inserts jobs (no
// queues, no workers), for a Scheduler.
func NewInsertOnlyRiver(pool *pgxpool.Pool) (*river.Client[pgx.Tx], error) {
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("river insert client: %w", err)
	}
	return c, nil
}

// Schedule inserts the notification's job in the transaction ctx carries,
// to run at its Due time; it commits or rolls back with the change that
// caused it. A second notification with the same DedupKey is ignored.
func (s *Scheduler) Schedule(ctx context.Context, no Notification) error {
	if no.DedupKey == "" || no.ChatID == 0 || no.Kind == "" {
		return errors.New("schedule notification: kind, chat_id and dedup_key are required")
	}
	if !s.kinds[no.Kind] && no.Message == nil {
		return fmt.Errorf("schedule notification: no renderer for kind %q and no message", no.Kind)
	}
	tx, ok := postgres.TxFrom(ctx)
	if !ok {
		return errors.New("schedule notification: no transaction in context")
	}
	_, err := s.client.InsertTx(ctx, tx, NotifyArgs{N: no, Key: no.DedupKey}, &river.InsertOpts{Queue: s.Queue(no.Kind), ScheduledAt: no.Due})
	if err != nil {
		return fmt.Errorf("schedule notification %s: %w", no.DedupKey, err)
	}
	return nil
}

// Worker returns the River worker of notification jobs.
func (n *Notifier) Worker() river.Worker[NotifyArgs] { return &notifyWorker{n: n} }

type notifyWorker struct {
	river.WorkerDefaults[NotifyArgs]
	n *Notifier
}

// Timeout leaves room for a 429 wait inside Send.
func (w *notifyWorker) Timeout(*river.Job[NotifyArgs]) time.Duration { return 90 * time.Second }

func (w *notifyWorker) Work(ctx context.Context, job *river.Job[NotifyArgs]) error {
	return w.n.deliver(ctx, job.Args.N)
}

// HoldUntil is when a notification may go: now, or with QuietHours for a
// staff member, the start of their next working span.
func (n *Notifier) HoldUntil(ctx context.Context, no Notification) (time.Time, error) {
	now := n.now()
	if no.Due.After(now) {
		now = no.Due
	}
	if !no.QuietHours || no.StaffID == 0 {
		return now, nil
	}
	s, err := n.store.StaffByID(ctx, no.StaffID)
	if err != nil {
		var ce *crm.Error
		if errors.As(err, &ce) && ce.Code == crm.ENotFound {
			return now, nil
		}
		return now, err
	}
	return s.Hours().NextWorkingTime(now, s.Location()), nil
}

func (n *Notifier) deliver(ctx context.Context, no Notification) error {
	hold, err := n.HoldUntil(ctx, no)
	if err != nil {
		return err
	}
	if wait := hold.Sub(n.now()); wait > 0 {
		return river.JobSnooze(wait)
	}
	render := n.renderers[no.Kind]
	var msg Message
	switch {
	case render != nil:
		m, skip, err := render(ctx, no)
		if err != nil {
			return fmt.Errorf("render %s: %w", no.Kind, err)
		}
		if skip {
			return n.finish(ctx, no, "skipped", 0, "")
		}
		msg = m
	case no.Message != nil:
		msg = *no.Message
	default:
		return river.JobCancel(fmt.Errorf("no renderer for kind %q", no.Kind))
	}
	if msg.ChatID == 0 {
		msg.ChatID = no.ChatID
	}
	start, err := n.begins.do(ctx, postgres.SendBegin{DedupKey: no.DedupKey, ChatID: no.ChatID, Kind: no.Kind})
	if err != nil {
		return err
	}
	prev, found := start.Prev, start.Found
	if found && prev.Status != "sending" {
		return nil // already sent (or final): never twice
	}
	if start.Unreachable {
		return n.finish(ctx, no, "unreachable", 0, "chat is unreachable")
	}
	if found && counted(msg.Method) { // an earlier attempt's outcome is unknown
		id, ok, err := n.sender.Probe(ctx, no.ChatID, prev.ProbeFloor, msg.InlineMarkup(), func(ctx context.Context, id int64) (bool, error) {
			known, err := n.store.KnownBotMessage(ctx, no.ChatID, id)
			return !known, err
		})
		if err != nil && !IsUnreachable(err) {
			return err
		}
		if ok {
			return n.finish(ctx, no, "sent", id, "")
		}
	}
	sent, err := n.sender.send(ctx, msg, true, false)
	bg := context.WithoutCancel(ctx)
	switch {
	case err == nil:
		return n.finish(bg, no, "sent", sent.MessageID, "")
	case IsUnreachable(err):
		if err := n.store.MarkUnreachable(bg, no.ChatID, err.Error()); err != nil {
			return err
		}
		return n.finish(bg, no, "unreachable", 0, err.Error())
	case IsAmbiguous(err) || ctx.Err() != nil:
		return err // stays 'sending': the retry probes first
	case RetryAfter(err) > 0:
		if aerr := n.store.AbandonSend(bg, no.DedupKey); aerr != nil {
			return aerr
		}
		return river.JobSnooze(RetryAfter(err))
	case IsTemporary(err):
		if aerr := n.store.AbandonSend(bg, no.DedupKey); aerr != nil {
			return aerr
		}
		return err
	default:
		n.refused.Add(1)
		n.logger.Error("notification refused by telegram", "kind", no.Kind, "method", msg.Method, "dedup_key", no.DedupKey, "err", err)
		if ferr := n.finish(bg, no, "failed", 0, err.Error()); ferr != nil {
			return ferr
		}
		return river.JobCancel(err)
	}
}
