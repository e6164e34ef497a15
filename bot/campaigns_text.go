package bot

import (
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
)

// A draft's text per language, typed by its author (the other two
// languages optional: a reader without their own gets the author's), the
// preview as a chosen customer reads it, the confirmation with the count,
// and the start.

// campaignInput takes what the author typed for a draft: a city, a date
// of last purchase (any calendar and digits parsePastDate reads) or a
// language's text. Bad input is answered and asked again; nothing is lost.
func (b *Bot) campaignInput(r *req, st *State) error {
	fl := loadFlow[campaignFlow](st)
	c, ok, err := b.loadCampaign(r, []string{id(int64(fl.Campaign))}, 0)
	if err != nil || !ok {
		if err == nil {
			err = r.clearState()
		}
		return err
	}
	if c.Status != crm.CampaignDraft {
		if err := r.clearState(); err != nil {
			return err
		}
		return r.send(r.t("campaign.already_started", nil), nil)
	}
	text := strings.TrimSpace(r.msg.Text)
	if text == "" {
		return r.send(r.t("campaign.ask."+st.Step, nil), nil)
	}
	a := &c.Audience
	switch st.Step {
	case "city":
		a.City = text
		if err := a.Validate(); err != nil {
			return r.send(r.t("campaign.bad_city", nil), nil)
		}
	case "before", "after":
		at, err := r.parsePastDate(text)
		if err != nil {
			return r.send(r.t("campaign.bad_date", nil), nil)
		}
		l := at.In(r.userLoc())
		day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, l.Location())
		if st.Step == "before" {
			a.BoughtBefore = day
		} else {
			a.BoughtAfter = day
		}
		if err := a.Validate(); err != nil {
			return r.send(r.t("campaign.bad_range", nil), nil)
		}
	case "text":
		if p := crm.UnknownPlaceholder(text); p != "" {
			return r.send(r.t("campaign.bad_placeholder", map[string]any{"Placeholder": esc(p)}), nil)
		}
		if err := crm.ValidateTemplateText(text); err != nil {
			return r.send(r.t("campaign.bad_text", map[string]any{"Max": crm.MaxTemplateLen}), nil)
		}
		if c.Texts == nil {
			c.Texts = crm.Template{}
		}
		c.Texts[fl.Lang] = text
	default:
		return r.clearState()
	}
	if err := b.campaigns.SaveCampaignDraft(r.ctx, c); err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	if st.Step == "text" {
		return b.showCampaignTexts(r, c)
	}
	return b.showCampaignBuilder(r, c)
}

// onCampaignText asks for a language's text (mt:<campaign>:<lang>), or
// shows the texts (mt:<campaign>); with none yet, it asks for the
// author's language first.
func (b *Bot) onCampaignText(r *req, c crm.Campaign, args []string) error {
	lang := first(args)
	if lang == "" && c.Texts[c.DefaultLocale] != "" {
		if err := r.finish(); err != nil {
			return err
		}
		return b.showCampaignTexts(r, c)
	}
	if lang == "" {
		lang = c.DefaultLocale
	}
	if !supportedLang(lang) {
		return r.staleButton()
	}
	if err := r.setState(flowCampaign, "text", flowMap(campaignFlow{Campaign: flowID(c.ID), Lang: lang})); err != nil {
		return err
	}
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(r.t("campaign.ask.text", map[string]any{"Lang": r.t("campaign.lang."+lang, nil)})+"\n\n"+r.t("campaign.placeholders", nil), nil)
}

// campaignLangs are the languages of a campaign, its default first.
func campaignLangs(c crm.Campaign) []string {
	out := []string{c.DefaultLocale}
	for _, l := range i18n.Supported() {
		if l != c.DefaultLocale {
			out = append(out, l)
		}
	}
	return out
}

// showCampaignTexts shows a draft's text in each language.
func (b *Bot) showCampaignTexts(r *req, c crm.Campaign) error {
	lines := []string{r.t("campaign.texts.title", map[string]any{"ID": c.ID})}
	var edit []models.InlineKeyboardButton
	def := r.t("campaign.lang."+c.DefaultLocale, nil)
	for _, l := range campaignLangs(c) {
		name := r.t("campaign.lang."+l, nil)
		if s := c.Texts[l]; s != "" {
			lines = append(lines, "", r.t("campaign.texts.line", map[string]any{"Lang": name}), esc(s))
		} else {
			lines = append(lines, "", r.t("campaign.texts.missing", map[string]any{"Lang": name, "Default": def}))
		}
		edit = append(edit, ib(r.t("campaign.btn.text", map[string]any{"Lang": name}), cb(actCampaignText, id(c.ID), l)))
	}
	cid := id(c.ID)
	return r.send(strings.Join(lines, "\n"), ikm(edit,
		[]models.InlineKeyboardButton{ib(r.t("campaign.btn.preview", nil), cb(actCampaignPreview, cid)),
			ib(r.t("campaign.btn.continue", nil), cb(actCampaignConfirm, cid))},
		[]models.InlineKeyboardButton{ib(r.t("campaign.btn.audience", nil), cb(actCampaignBuilder, cid))}))
}

