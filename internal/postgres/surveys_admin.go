package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// SurveySettings returns the admin's survey settings (settings key
// "surveys"; crm.DefaultSurveySettings when unset or unreadable).
func (db *DB) SurveySettings(ctx context.Context) (s crm.SurveySettings, err error) {
	defer wrap(&err, "survey settings")
	var raw []byte
	err = db.q(ctx).QueryRow(ctx, `SELECT value FROM settings WHERE key = 'surveys'`).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return crm.DefaultSurveySettings(), nil
	}
	if err != nil {
		return s, err
	}
	s = crm.DefaultSurveySettings()
	if json.Unmarshal(raw, &s) != nil || s.Validate() != nil {
		return crm.DefaultSurveySettings(), nil
	}
	return s, nil
}

// SetSurveySettings stores the admin's survey settings; invalid ones are
// crm.EInvalid.
func (db *DB) SetSurveySettings(ctx context.Context, s crm.SurveySettings, by int64) (err error) {
	defer wrap(&err, "set survey settings")
	if err := s.Validate(); err != nil {
		return err
	}
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	q := db.q(ctx)
	if _, err := q.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('surveys', $1, $2)
		ON CONFLICT (key) DO UPDATE SET value = $1, updated_at = $2`, v, db.now()); err != nil {
		return err
	}
	return audit(ctx, q, by, "settings.surveys", "settings", 0, map[string]any{"surveys": s})
}

// SurveyWording returns the latest question an admin wrote for kind in
// locale and its version; crm.ENotFound when nobody edited it (the
// locale files' question applies).
func (db *DB) SurveyWording(ctx context.Context, kind crm.SurveyKind, locale string) (text string, version int, err error) {
	defer wrap(&err, "survey wording")
	err = db.q(ctx).QueryRow(ctx, `SELECT question, version FROM survey_wordings WHERE kind = $1 AND locale = $2
		ORDER BY version DESC LIMIT 1`, kind, locale).Scan(&text, &version)
	return text, version, err
}

// SetSurveyWording stores a new version of kind's question in locale and
// returns its version. An empty or too long text is crm.EInvalid.
func (db *DB) SetSurveyWording(ctx context.Context, kind crm.SurveyKind, locale, text string, by int64) (version int, err error) {
	defer wrap(&err, "set survey wording")
	if err := crm.ValidateWording(text); err != nil {
		return 0, err
	}
	q := db.q(ctx)
	if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('crmbot.survey_wording'))`); err != nil {
		return 0, err
	}
	err = q.QueryRow(ctx, `INSERT INTO survey_wordings (kind, locale, version, question, created_by, created_at)
		SELECT $1, $2, coalesce(max(version), 0) + 1, $3, nullif($4, 0::bigint), $5 FROM survey_wordings WHERE kind = $1 AND locale = $2
		RETURNING version`, kind, locale, text, by, db.now()).Scan(&version)
	if err != nil {
		return 0, err
	}
	return version, audit(ctx, q, by, "survey.wording", "survey_wordings", int64(version), map[string]any{"kind": kind, "locale": locale})
}

// SurveysSkipped reports whether the rep skipped the customer's surveys.
func (db *DB) SurveysSkipped(ctx context.Context, customerID int64) (skipped bool, err error) {
	defer wrap(&err, "surveys skipped")
	err = db.q(ctx).QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM survey_skips WHERE customer_id = $1)`, customerID).Scan(&skipped)
	return skipped, err
}

// SetSurveysSkipped skips (or resumes) the bot's surveys of a customer; a
// skip also drops the surveys planned and not sent yet.
func (db *DB) SetSurveysSkipped(ctx context.Context, customerID int64, skip bool, by int64) (err error) {
	defer wrap(&err, "set surveys skipped")
	q := db.q(ctx)
	if !skip {
		_, err = q.Exec(ctx, `DELETE FROM survey_skips WHERE customer_id = $1`, customerID)
		return err
	}
	if _, err := q.Exec(ctx, `INSERT INTO survey_skips (customer_id, skipped_by, skipped_at) VALUES ($1, nullif($2, 0::bigint), $3)
		ON CONFLICT (customer_id) DO NOTHING`, customerID, by, db.now()); err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE survey_requests SET status = 'dropped', drop_reason = 'skipped', closed_at = $2
		WHERE customer_id = $1 AND status = 'pending'`, customerID, db.now())
	return err
}

const alertColumns = `a.id, a.request_id, a.customer_id, coalesce(a.rep_id, 0), coalesce(a.follow_up_id, 0), a.created_at,
	coalesce(a.outcome, ''), a.outcome_at`

func scanAlert(row pgx.Row) (crm.SurveyAlert, error) {
	var a crm.SurveyAlert
	var outcome string
	var at *time.Time
	err := row.Scan(&a.ID, &a.SurveyID, &a.CustomerID, &a.RepID, &a.FollowUpID, &a.CreatedAt, &outcome, &at)
	a.Outcome = crm.AlertOutcome(outcome)
	if at != nil {
		a.OutcomeAt = *at
	}
	return a, err
}

