package bot

import (
	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// The card's survey buttons: "send survey" (now, in the customer's
// daytime) and the customer's surveys on or off ("skip surveys").

// surveyCardRow is the card's row of survey buttons, for a customer who
// linked the bot; nil otherwise.
func surveyCardRow(r *req, c crm.Customer) []models.InlineKeyboardButton {
	if c.Chat.TelegramUserID == 0 || !crm.CanEdit(r.staff, c) {
		return nil
	}
	cid := id(c.ID)
	return []models.InlineKeyboardButton{ib(r.t("survey.btn.send", nil), cb(actSurveySend, cid)),
		ib(r.t("survey.btn.skips", nil), cb(actSurveySkips, cid))}
}

// onSurveySend plans a CSAT survey of the customer now: the dispatch job
// sends it within a minute, or in the customer's morning. A customer who
// may not be messaged, or has a survey open, is told apart.
func (b *Bot) onSurveySend(r *req, c crm.Customer, _ []string) error {
	data := map[string]any{"Name": esc(c.Name)}
	if !c.Messageable() {
		return r.toast(r.t("survey.cannot_send", data), true)
	}
	_, err := b.surveys.RequestSurvey(r.ctx, c.ID, crm.TriggerManual.Kind(), crm.TriggerManual, 0, r.now(), r.staff.ID)
	if crm.IsCode(err, crm.EConflict) {
		return r.toast(r.t("survey.open_already", data), true)
	}
	if err != nil {
		return err
	}
	return r.toast(r.t("survey.requested", data), true)
}

// showSurveySkips tells whether the bot surveys the customer, with the
// button that changes it.
func (b *Bot) showSurveySkips(r *req, c crm.Customer, _ []string) error {
	skipped, err := b.surveys.SurveysSkipped(r.ctx, c.ID)
	if err != nil {
		return err
	}
	data := map[string]any{"Name": esc(c.Name)}
	cid := id(c.ID)
	if skipped {
		return r.edit(r.t("survey.skips_off", data), ikm(
			[]models.InlineKeyboardButton{ib(r.t("survey.btn.resume", nil), cb(actSurveySetSkip, cid, "0"))}, backToCard(r, c)))
	}
	return r.edit(r.t("survey.skips_on", data), ikm(
		[]models.InlineKeyboardButton{ib(r.t("survey.btn.skip_surveys", nil), cb(actSurveySetSkip, cid, "1"))}, backToCard(r, c)))
}

// onSurveySetSkip skips (1) or resumes (0) the customer's surveys.
func (b *Bot) onSurveySetSkip(r *req, c crm.Customer, args []string) error {
	v := argOr(args, 0)
	if v != "0" && v != "1" {
		return crm.Errorf(crm.EStale, "skip %q", v)
	}
	if err := b.surveys.SetSurveysSkipped(r.ctx, c.ID, v == "1", r.staff.ID); err != nil {
		return err
	}
	return b.showSurveySkips(r, c, nil)
}

// withSurveyRow puts the survey buttons (when the customer linked the bot)
// above the card's last row.
func withSurveyRow(r *req, c crm.Customer, kb *models.InlineKeyboardMarkup) *models.InlineKeyboardMarkup {
	row := surveyCardRow(r, c)
	if row == nil || len(kb.InlineKeyboard) == 0 {
		return kb
	}
	n := len(kb.InlineKeyboard)
	rows := append(append(kb.InlineKeyboard[:n-1:n-1], row), kb.InlineKeyboard[n-1])
	return ikm(rows...)
}

// historySurvey is a survey answered, on the customer's history: the
// question, the score and the comment (clipped; the whole is kept).
func (r *req) historySurvey(s crm.Survey) string {
	_, hi := crm.ScoreRange(s.Kind)
	line := r.t("survey.history", map[string]any{"When": r.dateTime(s.AnsweredAt), "Kind": r.t("survey.kind."+string(s.Kind), nil),
		"Score": s.Score, "Max": hi})
	if s.Comment != "" {
		line += "\n" + r.t("survey.alert_comment", map[string]any{"Comment": esc(clip(s.Comment, historyNoteLen, r.t("history.trimmed", nil)))})
	}
	return line
}
