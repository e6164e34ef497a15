package bot

import (
	"context"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// Notification kinds this package renders.
const (
	kindReminder     = outbound.KindReminder
	kindEscalation   = outbound.KindEscalation
	kindDateGreeting = outbound.KindDateGreeting
)

// Renderers returns the renderers of the notifications the bot schedules,
// by Kind: "reminder", "escalation" and "date_greeting". Each reads the
// state of then (the follow-up or date named by RefID) and writes in the
// recipient's language, calendar and time zone.
func (b *Bot) Renderers() map[string]func(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
	rs := map[string]func(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error){
		kindReminder:     b.renderReminder,
		kindEscalation:   b.renderEscalation,
		kindDateGreeting: b.renderDateGreeting,
		kindDigest:       b.renderDigest,
		kindDigestChart:  b.renderDigestChart,
	}
	for k, f := range b.surveyRenderers() {
		rs[k] = f
	}
	for k, f := range b.campaignRenderers() {
		rs[k] = f
	}
	return rs
}

// staffReq is a request-like view for writing to staff member s outside
// an update: their language, calendar, time zone and working hours.
func (b *Bot) staffReq(ctx context.Context, s crm.Staff) *req {
	lang := s.Locale
	if lang == "" {
		lang = b.d.I18n.Default()
	}
	return &req{ctx: ctx, b: b, staff: s, chatID: s.TelegramUserID, loc: b.d.I18n.For(lang), u: &models.Update{}}
}

// recipient loads the notification's staff recipient; skip when they left.
func (b *Bot) recipient(ctx context.Context, n outbound.Notification) (*req, bool, error) {
	s, err := b.followups.StaffByID(ctx, n.StaffID)
	if crm.IsCode(err, crm.ENotFound) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !s.Active {
		return nil, true, nil
	}
	return b.staffReq(ctx, s), false, nil
}

func htmlMessage(chatID int64, text string, markup any) outbound.Message {
	return outbound.Message{Method: "sendMessage", ChatID: chatID, Text: text, ParseMode: "HTML", ReplyMarkup: markup, NoPreview: true}
}

// renderReminder writes a follow-up's reminder: the customer, when it was
// due, the last note, and buttons. It skips a follow-up that is done or
// cancelled, or that was moved since this reminder was queued.
func (b *Bot) renderReminder(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
	f, err := b.followups.FollowUp(ctx, n.RefID)
	if crm.IsCode(err, crm.ENotFound) {
		return outbound.Message{}, true, nil
	}
	if err != nil {
		return outbound.Message{}, false, err
	}
	if f.Status != crm.FollowUpOpen || !f.DueAt.Equal(n.Due) || f.AssigneeID != n.StaffID {
		return outbound.Message{}, true, nil
	}
	r, skip, err := b.recipient(ctx, n)
	if err != nil || skip {
		return outbound.Message{}, skip, err
	}
	text := r.t("reminder.text", map[string]any{"Name": esc(f.CustomerName), "When": r.dueText(f.DueAt)})
	switch last, err := b.followups.LastNote(ctx, f.CustomerID); {
	case err == nil && last.Note != "":
		text += "\n" + r.t("reminder.last_note", map[string]any{"Note": esc(clip(last.Note, 600, r.t("history.trimmed", nil))),
			"When": r.dateTime(last.OccurredAt)})
	case err == nil:
		text += "\n" + r.t("reminder.last_voice", map[string]any{"When": r.dateTime(last.OccurredAt)})
	case !crm.IsCode(err, crm.ENotFound):
		return outbound.Message{}, false, err
	}
	if err := b.followups.MarkReminded(ctx, f.ID, b.d.Now()); err != nil {
		return outbound.Message{}, false, err
	}
	return htmlMessage(n.ChatID, text, r.reminderButtons(f)), false, nil
}

// renderEscalation tells a manager that a follow-up is overdue; skipped
// once it is done, cancelled or moved.
func (b *Bot) renderEscalation(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
	f, err := b.followups.FollowUp(ctx, n.RefID)
	if crm.IsCode(err, crm.ENotFound) {
		return outbound.Message{}, true, nil
	}
	if err != nil {
		return outbound.Message{}, false, err
	}
	if f.Status != crm.FollowUpOpen || f.EscalatedAt.IsZero() {
		return outbound.Message{}, true, nil
	}
	r, skip, err := b.recipient(ctx, n)
	if err != nil || skip {
		return outbound.Message{}, skip, err
	}
	rep, err := b.followups.StaffByID(ctx, f.AssigneeID)
	if err != nil {
		return outbound.Message{}, false, err
	}
	text := r.t("escalation.text", map[string]any{"Rep": esc(rep.DisplayName), "Name": esc(f.CustomerName),
		"When": r.dateTime(f.DueAt), "Late": r.loc.Ago(f.DueAt.In(r.userLoc()), b.d.Now())})
	markup := ikm([]models.InlineKeyboardButton{ib(r.t("activity.open_card", nil), cb(actCard, id(f.CustomerID)))})
	return htmlMessage(n.ChatID, text, markup), false, nil
}
