package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

const stageColumns = `id, template, key, position, kind, name_en, name_fa, name_ar, archived`

func scanStage(row pgx.Row) (crm.Stage, error) {
	var s crm.Stage
	var kind, en, fa, ar string
	err := row.Scan(&s.ID, &s.Template, &s.Key, &s.Position, &kind, &en, &fa, &ar, &s.Archived)
	s.Kind = crm.StageKind(kind)
	s.Names = map[string]string{"en": en, "fa": fa, "ar": ar}
	return s, err
}

// Stage returns a stage by id. crm.ENotFound if there is none. With
// WithPipelineCache it may be up to the cache's ttl old.
func (db *DB) Stage(ctx context.Context, id int64) (s crm.Stage, err error) {
	defer wrap(&err, "stage")
	snap, err := db.pipelineSnap(ctx)
	if err != nil {
		return s, err
	}
	if s, ok := snap.stage(id); ok {
		return s, nil
	}
	return scanStage(db.q(ctx).QueryRow(ctx, `SELECT `+stageColumns+` FROM stages WHERE id = $1`, id))
}

// PipelineStages returns every stage of a template in order, archived ones
// included (callers skip them where a live stage is needed). With
// WithPipelineCache they may be up to the cache's ttl old.
func (db *DB) PipelineStages(ctx context.Context, template string) (ss []crm.Stage, err error) {
	defer wrap(&err, "pipeline stages")
	snap, err := db.pipelineSnap(ctx)
	if err != nil || snap != nil {
		return snap.stages(template), err
	}
	return pipelineStages(ctx, db.q(ctx), template)
}

// pipelineStages is PipelineStages read from the database, for writers.
func pipelineStages(ctx context.Context, q Querier, template string) ([]crm.Stage, error) {
	rows, err := q.Query(ctx, `SELECT `+stageColumns+` FROM stages WHERE template = $1 ORDER BY position, id`, template)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Stage, error) { return scanStage(row) })
}

// firstStage returns the first live stage of the active pipeline.
func firstStage(ctx context.Context, tx Querier) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT s.id FROM stages s, settings p
		WHERE p.key = 'pipeline' AND s.template = p.value #>> '{}' AND NOT s.archived
		ORDER BY s.position, s.id LIMIT 1`).Scan(&id)
	return id, err
}

// MoveCustomerStage moves a customer as m says (m must be valid: see
// crm.StageMove.Validate) and writes the move to stage_history at at (when
// the user sent it) with its reason, and to the audit log. If the customer
// is no longer in m.From it is crm.EConflict: someone moved it meanwhile.
// The target is checked as the move is written, whatever the caller read
// (a cached pipeline may be seconds old): archived meanwhile, or with
// m.IntoActive no longer in the active pipeline, it is crm.EStale.
func (db *DB) MoveCustomerStage(ctx context.Context, m crm.StageMove, by int64, at time.Time) (err error) {
	defer wrap(&err, "move customer stage")
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		var from int64
		var live bool
		if err := tx.QueryRow(ctx, `SELECT c.stage_id, EXISTS (SELECT FROM stages s WHERE s.id = $2 AND s.template = $3 AND NOT s.archived
				AND (NOT $4 OR s.template = coalesce((SELECT CASE WHEN jsonb_typeof(value) = 'string' THEN nullif(value #>> '{}', '') END
					FROM settings WHERE key = 'pipeline'), $5)))
			FROM customers c WHERE c.id = $1 AND c.deleted_at IS NULL FOR UPDATE OF c`,
			m.CustomerID, m.To.ID, m.To.Template, m.IntoActive, crm.TemplateLadder).Scan(&from, &live); err != nil {
			return err
		}
		if m.From.ID != 0 && from != m.From.ID {
			return crm.Errorf(crm.EConflict, "customer is no longer in stage %d", m.From.ID)
		}
		if !live {
			return crm.Errorf(crm.EStale, "stage %d is not in the active pipeline", m.To.ID)
		}
		if _, err := tx.Exec(ctx, `UPDATE customers SET stage_id = $2, updated_at = $3 WHERE id = $1`,
			m.CustomerID, m.To.ID, db.now()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO stage_history (customer_id, from_stage_id, to_stage_id, changed_by, changed_at, reason_code, reason_text)
			VALUES ($1, $2, $3, nullif($4, 0::bigint), $5, nullif($6, ''), nullif($7, ''))`,
			m.CustomerID, from, m.To.ID, by, at, m.ReasonCode, m.ReasonText); err != nil {
			return err
		}
		return audit(ctx, tx, by, "customer.stage", "customer", m.CustomerID, map[string]any{
			"from": from, "to": m.To.ID, "reason_code": m.ReasonCode, "reason_text": m.ReasonText})
	})
}

