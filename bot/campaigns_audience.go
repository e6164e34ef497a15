package bot

import (
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// The audience builder of a draft: one button per filter, and after every
// change the live count (messages, call tasks, skipped) and a sample of
// names.

// campaignTagChoices bounds the tags offered: the scope's most used.
const campaignTagChoices = 12

// showCampaignBuilder shows a draft's filters, count and sample.
func (b *Bot) showCampaignBuilder(r *req, c crm.Campaign) error {
	a := c.Audience
	n, err := b.campaigns.AudienceCount(r.ctx, r.staff, a)
	if err != nil {
		return err
	}
	sample, err := b.campaigns.AudienceSample(r.ctx, r.staff, a)
	if err != nil {
		return err
	}
	lines := []string{r.t("campaign.builder.title", map[string]any{"ID": c.ID})}
	filters, err := b.audienceLines(r, a)
	if err != nil {
		return err
	}
	lines = append(lines, filters...)
	lines = append(lines, "", r.t("campaign.count", map[string]any{"Total": n.Total, "Messages": n.Messages,
		"Tasks": n.Tasks, "Reps": n.TaskReps, "Skipped": n.Skipped}))
	if len(sample) == 0 {
		lines = append(lines, r.t("campaign.sample_none", nil))
	} else {
		var names []string
		for _, s := range sample {
			names = append(names, esc(s.Name))
		}
		lines = append(lines, r.t("campaign.sample", map[string]any{"Names": strings.Join(names, "، ")}))
	}
	cid := id(c.ID)
	f := func(label string, set bool, code string, more ...string) models.InlineKeyboardButton {
		return ib(r.mark(r.t(label, nil), set), cb(actCampaignFilter, append([]string{cid, code}, more...)...))
	}
	rows := [][]models.InlineKeyboardButton{
		{ib(r.mark(r.t("campaign.btn.stages", nil), len(a.Stages) > 0), cb(actCampaignPick, cid, "s")),
			ib(r.mark(r.t("campaign.btn.tags", nil), len(a.Tags) > 0), cb(actCampaignPick, cid, "t"))},
		{f("campaign.btn.city", a.City != "", "c"),
			ib(r.mark(r.t("campaign.btn.value", nil), a.Value != crm.SegmentNone), cb(actCampaignPick, cid, "v"))},
		{f("campaign.btn.before", !a.BoughtBefore.IsZero(), "b"), f("campaign.btn.after", !a.BoughtAfter.IsZero(), "a")},
		{f("campaign.btn.at_risk", a.AtRisk, "r"), f("campaign.btn.linked."+linkedKey(a.Linked), a.Linked != crm.LinkedAny, "k")},
	}
	if !a.Empty() {
		rows = append(rows, []models.InlineKeyboardButton{f("campaign.btn.clear", false, "x", "all")})
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("campaign.btn.write", nil), cb(actCampaignText, cid)),
		ib(r.t("campaign.btn.list", nil), cb(actCampaignList))})
	return r.edit(strings.Join(lines, "\n"), ikm(rows...))
}

func linkedKey(l crm.Linked) string {
	if l == crm.LinkedAny {
		return "any"
	}
	return string(l)
}

// audienceLines describes the filters set, one line each.
func (b *Bot) audienceLines(r *req, a crm.Audience) ([]string, error) {
	if a.Empty() {
		return []string{r.t("campaign.audience.everyone", nil)}, nil
	}
	var lines []string
	if len(a.Stages) > 0 {
		var names []string
		for _, sid := range a.Stages {
			s, err := b.stages.Stage(r.ctx, sid)
			if err != nil && !crm.IsCode(err, crm.ENotFound) {
				return nil, err
			}
			names = append(names, esc(s.Name(r.lang())))
		}
		lines = append(lines, r.t("campaign.audience.stages", map[string]any{"Stages": strings.Join(names, "، ")}))
	}
	if len(a.Tags) > 0 {
		lines = append(lines, r.t("campaign.audience.tags", map[string]any{"Tags": esc(strings.Join(a.Tags, "، "))}))
	}
	if a.City != "" {
		lines = append(lines, r.t("campaign.audience.city", map[string]any{"City": esc(a.City)}))
	}
	if a.Value != crm.SegmentNone {
		lines = append(lines, r.t("campaign.audience.value", map[string]any{"Value": r.t("campaign.value."+string(a.Value), nil)}))
	}
	if !a.BoughtAfter.IsZero() {
		lines = append(lines, r.t("campaign.audience.after", map[string]any{"Date": r.day(a.BoughtAfter)}))
	}
	if !a.BoughtBefore.IsZero() {
		lines = append(lines, r.t("campaign.audience.before", map[string]any{"Date": r.day(a.BoughtBefore)}))
	}
	if a.AtRisk {
		lines = append(lines, r.t("campaign.audience.at_risk", nil))
	}
	if a.Linked != crm.LinkedAny {
		lines = append(lines, r.t("campaign.audience.linked."+string(a.Linked), nil))
	}
	return lines, nil
}

// day writes t as a date in the user's calendar and digits.
func (r *req) day(t time.Time) string {
	return format.Date(r.lang(), r.staffCal(), t.In(r.userLoc()))
}

