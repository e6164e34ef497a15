// Package postgres is the store of crmbot: a pgx connection pool, the schema
// migrations (tern for ours, River's migrator for its job tables) and the
// queries behind every domain operation.
//
// Exported methods begin and commit their own transaction and map database
// errors to *crm.Error codes: no rows becomes crm.ENotFound, a unique
// violation crm.EConflict.
package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is the store. It is safe for concurrent use.
type DB struct {
	Pool     *pgxpool.Pool
	now      func() time.Time
	pipeline *pipelineCache // WithPipelineCache; nil: every read asks the database
}

// Option configures a DB.
type Option func(*DB)

// WithClock replaces time.Now, for tests and the demo's time travel.
func WithClock(now func() time.Time) Option { return func(db *DB) { db.now = now } }

// New wraps an open pool.
func New(pool *pgxpool.Pool, opts ...Option) *DB {
	db := &DB{Pool: pool, now: time.Now}
	for _, o := range opts {
		o(db)
	}
	return db
}

// StatementTimeout bounds every statement of the pool Open returns.
const StatementTimeout = 30 * time.Second

// Open connects to url and checks the connection. Every statement of the
// pool is bounded by StatementTimeout, and a transaction left idle by
// twice that is ended by the server.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	// pgx defaults to max(4, CPUs) connections: too few for the dispatcher's
	// workers, the outbox and River's notification workers together. A
	// pool_max_conns in the URL still wins.
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = 40
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 5 * time.Second
	// No statement may run for ever: a query stuck behind a lock or a
	// runaway plan is cancelled by the server and retried by its caller
	// (the dispatcher redoes the update, the outbox retries). The URL's own
	// statement_timeout (options=-c statement_timeout=…) still wins.
	if _, set := cfg.ConnConfig.RuntimeParams["statement_timeout"]; !set && !strings.Contains(url, "statement_timeout") {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(StatementTimeout.Milliseconds())
	}
	if _, set := cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"]; !set {
		cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = fmt.Sprint((2 * StatementTimeout).Milliseconds())
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	return pool, nil
}

// Now is the store's clock.
func (db *DB) Now() time.Time { return db.now() }
