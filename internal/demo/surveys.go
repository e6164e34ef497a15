package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// surveyKey is the demo's satisfaction survey.
const surveyKey = "satisfaction"

// surveyTitle is the survey's title in each language.
func surveyTitle() map[string]string {
	return map[string]string{"en": "Customer satisfaction", "fa": "رضایت مشتری", "ar": "رضا العملاء"}
}

// question is one question of a survey as stored in its questions column.
type question struct {
	Key      string            `json:"key"`
	Kind     string            `json:"kind"` // "scale" or "text"
	Min      int               `json:"min,omitempty"`
	Max      int               `json:"max,omitempty"`
	Optional bool              `json:"optional,omitempty"`
	Text     map[string]string `json:"text"`
}

// surveyQuestions returns a 0–10 score and an optional comment.
func surveyQuestions() []question {
	return []question{
		{Key: "score", Kind: "scale", Min: 0, Max: 10, Text: map[string]string{
			"en": "How likely are you to recommend us to a friend or colleague? (0–10)",
			"fa": "چقدر احتمال دارد ما را به یک دوست یا همکار پیشنهاد کنید؟ (۰ تا ۱۰)",
			"ar": "ما مدى احتمال أن توصي بنا لصديق أو زميل؟ (من ٠ إلى ١٠)",
		}},
		{Key: "comment", Kind: "text", Optional: true, Text: map[string]string{
			"en": "Anything you would like to tell us?",
			"fa": "اگر نکته یا پیشنهادی دارید، برایمان بنویسید.",
			"ar": "هل لديك ملاحظة أو اقتراح تودّ مشاركتنا به؟",
		}},
	}
}

// answerSpec is a linked customer's survey request and, unless score < 0,
// their answer, in their own language.
type answerSpec struct {
	link    int64
	daysAgo int // when the request was sent
	score   int // -1: not answered yet
	comment string
}

// answerSpecs returns the demo's survey requests: five answered (a
// promoter, a passive, ...) and one sent yesterday still waiting.
func answerSpecs() []answerSpec {
	return []answerSpec{
		{2001, 20, 10, "دستگاه عالی کار می‌کند و آقای حسین‌زاده همیشه پیگیر است. شما را به دو نفر از همکارانم هم معرفی کردم."},
		{2002, 14, 9, "الخدمة ممتازة والصيانة دائماً في موعدها. أتمنى فقط أن تتوفر قطع الغيار بشكل أسرع."},
		{2003, 12, 9, "Great machine, and Priya always answers quickly. The training day was really useful for our new baristas."},
		{2004, 9, 6, "کیفیت دستگاه خوب است، ولی رسیدن قطعه‌ی یدکی دو هفته طول کشید."},
		{2005, 6, 8, "راضون عن الآلات، والتدريب كان مفيداً للموظفين."},
		{2006, 1, -1, ""},
	}
}

// insertSurvey creates the satisfaction survey, links the customers who
// opened the bot (with their consent to be contacted in chat), and stores
// the requests sent to them and their answers.
func (g *gen) insertSurvey(ctx context.Context) error {
	title, err := json.Marshal(surveyTitle())
	if err != nil {
		return err
	}
	qs, err := json.Marshal(surveyQuestions())
	if err != nil {
		return err
	}
	var surveyID int64
	err = g.tx.QueryRow(ctx, `INSERT INTO surveys (key, title, questions, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		surveyKey, title, qs, g.now.AddDate(0, -6, 0)).Scan(&surveyID)
	if err != nil {
		return err
	}
	linked := map[int64]*customer{}
	for _, c := range g.customers {
		if c.spec.link == 0 {
			continue
		}
		linked[c.spec.link] = c
		at := g.workTime(c.author, 30+g.rng.IntN(20))
		// Linked as a customer opening their rep's link is (customers'
		// chat columns, migrations 009 and 010), with their consent.
		_, err := g.tx.Exec(ctx, `UPDATE customers SET telegram_user_id = $2, telegram_linked_at = $4, chat_locale = $3,
			consent_at = $4, consent_version = $5 WHERE id = $1`, c.id, c.spec.link, c.spec.lang, at, crm.ConsentVersion)
		if err != nil {
			return fmt.Errorf("link %s: %w", c.spec.name, err)
		}
		// The link the customer side and surveys read (migrations 009, 010).
		_, err = g.tx.Exec(ctx, `UPDATE customers SET telegram_user_id = $2, telegram_linked_at = $3, chat_locale = $4,
			consent_at = $3, consent_version = '1' WHERE id = $1`, c.id, c.spec.link, at, c.spec.lang)
		if err != nil {
			return fmt.Errorf("link %s: %w", c.spec.name, err)
		}
	}
	for _, a := range answerSpecs() {
		c := linked[a.link]
		if c == nil {
			return fmt.Errorf("no customer linked as %d", a.link)
		}
		if err := g.insertAnswer(ctx, surveyID, c, a); err != nil {
			return fmt.Errorf("survey for %s: %w", c.spec.name, err)
		}
	}
	return nil
}

func (g *gen) insertAnswer(ctx context.Context, surveyID int64, c *customer, a answerSpec) error {
	sent := g.workTime(c.author, a.daysAgo)
	var reqID int64
	// A relationship NPS (migration 011): open for a week after it was sent,
	// then closed (answered) or expired.
	status := "sent"
	if a.daysAgo >= 7 {
		status = map[bool]string{true: "closed", false: "expired"}[a.score >= 0]
	}
	err := g.tx.QueryRow(ctx, `INSERT INTO survey_requests (survey_id, customer_id, staff_id, sent_at, created_at, kind, trigger,
			status, due_at, expires_at, closed_at, locale)
		VALUES ($1, $2, $3, $4, $4, 'nps', 'relationship', $5, $4, $6::timestamptz, CASE WHEN $5 <> 'sent' THEN $6::timestamptz END, $7) RETURNING id`,
		surveyID, c.id, c.author.id, sent, status, sent.Add(7*24*time.Hour), c.spec.lang).Scan(&reqID)
	if err != nil || a.score < 0 {
		return err
	}
	answered := sent.Add(time.Duration(25+g.rng.IntN(300)) * time.Minute)
	answers, err := json.Marshal(map[string]any{"score": a.score, "comment": a.comment})
	if err != nil {
		return err
	}
	_, err = g.tx.Exec(ctx, `INSERT INTO survey_responses (survey_id, request_id, customer_id, score, answers, comment, answered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, surveyID, reqID, c.id, a.score, answers, nullable(a.comment), answered)
	return err
}
