package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// ActivePipeline returns the template of the active pipeline (settings
// "pipeline"; crm.TemplateLadder when unset). With WithPipelineCache it may
// be up to the cache's ttl old.
func (db *DB) ActivePipeline(ctx context.Context) (tpl string, err error) {
	defer wrap(&err, "active pipeline")
	snap, err := db.pipelineSnap(ctx)
	if err != nil || snap != nil {
		return snap.activeTemplate(), err
	}
	return activePipeline(ctx, db.q(ctx))
}

// activePipeline is ActivePipeline read from the database, for writers.
func activePipeline(ctx context.Context, q Querier) (string, error) {
	var raw []byte
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = 'pipeline'`).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return crm.TemplateLadder, nil
	}
	if err != nil {
		return "", err
	}
	return pipelineTemplate(raw), nil
}

// pipelineTemplate decodes the "pipeline" setting: a JSON string, the
// ladder when it is not one.
func pipelineTemplate(raw []byte) string {
	var tpl string
	if err := json.Unmarshal(raw, &tpl); err != nil || tpl == "" {
		return crm.TemplateLadder
	}
	return tpl
}

// SetPipeline makes template the active pipeline. Customers keep their
// stages; the bot offers the new pipeline's stages from then on. A template
// without live stages is crm.EInvalid.
func (db *DB) SetPipeline(ctx context.Context, template string, by int64) (err error) {
	defer wrap(&err, "set pipeline")
	tx := db.q(ctx)
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM stages WHERE template = $1 AND NOT archived`, template).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return crm.Errorf(crm.EInvalid, "template %q has no stages", template)
	}
	v, _ := json.Marshal(template)
	if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('pipeline', $1, $2)
		ON CONFLICT (key) DO UPDATE SET value = $1, updated_at = $2`, v, db.now()); err != nil {
		return err
	}
	db.pipelineChanged(ctx)
	return audit(ctx, tx, by, "settings.pipeline", "settings", 0, map[string]any{"template": template})
}

// UpdateStaffPrefs stores a staff member's language, calendar, time zone,
// working hours (nil: the locale's default) and onboarded flag.
func (db *DB) UpdateStaffPrefs(ctx context.Context, s crm.Staff) (err error) {
	defer wrap(&err, "update staff preferences")
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" {
		return crm.Errorf(crm.EInvalid, "time zone %q", s.TimeZone)
	}
	if err := s.WorkHours.Validate(); err != nil {
		return err
	}
	hours, err := encodeHours(s.WorkHours)
	if err != nil {
		return err
	}
	tag, err := db.q(ctx).Exec(ctx, `UPDATE staff SET locale = $2, calendar = $3, time_zone = $4, work_hours = $5, onboarded = $6
		WHERE id = $1`, s.ID, s.Locale, s.Calendar, s.TimeZone, hours, s.Onboarded)
	if err == nil && tag.RowsAffected() == 0 {
		return crm.Errorf(crm.ENotFound, "staff %d", s.ID)
	}
	return err
}
