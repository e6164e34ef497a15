package postgres

// Hooks for the external tests (package postgres_test), which may import
// pgtest (itself an importer of this package).
var (
	WithMigrationLock = withMigrationLock
	MigrateLockKey    = int64(migrateLockKey)
)
