package bot

import (
	"context"
	"strconv"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/schedule"
)

// kindSurveyAlert is a low score told to the rep and their manager
// (RefID: the alert).
const kindSurveyAlert = "survey_alert"

// SurveyKinds are the notification kinds of surveys the bot renders.
func SurveyKinds() []string {
	return []string{schedule.KindSurvey, schedule.KindSurveyReminder, kindSurveyAlert}
}

// surveyRenderers are the survey kinds' renderers (see Renderers).
func (b *Bot) surveyRenderers() map[string]func(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
	return map[string]func(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error){
		schedule.KindSurvey: func(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
			return b.renderSurvey(ctx, n, false)
		},
		schedule.KindSurveyReminder: func(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
			return b.renderSurvey(ctx, n, true)
		},
		kindSurveyAlert: b.renderSurveyAlert,
	}
}

// customerReq is a request-like view for writing to customer c outside an
// update: their chosen language, else the organisation's.
func (b *Bot) customerReq(ctx context.Context, c crm.Customer) *req {
	return &req{ctx: ctx, b: b, customer: c, chatID: c.Chat.TelegramUserID, loc: b.CustomerLocalizer(c), u: &models.Update{}}
}

// renderSurvey writes a survey (or its reminder) to the customer in their
// language at send time; skipped once it closed or was answered (a
// reminder), or when the customer may no longer be messaged.
func (b *Bot) renderSurvey(ctx context.Context, n outbound.Notification, reminder bool) (outbound.Message, bool, error) {
	s, err := b.surveys.Survey(ctx, n.RefID)
	if crm.IsCode(err, crm.ENotFound) {
		return outbound.Message{}, true, nil
	}
	if err != nil {
		return outbound.Message{}, false, err
	}
	c, err := b.surveys.Customer(ctx, s.CustomerID)
	if err != nil {
		return outbound.Message{}, crm.IsCode(err, crm.ENotFound), ignoreNotFound(err)
	}
	if !s.Open(b.d.Now()) || !c.Messageable() || c.Chat.TelegramUserID != n.ChatID || (reminder && s.Answered()) {
		return outbound.Message{}, true, nil
	}
	r := b.customerReq(ctx, c)
	intro := "survey.intro." + string(s.Trigger)
	if reminder {
		intro = "survey.reminder"
	}
	text, err := b.surveyText(r, c, s, intro)
	if err != nil {
		return outbound.Message{}, false, err
	}
	return htmlMessage(n.ChatID, text, surveyKeyboard(r.lang(), s)), false, nil
}

func ignoreNotFound(err error) error {
	if crm.IsCode(err, crm.ENotFound) {
		return nil
	}
	return err
}

// raiseSurveyAlert answers a low score at once: a call back follow-up for
// the owning rep due within one working day (a real follow-up: reminded,
// and escalated when left overdue) and an alert to the rep and their
// manager (the admins when there is none). Once per survey.
func (b *Bot) raiseSurveyAlert(r *req, s crm.Survey) error {
	if _, err := b.surveys.SurveyAlertOf(r.ctx, s.ID); err == nil || !crm.IsCode(err, crm.ENotFound) {
		return err
	}
	c := r.customer
	var to []crm.Staff
	var rep crm.Staff
	if c.OwnerID != 0 {
		owner, err := b.surveys.StaffByID(r.ctx, c.OwnerID)
		if err != nil {
			return err
		}
		if owner.Active {
			rep = owner
			to = append(to, owner)
		}
	}
	leads, err := b.surveys.EscalationRecipients(r.ctx, rep.ID)
	if err != nil {
		return err
	}
	to = append(to, leads...)
	if rep.ID == 0 && len(leads) > 0 {
		rep = leads[0]
	}
	a := crm.SurveyAlert{SurveyID: s.ID, CustomerID: c.ID, RepID: rep.ID, CreatedAt: r.now()}
	if rep.ID != 0 {
		_, hi := crm.ScoreRange(s.Kind)
		note := b.staffReq(r.ctx, rep).t("survey.followup_note", map[string]any{"Score": s.Score, "Max": hi})
		f, err := b.surveys.CreateFollowUp(r.ctx, crm.FollowUp{CustomerID: c.ID, AssigneeID: rep.ID,
			DueAt: crm.WithinOneWorkingDay(rep.Hours(), r.now(), rep.Location()), Note: note}, 0)
		if err != nil {
			return err
		}
		a.FollowUpID = f.ID
		if err := b.d.Notify.Schedule(r.ctx, schedule.Reminder(f, rep)); err != nil {
			return err
		}
	}
	a, created, err := b.surveys.CreateSurveyAlert(r.ctx, a)
	if err != nil || !created {
		return err
	}
	return b.notifyAlert(r, a, to, "")
}

// notifyAlert schedules the alert's message to each recipient; suffix
// makes a later message of the same alert (its comment) a new one.
func (b *Bot) notifyAlert(r *req, a crm.SurveyAlert, to []crm.Staff, suffix string) error {
	seen := map[int64]bool{}
	for _, s := range to {
		if seen[s.ID] {
			continue
		}
		seen[s.ID] = true
		key := "survey_alert:" + strconv.FormatInt(a.ID, 10) + ":" + strconv.FormatInt(s.ID, 10) + suffix
		if err := b.d.Notify.Schedule(r.ctx, outbound.Notification{Kind: kindSurveyAlert, ChatID: s.TelegramUserID,
			StaffID: s.ID, RefID: a.ID, Due: r.now(), DedupKey: key}); err != nil {
			return err
		}
	}
	return nil
}

