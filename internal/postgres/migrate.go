package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/telecrm/crmbot/migrations"
)

// migrateLockKey serialises migrations of every crmbot process on one
// database ("crmbot" in ASCII, as a number).
const migrateLockKey = 0x63726d626f74

// versionTable is tern's bookkeeping table for our own migrations.
const versionTable = "public.schema_version"

// MigrationStatus says where a database stands.
type MigrationStatus struct {
	Version      int32 // our schema version applied
	Latest       int32 // the newest version this binary carries
	RiverVersion int   // River's newest applied migration
	RiverLatest  int   // River's newest migration this binary carries
}

// UpToDate reports whether nothing is left to apply.
func (s MigrationStatus) UpToDate() bool {
	return s.Version == s.Latest && s.RiverVersion == s.RiverLatest
}

// Migrate applies every pending migration, ours and River's, under one
// advisory lock, so that replicas starting together apply each once. It is a
// no-op on an up-to-date database. logf, if not nil, hears each step.
func Migrate(ctx context.Context, url string, logf func(format string, args ...any)) error {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return withMigrationLock(ctx, url, MigrationLockWait, func(conn *pgx.Conn) error {
		m, err := newTern(ctx, conn)
		if err != nil {
			return err
		}
		m.OnStart = func(seq int32, name, _, _ string) { logf("applying migration %d %s", seq, name) }
		if err := m.Migrate(ctx); err != nil {
			return fmt.Errorf("apply migrations: %w", err)
		}
		// River's migrations cannot share one transaction (a new enum value
		// is used by a later version), so they run version by version on a
		// small pool while this connection keeps holding the lock.
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			return err
		}
		defer pool.Close()
		rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
		if err != nil {
			return fmt.Errorf("river migrator: %w", err)
		}
		res, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err != nil {
			return fmt.Errorf("apply river migrations: %w", err)
		}
		for _, v := range res.Versions {
			logf("applied river migration %d %s", v.Version, v.Name)
		}
		return nil
	})
}

// Status reports the applied and available versions without changing anything.
func Status(ctx context.Context, url string) (MigrationStatus, error) {
	var st MigrationStatus
	err := withMigrationLock(ctx, url, MigrationLockWait, func(conn *pgx.Conn) error {
		m, err := newTern(ctx, conn)
		if err != nil {
			return err
		}
		if st.Version, err = m.GetCurrentVersion(ctx); err != nil {
			return err
		}
		st.Latest = int32(len(m.Migrations))
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		rm, err := rivermigrate.New(riverpgxv5.New(nil), nil)
		if err != nil {
			return err
		}
		all := rm.AllVersions()
		st.RiverLatest = all[len(all)-1].Version
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT to_regclass('river_migration') IS NOT NULL").Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return nil
		}
		existing, err := rm.ExistingVersionsTx(ctx, tx)
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			st.RiverVersion = existing[len(existing)-1].Version
		}
		return nil
	})
	return st, err
}

func newTern(ctx context.Context, conn *pgx.Conn) (*migrate.Migrator, error) {
	m, err := migrate.NewMigrator(ctx, conn, versionTable)
	if err != nil {
		return nil, fmt.Errorf("tern: %w", err)
	}
	sub, err := fs.Sub(migrations.FS, ".")
	if err != nil {
		return nil, err
	}
	if err := m.LoadMigrations(sub); err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return m, nil
}

// MigrationLockWait is how long a replica waits for another one's
// migration before it gives up with a clear error (a stuck migration must
// not hold every replica forever).
const MigrationLockWait = 2 * time.Minute

func withMigrationLock(ctx context.Context, url string, wait time.Duration, fn func(*pgx.Conn) error) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	// lock_timeout bounds the wait for the advisory lock (and for any table
	// lock a migration takes); statement_timeout stays off for the
	// migrations themselves, which may rewrite large tables.
	if _, err := conn.Exec(ctx, fmt.Sprintf("SET lock_timeout = '%dms'", wait.Milliseconds())); err != nil {
		return fmt.Errorf("set lock timeout: %w", err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(migrateLockKey)); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
			return fmt.Errorf("another replica has held the migration lock for %v: is a migration stuck? "+
				"(see pg_stat_activity for the session holding advisory lock %d): %w", wait, int64(migrateLockKey), err)
		}
		return fmt.Errorf("take migration lock: %w", err)
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		conn.Exec(uctx, "SELECT pg_advisory_unlock($1)", int64(migrateLockKey))
	}()
	return fn(conn)
}
