package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// Surveys (migration 011): planned by their triggers, sent by the dispatch
// job (internal/schedule.Surveys), answered in the customer's chat.

const surveyColumns = `r.id, r.customer_id, r.kind, r.trigger, r.status, r.due_at, r.sent_at, r.reminded_at, r.expires_at,
	coalesce(r.locale, ''), r.wording_version, coalesce(p.score, -1), coalesce(p.comment, ''), p.answered_at, p.comment_at,
	r.comment_asked_at, r.comment_done`

const surveyFrom = ` FROM survey_requests r LEFT JOIN survey_responses p ON p.request_id = r.id `

// surveyDest returns scan destinations for surveyColumns and a func that
// fills the survey's optional times once scanned.
func surveyDest(s *crm.Survey) ([]any, func()) {
	var kind, trigger, status string
	var score int16
	var sent, reminded, expires, answered, commentAt, asked *time.Time
	dest := []any{&s.ID, &s.CustomerID, &kind, &trigger, &status, &s.DueAt, &sent, &reminded, &expires,
		&s.Locale, &s.Wording, &score, &s.Comment, &answered, &commentAt, &asked, &s.CommentDone}
	return dest, func() {
		s.Kind, s.Trigger, s.Status, s.Score = crm.SurveyKind(kind), crm.SurveyTrigger(trigger), crm.SurveyStatus(status), int(score)
		for _, t := range []struct {
			src *time.Time
			dst *time.Time
		}{{sent, &s.SentAt}, {reminded, &s.RemindedAt}, {expires, &s.ExpiresAt}, {answered, &s.AnsweredAt},
			{commentAt, &s.CommentAt}, {asked, &s.CommentAsked}} {
			if t.src != nil {
				*t.dst = *t.src
			}
		}
	}
}

func scanSurvey(row pgx.Row) (crm.Survey, error) {
	var s crm.Survey
	dest, fill := surveyDest(&s)
	err := row.Scan(dest...)
	fill()
	return s, err
}

// Survey returns a survey with its answer. crm.ENotFound if there is none.
func (db *DB) Survey(ctx context.Context, id int64) (s crm.Survey, err error) {
	defer wrap(&err, "survey")
	return scanSurvey(db.q(ctx).QueryRow(ctx, `SELECT `+surveyColumns+surveyFrom+`WHERE r.id = $1`, id))
}

// LockSurvey is Survey, locked for the rest of the transaction (an answer
// and its alert are decided on the state they change).
func (db *DB) LockSurvey(ctx context.Context, id int64) (s crm.Survey, err error) {
	defer wrap(&err, "lock survey")
	return scanSurvey(db.q(ctx).QueryRow(ctx, `SELECT `+surveyColumns+surveyFrom+`WHERE r.id = $1 FOR UPDATE OF r`, id))
}

// OpenSurveyOf returns the customer's latest survey still open at now.
// crm.ENotFound when none is.
func (db *DB) OpenSurveyOf(ctx context.Context, customerID int64, now time.Time) (s crm.Survey, err error) {
	defer wrap(&err, "open survey of")
	return scanSurvey(db.q(ctx).QueryRow(ctx, `SELECT `+surveyColumns+surveyFrom+`WHERE r.customer_id = $1
		AND r.status = 'sent' AND r.expires_at > $2 ORDER BY r.sent_at DESC, r.id DESC LIMIT 1 FOR UPDATE OF r`, customerID, now))
}