// onCampaignPreview offers the sample's customers (mv:<campaign>) and
// shows the message as the chosen one would read it, in their language
// (mv:<campaign>:<customer>). The customer is re-checked: one the user may
// not see is refused.
func (b *Bot) onCampaignPreview(r *req, c crm.Campaign, args []string) error {
	if c.Texts[c.DefaultLocale] == "" {
		return r.toast(r.t("campaign.no_text", nil), true)
	}
	cid := id(c.ID)
	back := []models.InlineKeyboardButton{ib(r.t("campaign.btn.texts", nil), cb(actCampaignText, cid)),
		ib(r.t("campaign.btn.continue", nil), cb(actCampaignConfirm, cid))}
	if len(args) == 0 {
		sample, err := b.campaigns.AudienceSample(r.ctx, r.staff, c.Audience)
		if err != nil {
			return err
		}
		var btns []models.InlineKeyboardButton
		for _, s := range sample {
			btns = append(btns, ib(clipRunes(s.Name, 30), cb(actCampaignPreview, cid, id(s.ID))))
		}
		if err := r.finish(); err != nil {
			return err
		}
		return r.send(r.t("campaign.preview.pick", nil), ikm(append(inlineRows(2, btns...), back)...))
	}
	custID, ok := argID(args, 0)
	if !ok {
		return r.staleButton()
	}
	cust, err := r.loadViewable(custID)
	if err != nil {
		return err
	}
	org, err := b.links.OrgName(r.ctx)
	if err != nil {
		return err
	}
	text, in := c.Texts.For(cust.ChatLocale(c.DefaultLocale), c.DefaultLocale)
	body := crm.Render(text, crm.TemplateValues{Name: cust.Name, Rep: cust.OwnerName, Company: cust.Company, Org: org})
	lines := []string{r.t("campaign.preview.title", map[string]any{"Name": esc(cust.Name), "Lang": r.t("campaign.lang."+in, nil)}), "", esc(body)}
	switch ch, status := crm.PlanRecipient(cust); {
	case ch == crm.ChannelTask:
		lines = append(lines, "", r.t("campaign.preview.as_task", nil))
	case status != crm.RecipientQueued:
		lines = append(lines, "", r.t("campaign.preview.not_sent", nil))
	}
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(strings.Join(lines, "\n"), ikm(back))
}

// showCampaignConfirm asks to send, with the count as it is now.
func (b *Bot) showCampaignConfirm(r *req, c crm.Campaign, _ []string) error {
	if err := c.Texts.Validate(c.DefaultLocale); err != nil {
		return r.toast(r.t("campaign.no_text", nil), true)
	}
	n, err := b.campaigns.AudienceCount(r.ctx, r.staff, c.Audience)
	if err != nil {
		return err
	}
	cid := id(c.ID)
	back := ib(r.t("campaign.btn.audience", nil), cb(actCampaignBuilder, cid))
	if err := r.finish(); err != nil {
		return err
	}
	if n.Messages+n.Tasks == 0 {
		return r.edit(r.t("campaign.confirm.nobody", nil), ikm([]models.InlineKeyboardButton{back}))
	}
	text := r.t("campaign.confirm.title", map[string]any{"ID": c.ID}) + "\n" +
		r.t("campaign.count", map[string]any{"Total": n.Total, "Messages": n.Messages, "Tasks": n.Tasks, "Reps": n.TaskReps, "Skipped": n.Skipped})
	return r.edit(text, ikm(
		[]models.InlineKeyboardButton{ib(r.n("campaign.btn.send", n.Messages, map[string]any{"Count": n.Messages}), cb(actCampaignStart, cid))},
		[]models.InlineKeyboardButton{back}))
}

// onCampaignStart starts the campaign: its recipients are fixed now and
// dispatch sends the messages and makes the call tasks. A second tap
// only shows the card.
func (b *Bot) onCampaignStart(r *req, c crm.Campaign, _ []string) error {
	if err := c.Texts.Validate(c.DefaultLocale); err != nil {
		return r.toast(r.t("campaign.no_text", nil), true)
	}
	if _, err := b.campaigns.StartCampaign(r.ctx, c.ID); err != nil {
		if crm.IsCode(err, crm.EConflict) {
			return r.toast(r.t("campaign.already_started", nil), false)
		}
		return err
	}
	if err := r.toast(r.t("campaign.started", nil), false); err != nil {
		return err
	}
	c, err := b.campaigns.Campaign(r.ctx, c.ID)
	if err != nil {
		return err
	}
	return b.showCampaignCard(r, c, nil)
}
