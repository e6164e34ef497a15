package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/digest"
)

// The digest's survey hook (digest.SurveyHook): scores are read from
// survey_responses as migration 001 made it (a score 0–10 per answer, the
// customer, answered_at). The survey feature is built on its own branch;
// when it moves or reshapes its answers, only these queries change.
const (
	qSurveyAny    = `SELECT EXISTS (SELECT 1 FROM survey_responses WHERE score IS NOT NULL)`
	qSurveyPerRep = `SELECT c.owner_id, sum(r.score), count(*) FROM survey_responses r JOIN customers c ON c.id = r.customer_id
		WHERE c.owner_id = ANY($1) AND r.score IS NOT NULL AND r.answered_at >= $2 AND r.answered_at < $3 GROUP BY 1`
	qSurveyLow = `SELECT c.id, c.name, r.score, r.answered_at FROM survey_responses r JOIN customers c ON c.id = r.customer_id
		WHERE c.owner_id = ANY($1) AND r.score < $4 AND r.answered_at >= $2 AND r.answered_at < $3 AND c.deleted_at IS NULL
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
	return each(ctx, tx, qSurveyLow, []any{ids, d.Query.Since, d.Query.Now, digest.LowScoreBelow}, func(r pgx.Rows) error {
		var l digest.LowScore
		err := r.Scan(&l.CustomerID, &l.Customer, &l.Score, &l.At)
		d.LowScores = append(d.LowScores, l)
		return err
	})
}
