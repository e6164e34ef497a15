package inbox

import (
	"context"
	"sync"
	"time"

	"github.com/telecrm/crmbot/internal/postgres"
)

// groupCommit inserts updates handed in by concurrent webhook requests a
// batch at a time: while up to flushers inserts are under way, newly
// arrived updates wait, and the next free flusher inserts all of them in
// one statement and one commit. Under load this turns a thousand commits a
// second into a few hundred; at rest an update is inserted at once. Each
// request hears the outcome of the commit that included its update, and
// only then is Telegram answered. Flushers are goroutines that live only
// while updates wait, so nothing needs starting or stopping.
type groupCommit struct {
	store    UpdateStore
	flushers int           // inserts under way at most
	max      int           // updates per insert at most
	timeout  time.Duration // of one insert

	mu      sync.Mutex
	queue   []*queued
	running int // flushers alive
}

// queued is one update waiting for its commit.
type queued struct {
	u    postgres.InboxUpdate
	done chan error // buffered: a flusher never waits for the request
}

func newGroupCommit(store UpdateStore) *groupCommit {
	return &groupCommit{store: store, flushers: 2, max: 500, timeout: 10 * time.Second}
}

// insert stores u and returns once the commit that holds it is done (or
// failed), or ctx ends first; in that case the update may still be
// committed, which a retry by Telegram will find (duplicates are dropped by
// update_id).
func (g *groupCommit) insert(ctx context.Context, u postgres.InboxUpdate) error {
	q := &queued{u: u, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, q)
	if g.running < g.flushers {
		g.running++
		go g.flush()
	}
	g.mu.Unlock()
	select {
	case err := <-q.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flush inserts what waits, batch after batch, and ends when nothing does.
func (g *groupCommit) flush() {
	for {
		g.mu.Lock()
		if len(g.queue) == 0 {
			g.running--
			g.mu.Unlock()
			return
		}
		n := min(len(g.queue), g.max)
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		if len(g.queue) == 0 {
			g.queue = nil // let the old array go
		}
		g.mu.Unlock()

		ups := make([]postgres.InboxUpdate, len(batch))
		for i, q := range batch {
			ups[i] = q.u
		}
		ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
		_, err := g.store.InsertUpdates(ctx, ups)
		cancel()
		for _, q := range batch {
			q.done <- err
		}
	}
}
