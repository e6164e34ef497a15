package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/telecrm/crmbot/internal/backoff"
	"github.com/telecrm/crmbot/internal/postgres"
)

// OutboxStore is what the outbox needs of the store (*postgres.DB).
type OutboxStore interface {
	InsertOutbox(ctx context.Context, chatID, updateID int64, method string, payload []byte) (int64, error)
	// InsertOutboxClaimed queues a reply and claims it at once when it is
	// the chat's head (claimed).
	InsertOutboxClaimed(ctx context.Context, chatID int64, method string, payload []byte, lease time.Duration) (postgres.OutboxRow, bool, error)
	ClaimOutbox(ctx context.Context, chatID int64, lease time.Duration) (postgres.OutboxRow, postgres.OutboxClaim, time.Time, error)
	MarkOutboxSent(ctx context.Context, id, messageID int64) error
	// MarkOutboxSentMany is MarkOutboxSent for replies of different chats
	// in one statement, reporting for each whether its chat has another
	// open reply; a positive push also pushes the chat's shared spacing to
	// push after now (Sent.ChatPush).
	MarkOutboxSentMany(ctx context.Context, marks []postgres.SentMark) ([]bool, error)
	MarkOutboxRetry(ctx context.Context, id int64, cause string, next time.Time) error
	MarkOutboxAmbiguous(ctx context.Context, id int64, cause string, next time.Time) error
	MarkOutboxFinal(ctx context.Context, id int64, status, cause string) error
	// ReleaseOutboxClaims puts replies claimed as queued, never attempted,
	// back in line.
	ReleaseOutboxClaims(ctx context.Context, ids []int64) error
	// RenewOutboxLease extends the lease of a reply being sent, when it is
	// still the claim made at attempt attempts; false when it is not.
	RenewOutboxLease(ctx context.Context, id int64, attempts int, until time.Time) (bool, error)
	OutboxChatsDue(ctx context.Context, limit int) ([]int64, error)
	KnownBotMessage(ctx context.Context, chatID, messageID int64) (bool, error)
	MarkUnreachable(ctx context.Context, chatID int64, reason string) error
	// MessageIDByRef returns the id of the chat's sent message named ref
	// (0 when there is none).
	MessageIDByRef(ctx context.Context, chatID int64, ref string) (int64, error)
	Now() time.Time
}

// OutboxOptions configure an Outbox. Zero values take the defaults.
type OutboxOptions struct {
	// Lease is how long a claimed reply is ours before another sender
	// treats it as abandoned (and probes the chat); default 8 s. A live
	// sender renews it every Lease/4 while the call is under way (however
	// long a 429 makes it wait), and gives the call up when it cannot, so
	// after a crash the chat's replies resume within Lease. Each Bot API
	// attempt is bounded by the sender's CallTimeout, which must be shorter.
	Lease time.Duration
	// SweepInterval is how often leftovers (retries, replies of a replica
	// that died) are looked for; default 1 s.
	SweepInterval time.Duration
	// Backoff is the first retry delay of a failed reply, doubled per
	// attempt up to a minute; default 1 s.
	Backoff time.Duration
	// MaxAttempts is how many failed attempts end a reply as failed;
	// default 10.
	MaxAttempts int
	// Concurrency bounds the chats flushed at once; default 64.
	Concurrency int
	// Logger hears failures; default slog.Default().
	Logger *slog.Logger
	// OnSent, if set, hears how long each reply waited from being queued
	// to Telegram's answer (metrics).
	OnSent func(queued time.Duration)
}