// showCampaignPick shows a filter's choices: stages (s), tags (t) or
// value segments (v).
func (b *Bot) showCampaignPick(r *req, c crm.Campaign, args []string) error {
	cid, a := id(c.ID), c.Audience
	var btns []models.InlineKeyboardButton
	var title string
	switch first(args) {
	case "s":
		title = "campaign.pick.stages"
		stages, err := b.campaignStages(r)
		if err != nil {
			return err
		}
		for _, s := range stages {
			btns = append(btns, ib(r.mark(s.Name(r.lang()), a.HasStage(s.ID)), cb(actCampaignFilter, cid, "s", id(s.ID))))
		}
	case "t":
		title = "campaign.pick.tags"
		tags, err := b.campaignTags(r, a)
		if err != nil {
			return err
		}
		for i, t := range tags {
			btns = append(btns, ib(r.mark(t, a.HasTag(t)), cb(actCampaignFilter, cid, "t", id(int64(i+1)))))
		}
		if len(tags) == 0 {
			title = "campaign.pick.no_tags"
		}
	case "v":
		title = "campaign.pick.value"
		for _, v := range crm.Segments {
			btns = append(btns, ib(r.mark(r.t("campaign.value."+string(v), nil), a.Value == v), cb(actCampaignFilter, cid, "v", string(v))))
		}
		btns = append(btns, ib(r.mark(r.t("campaign.value.any", nil), a.Value == crm.SegmentNone), cb(actCampaignFilter, cid, "v", "-")))
	default:
		return r.staleButton()
	}
	rows := inlineRows(2, btns...)
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("campaign.btn.done", nil), cb(actCampaignBuilder, cid))})
	if err := r.finish(); err != nil {
		return err
	}
	return r.edit(r.t(title, nil), ikm(rows...))
}

func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// campaignStages are the active pipeline's live stages.
func (b *Bot) campaignStages(r *req) ([]crm.Stage, error) {
	tpl, err := b.stages.ActivePipeline(r.ctx)
	if err != nil {
		return nil, err
	}
	all, err := b.stages.PipelineStages(r.ctx, tpl)
	if err != nil {
		return nil, err
	}
	var out []crm.Stage
	for _, s := range all {
		if !s.Archived {
			out = append(out, s)
		}
	}
	return out, nil
}

// campaignTags are the tags offered: those chosen, then the scope's most
// used. A tag button carries its place in this list (a tag may be longer
// than callback data allows), read again on the tap.
func (b *Bot) campaignTags(r *req, a crm.Audience) ([]string, error) {
	top, err := b.campaigns.AudienceTags(r.ctx, r.staff, campaignTagChoices)
	if err != nil {
		return nil, err
	}
	out := append([]string{}, a.Tags...)
	for _, t := range top {
		if !a.HasTag(t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// onCampaignFilter changes one filter of a draft and shows the builder
// (or the choices it came from) again.
func (b *Bot) onCampaignFilter(r *req, c crm.Campaign, args []string) error {
	a := &c.Audience
	back := ""
	switch first(args) {
	case "s":
		sid, ok := argID(args, 1)
		if !ok {
			return r.staleButton()
		}
		stages, err := b.campaignStages(r)
		if err != nil {
			return err
		}
		if !a.HasStage(sid) && !hasStage(stages, sid) {
			return r.staleButton()
		}
		a.Stages = toggle(a.Stages, sid)
		back = "s"
	case "t":
		i, ok := argID(args, 1)
		tags, err := b.campaignTags(r, *a)
		if err != nil {
			return err
		}
		if !ok || int(i) > len(tags) {
			return r.staleButton()
		}
		a.Tags = toggle(a.Tags, tags[i-1])
		back = "t"
	case "v":
		v := crm.Segment(strings.TrimPrefix(first(args[1:]), "-"))
		if v != crm.SegmentNone && v != crm.SegmentTop && v != crm.SegmentMiddle && v != crm.SegmentLow {
			return r.staleButton()
		}
		a.Value = v
	case "r":
		a.AtRisk = !a.AtRisk
	case "k":
		a.Linked = map[crm.Linked]crm.Linked{crm.LinkedAny: crm.LinkedYes, crm.LinkedYes: crm.LinkedNo, crm.LinkedNo: crm.LinkedAny}[a.Linked]
	case "c", "b", "a":
		return b.askCampaignInput(r, c, map[string]string{"c": "city", "b": "before", "a": "after"}[args[0]])
	case "x":
		switch first(args[1:]) {
		case "c":
			a.City = ""
		case "b":
			a.BoughtBefore = time.Time{}
		case "a":
			a.BoughtAfter = time.Time{}
		case "all":
			*a = crm.Audience{}
		default:
			return r.staleButton()
		}
		if err := r.clearState(); err != nil {
			return err
		}
	default:
		return r.staleButton()
	}
	if err := b.campaigns.SaveCampaignDraft(r.ctx, c); err != nil {
		return err
	}
	if back != "" {
		return b.showCampaignPick(r, c, []string{back})
	}
	if err := r.finish(); err != nil {
		return err
	}
	return b.showCampaignBuilder(r, c)
}

func hasStage(ss []crm.Stage, id int64) bool {
	for _, s := range ss {
		if s.ID == id {
			return true
		}
	}
	return false
}

// toggle adds x to xs, or takes it out when it is there (a filter button
// pressed once more).
func toggle[T comparable](xs []T, x T) []T {
	out := []T{}
	found := false
	for _, v := range xs {
		if v == x {
			found = true
			continue
		}
		out = append(out, v)
	}
	if !found {
		out = append(out, x)
	}
	return out
}

// askCampaignInput asks for a typed filter (city, before, after).
func (b *Bot) askCampaignInput(r *req, c crm.Campaign, step string) error {
	if err := r.setState(flowCampaign, step, flowMap(campaignFlow{Campaign: flowID(c.ID)})); err != nil {
		return err
	}
	if err := r.finish(); err != nil {
		return err
	}
	code := map[string]string{"city": "c", "before": "b", "after": "a"}[step]
	return r.send(r.t("campaign.ask."+step, nil), ikm([]models.InlineKeyboardButton{
		ib(r.t("campaign.btn.no_filter", nil), cb(actCampaignFilter, id(c.ID), "x", code))}))
}