// validNames checks a stage's names in every language.
func validNames(names map[string]string) error {
	for _, l := range []string{"en", "fa", "ar"} {
		n := strings.TrimSpace(names[l])
		if n == "" || len([]rune(n)) > 60 {
			return crm.Errorf(crm.EInvalid, "stage name in %s", l)
		}
		names[l] = n
	}
	return nil
}

// RenameStage sets a stage's names in en, fa and ar (all required).
func (db *DB) RenameStage(ctx context.Context, id int64, names map[string]string, by int64) (err error) {
	defer wrap(&err, "rename stage")
	if err := validNames(names); err != nil {
		return err
	}
	tx := db.q(ctx)
	tag, err := tx.Exec(ctx, `UPDATE stages SET name_en = $2, name_fa = $3, name_ar = $4 WHERE id = $1`,
		id, names["en"], names["fa"], names["ar"])
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return crm.Errorf(crm.ENotFound, "stage %d", id)
	}
	db.pipelineChanged(ctx)
	return audit(ctx, tx, by, "stage.rename", "stage", id, map[string]any{"names": names})
}

// AddStage appends an open stage to template with names in en, fa and ar.
func (db *DB) AddStage(ctx context.Context, template string, names map[string]string, by int64) (s crm.Stage, err error) {
	defer wrap(&err, "add stage")
	if err := validNames(names); err != nil {
		return s, err
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		var pos int
		var maxID int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(position) FILTER (WHERE template = $1), 0), coalesce(max(id), 0) FROM stages`,
			template).Scan(&pos, &maxID); err != nil {
			return err
		}
		s, err = scanStage(tx.QueryRow(ctx, `INSERT INTO stages (template, key, position, kind, name_en, name_fa, name_ar)
			VALUES ($1, $2, $3, 'open', $4, $5, $6) RETURNING `+stageColumns,
			template, fmt.Sprintf("custom_%d", maxID+1), pos+10, names["en"], names["fa"], names["ar"]))
		if err != nil {
			return err
		}
		db.pipelineChanged(ctx)
		return audit(ctx, tx, by, "stage.add", "stage", s.ID, map[string]any{"template": template})
	})
	return s, err
}

// ShiftStage moves a live stage one place up (delta < 0) or down among the
// live stages of its template; at either end it does nothing.
func (db *DB) ShiftStage(ctx context.Context, id int64, delta int, by int64) (err error) {
	defer wrap(&err, "shift stage")
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		s, err := scanStage(tx.QueryRow(ctx, `SELECT `+stageColumns+` FROM stages WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		cmp, order := ">", "ASC"
		if delta < 0 {
			cmp, order = "<", "DESC"
		}
		var other int64
		var pos int
		err = tx.QueryRow(ctx, `SELECT id, position FROM stages WHERE template = $1 AND NOT archived
			AND (position, id) `+cmp+` ($2, $3) ORDER BY position `+order+`, id `+order+` LIMIT 1 FOR UPDATE`,
			s.Template, s.Position, s.ID).Scan(&other, &pos)
		if err == pgx.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		if pos == s.Position {
			// Equal positions: make room so the swap changes the order.
			pos += map[bool]int{true: -1, false: 1}[delta < 0]
		}
		if _, err := tx.Exec(ctx, `UPDATE stages SET position = CASE WHEN id = $1 THEN $2::int ELSE $3::int END WHERE id IN ($1, $4)`,
			s.ID, pos, s.Position, other); err != nil {
			return err
		}
		db.pipelineChanged(ctx)
		return audit(ctx, tx, by, "stage.reorder", "stage", id, map[string]any{"delta": delta})
	})
}

// ArchiveStage hides a stage from the pipeline; customers in it keep it.
// The last live stage of a template cannot be archived (crm.EConflict).
func (db *DB) ArchiveStage(ctx context.Context, id int64, by int64) (err error) {
	defer wrap(&err, "archive stage")
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		var live int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM stages WHERE template = (SELECT template FROM stages WHERE id = $1) AND NOT archived`,
			id).Scan(&live); err != nil {
			return err
		}
		if live <= 1 {
			return crm.Errorf(crm.EConflict, "last live stage")
		}
		tag, err := tx.Exec(ctx, `UPDATE stages SET archived = true WHERE id = $1 AND NOT archived`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return crm.Errorf(crm.ENotFound, "live stage %d", id)
		}
		db.pipelineChanged(ctx)
		return audit(ctx, tx, by, "stage.archive", "stage", id, nil)
	})
}
