package bot

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// Campaigns (issue 14): /campaigns lists the campaigns the user may see
// with their figures; "New" opens the audience builder (each filter a
// button, the live count and a sample after every change), then the text
// per language, a preview as a chosen customer reads it, the confirmation
// with the count, and the campaign's card with what was delivered, blocked
// and replied. Every active staff member may make one, to the customers
// they may change: an admin to all, a manager to their team's and the
// pool, a rep to their own (crm.ScopeOf). Dispatch is
// internal/schedule.Campaigns.

// CampaignStore is what the campaign feature reads and writes.
type CampaignStore interface {
	AudienceCount(ctx context.Context, viewer crm.Staff, a crm.Audience) (crm.AudienceCount, error)
	AudienceSample(ctx context.Context, viewer crm.Staff, a crm.Audience) ([]crm.Customer, error)
	AudienceTags(ctx context.Context, viewer crm.Staff, limit int) ([]string, error)
	CreateCampaign(ctx context.Context, author crm.Staff, a crm.Audience) (crm.Campaign, error)
	// Campaign returns crm.ENotFound when there is none.
	Campaign(ctx context.Context, id int64) (crm.Campaign, error)
	// SaveCampaignDraft returns crm.EConflict once the campaign started.
	SaveCampaignDraft(ctx context.Context, c crm.Campaign) error
	Campaigns(ctx context.Context, viewer crm.Staff, limit int) ([]crm.Campaign, error)
	CampaignFigures(ctx context.Context, id int64) (crm.CampaignFigures, error)
	// StartCampaign returns crm.EConflict when it is not a draft.
	StartCampaign(ctx context.Context, id int64) (int, error)
	CampaignRecipient(ctx context.Context, campaignID, customerID int64) (crm.CampaignRecipient, error)
	MarkCampaignReplied(ctx context.Context, customerID int64, at time.Time) (int, error)
}

// Callback codes of campaigns (all start with "m").
const (
	actCampaignList    = "ml" // the list
	actCampaignNew     = "mn" // a new draft
	actCampaignCard    = "mr" // a campaign's card (refresh): mr:<campaign>[:<figures shown>]
	actCampaignBuilder = "mb" // a draft's audience: mb:<campaign>
	actCampaignPick    = "mp" // a filter's choices: mp:<campaign>:<s|t|v>
	actCampaignFilter  = "mf" // change a filter: mf:<campaign>:<filter>[:<value>]
	actCampaignText    = "mt" // write a language's text: mt:<campaign>:<lang>; mt:<campaign> the texts
	actCampaignPreview = "mv" // preview: mv:<campaign>[:<customer>]
	actCampaignConfirm = "mc" // the confirmation: mc:<campaign>
	actCampaignStart   = "ms" // send: ms:<campaign>
)

// flowCampaign is typed input of a draft (step city, before, after, text).
const flowCampaign = "campaign"

// campaignFlow is the state of typed input of a draft.
type campaignFlow struct {
	Campaign flowID `json:"m,omitempty"`
	Lang     string `json:"l,omitempty"` // step text: the language being written
}

// campaignListSize bounds the list.
const campaignListSize = 10

func (b *Bot) routesCampaigns() {
	b.command("campaigns", b.showCampaigns)
	b.action(actCampaignList, func(r *req, _ []string) error { return b.showCampaigns(r) })
	b.action(actCampaignNew, b.onCampaignNew)
	b.action(actCampaignCard, b.campaignAction(false, b.showCampaignCard))
	b.action(actCampaignBuilder, b.campaignAction(true, func(r *req, c crm.Campaign, _ []string) error { return b.showCampaignBuilder(r, c) }))
	b.action(actCampaignPick, b.campaignAction(true, b.showCampaignPick))
	b.action(actCampaignFilter, b.campaignAction(true, b.onCampaignFilter))
	b.action(actCampaignText, b.campaignAction(true, b.onCampaignText))
	b.action(actCampaignPreview, b.campaignAction(true, b.onCampaignPreview))
	b.action(actCampaignConfirm, b.campaignAction(true, b.showCampaignConfirm))
	b.action(actCampaignStart, b.campaignAction(true, b.onCampaignStart))
	b.flow(flowCampaign, b.campaignInput)
}

// campaignAction re-authorizes a campaign's button: the campaign it names
// must exist and be the user's to see (crm.CanSeeCampaign), else the
// button is stale (a forged id reads the same as a deleted one); draft
// buttons are its author's only, and refused once it started.
func (b *Bot) campaignAction(draft bool, h func(r *req, c crm.Campaign, args []string) error) actionFunc {
	return func(r *req, args []string) error {
		c, ok, err := b.loadCampaign(r, args, 0)
		if err != nil || !ok {
			return err
		}
		if draft && c.Status != crm.CampaignDraft {
			return r.toast(r.t("campaign.already_started", nil), true)
		}
		if draft && c.AuthorID != r.staff.ID {
			// A draft counts and starts in its author's scope: only they
			// change it (an admin or their manager sees it once sent).
			return r.toast(r.t("campaign.not_author", nil), true)
		}
		return h(r, c, args[1:])
	}
}

