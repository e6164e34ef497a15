package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/digest"
)

// The digest's survey figures, from the answers (survey_responses) and the
// kind of survey each answered (survey_requests.kind, migration 011): the
// per-rep score averages NPS answers only (0–10; a CSAT is out of 5), and
// a low answer is crm.LowScore's for its kind.
const (
	qSurveyAny    = `SELECT EXISTS (SELECT 1 FROM survey_responses WHERE score IS NOT NULL)`
	qSurveyPerRep = `SELECT c.owner_id, sum(r.score), count(*) FROM survey_responses r
		JOIN survey_requests q ON q.id = r.request_id JOIN customers c ON c.id = r.customer_id
		WHERE c.owner_id = ANY($1) AND q.kind = 'nps' AND r.score IS NOT NULL AND r.answered_at >= $2 AND r.answered_at < $3 GROUP BY 1`
	qSurveyLow = `SELECT c.id, c.name, r.score, r.answered_at FROM survey_responses r
		JOIN survey_requests q ON q.id = r.request_id JOIN customers c ON c.id = r.customer_id
		WHERE c.owner_id = ANY($1) AND r.score <= CASE q.kind WHEN 'nps' THEN $4::int ELSE $5::int END
			AND r.answered_at >= $2 AND r.answered_at < $3 AND c.deleted_at IS NULL
		ORDER BY r.score, r.answered_at DESC LIMIT 10`
)

func surveyScores(ctx context.Context, tx *batch, d *digest.Data, ids []int64, idx map[int64]int) error {
	if err := each(ctx, tx, qSurveyAny, nil, func(r pgx.Rows) error { return r.Scan(&d.Surveys) }); err != nil {
		return err
	}
	p := d.Query.Period
	if err := each(ctx, tx, qSurveyPerRep, []any{ids, p.From, p.To}, func(r pgx.Rows) error {
		var id int64
		var s digest.Score
		err := r.Scan(&id, &s.Sum, &s.D)
		d.Reps[idx[id]].Survey = s
		return err
	}); err != nil {
		return err
	}
	return each(ctx, tx, qSurveyLow, []any{ids, d.Query.Since, d.Query.Now,
		crm.LowScoreMax(crm.SurveyNPS), crm.LowScoreMax(crm.SurveyCSAT)}, func(r pgx.Rows) error {
		var l digest.LowScore
		err := r.Scan(&l.CustomerID, &l.Customer, &l.Score, &l.At)
		d.LowScores = append(d.LowScores, l)
		return err
	})
}