// CreateSurveyAlert stores the alert of a low answer to survey a.SurveyID
// once: created is false (and the existing alert returned) when it was
// alerted before.
func (db *DB) CreateSurveyAlert(ctx context.Context, a crm.SurveyAlert) (out crm.SurveyAlert, created bool, err error) {
	defer wrap(&err, "create survey alert")
	q := db.q(ctx)
	var id int64
	err = q.QueryRow(ctx, `INSERT INTO survey_alerts (request_id, customer_id, rep_id, follow_up_id, created_at)
		VALUES ($1, $2, nullif($3, 0::bigint), nullif($4, 0::bigint), $5) ON CONFLICT (request_id) DO NOTHING RETURNING id`,
		a.SurveyID, a.CustomerID, a.RepID, a.FollowUpID, a.CreatedAt).Scan(&id)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		out, err = scanAlert(q.QueryRow(ctx, `SELECT `+alertColumns+` FROM survey_alerts a WHERE a.request_id = $1`, a.SurveyID))
		return out, false, err
	case err != nil:
		return out, false, err
	}
	out, err = scanAlert(q.QueryRow(ctx, `SELECT `+alertColumns+` FROM survey_alerts a WHERE a.id = $1`, id))
	return out, true, err
}

// SurveyAlert returns an alert. crm.ENotFound if there is none.
func (db *DB) SurveyAlert(ctx context.Context, id int64) (a crm.SurveyAlert, err error) {
	defer wrap(&err, "survey alert")
	return scanAlert(db.q(ctx).QueryRow(ctx, `SELECT `+alertColumns+` FROM survey_alerts a WHERE a.id = $1`, id))
}

// SurveyAlertOf returns the alert of a survey. crm.ENotFound if none.
func (db *DB) SurveyAlertOf(ctx context.Context, surveyID int64) (a crm.SurveyAlert, err error) {
	defer wrap(&err, "survey alert of")
	return scanAlert(db.q(ctx).QueryRow(ctx, `SELECT `+alertColumns+` FROM survey_alerts a WHERE a.request_id = $1`, surveyID))
}

// SetAlertOutcome keeps what came of calling the detractor back, once:
// crm.EConflict when an outcome was told already. The call back's
// follow-up is done with it; a recovered customer is surveyed again (the
// same question) crm.RecoveryResurvey later.
func (db *DB) SetAlertOutcome(ctx context.Context, id int64, o crm.AlertOutcome, by int64, now time.Time) (err error) {
	defer wrap(&err, "set alert outcome")
	q := db.q(ctx)
	var fu, customer int64
	var kind string
	err = q.QueryRow(ctx, `UPDATE survey_alerts a SET outcome = $2, outcome_by = nullif($3, 0::bigint), outcome_at = $4
		FROM survey_requests r WHERE a.id = $1 AND a.outcome IS NULL AND r.id = a.request_id
		RETURNING coalesce(a.follow_up_id, 0), a.customer_id, r.kind`, id, o, by, now).Scan(&fu, &customer, &kind)
	if errors.Is(err, pgx.ErrNoRows) {
		return crm.Errorf(crm.EConflict, "alert %d has an outcome", id)
	}
	if err != nil {
		return err
	}
	if fu != 0 {
		if err := db.CompleteFollowUp(ctx, fu, by); err != nil && !crm.IsCode(err, crm.EConflict) {
			return err
		}
	}
	if o == crm.OutcomeRecovered {
		_, err = db.RequestSurvey(ctx, customer, crm.SurveyKind(kind), crm.TriggerRecovery, id, now.Add(crm.RecoveryResurvey), by)
	}
	return err
}

// SurveyFacts returns every survey sent in [from, to) with its customer's
// owner and team, its answer and its alert: what crm.SummarizeSurveys
// computes the results from (/surveys, and the managers' digest). teamID
// 0 is every team.
func (db *DB) SurveyFacts(ctx context.Context, from, to time.Time, teamID int64) (fs []crm.SurveyFact, err error) {
	defer wrap(&err, "survey facts")
	rows, err := db.q(ctx).Query(ctx, `SELECT r.id, r.kind, coalesce(c.owner_id, 0), coalesce(o.display_name, ''),
			coalesce(o.team_id, 0), r.sent_at, coalesce(p.score, -1), a.id IS NOT NULL, coalesce(a.outcome, '')
		FROM survey_requests r JOIN customers c ON c.id = r.customer_id LEFT JOIN staff o ON o.id = c.owner_id
		LEFT JOIN survey_responses p ON p.request_id = r.id LEFT JOIN survey_alerts a ON a.request_id = r.id
		WHERE r.sent_at >= $1 AND r.sent_at < $2 AND ($3 = 0 OR o.team_id = $3) ORDER BY r.sent_at, r.id`, from, to, teamID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.SurveyFact, error) {
		var f crm.SurveyFact
		var kind, outcome string
		var score int16
		err := row.Scan(&f.SurveyID, &kind, &f.RepID, &f.RepName, &f.TeamID, &f.SentAt, &score, &f.Alerted, &outcome)
		f.Kind, f.Score, f.Outcome = crm.SurveyKind(kind), int(score), crm.AlertOutcome(outcome)
		return f, err
	})
}