func (o OutboxOptions) withDefaults() OutboxOptions {
	if o.Lease <= 0 {
		o.Lease = 8 * time.Second
	}
	if o.SweepInterval <= 0 {
		o.SweepInterval = time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 64
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Outbox holds the replies handlers queue inside their update's
// transaction and sends them, each chat's in order, as soon as that
// transaction commits (AfterCommit) — or, after a crash, when the sweeper
// (Run) finds them. A reply is marked 'sending' in its own committed
// transaction before the Bot API call; if the process dies before the
// answer is recorded, the next sender probes the chat (Sender.Probe) and
// records the message it finds instead of sending it again.
//
// A reply that is its chat's head when queued is written already claimed
// ('sending', with its lease) in the update's own transaction
// (postgres.InsertOutboxClaimed), so that after the commit it is sent
// without a claim and marked sent in one statement that also says whether
// the chat has more. The durable rule is unchanged: a row is 'sending'
// under a lease before its Bot API call may begin, and a 'sending' row
// whose lease ran out is probed for before any resend. This process sends
// such a row only while less than half of its lease has run (from when it
// was queued); after that it leaves it to the takeover.
//
// A button's answer (answerCallbackQuery) is the exception: it is not
// written to the outbox but kept in memory until its transaction commits
// (postgres.OnCommit), then sent before the chat's other replies. It is
// sent at most once, never for a transaction or savepoint that rolled
// back; a crash between the commit and the call loses it, which costs
// nothing lasting (Telegram stops the button's spinner after 15 s, and the
// answer may only be sent within those 15 s anyway). The update's durable
// replies (messages, edits) still go through the outbox.
type Outbox struct {
	store  OutboxStore
	sender *Sender
	opts   OutboxOptions
	sem    chan struct{}

	mu      sync.Mutex
	dirty   map[int64]bool         // chats that queued replies in a transaction not yet committed
	running map[int64]bool         // chats being flushed
	again   map[int64]bool         // chats kicked while being flushed
	rows    map[int64]bool         // chats kicked for durable replies, not only button answers
	answers map[int64][]answer     // committed button answers waiting to be sent, by chat
	claimed map[int64][]claimedRow // committed replies claimed when queued, by chat
	wg      sync.WaitGroup
	ctx     context.Context // Run's context, for flushes it starts

	marks *batcher[postgres.SentMark, bool] // the replies sent, recorded together

	refused atomic.Int64 // replies Telegram refused
}

// The outbox's marks of replies sent: at most markBatchMax a statement,
// markBatchFlights statements at once. Each reply sent is recorded in its
// own commit at rest; under load those that finish while a statement runs
// share the next one.
const (
	markBatchMax     = 200
	markBatchFlights = 2
)

// NewOutbox returns an outbox that sends through sender.
func NewOutbox(store OutboxStore, sender *Sender, opts OutboxOptions) *Outbox {
	opts = opts.withDefaults()
	if min := 3 * sender.opts.CallTimeout / 2; opts.Lease < min {
		opts.Lease = min // no attempt may outlive the lease it was made under
	}
	return &Outbox{
		store: store, sender: sender, opts: opts,
		sem:   make(chan struct{}, opts.Concurrency),
		dirty: map[int64]bool{}, running: map[int64]bool{}, again: map[int64]bool{},
		rows: map[int64]bool{}, answers: map[int64][]answer{}, claimed: map[int64][]claimedRow{},
		marks: &batcher[postgres.SentMark, bool]{
			run: func(ctx context.Context, marks []postgres.SentMark) ([]bool, []error) {
				more, err := store.MarkOutboxSentMany(ctx, marks)
				return more, repeatErr(err, len(marks))
			},
			// A chat's marks never share a statement (each one's "more"
			// must see the other's row as it was).
			key: func(m postgres.SentMark) string { return strconv.FormatInt(m.ChatID, 10) },
			max: markBatchMax, flights: markBatchFlights,
		},
	}
}

// claimedRow is a reply claimed as it was queued, whose transaction
// committed; at is when its lease began (this process's clock).
type claimedRow struct {
	row postgres.OutboxRow
	at  time.Time
}

// answer is a button's answer whose transaction committed.
type answer struct {
	m      Message
	queued time.Time
}

// Reply queues m in the transaction ctx carries (postgres.DB.InTx), so it
// is sent if and only if that transaction commits. Set m.ChatID even for
// answerCallbackQuery: a chat's replies go out in the order queued. Without
// a transaction the reply is committed and sent at once.
//
// An answerCallbackQuery is not written to the outbox: it is sent once the
// transaction commits, first among the chat's replies (see Outbox).
func (o *Outbox) Reply(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	if m.Method == "answerCallbackQuery" {
		a := answer{m: m, queued: o.store.Now()}
		if postgres.OnCommit(ctx, func() { o.answerCommitted(a) }) {
			o.markDirty(m.ChatID, false)
		} else {
			o.answerCommitted(a)
			o.kick(m.ChatID, false)
		}
		return nil
	}
	payload, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	// In a transaction of InTx the reply is claimed as it is queued when
	// it is the chat's head, and sent by this process once the
	// transaction commits (never if it rolls back).
	var c claimedRow
	var claimed bool
	if postgres.OnCommit(ctx, func() {
		if claimed {
			o.claimedCommitted(c)
		}
	}) {
		c.at = time.Now()
		if c.row, claimed, err = o.store.InsertOutboxClaimed(ctx, m.ChatID, m.Method, payload, o.opts.Lease); err != nil {
			return err
		}
	} else if _, err := o.store.InsertOutbox(ctx, m.ChatID, 0, m.Method, payload); err != nil {
		return err
	}
	if _, inTx := postgres.TxFrom(ctx); inTx {
		o.markDirty(m.ChatID, true)
		return nil
	}
	o.Kick(m.ChatID)
	return nil
}

// markDirty notes that a transaction not yet committed queued replies for
// a chat (rows: durable ones, not only a button's answer), for
// AfterCommit.
func (o *Outbox) markDirty(chatID int64, rows bool) {
	o.mu.Lock()
	o.dirty[chatID] = o.dirty[chatID] || rows
	o.mu.Unlock()
}

// claimedCommitted keeps a reply claimed as it was queued, its transaction
// committed, for the chat's next flush (AfterCommit starts it).
func (o *Outbox) claimedCommitted(c claimedRow) {
	o.mu.Lock()
	o.claimed[c.row.ChatID] = append(o.claimed[c.row.ChatID], c)
	o.mu.Unlock()
}

// takeClaimed returns the chat's oldest reply claimed as it was queued,
// if any is left whose lease is still safely ours (less than half of it
// run); an older one is left to the takeover after its lease, which
// probes for it first.
func (o *Outbox) takeClaimed(chatID int64) (claimedRow, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for len(o.claimed[chatID]) > 0 {
		c := o.claimed[chatID][0]
		o.claimed[chatID] = o.claimed[chatID][1:]
		if len(o.claimed[chatID]) == 0 {
			delete(o.claimed, chatID)
		}
		if time.Since(c.at) < o.opts.Lease/2 {
			return c, true
		}
		o.opts.Logger.Warn("reply claimed at queueing left to the takeover: its lease is half gone", "chat", chatID, "outbox_id", c.row.ID)
	}
	return claimedRow{}, false
}

// release, once the flushes have stopped, puts the replies this process
// claimed as they were queued and never got to back in line, so that
// another sender (or the next start) sends them at once rather than after
// their leases and a probe. A crash skips this: then the leases run out.
func (o *Outbox) release() {
	o.mu.Lock()
	var ids []int64
	for _, cs := range o.claimed {
		for _, c := range cs {
			ids = append(ids, c.row.ID)
		}
	}
	o.claimed = map[int64][]claimedRow{}
	o.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := o.store.ReleaseOutboxClaims(ctx, ids); err != nil {
		o.opts.Logger.Warn("put unsent replies back in line at shutdown", "n", len(ids), "err", err)
	}
}

// answerCommitted keeps a button's answer whose transaction committed for
// the chat's next flush (AfterCommit starts it, once every commit hook of
// the transaction has run, so the answer goes before the replies).
func (o *Outbox) answerCommitted(a answer) {
	o.mu.Lock()
	o.answers[a.m.ChatID] = append(o.answers[a.m.ChatID], a)
	o.mu.Unlock()
}

// sendAnswers sends a chat's committed button answers. A failure is
// logged, never retried later: Telegram forgets the query in 15 s.
func (o *Outbox) sendAnswers(ctx context.Context, chatID int64) {
	o.mu.Lock()
	as := o.answers[chatID]
	delete(o.answers, chatID)
	o.mu.Unlock()
	for _, a := range as {
		_, err := o.sender.Send(ctx, a.m)
		switch {
		case err == nil:
			if o.opts.OnSent != nil {
				o.opts.OnSent(o.store.Now().Sub(a.queued))
			}
		case ctx.Err() != nil:
			return
		case IsTemporary(err) || IsAmbiguous(err) || IsUnreachable(err):
			o.opts.Logger.Warn("button answer not sent", "chat", chatID, "err", err)
		default:
			o.refused.Add(1)
			o.opts.Logger.Error("reply refused by telegram", "chat", chatID, "method", a.m.Method, "err", err)
		}
	}
}

// AfterCommit starts sending a chat's replies if a transaction that just
// committed queued any. The inbox dispatcher calls it after each update.
func (o *Outbox) AfterCommit(_ context.Context, chatID int64) {
	o.mu.Lock()
	rows, d := o.dirty[chatID]
	delete(o.dirty, chatID)
	o.mu.Unlock()
	if d {
		o.kick(chatID, rows)
	}
}

// Kick flushes a chat in the background (once Run has started; before
// that, the first sweep will).
func (o *Outbox) Kick(chatID int64) { o.kick(chatID, true) }

// kick starts or repeats a chat's flush; rows says that durable replies
// may be open (else only committed button answers are sent, and no claim
// is spent finding the outbox empty).
func (o *Outbox) kick(chatID int64, rows bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ctx == nil || o.ctx.Err() != nil {
		return
	}
	if rows {
		o.rows[chatID] = true
	}
	if o.running[chatID] {
		o.again[chatID] = true
		return
	}
	o.running[chatID] = true
	o.wg.Add(1)
	go o.flushLoop(o.ctx, chatID)
}

func (o *Outbox) flushLoop(ctx context.Context, chatID int64) {
	defer o.wg.Done()
	for {
		select {
		case o.sem <- struct{}{}:
		case <-ctx.Done():
			o.mu.Lock()
			delete(o.running, chatID)
			delete(o.rows, chatID)
			o.mu.Unlock()
			return
		}
		o.mu.Lock()
		rows := o.rows[chatID]
		delete(o.rows, chatID)
		o.mu.Unlock()
		if !rows {
			o.sendAnswers(ctx, chatID)
		} else if err := o.Flush(ctx, chatID); err != nil && ctx.Err() == nil {
			o.opts.Logger.Warn("flush replies", "chat", chatID, "err", err)
		}
		<-o.sem
		o.mu.Lock()
		if !o.again[chatID] || ctx.Err() != nil {
			delete(o.running, chatID)
			delete(o.again, chatID)
			o.mu.Unlock()
			return
		}
		delete(o.again, chatID)
		o.mu.Unlock()
	}
}

// Run sweeps for replies left behind (retries due, replicas that died)
// until ctx ends, then waits for the flushes under way.
func (o *Outbox) Run(ctx context.Context) error {
	o.mu.Lock()
	o.ctx = ctx
	o.mu.Unlock()
	defer o.release()
	defer o.wg.Wait()
	t := time.NewTicker(o.opts.SweepInterval)
	defer t.Stop()
	for {
		if err := o.sweep(ctx); err != nil && ctx.Err() == nil {
			o.opts.Logger.Warn("outbox sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (o *Outbox) sweep(ctx context.Context) error {
	// What a transaction without AfterCommit (not the dispatcher's), or
	// one committed before Run started, left in memory.
	o.mu.Lock()
	var answered, claimed []int64
	for c := range o.answers {
		answered = append(answered, c)
	}
	for c := range o.claimed {
		claimed = append(claimed, c)
	}
	o.mu.Unlock()
	for _, c := range answered {
		o.kick(c, false)
	}
	for _, c := range claimed {
		o.Kick(c)
	}
	chats, err := o.store.OutboxChatsDue(ctx, 500)
	if err != nil {
		return err
	}
	for _, c := range chats {
		o.Kick(c)
	}
	return nil
}

// Flush sends a chat's open replies in order until none is left or one
// must wait (a retry time, another sender holding the chat).
//
// The chat's committed button answers go first, before each claim.
func (o *Outbox) Flush(ctx context.Context, chatID int64) error {
	for ctx.Err() == nil {
		o.sendAnswers(ctx, chatID)
		// A reply claimed as it was queued is the chat's head: it goes
		// first, without a claim.
		c, ok := o.takeClaimed(chatID)
		row, since := c.row, c.at
		if ok {
			row.More = true // unknown until it is marked sent
		} else {
			var res postgres.OutboxClaim
			var err error
			row, res, _, err = o.store.ClaimOutbox(ctx, chatID, o.opts.Lease)
			if err != nil {
				return err
			}
			if res != postgres.OutboxClaimed {
				return nil
			}
			since = time.Now()
		}
		if cont, err := o.deliver(ctx, &row, since); err != nil || !cont {
			return err
		}
		if !row.More {
			// It was the chat's last open reply: no claim to find that out.
			// One queued since was kicked (Kick runs this flush again) or is
			// left to its own replica's kick and the sweeper.
			return nil
		}
	}
	return ctx.Err()
}

// deliver sends one claimed reply, whose lease began at since, and
// records the outcome; cont says whether the chat's next reply may go now.
// Once the reply is marked sent, row.More says whether the chat has
// another open reply.
func (o *Outbox) deliver(ctx context.Context, rowp *postgres.OutboxRow, since time.Time) (cont bool, err error) {
	row := *rowp
	var m Message
	if err := json.Unmarshal(row.Payload, &m); err != nil {
		return true, o.store.MarkOutboxFinal(ctx, row.ID, "failed", "undecodable payload: "+err.Error())
	}
	if counted(m.Method) {
		if row.Unreachable { // as the claim found it
			return true, o.store.MarkOutboxFinal(ctx, row.ID, "unreachable", "chat is unreachable")
		}
		if row.Ambiguous {
			id, found, err := o.sender.Probe(ctx, row.ChatID, row.ProbeFloor, m.InlineMarkup(), func(ctx context.Context, id int64) (bool, error) {
				known, err := o.store.KnownBotMessage(ctx, row.ChatID, id)
				return !known, err
			})
			if err == nil && found {
				o.opts.Logger.Info("reply found delivered after an interrupted send", "chat", row.ChatID, "message_id", id)
				return true, o.store.MarkOutboxSent(ctx, row.ID, id)
			}
			if err != nil && !IsUnreachable(err) {
				return false, o.retry(ctx, row, err, false)
			}
		}
	}
	if m.MessageID == 0 && m.Ref != "" && m.Method != "sendMessage" {
		skip, err := o.resolveRef(ctx, row, &m)
		if err != nil || skip {
			return err == nil, err
		}
	}
	sendCtx, release := o.holdLease(ctx, row, since)
	sent, err := o.sender.SendReply(sendCtx, m)
	lost := release()
	switch {
	case err == nil:
		if o.opts.OnSent != nil && !row.CreatedAt.IsZero() {
			o.opts.OnSent(o.store.Now().Sub(row.CreatedAt))
		}
		rowp.More, err = o.marks.do(context.WithoutCancel(ctx), postgres.SentMark{ID: row.ID, ChatID: row.ChatID, MessageID: sent.MessageID, Push: sent.ChatPush})
		return true, err
	case ctx.Err() != nil:
		// Shutting down mid-call: the outcome is unknown; leave the row
		// 'sending' so the next sender probes before resending, and let its
		// lease end now so that it need not wait for it.
		o.endLease(row)
		return false, nil
	case lost:
		// The lease could not be renewed (the database is away): another
		// sender may hold the row by now; leave it untouched.
		o.opts.Logger.Warn("reply lease lost during the call", "chat", row.ChatID, "outbox_id", row.ID)
		return false, nil
	case IsUnreachable(err):
		if err := o.store.MarkUnreachable(ctx, row.ChatID, err.Error()); err != nil {
			return false, err
		}
		return true, o.store.MarkOutboxFinal(ctx, row.ID, "unreachable", err.Error())
	case IsAmbiguous(err):
		return false, o.retry(ctx, row, err, true)
	case IsTemporary(err):
		return false, o.retry(ctx, row, err, false)
	default:
		// Telegram refused the reply itself: a bug of ours, never retried.
		o.refused.Add(1)
		o.opts.Logger.Error("reply refused by telegram", "chat", row.ChatID, "method", m.Method, "err", err)
		return true, o.store.MarkOutboxFinal(ctx, row.ID, "failed", err.Error())
	}
}

// holdLease renews the claimed row's lease, which began at since, every
// Lease/4 until release is called. The returned context is cancelled when the lease cannot be
// renewed before half of it is left, so the call ends well before another
// sender may take the row over; release reports whether that happened.
func (o *Outbox) holdLease(ctx context.Context, row postgres.OutboxRow, since time.Time) (context.Context, func() (lost bool)) {
	sendCtx, cancel := context.WithCancel(ctx)
	var lost atomic.Bool
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		every := o.opts.Lease / 4
		t := time.NewTicker(every)
		defer t.Stop()
		held := since // the lease runs to held+Lease
		for {
			select {
			case <-done:
				return
			case <-sendCtx.Done():
				return
			case <-t.C:
			}
			rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), every)
			ok, err := o.store.RenewOutboxLease(rctx, row.ID, row.Attempts, o.store.Now().Add(o.opts.Lease))
			rcancel()
			switch {
			case err == nil && ok:
				held = time.Now()
			case err == nil && !ok, time.Since(held) > o.opts.Lease/2:
				lost.Store(true)
				cancel()
				return
			}
		}
	}()
	return sendCtx, func() bool {
		close(done)
		<-stopped
		cancel()
		return lost.Load()
	}
}

// endLease lets another sender take a row over at once (after probing):
// this process stops before the call's outcome is known.
func (o *Outbox) endLease(row postgres.OutboxRow) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := o.store.RenewOutboxLease(ctx, row.ID, row.Attempts, o.store.Now()); err != nil {
		o.opts.Logger.Warn("end a reply's lease at shutdown", "outbox_id", row.ID, "err", err)
	}
}

// Refused counts the replies Telegram refused since start (each one a user
// who saw nothing: a bug to fix, not a fault to retry).
func (o *Outbox) Refused() int64 { return o.refused.Load() }

// resolveRef fills in the message id of an edit by Ref. When the named
// message is not there, an editMessageText is sent as a new message and
// any other edit is dropped (skip).
func (o *Outbox) resolveRef(ctx context.Context, row postgres.OutboxRow, m *Message) (skip bool, err error) {
	id, err := o.store.MessageIDByRef(ctx, row.ChatID, m.Ref)
	if err != nil {
		return false, err
	}
	switch {
	case id != 0:
		m.MessageID = int(id)
	case m.Method == "editMessageText":
		m.Method = "sendMessage"
	default:
		o.opts.Logger.Debug("edit of a message that is not there dropped", "chat", row.ChatID, "method", m.Method)
		return true, o.store.MarkOutboxFinal(ctx, row.ID, "failed", "edit by ref: no message "+m.Ref)
	}
	return false, nil
}

func (o *Outbox) retry(ctx context.Context, row postgres.OutboxRow, cause error, ambiguous bool) error {
	if row.Attempts >= o.opts.MaxAttempts {
		o.opts.Logger.Error("reply given up", "chat", row.ChatID, "attempts", row.Attempts, "err", cause)
		return o.store.MarkOutboxFinal(ctx, row.ID, "failed", cause.Error())
	}
	delay := backoff.Exp(o.opts.Backoff, time.Minute, row.Attempts)
	if d := RetryAfter(cause); d > delay {
		delay = d
	}
	next := o.store.Now().Add(delay)
	if ambiguous {
		return o.store.MarkOutboxAmbiguous(ctx, row.ID, cause.Error(), next)
	}
	return o.store.MarkOutboxRetry(ctx, row.ID, cause.Error(), next)
}
