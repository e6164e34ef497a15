package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// Surveys in the customer's chat (issue 12): the question with one tap per
// score, an optional comment, the alert of a low score to the rep and their
// manager, the call back's outcome, the card's "send survey" and "skip
// surveys", and the results in /surveys. The dispatch job that sends them
// is internal/schedule.Surveys.

// SurveyStore is what the survey feature reads and writes.
type SurveyStore interface {
	Survey(ctx context.Context, id int64) (crm.Survey, error)
	// LockSurvey is Survey locked for the update's transaction.
	LockSurvey(ctx context.Context, id int64) (crm.Survey, error)
	// OpenSurveyOf returns crm.ENotFound when the customer has none open.
	OpenSurveyOf(ctx context.Context, customerID int64, now time.Time) (crm.Survey, error)
	// AnswerSurvey reports false when the score was already the answer.
	AnswerSurvey(ctx context.Context, s crm.Survey, score int, now time.Time) (bool, error)
	SetSurveyComment(ctx context.Context, id int64, text string, appendPart bool, now time.Time) error
	// SurveyWording returns crm.ENotFound when no admin edited it.
	SurveyWording(ctx context.Context, kind crm.SurveyKind, locale string) (string, int, error)
	SetSurveyWording(ctx context.Context, kind crm.SurveyKind, locale, text string, by int64) (int, error)
	SurveySettings(ctx context.Context) (crm.SurveySettings, error)
	SetSurveySettings(ctx context.Context, s crm.SurveySettings, by int64) error
	// CreateSurveyAlert reports false when the survey was alerted before.
	CreateSurveyAlert(ctx context.Context, a crm.SurveyAlert) (crm.SurveyAlert, bool, error)
	SurveyAlert(ctx context.Context, id int64) (crm.SurveyAlert, error)
	SurveyAlertOf(ctx context.Context, surveyID int64) (crm.SurveyAlert, error)
	// SetAlertOutcome returns crm.EConflict when an outcome was told.
	SetAlertOutcome(ctx context.Context, id int64, o crm.AlertOutcome, by int64, now time.Time) error
	// RequestSurvey returns crm.EConflict (manual) when one is open.
	RequestSurvey(ctx context.Context, customerID int64, kind crm.SurveyKind, trigger crm.SurveyTrigger, causeID int64, due time.Time, by int64) (int64, error)
	SurveysSkipped(ctx context.Context, customerID int64) (bool, error)
	SetSurveysSkipped(ctx context.Context, customerID int64, skip bool, by int64) error
	SurveyFacts(ctx context.Context, from, to time.Time, teamID int64) ([]crm.SurveyFact, error)
	Customer(ctx context.Context, id int64) (crm.Customer, error)
	StaffByID(ctx context.Context, id int64) (crm.Staff, error)
	// EscalationRecipients are the staff member's manager, or the admins.
	EscalationRecipients(ctx context.Context, staffID int64) ([]crm.Staff, error)
	CreateFollowUp(ctx context.Context, f crm.FollowUp, by int64) (crm.FollowUp, error)
	Teams(ctx context.Context) ([]crm.Team, error)
}

// Callback codes of surveys (all start with "v").
const (
	actSurveyScore   = "vs" // customer: a score, vs:<survey>:<score>
	actSurveySkip    = "vk" // customer: no comment, vk:<survey>
	actSurveyOutcome = "vo" // staff: the call back's outcome, vo:<alert>:<r|n|u>
	actSurveySend    = "vq" // staff: send a survey now, vq:<customer>
	actSurveySkips   = "vx" // staff: the customer's surveys on or off, vx:<customer>
	actSurveySetSkip = "vy" // staff: skip (1) or resume (0), vy:<customer>:<0|1>
	actSurveyPeriod  = "vp" // staff: /surveys for a period, vp:<days>
)

