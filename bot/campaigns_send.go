package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/schedule"
)

// CampaignKinds are the notification kinds of campaigns the bot renders.
func CampaignKinds() []string { return []string{schedule.KindCampaign} }

// campaignRenderers are the campaign kinds' renderers (see Renderers).
func (b *Bot) campaignRenderers() map[string]func(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
	return map[string]func(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error){
		schedule.KindCampaign: b.renderCampaign,
	}
}

// renderCampaign sends a recipient the text dispatch wrote for them (in
// their language, kept on the recipient); skipped when they may no longer
// be messaged or it is no longer theirs to send.
func (b *Bot) renderCampaign(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
	parts := strings.Split(n.DedupKey, ":")
	if len(parts) != 3 {
		return outbound.Message{}, true, nil
	}
	cid, err1 := strconv.ParseInt(parts[1], 10, 64)
	cust, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return outbound.Message{}, true, nil
	}
	rec, err := b.campaigns.CampaignRecipient(ctx, cid, cust)
	if err != nil {
		return outbound.Message{}, crm.IsCode(err, crm.ENotFound), ignoreNotFound(err)
	}
	c := rec.Customer
	if rec.Status != crm.RecipientSending || !c.Messageable() || c.Chat.TelegramUserID != n.ChatID || rec.Body == "" {
		return outbound.Message{}, true, nil
	}
	return htmlMessage(n.ChatID, esc(rec.Body), nil), false, nil
}

// CampaignTaskNote is the note of a campaign's call task for assignee, in
// their language, around the campaign's text for that customer: what
// schedule.Campaigns.TaskNote asks for.
func (b *Bot) CampaignTaskNote(_ context.Context, assignee crm.Staff, text string) string {
	lang := assignee.Locale
	if lang == "" {
		lang = b.d.DefaultLocale
	}
	return b.d.I18n.For(lang).T("campaign.task_note", map[string]any{"Text": text})
}

// historyCampaign is a campaign's message on the customer's history: when,
// from whom, what came of it, and the text as the customer read it.
func (r *req) historyCampaign(m crm.CampaignSend) string {
	who := m.AuthorName
	if who == "" {
		who = r.t("history.someone", nil)
	}
	return r.t("campaign.history", map[string]any{"When": r.dateTime(m.At), "Who": esc(who),
		"Status": r.t("campaign.recipient."+string(m.Status), nil)}) + "\n" +
		r.t("activity.note_line", map[string]any{"Note": esc(clip(m.Text, historyNoteLen, r.t("history.trimmed", nil)))})
}
