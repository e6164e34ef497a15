package delivery

import (
	"context"
	"sync"
)

// batcher runs requests that arrive together in one call of run (one
// statement, one transaction: a group commit). A caller whose request
// finds fewer than flights batches being led leads one itself: it runs
// every request queued by then in one batch, and more batches until its
// own request has run; then it hands the lead to the first request still
// queued. The others wait for theirs. A lone request runs at once, so
// nothing waits for a timer; under load the requests that queued while a
// batch ran go together in the next one. Two requests with the same key
// never share a batch (the later one waits for the next), so run may
// write both to one row. It is safe for concurrent use.
type batcher[Req, Res any] struct {
	// run does a batch and returns each request's result and error, in
	// the order of reqs (an error for every request when the batch
	// failed as a whole).
	run     func(ctx context.Context, reqs []Req) ([]Res, []error)
	key     func(Req) string
	max     int // requests per batch at most
	flights int // callers leading batches at most

	mu      sync.Mutex
	queued  []*batchCall[Req, Res]
	running int // callers leading
}

type batchCall[Req, Res any] struct {
	req     Req
	res     Res
	err     error
	done    chan struct{} // closed once its batch has run
	lead    chan struct{} // closed when it is handed the lead
	leading bool          // under mu: it leads, or was handed the lead
}

// do queues req and returns its result once its batch has run. Batches
// run with ctx's values but not its cancellation (other callers' requests
// share them); a caller whose ctx ends still waits for its batch, which
// run's own statement bounds.
func (b *batcher[Req, Res]) do(ctx context.Context, req Req) (Res, error) {
	c := &batchCall[Req, Res]{req: req, done: make(chan struct{}), lead: make(chan struct{})}
	b.mu.Lock()
	b.queued = append(b.queued, c)
	if b.running < b.flights {
		b.running++
		c.leading = true
	}
	leading := c.leading
	b.mu.Unlock()
	if !leading {
		select {
		case <-c.done:
		case <-c.lead:
		}
		b.mu.Lock()
		leading = c.leading // handed the lead, perhaps as its batch ran
		b.mu.Unlock()
	}
	if leading {
		b.leadUntilDone(ctx, c)
	}
	<-c.done
	return c.res, c.err
}

// leadUntilDone runs batches until c's has run (by this caller or another
// leader), then hands the lead to the first queued request not leading,
// or gives it up when there is none.
func (b *batcher[Req, Res]) leadUntilDone(ctx context.Context, c *batchCall[Req, Res]) {
	bctx := context.WithoutCancel(ctx)
	b.mu.Lock()
	for !isClosed(c.done) {
		if len(b.queued) == 0 { // another leader runs c's batch
			b.mu.Unlock()
			<-c.done
			b.mu.Lock()
			break
		}
		batch := b.take()
		b.mu.Unlock()
		b.runBatch(bctx, batch)
		b.mu.Lock()
	}
	defer b.mu.Unlock()
	for _, q := range b.queued {
		if !q.leading {
			q.leading = true
			close(q.lead)
			return // the lead goes on with q
		}
	}
	b.running--
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// take removes the next batch from the queue: up to max requests in
// arrival order, none sharing a key. b.mu must be held.
func (b *batcher[Req, Res]) take() []*batchCall[Req, Res] {
	batch := make([]*batchCall[Req, Res], 0, min(len(b.queued), b.max))
	keys := make(map[string]bool, cap(batch))
	rest := b.queued[:0]
	for _, c := range b.queued {
		k := b.key(c.req)
		if len(batch) == b.max || keys[k] {
			rest = append(rest, c)
			continue
		}
		keys[k] = true
		batch = append(batch, c)
	}
	clear(b.queued[len(rest):])
	b.queued = rest
	return batch
}

// runBatch runs one batch and hands each caller its result.
func (b *batcher[Req, Res]) runBatch(ctx context.Context, batch []*batchCall[Req, Res]) {
	reqs := make([]Req, len(batch))
	for i, c := range batch {
		reqs[i] = c.req
	}
	res, errs := b.run(ctx, reqs)
	for i, c := range batch {
		if i < len(res) {
			c.res = res[i]
		}
		if i < len(errs) {
			c.err = errs[i]
		}
		close(c.done)
	}
}
