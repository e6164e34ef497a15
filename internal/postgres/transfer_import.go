package postgres

import (
	"context"
	"reflect"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
	"github.com/telecrm/crmbot/internal/transfer"
)

// ImportDirectory returns what resolving an import's owners and stages
// needs: every staff member and the stages of the active pipeline in order.
func (db *DB) ImportDirectory(ctx context.Context) (d transfer.Directory, err error) {
	defer wrap(&err, "import directory")
	rows, err := db.q(ctx).Query(ctx, `SELECT `+staffColumns+` FROM staff s ORDER BY s.id`)
	if err != nil {
		return d, err
	}
	if d.Staff, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Staff, error) { return scanStaff(row) }); err != nil {
		return d, err
	}
	// Read, not cached: an import writes customers into these stages.
	tpl, err := activePipeline(ctx, db.q(ctx))
	if err != nil {
		return d, err
	}
	d.Stages, err = pipelineStages(ctx, db.q(ctx), tpl)
	return d, err
}

// CustomersByPhones returns, for each of phones that a customer has, that
// customer's id, owner, owner's team, deletion and phones.
func (db *DB) CustomersByPhones(ctx context.Context, phones []string) (out []transfer.Existing, err error) {
	defer wrap(&err, "customers by phones")
	if len(phones) == 0 {
		return nil, nil
	}
	rows, err := db.q(ctx).Query(ctx, `SELECT p.e164, c.id, coalesce(c.owner_id, 0), coalesce(o.team_id, 0), c.deleted_at,
		(SELECT array_agg(x.e164 ORDER BY x.is_primary DESC, x.created_at, x.e164) FROM customer_phones x WHERE x.customer_id = c.id)
		FROM customer_phones p JOIN customers c ON c.id = p.customer_id LEFT JOIN staff o ON o.id = c.owner_id
		WHERE p.e164 = ANY($1::text[])`, phones)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (transfer.Existing, error) {
		var e transfer.Existing
		var deleted *time.Time
		err := row.Scan(&e.Phone, &e.Customer.ID, &e.Customer.OwnerID, &e.Customer.OwnerTeamID, &deleted, &e.Customer.Phones)
		if deleted != nil {
			e.Customer.DeletedAt = *deleted
		}
		return e, err
	})
}

// PlanImport reads an import file and works out what importing it does,
// writing nothing: the dry run, and the first half of an import. A
// *transfer.FileError refuses the file.
func (db *DB) PlanImport(ctx context.Context, data []byte, region string, im transfer.Importer) (p transfer.Plan, err error) {
	dir, err := db.ImportDirectory(ctx)
	if err != nil {
		return p, err
	}
	draft, err := transfer.Prepare(data, region, dir, im)
	if err != nil {
		return p, err
	}
	existing, err := db.CustomersByPhones(ctx, draft.Phones())
	if err != nil {
		return p, err
	}
	return draft.Decide(existing, im), nil
}

// Import plans and applies an import file in one transaction (a dry run
// only plans it), so a failure leaves nothing half imported.
func (db *DB) Import(ctx context.Context, data []byte, region string, im transfer.Importer, dryRun bool) (r transfer.Report, err error) {
	err = db.InTx(ctx, func(ctx context.Context) error {
		p, err := db.PlanImport(ctx, data, region, im)
		if err != nil {
			return err
		}
		r = p.Report
		if dryRun {
			return nil
		}
		if err := db.lockTargets(ctx, p, data, region, im); err != nil {
			return err
		}
		return db.ApplyImport(ctx, p, im.Staff.ID)
	})
	return r, err
}

// lockTargets locks the existing customers plan p updates (FOR UPDATE)
// and plans the file again: if a customer was erased, reassigned or given
// other phones since p was read, the plans differ and the import is
// refused with crm.EConflict, so nothing is written onto a customer the
// importer may no longer change. A check run again sees the change.
func (db *DB) lockTargets(ctx context.Context, p transfer.Plan, data []byte, region string, im transfer.Importer) error {
	var ids []int64
	for _, r := range p.Rows {
		if r.Target != 0 {
			ids = append(ids, r.Target)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := db.q(ctx).Query(ctx, `SELECT id FROM customers WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return err
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	again, err := db.PlanImport(ctx, data, region, im)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(again, p) {
		return crm.Errorf(crm.EConflict, "customers of the file changed during the import")
	}
	return nil
}

var importColumns = []string{"line", "target", "is_new", "name", "name_norm", "company", "company_norm", "job_title",
	"industry", "city", "source", "notes", "tags", "new_phones", "owner_id", "stage_id"}

// ApplyImport writes a plan set-based: its rows are copied (COPY) into a
// temporary table, then new customers, their phones, stage entries and
// audit rows are inserted and existing customers updated, each in one
// statement. Search columns (name_norm, company_norm and the compact
// forms generated from them) are filled as CreateCustomer fills them. It
// joins the caller's transaction or makes its own.
func (db *DB) ApplyImport(ctx context.Context, p transfer.Plan, by int64) (err error) {
	defer wrap(&err, "apply import")
	if len(p.Rows) == 0 {
		return db.InTx(ctx, func(ctx context.Context) error { return auditImport(ctx, db.q(ctx), by, p.Report) })
	}
	now := db.now()
	return db.InTx(ctx, func(ctx context.Context) error {
		tx, _ := TxFrom(ctx)
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE import_rows (line int, target bigint, is_new boolean, name text,
			name_norm text, company text, company_norm text, job_title text, industry text, city text, source text,
			notes text, tags text[], new_phones text[], owner_id bigint, stage_id bigint) ON COMMIT DROP`); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"import_rows"}, importColumns, pgx.CopyFromSlice(len(p.Rows), func(i int) ([]any, error) {
			r := p.Rows[i]
			return []any{r.Line, nullID(r.Target), r.Target == 0, r.Name, textnorm.Fold(r.Name), r.Company, textnorm.Fold(r.Company),
				r.JobTitle, r.Industry, r.City, r.Source, r.Notes, nonNil(r.Tags), nonNil(r.NewPhones), nullID(r.OwnerID), r.StageID}, nil
		}))
		if err != nil {
			return err
		}
		for _, st := range importStatements(now, by) {
			if _, err := tx.Exec(ctx, st.sql, st.args...); err != nil {
				return err
			}
		}
		return auditImport(ctx, tx, by, p.Report)
	})
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