// RequestSurvey plans a survey of kind for a customer, due at due: a rep's
// "send survey" on the card (trigger manual, by the rep) or a recovered
// detractor's re-survey. A customer with a survey already planned or open
// is crm.EConflict.
func (db *DB) RequestSurvey(ctx context.Context, customerID int64, kind crm.SurveyKind, trigger crm.SurveyTrigger, causeID int64, due time.Time, by int64) (id int64, err error) {
	defer wrap(&err, "request survey")
	q := db.q(ctx)
	var open bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM survey_requests WHERE customer_id = $1
		AND (status = 'pending' OR (status = 'sent' AND expires_at > $2)))`, customerID, db.now()).Scan(&open); err != nil {
		return 0, err
	}
	if open && trigger == crm.TriggerManual {
		return 0, crm.Errorf(crm.EConflict, "customer %d has a survey open", customerID)
	}
	err = q.QueryRow(ctx, `INSERT INTO survey_requests (customer_id, staff_id, kind, trigger, cause_id, status, due_at, created_at)
		VALUES ($1, nullif($2, 0::bigint), $3, $4, nullif($5, 0::bigint), 'pending', $6, $7) RETURNING id`,
		customerID, by, kind, trigger, causeID, due, db.now()).Scan(&id)
	return id, err
}

// notMessageable is the SQL of crm.Customer.Messageable's negation.
const messageable = `c.deleted_at IS NULL AND c.telegram_user_id IS NOT NULL AND c.consent_at IS NOT NULL
	AND c.opted_out_at IS NULL AND c.unreachable_at IS NULL`

// PlanSurveys plans the surveys the triggers ask for at now: N days after
// an invoice, a visit or a move into the chosen stage (each cause once,
// and not when it is more than a survey's lifetime old), and a
// relationship NPS for each consenting customer who had none for the
// settings' period, no survey in the throttle period and none open, at
// most limit of those per run. Only customers who may be messaged are
// planned, and the survey after an invoice only where the relationship
// level in force (the customer's, else the business's) is accountable or
// above, or none is set (crm.Allows). It returns how many it planned;
// runs are serialized.
func (db *DB) PlanSurveys(ctx context.Context, now time.Time, s crm.SurveySettings, limit int) (n int, err error) {
	defer wrap(&err, "plan surveys")
	q := db.q(ctx)
	if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('crmbot.plan_surveys'))`); err != nil {
		return 0, err
	}
	lifetime := crm.SurveyLifetime
	rp, err := db.RelationshipPolicy(ctx)
	if err != nil {
		return 0, err
	}
	type plan struct {
		on   bool
		sql  string
		args []any
	}
	plans := []plan{
		{s.InvoiceOn, `SELECT x.customer_id, 'invoice', x.id, x.issued_at + make_interval(days => $2)
			FROM purchases x JOIN customers c ON c.id = x.customer_id
			WHERE x.kind = 'invoice' AND x.status <> 'cancelled' AND x.issued_at <= $1::timestamptz - make_interval(days => $2)
			AND x.issued_at > $1::timestamptz - make_interval(days => $2) - $3::interval AND ` + messageable + `
			AND coalesce(c.relationship_level, $4) NOT BETWEEN 1 AND $5 - 1`, []any{now, s.InvoiceDays, lifetime, rp.Business.Level, crm.LevelAccountable}},
		{s.VisitOn, `SELECT x.customer_id, 'visit', x.id, x.occurred_at + make_interval(days => $2)
			FROM activities x JOIN customers c ON c.id = x.customer_id
			WHERE x.kind = 'visit' AND x.occurred_at <= $1::timestamptz - make_interval(days => $2)
			AND x.occurred_at > $1::timestamptz - make_interval(days => $2) - $3::interval AND ` + messageable, []any{now, s.VisitDays, lifetime}},
		{s.StageOn, `SELECT x.customer_id, 'stage', x.id, x.changed_at + make_interval(days => $2)
			FROM stage_history x JOIN stages st ON st.id = x.to_stage_id JOIN customers c ON c.id = x.customer_id
			WHERE st.key = $4 AND x.changed_at <= $1::timestamptz - make_interval(days => $2)
			AND x.changed_at > $1::timestamptz - make_interval(days => $2) - $3::interval AND ` + messageable, []any{now, s.StageDays, lifetime, s.StageKey}},
		{s.RelationshipOn, `SELECT c.id, 'relationship', NULL::bigint, $1::timestamptz FROM customers c
			WHERE ` + messageable + ` AND c.consent_at <= $1 - $3::interval
			AND NOT EXISTS (SELECT 1 FROM survey_skips k WHERE k.customer_id = c.id)
			AND NOT EXISTS (SELECT 1 FROM survey_requests x WHERE x.customer_id = c.id AND (x.status = 'pending'
				OR (x.status = 'sent' AND x.expires_at > $1) OR x.sent_at > $1 - make_interval(days => $2)
				OR (x.trigger IN ('relationship', 'recovery') AND x.sent_at > $1 - make_interval(days => $4))))
			ORDER BY c.id LIMIT $5`, []any{now, s.ThrottleDays, lifetime, s.RelationshipDays, limit}},
	}
	for _, p := range plans {
		if !p.on {
			continue
		}
		tag, err := q.Exec(ctx, `INSERT INTO survey_requests (customer_id, staff_id, kind, trigger, cause_id, status, due_at, created_at)
			SELECT x.customer_id, c.owner_id, CASE WHEN x.trigger = 'relationship' THEN 'nps' ELSE 'csat' END, x.trigger, x.cause_id,
				'pending', x.due_at, $1::timestamptz
			FROM (`+p.sql+`) AS x (customer_id, trigger, cause_id, due_at) JOIN customers c ON c.id = x.customer_id
			ON CONFLICT DO NOTHING`, p.args...)
		if err != nil {
			return n, err
		}
		n += int(tag.RowsAffected())
	}
	return n, nil
}

