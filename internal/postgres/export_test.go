package postgres

import "time"

// Hooks for the external tests (package postgres_test), which may import
// pgtest (itself an importer of this package).
var (
	WithMigrationLock = withMigrationLock
	MigrateLockKey    = int64(migrateLockKey)
)

// SetPipelineCacheClock makes db's pipeline cache (WithPipelineCache) tell
// its age by now instead of the wall clock.
func SetPipelineCacheClock(db *DB, now func() time.Time) { db.pipeline.now = now }
