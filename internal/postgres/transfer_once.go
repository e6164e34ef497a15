package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/transfer"
)

// An import started from the bot is applied once per key (the staff
// member and the run of their confirmation): its audit row ("import.file",
// entity "import_file", entity_id a hash of the key) records that it was
// done, so a second tap on Import, or a replayed update, finds it instead of
// importing again. No table of its own is needed.

// fileKeyID is the audit entity id of an import key: 63 bits of its hash.
func fileKeyID(key string) int64 {
	h := sha256.Sum256([]byte("import_file:" + key))
	return int64(binary.BigEndian.Uint64(h[:8]) >> 1)
}

// ImportOnce applies an import file for key unless one was applied for it
// already: then it returns that import's counts and already. The import
// runs in a savepoint of the caller's transaction (or its own), so a
// failure leaves nothing of it and the caller's transaction usable.
// Concurrent calls with one key wait for each other.
func (db *DB) ImportOnce(ctx context.Context, key string, data []byte, region string, im transfer.Importer) (r transfer.Report, already bool, err error) {
	defer wrap(&err, "import once")
	eid := fileKeyID(key)
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx, _ := TxFrom(ctx)
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, eid); err != nil {
			return err
		}
		var found bool
		if r, found, err = db.importedFile(ctx, eid, key); err != nil || found {
			already = found
			return err
		}
		sp, err := tx.Begin(ctx) // a savepoint
		if err != nil {
			return err
		}
		defer sp.Rollback(context.WithoutCancel(ctx))
		spCtx := context.WithValue(ctx, txKey{}, sp)
		if r, err = db.Import(spCtx, data, region, im, false); err != nil {
			return err
		}
		if err := audit(spCtx, sp, im.Staff.ID, "import.file", "import_file", eid, map[string]any{"key": key, "rows": r.Rows,
			"created": r.Created, "updated": r.Updated, "merged": r.Merged, "rejected": r.Rejected}); err != nil {
			return err
		}
		return sp.Commit(ctx)
	})
	return r, already, err
}

// ImportedFile returns the counts of the import applied for key, and
// whether there was one.
func (db *DB) ImportedFile(ctx context.Context, key string) (r transfer.Report, found bool, err error) {
	defer wrap(&err, "imported file")
	return db.importedFile(ctx, fileKeyID(key), key)
}

func (db *DB) importedFile(ctx context.Context, eid int64, key string) (r transfer.Report, found bool, err error) {
	var raw []byte
	err = db.q(ctx).QueryRow(ctx, `SELECT details FROM audit_log WHERE entity = 'import_file' AND entity_id = $1 AND details->>'key' = $2
		ORDER BY id LIMIT 1`, eid, key).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	var d struct{ Rows, Created, Updated, Merged, Rejected int }
	if err := json.Unmarshal(raw, &d); err != nil {
		return r, false, err
	}
	return transfer.Report{Rows: d.Rows, Created: d.Created, Updated: d.Updated, Merged: d.Merged, Rejected: d.Rejected}, true, nil
}
