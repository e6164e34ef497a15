// Package migrations holds the numbered SQL migrations of the crmbot schema,
// embedded in the binary and applied by internal/postgres with tern.
//
// Files are named NNN_what.sql; tern runs them in order inside one advisory
// lock, so several replicas starting at once apply each migration once.
package migrations

import "embed"

// FS holds every *.sql migration.
//
//go:embed *.sql
var FS embed.FS