// candidates reads surveys in status with their customers, locked, the
// rest of the query in where (its $1 is now, $2 the limit).
func (db *DB) candidates(ctx context.Context, where string, now time.Time, limit int) ([]crm.SurveyCandidate, error) {
	rows, err := db.q(ctx).Query(ctx, `SELECT `+customerColumns+`, `+surveyColumns+`,
			EXISTS (SELECT 1 FROM survey_skips k WHERE k.customer_id = r.customer_id),
			(SELECT max(x.sent_at) FROM survey_requests x WHERE x.customer_id = r.customer_id AND x.id <> r.id),
			coalesce(o.time_zone, '')
		FROM survey_requests r LEFT JOIN survey_responses p ON p.request_id = r.id
		JOIN customers c ON c.id = r.customer_id LEFT JOIN staff o ON o.id = c.owner_id
		WHERE `+where+` LIMIT $2 FOR UPDATE OF r SKIP LOCKED`, now, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.SurveyCandidate, error) {
		var c crm.SurveyCandidate
		var last *time.Time
		dest, fill := surveyDest(&c.Survey)
		cust, err := scanCustomer(row, append(dest, &c.Skipped, &last, &c.OwnerZone)...)
		fill()
		c.Customer = cust
		if last != nil {
			c.LastSentAt = *last
		}
		return c, err
	})
}

// SurveysToSend locks up to limit planned surveys due at now, earliest
// first, with their customers.
func (db *DB) SurveysToSend(ctx context.Context, now time.Time, limit int) (cs []crm.SurveyCandidate, err error) {
	defer wrap(&err, "surveys to send")
	return db.candidates(ctx, `r.status = 'pending' AND r.due_at <= $1 ORDER BY r.due_at, r.id`, now, limit)
}

// SurveysToRemind locks up to limit sent, unanswered, unreminded surveys
// sent at least crm.SurveyReminderAfter before now and still open.
func (db *DB) SurveysToRemind(ctx context.Context, now time.Time, limit int) (cs []crm.SurveyCandidate, err error) {
	defer wrap(&err, "surveys to remind")
	return db.candidates(ctx, `r.status = 'sent' AND r.reminded_at IS NULL AND p.id IS NULL AND r.expires_at > $1
		AND r.sent_at <= $1 - '`+crm.SurveyReminderAfter.String()+`'::interval ORDER BY r.sent_at, r.id`, now, limit)
}

// MarkSurveySent records that survey id goes out at now in locale with
// wording version: it is open for crm.SurveyLifetime.
func (db *DB) MarkSurveySent(ctx context.Context, id int64, now time.Time, locale string, version int) (err error) {
	defer wrap(&err, "mark survey sent")
	_, err = db.q(ctx).Exec(ctx, `UPDATE survey_requests SET status = 'sent', sent_at = $2, expires_at = $3, locale = $4,
		wording_version = $5 WHERE id = $1 AND status = 'pending'`, id, now, now.Add(crm.SurveyLifetime), locale, version)
	return err
}

