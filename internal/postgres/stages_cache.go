package postgres

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// WithPipelineCache keeps the stages and the active pipeline in memory for
// up to ttl: Stage, PipelineStages and ActivePipeline answer from there
// (a stage, a stage menu and a stage move each asked again, several times
// an update, for rows an admin changes a few times a year). Another
// replica's change shows within ttl; this process's own as soon as it
// commits, and within the transaction that made it at once. Writes never
// rely on it: MoveCustomerStage checks the target stage in SQL.
func WithPipelineCache(ttl time.Duration) Option {
	return func(db *DB) { db.pipeline = &pipelineCache{ttl: ttl, now: time.Now} }
}

// pipelineCache is the snapshot WithPipelineCache keeps.
type pipelineCache struct {
	ttl time.Duration
	now func() time.Time // wall time, not the store's clock (the demo's travels)

	mu     sync.Mutex
	gen    uint64 // bumped by every change, so that a load begun before one is not kept
	snap   *pipelineSnapshot
	expiry time.Time
}

// pipelineSnapshot is every stage and the active pipeline, as read at once.
type pipelineSnapshot struct {
	byID       map[int64]crm.Stage
	byTemplate map[string][]crm.Stage // in order, archived ones too
	active     string
}

// forget drops the snapshot: the next read loads the stages again.
func (c *pipelineCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.snap = nil
}

// pipelineChanged is called by every write to the stages or the active
// pipeline: the snapshot is dropped now and again when ctx's transaction
// commits (a load in between read the rows as they were), and the rest of
// that transaction reads the database, which sees its own writes.
func (db *DB) pipelineChanged(ctx context.Context) {
	if db.pipeline == nil {
		return
	}
	db.pipeline.forget()
	if h, ok := ctx.Value(hooksKey{}).(*commitHooks); ok {
		h.pipelineWritten = true
		h.fns = append(h.fns, db.pipeline.forget)
	}
}

// pipelineSnap returns the snapshot, loading it when it is older than the
// cache's ttl; nil (read the database) without a cache or in a
// transaction that changed the stages.
func (db *DB) pipelineSnap(ctx context.Context) (*pipelineSnapshot, error) {
	c := db.pipeline
	if c == nil {
		return nil, nil
	}
	if h, ok := ctx.Value(hooksKey{}).(*commitHooks); ok && h.pipelineWritten {
		return nil, nil
	}
	c.mu.Lock()
	snap, gen, fresh := c.snap, c.gen, c.snap != nil && c.now().Before(c.expiry)
	c.mu.Unlock()
	if fresh {
		return snap, nil
	}
	start := c.now()
	snap, err := loadPipeline(ctx, db.q(ctx))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.snap, c.expiry = snap, start.Add(c.ttl)
	}
	c.mu.Unlock()
	return snap, nil
}

// loadPipeline reads every stage and the active pipeline (once every ttl:
// two statements are cheap at that rate).
func loadPipeline(ctx context.Context, q Querier) (*pipelineSnapshot, error) {
	rows, err := q.Query(ctx, `SELECT `+stageColumns+` FROM stages ORDER BY template, position, id`)
	if err != nil {
		return nil, err
	}
	snap := &pipelineSnapshot{byID: map[int64]crm.Stage{}, byTemplate: map[string][]crm.Stage{}}
	ss, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Stage, error) { return scanStage(row) })
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		snap.byID[s.ID] = s
		snap.byTemplate[s.Template] = append(snap.byTemplate[s.Template], s)
	}
	if snap.active, err = activePipeline(ctx, q); err != nil {
		return nil, err
	}
	return snap, nil
}

// stages returns copies of the snapshot's stages of template, in order.
func (s *pipelineSnapshot) stages(template string) []crm.Stage {
	if s == nil {
		return nil
	}
	var out []crm.Stage
	for _, st := range s.byTemplate[template] {
		st.Names = maps.Clone(st.Names)
		out = append(out, st)
	}
	return out
}

// stage returns a copy of the snapshot's stage id (its names its own).
func (s *pipelineSnapshot) stage(id int64) (crm.Stage, bool) {
	if s == nil {
		return crm.Stage{}, false
	}
	st, ok := s.byID[id]
	st.Names = maps.Clone(st.Names)
	return st, ok
}

// activeTemplate is the snapshot's active pipeline ("" without one).
func (s *pipelineSnapshot) activeTemplate() string {
	if s == nil {
		return ""
	}
	return s.active
}