type statement struct {
	sql  string
	args []any
}

// importStatements apply the rows of import_rows at now for the importer
// by (0: the command line).
func importStatements(now time.Time, by int64) []statement {
	return []statement{
		{sql: `ANALYZE import_rows`},
		// New customers get their ids first, so their phones and history
		// can refer to them in the statements that follow.
		{sql: `UPDATE import_rows SET target = nextval(pg_get_serial_sequence('customers', 'id')) WHERE is_new`},
		{`INSERT INTO customers (id, name, name_norm, company, company_norm, job_title, industry, city, source, owner_id,
			stage_id, tags, notes, created_by, created_at, updated_at)
		OVERRIDING SYSTEM VALUE
		SELECT target, name, name_norm, nullif(company, ''), nullif(company_norm, ''), nullif(job_title, ''), nullif(industry, ''),
			nullif(city, ''), nullif(source, ''), owner_id, stage_id, tags, nullif(notes, ''), nullif($2::bigint, 0), $1, $1
		FROM import_rows WHERE is_new ORDER BY line`, []any{now, by}},
		// An existing customer keeps every value it has: the file only
		// fills what is empty, adds tags and appends its note.
		{`UPDATE customers c SET
			company = coalesce(c.company, nullif(r.company, '')),
			company_norm = CASE WHEN c.company IS NULL THEN nullif(r.company_norm, '') ELSE c.company_norm END,
			job_title = coalesce(c.job_title, nullif(r.job_title, '')),
			industry = coalesce(c.industry, nullif(r.industry, '')),
			city = coalesce(c.city, nullif(r.city, '')),
			source = coalesce(c.source, nullif(r.source, '')),
			tags = CASE WHEN cardinality(c.tags || array(SELECT t FROM unnest(r.tags) t WHERE t <> ALL (c.tags))) <= 30
				THEN c.tags || array(SELECT t FROM unnest(r.tags) t WHERE t <> ALL (c.tags)) ELSE c.tags END,
			notes = CASE WHEN r.notes = '' OR strpos(coalesce(c.notes, ''), r.notes) > 0 THEN c.notes
				WHEN coalesce(c.notes, '') = '' THEN r.notes
				WHEN length(c.notes) + length(r.notes) >= 20000 THEN c.notes
				ELSE c.notes || E'\n' || r.notes END,
			updated_at = $1
		FROM import_rows r WHERE c.id = r.target AND NOT r.is_new AND c.deleted_at IS NULL`, []any{now}},
		{`INSERT INTO customer_phones (e164, customer_id, is_primary, created_at)
		SELECT e.p, r.target, r.is_new AND e.ord = 1, $1 FROM import_rows r, unnest(r.new_phones) WITH ORDINALITY e(p, ord)`, []any{now}},
		{`INSERT INTO stage_history (customer_id, to_stage_id, changed_by, changed_at)
		SELECT target, stage_id, nullif($2::bigint, 0), $1 FROM import_rows WHERE is_new`, []any{now, by}},
		{`INSERT INTO audit_log (actor_staff_id, action, entity, entity_id, details)
		SELECT nullif($1::bigint, 0), CASE WHEN is_new THEN 'customer.import' ELSE 'customer.import_merge' END, 'customer', target,
			jsonb_build_object('line', line) FROM import_rows`, []any{by}},
	}
}

// auditImport records the import as a whole: its counts, never its data.
func auditImport(ctx context.Context, tx Querier, by int64, r transfer.Report) error {
	return audit(ctx, tx, by, "import", "import", 0, map[string]any{"rows": r.Rows, "created": r.Created, "updated": r.Updated,
		"merged": r.Merged, "rejected": r.Rejected})
}
