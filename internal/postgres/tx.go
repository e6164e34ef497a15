package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier is what both a pool and a transaction can do.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type txKey struct{}

// InTx runs fn in a transaction carried by the context it receives: every
// store method called with that context joins it, so a handler's writes,
// the jobs it enqueues and the "processed" mark of its update commit
// together or not at all. Called inside another InTx, it joins the outer
// transaction.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(pgx.Tx); ok {
		return fn(ctx)
	}
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	hooks := &commitHooks{}
	if err := fn(context.WithValue(context.WithValue(ctx, txKey{}, tx), hooksKey{}, hooks)); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	hooks.run()
	return nil
}

type hooksKey struct{}

// commitHooks are the functions to run once a transaction (or, for a
// savepoint's, its enclosing transaction) has committed, and what the
// transaction changed that a cache must not answer for within it.
type commitHooks struct {
	fns             []func()
	pipelineWritten bool // the stages or the active pipeline (pipelineChanged)
}

func (h *commitHooks) run() {
	for _, fn := range h.fns {
		fn()
	}
}

// OnCommit arranges for fn to run right after the transaction ctx carries
// (begun by InTx) commits, and never if it rolls back; in a savepoint
// (InSavepoint) fn is also dropped when that savepoint is rolled back. It
// is for effects that must follow a commit but need not survive a crash
// (a button's answer, which Telegram forgets in 15 s): fn runs in the
// committing goroutine, so it must be quick. OnCommit reports false, and
// does nothing, when ctx carries no such transaction.
func OnCommit(ctx context.Context, fn func()) bool {
	h, ok := ctx.Value(hooksKey{}).(*commitHooks)
	if !ok {
		return false
	}
	h.fns = append(h.fns, fn)
	return true
}

// TxFrom returns the transaction ctx carries, if any (for River's InsertTx).
func TxFrom(ctx context.Context) (pgx.Tx, bool) {
	tx, ok := ctx.Value(txKey{}).(pgx.Tx)
	return tx, ok
}

// q returns the context's transaction, or the pool.
func (db *DB) q(ctx context.Context) Querier {
	if tx, ok := TxFrom(ctx); ok {
		return tx
	}
	return db.Pool
}