// loadCampaign loads the campaign args[i] names if the user may see it;
// ok is false (and the user told) otherwise.
func (b *Bot) loadCampaign(r *req, args []string, i int) (crm.Campaign, bool, error) {
	if !crm.CanCampaign(r.staff) {
		return crm.Campaign{}, false, r.toast(r.t("campaign.not_allowed", nil), true)
	}
	cid, ok := argID(args, i)
	if !ok {
		return crm.Campaign{}, false, r.staleButton()
	}
	c, err := b.campaigns.Campaign(r.ctx, cid)
	if crm.IsCode(err, crm.ENotFound) || (err == nil && !crm.CanSeeCampaign(r.staff, c)) {
		return crm.Campaign{}, false, r.toast(r.t("campaign.unavailable", nil), true)
	}
	return c, err == nil, err
}

// showCampaigns lists the user's campaigns with their figures.
func (b *Bot) showCampaigns(r *req) error {
	if !crm.CanCampaign(r.staff) {
		return r.toast(r.t("campaign.not_allowed", nil), true)
	}
	cs, err := b.campaigns.Campaigns(r.ctx, r.staff, campaignListSize)
	if err != nil {
		return err
	}
	lines := []string{r.t("campaign.list.title", nil)}
	if len(cs) == 0 {
		lines = append(lines, r.t("campaign.list.none", nil))
	}
	var btns []models.InlineKeyboardButton
	for _, c := range cs {
		f, err := b.campaigns.CampaignFigures(r.ctx, c.ID)
		if err != nil {
			return err
		}
		lines = append(lines, r.t("campaign.list.line", map[string]any{"ID": c.ID, "Status": r.t("campaign.status."+string(c.Status), nil),
			"Date": r.dateTime(c.CreatedAt), "Author": esc(c.AuthorName), "Delivered": f.Delivered, "Blocked": f.Blocked,
			"Replied": f.Replied, "Tasks": f.Tasks}))
		btns = append(btns, ib(r.t("campaign.btn.open", map[string]any{"ID": c.ID}), cb(actCampaignCard, id(c.ID))))
	}
	rows := inlineRows(3, btns...)
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("campaign.btn.new", nil), cb(actCampaignNew))})
	if r.cb != nil {
		if err := r.finish(); err != nil {
			return err
		}
	}
	return r.edit(strings.Join(lines, "\n"), ikm(rows...))
}

// onCampaignNew starts a draft with no filter and shows its builder.
func (b *Bot) onCampaignNew(r *req, _ []string) error {
	if !crm.CanCampaign(r.staff) {
		return r.toast(r.t("campaign.not_allowed", nil), true)
	}
	c, err := b.campaigns.CreateCampaign(r.ctx, r.staff, crm.Audience{})
	if err != nil {
		return err
	}
	if err := r.finish(); err != nil {
		return err
	}
	return b.showCampaignBuilder(r, c)
}

// showCampaignCard is a campaign's card: a draft's builder, else who sent
// it when, and what came of it, refreshable.
func (b *Bot) showCampaignCard(r *req, c crm.Campaign, args []string) error {
	if c.Status == crm.CampaignDraft && c.AuthorID == r.staff.ID {
		if err := r.finish(); err != nil {
			return err
		}
		return b.showCampaignBuilder(r, c)
	}
	f, err := b.campaigns.CampaignFigures(r.ctx, c.ID)
	if err != nil {
		return err
	}
	shown := figuresMark(c.Status, f)
	if r.cbMsg != nil && first(args) == shown {
		// Refresh with nothing new: Telegram refuses an edit that changes nothing.
		return r.toast(r.t("campaign.up_to_date", nil), false)
	}
	text, _ := c.Texts.For(r.lang(), c.DefaultLocale)
	status := r.t("campaign.card.status", map[string]any{"Status": r.t("campaign.status."+string(c.Status), nil), "Date": r.dateTime(c.StartedAt)})
	if c.Status == crm.CampaignDraft {
		status = r.t("campaign.card.draft", map[string]any{"Date": r.dateTime(c.CreatedAt)})
	}
	lines := []string{
		r.t("campaign.card.title", map[string]any{"ID": c.ID, "Author": esc(c.AuthorName)}),
		status,
		r.t("campaign.card.figures", map[string]any{"Recipients": f.Recipients, "Delivered": f.Delivered, "Replied": f.Replied,
			"Blocked": f.Blocked, "Skipped": f.Skipped, "Queued": f.Queued}),
		r.t("campaign.card.tasks", map[string]any{"Tasks": f.Tasks, "Reps": f.TaskReps}),
		"",
		esc(clipRunes(text, 300)),
	}
	if err := r.finish(); err != nil {
		return err
	}
	return r.edit(strings.Join(lines, "\n"), ikm([]models.InlineKeyboardButton{
		ib(r.t("campaign.btn.refresh", nil), cb(actCampaignCard, id(c.ID), shown)),
		ib(r.t("campaign.btn.list", nil), cb(actCampaignList)),
	}))
}

// figuresMark is a short mark of what a card shows, carried by its
// refresh button: the same mark on a tap means nothing changed.
func figuresMark(s crm.CampaignStatus, f crm.CampaignFigures) string {
	h := fnv.New32a()
	fmt.Fprint(h, s, f)
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}