// DeferSurvey moves a planned survey to due (the customer's morning).
func (db *DB) DeferSurvey(ctx context.Context, id int64, due time.Time) (err error) {
	defer wrap(&err, "defer survey")
	_, err = db.q(ctx).Exec(ctx, `UPDATE survey_requests SET due_at = $2 WHERE id = $1 AND status = 'pending'`, id, due)
	return err
}

// DropSurvey gives up a planned survey: status dropped with reason, or
// expired (reason empty) when it waited too long.
func (db *DB) DropSurvey(ctx context.Context, id int64, reason string, now time.Time) (err error) {
	defer wrap(&err, "drop survey")
	_, err = db.q(ctx).Exec(ctx, `UPDATE survey_requests SET status = CASE WHEN $2 = '' THEN 'expired' ELSE 'dropped' END,
		drop_reason = nullif($2, ''), closed_at = $3 WHERE id = $1 AND status = 'pending'`, id, reason, now)
	return err
}

// MarkSurveyReminded records the survey's one reminder.
func (db *DB) MarkSurveyReminded(ctx context.Context, id int64, now time.Time) (err error) {
	defer wrap(&err, "mark survey reminded")
	_, err = db.q(ctx).Exec(ctx, `UPDATE survey_requests SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL`, id, now)
	return err
}

// CloseSurveys closes every sent survey whose week is over at now: closed
// when answered, expired when not. It returns how many.
func (db *DB) CloseSurveys(ctx context.Context, now time.Time) (n int, err error) {
	defer wrap(&err, "close surveys")
	tag, err := db.q(ctx).Exec(ctx, `UPDATE survey_requests r SET closed_at = $1,
			status = CASE WHEN EXISTS (SELECT 1 FROM survey_responses p WHERE p.request_id = r.id) THEN 'closed' ELSE 'expired' END
		WHERE r.status = 'sent' AND r.expires_at <= $1`, now)
	return int(tag.RowsAffected()), err
}

// AnswerSurvey records score as the answer to open survey s at now. It
// reports whether anything changed (a double tap of the same score does
// not), and asks for the comment on the first answer.
func (db *DB) AnswerSurvey(ctx context.Context, s crm.Survey, score int, now time.Time) (changed bool, err error) {
	defer wrap(&err, "answer survey")
	q := db.q(ctx)
	err = q.QueryRow(ctx, `INSERT INTO survey_responses (request_id, customer_id, score, answered_at, updated_at)
		VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (request_id) DO UPDATE SET score = EXCLUDED.score, updated_at = EXCLUDED.updated_at
			WHERE survey_responses.score IS DISTINCT FROM EXCLUDED.score
		RETURNING true`, s.ID, s.CustomerID, score, now).Scan(&changed)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, err = q.Exec(ctx, `UPDATE survey_requests SET comment_asked_at = coalesce(comment_asked_at, $2) WHERE id = $1`, s.ID, now)
	return true, err
}

// SetSurveyComment stores the customer's comment, whole, or appends a
// further part of it; an empty text is "skip". The comment step is done.
func (db *DB) SetSurveyComment(ctx context.Context, id int64, text string, appendPart bool, now time.Time) (err error) {
	defer wrap(&err, "set survey comment")
	q := db.q(ctx)
	if text != "" {
		if _, err := q.Exec(ctx, `UPDATE survey_responses SET comment = CASE WHEN $3 AND comment IS NOT NULL
				THEN comment || E'\n' || $2 ELSE $2 END, comment_at = $4, updated_at = $4 WHERE request_id = $1`,
			id, text, appendPart, now); err != nil {
			return err
		}
	}
	_, err = q.Exec(ctx, `UPDATE survey_requests SET comment_done = true WHERE id = $1`, id)
	return err
}