// alertComment sends a low score's comment after its alert, to the same
// people, while its outcome is not told yet.
func (b *Bot) alertComment(r *req, s crm.Survey) error {
	a, err := b.surveys.SurveyAlertOf(r.ctx, s.ID)
	if crm.IsCode(err, crm.ENotFound) {
		return nil
	}
	if err != nil || a.Outcome != "" {
		return err
	}
	var to []crm.Staff
	if a.RepID != 0 {
		rep, err := b.surveys.StaffByID(r.ctx, a.RepID)
		if err != nil {
			return err
		}
		to = append(to, rep)
	}
	leads, err := b.surveys.EscalationRecipients(r.ctx, a.RepID)
	if err != nil {
		return err
	}
	return b.notifyAlert(r, a, append(to, leads...), ":comment")
}

// outcomeCodes are the outcome buttons' arguments.
var outcomeCodes = map[string]crm.AlertOutcome{"r": crm.OutcomeRecovered, "n": crm.OutcomeNotRecovered, "u": crm.OutcomeUnreachable}

// renderSurveyAlert writes a low score to a rep or manager: who, the
// score and the comment, when the call back is due, and one-tap buttons
// (log the call, open the card, the call's outcome). Skipped once the
// outcome is told, or when the recipient left.
func (b *Bot) renderSurveyAlert(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
	a, err := b.surveys.SurveyAlert(ctx, n.RefID)
	if err != nil {
		return outbound.Message{}, crm.IsCode(err, crm.ENotFound), ignoreNotFound(err)
	}
	if a.Outcome != "" {
		return outbound.Message{}, true, nil
	}
	r, skip, err := b.recipient(ctx, n)
	if err != nil || skip {
		return outbound.Message{}, skip, err
	}
	s, err := b.surveys.Survey(ctx, a.SurveyID)
	if err != nil {
		return outbound.Message{}, false, err
	}
	c, err := b.surveys.Customer(ctx, a.CustomerID)
	if err != nil {
		return outbound.Message{}, false, err
	}
	if !crm.CanView(r.staff, c) {
		return outbound.Message{}, true, nil
	}
	_, hi := crm.ScoreRange(s.Kind)
	text := r.t("survey.alert", map[string]any{"Name": esc(c.Name), "Score": s.Score, "Max": hi,
		"Kind": r.t("survey.kind."+string(s.Kind), nil)})
	if c.OwnerID != r.staff.ID && c.OwnerName != "" {
		text += "\n" + r.t("survey.alert_rep", map[string]any{"Rep": esc(c.OwnerName)})
	}
	if s.Comment != "" {
		text += "\n" + r.t("survey.alert_comment", map[string]any{"Comment": esc(clip(s.Comment, 3000, r.t("history.trimmed", nil)))})
	} else {
		text += "\n" + r.t("survey.alert_no_comment", nil)
	}
	if a.FollowUpID != 0 {
		if f, err := b.followups.FollowUp(ctx, a.FollowUpID); err == nil {
			text += "\n" + r.t("survey.alert_due", map[string]any{"When": r.dateTime(f.DueAt)})
		} else if !crm.IsCode(err, crm.ENotFound) {
			return outbound.Message{}, false, err
		}
	}
	aid := id(a.ID)
	markup := ikm(
		[]models.InlineKeyboardButton{ib(r.t("survey.btn.call_back", nil), cb(actLogCall, id(c.ID))), ib(r.t("activity.open_card", nil), cb(actCard, id(c.ID)))},
		[]models.InlineKeyboardButton{ib(r.t("survey.outcome.recovered", nil), cb(actSurveyOutcome, aid, "r")),
			ib(r.t("survey.outcome.not_recovered", nil), cb(actSurveyOutcome, aid, "n")),
			ib(r.t("survey.outcome.unreachable", nil), cb(actSurveyOutcome, aid, "u"))},
	)
	return htmlMessage(n.ChatID, text, markup), false, nil
}

// onSurveyOutcome keeps what came of the call back, once, for someone who
// may change the customer; a recovered customer is asked again later.
func (b *Bot) onSurveyOutcome(r *req, args []string) error {
	aid, ok := argID(args, 0)
	o, known := outcomeCodes[argOr(args, 1)]
	if !ok || !known {
		return crm.Errorf(crm.EStale, "outcome")
	}
	a, err := b.surveys.SurveyAlert(r.ctx, aid)
	if err != nil {
		return err
	}
	c, err := r.customerByID(a.CustomerID, true)
	if err != nil {
		return err
	}
	if err := b.surveys.SetAlertOutcome(r.ctx, a.ID, o, r.staff.ID, r.now()); crm.IsCode(err, crm.EConflict) {
		return r.toast(r.t("survey.outcome_already", nil), true)
	} else if err != nil {
		return err
	}
	text := r.t("survey.outcome_kept", map[string]any{"Name": esc(c.Name), "Outcome": r.t("survey.outcome."+string(o), nil)})
	if o == crm.OutcomeRecovered {
		text += "\n" + r.t("survey.resurvey", map[string]any{"Days": int(crm.RecoveryResurvey.Hours() / 24)})
	}
	return r.edit(text, ikm([]models.InlineKeyboardButton{ib(r.t("activity.open_card", nil), cb(actCard, id(c.ID)))}))
}

// argOr is args[i], or "" when there is none.
func argOr(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}