// routesSurveys registers the survey buttons and /surveys.
func (b *Bot) routesSurveys() {
	b.customerAction(actSurveyScore, b.onSurveyScore)
	b.customerAction(actSurveySkip, b.onSurveySkipComment)
	b.action(actSurveyOutcome, b.onSurveyOutcome)
	b.action(actSurveySend, b.editable(b.onSurveySend))
	b.action(actSurveySkips, b.editable(b.showSurveySkips))
	b.action(actSurveySetSkip, b.editable(b.onSurveySetSkip))
	b.action(actSurveyPeriod, b.onSurveyPeriod)
	b.command("surveys", func(r *req) error { return b.showSurveyResults(r, 30, false) })
	b.routesSurveyAdmin()
}

// faces are the CSAT buttons' faces, by score.
var faces = [...]string{1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😍"}

// surveyKeyboard is the score buttons of s: five faces for CSAT, 0–10 in
// two rows for NPS; the current answer is marked.
func surveyKeyboard(lang string, s crm.Survey) *models.InlineKeyboardMarkup {
	sid := id(s.ID)
	btn := func(score int, label string) models.InlineKeyboardButton {
		if s.Answered() && s.Score == score {
			label = "✅ " + label
		}
		return ib(label, cb(actSurveyScore, sid, strconv.Itoa(score)))
	}
	if s.Kind == crm.SurveyNPS {
		var top, bottom []models.InlineKeyboardButton
		for n := 0; n <= 10; n++ {
			b := btn(n, format.Int(lang, int64(n)))
			if n <= 5 {
				top = append(top, b)
			} else {
				bottom = append(bottom, b)
			}
		}
		return ikm(top, bottom)
	}
	var row []models.InlineKeyboardButton
	for n := 1; n <= 5; n++ {
		row = append(row, btn(n, faces[n]+" "+format.Int(lang, int64(n))))
	}
	return ikm(row)
}

// surveyQuestion is the survey's question in lang: the admin's latest
// wording, or the locale files'.
func (b *Bot) surveyQuestion(ctx context.Context, r *req, kind crm.SurveyKind) (string, error) {
	text, _, err := b.surveys.SurveyWording(ctx, kind, r.lang())
	switch {
	case err == nil:
		return esc(text), nil
	case crm.IsCode(err, crm.ENotFound):
		return r.t("survey.question."+string(kind), nil), nil
	}
	return "", err
}

// surveyText is the survey message: why we ask, the question, and the
// customer's answer once they gave one.
func (b *Bot) surveyText(r *req, c crm.Customer, s crm.Survey, intro string) (string, error) {
	q, err := b.surveyQuestion(r.ctx, r, s.Kind)
	if err != nil {
		return "", err
	}
	text := r.t(intro, map[string]any{"Name": esc(c.Name)}) + "\n\n" + q
	if s.Answered() {
		_, hi := crm.ScoreRange(s.Kind)
		text += "\n\n" + r.t("survey.your_answer", map[string]any{"Score": s.Score, "Max": hi})
	}
	return text, nil
}

// customerSurvey loads the survey a customer's button names, locked; a
// survey that is not theirs (forged, or another customer's) is ENotFound.
func (b *Bot) customerSurvey(r *req, args []string) (crm.Survey, bool, error) {
	sid, ok := argID(args, 0)
	if !ok {
		return crm.Survey{}, false, r.toast(r.t("survey.unavailable", nil), false)
	}
	s, err := b.surveys.LockSurvey(r.ctx, sid)
	if crm.IsCode(err, crm.ENotFound) || (err == nil && s.CustomerID != r.customer.ID) {
		return crm.Survey{}, false, r.toast(r.t("survey.unavailable", nil), false)
	}
	if err != nil {
		return s, false, err
	}
	if !s.Open(r.now()) {
		return s, false, r.toast(r.t("survey.closed", nil), true)
	}
	return s, true, nil
}

// onSurveyScore records a tapped score. A double tap counts once; another
// score changes the answer until the survey closes.
func (b *Bot) onSurveyScore(r *req, args []string) error {
	s, ok, err := b.customerSurvey(r, args)
	if !ok || err != nil {
		return err
	}
	score, ok := argInt(args, 1)
	if !ok || !crm.ValidScore(s.Kind, score) {
		return r.toast(r.t("survey.unavailable", nil), false)
	}
	return b.answerSurvey(r, s, score)
}

// answerSurvey records score as the answer to open survey s (a tap, or
// the number typed where the score was asked).
func (b *Bot) answerSurvey(r *req, s crm.Survey, score int) error {
	changed, err := b.surveys.AnswerSurvey(r.ctx, s, score, r.now())
	if err != nil {
		return err
	}
	if !changed {
		return r.toast(r.t("survey.already", nil), false)
	}
	first := !s.Answered()
	s.Score = score
	text, err := b.surveyText(r, r.customer, s, "survey.thanks_score")
	if err != nil {
		return err
	}
	if r.cbMsg != nil {
		if err := r.edit(text, surveyKeyboard(r.lang(), s)); err != nil {
			return err
		}
	} else if err := r.send(text, surveyKeyboard(r.lang(), s)); err != nil {
		return err
	}
	if first {
		if err := r.send(r.t("survey.ask_comment", nil), ikm([]models.InlineKeyboardButton{
			ib(r.t("survey.btn.skip", nil), cb(actSurveySkip, id(s.ID)))})); err != nil {
			return err
		}
		if err := r.toast(r.t("survey.recorded", nil), false); err != nil {
			return err
		}
	} else if err := r.toast(r.t("survey.changed", nil), false); err != nil {
		return err
	}
	if crm.LowScore(s.Kind, score) {
		return b.raiseSurveyAlert(r, s)
	}
	return nil
}

// onSurveySkipComment ends the survey without a comment.
func (b *Bot) onSurveySkipComment(r *req, args []string) error {
	s, ok, err := b.customerSurvey(r, args)
	if !ok || err != nil {
		return err
	}
	if !s.Answered() || s.CommentDone {
		return r.toast(r.t("survey.already", nil), false)
	}
	if err := b.surveys.SetSurveyComment(r.ctx, s.ID, "", false, r.now()); err != nil {
		return err
	}
	return r.edit(r.t("survey.thanks_done", nil), ikm())
}

// surveyCustomerText handles a linked customer's text while a survey of
// theirs is open: where a score is expected (the day after the survey or
// its reminder came), a number in any digits is the score and anything
// else gets the question again; after the score,
// the text is the comment, kept whole (a long one arrives in several
// messages, each appended within crm.CommentWindow). Anything else is not
// the survey's (handled false): the customer route answers it.
func (b *Bot) surveyCustomerText(r *req) (bool, error) {
	if r.msg == nil || r.msg.Text == "" || r.customer.ID == 0 {
		return false, nil
	}
	if _, _, isCmd := parseCommand(r.msg, b.d.BotUsername); isCmd {
		return false, nil
	}
	now := r.now()
	s, err := b.surveys.OpenSurveyOf(r.ctx, r.customer.ID, now)
	if crm.IsCode(err, crm.ENotFound) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	text := strings.TrimSpace(r.msg.Text)
	switch {
	case s.ScoreExpected(now):
		if n, err := strconv.Atoi(textnorm.Digits(text)); err == nil && textnorm.Digits(text) == strings.Map(asciiOnly, text) && crm.ValidScore(s.Kind, n) {
			return true, b.answerSurvey(r, s, n)
		}
		q, err := b.surveyText(r, r.customer, s, "survey.score_expected")
		if err != nil {
			return true, err
		}
		return true, r.send(q, surveyKeyboard(r.lang(), s))
	case s.CommentExpected(now):
		if err := b.surveys.SetSurveyComment(r.ctx, s.ID, r.msg.Text, false, now); err != nil {
			return true, err
		}
		if err := r.send(r.t("survey.comment_thanks", nil), nil); err != nil {
			return true, err
		}
		return true, b.alertComment(r, s)
	case s.Comment != "" && now.Sub(s.CommentAt) < crm.CommentWindow:
		if err := b.surveys.SetSurveyComment(r.ctx, s.ID, r.msg.Text, true, now); err != nil {
			return true, err
		}
		return true, r.send(r.t("survey.comment_added", nil), nil)
	}
	return false, nil
}

// asciiOnly maps a digit of any script to ASCII and drops everything
// else but letters, so "۴" reads as "4" and "4 stars" does not.
func asciiOnly(c rune) rune {
	if d := textnorm.Digits(string(c)); d != "" {
		return rune(d[0])
	}
	if c == ' ' {
		return -1
	}
	return c
}
