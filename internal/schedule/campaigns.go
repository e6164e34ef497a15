package schedule

import (
	"context"
	"strconv"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// CampaignStore is what campaign dispatch reads and marks.
type CampaignStore interface {
	Tx
	// CampaignRecipientsDue locks queued recipients of sending campaigns.
	CampaignRecipientsDue(ctx context.Context, now time.Time, limit int) ([]crm.CampaignRecipient, error)
	Campaign(ctx context.Context, id int64) (crm.Campaign, error)
	// OrgName is "" when the admin set none.
	OrgName(ctx context.Context) (string, error)
	StaffByID(ctx context.Context, id int64) (crm.Staff, error)
	MarkRecipientSending(ctx context.Context, campaignID, customerID int64, locale, body string, now time.Time) error
	DeferRecipient(ctx context.Context, campaignID, customerID int64, due time.Time) error
	SetRecipientStatus(ctx context.Context, campaignID, customerID int64, status crm.RecipientStatus, now time.Time) error
	RecipientTask(ctx context.Context, campaignID, customerID, followUpID int64, locale, note string, now time.Time) error
	CreateFollowUp(ctx context.Context, f crm.FollowUp, by int64) (crm.FollowUp, error)
	// FinishCampaigns marks done the campaigns with nothing left to send.
	FinishCampaigns(ctx context.Context, now time.Time) (int, error)
}

// KindCampaign is a campaign's message to a customer (rendered by the bot
// at send time from the recipient's kept text; its DedupKey is
// CampaignKey, RefID the campaign).
const KindCampaign = "campaign"

// CampaignBatch bounds the recipients one run takes; the next run takes
// the rest (the delivery path paces the sends themselves).
const CampaignBatch = 500

// CampaignKey is the dedup key of campaign's message to customer: one
// message per customer per campaign, however often dispatch runs.
func CampaignKey(campaign, customer int64) string {
	return "campaign:" + strconv.FormatInt(campaign, 10) + ":" + strconv.FormatInt(customer, 10)
}

// CampaignReport counts what one run did.
type CampaignReport struct {
	Sent, Deferred, Tasks, Skipped, Done int
}

// Campaigns is campaign dispatch: each queued recipient of a started
// campaign gets its message in their language, in their daytime (as
// surveys are sent), through the rate-limited notifications; a customer
// never linked becomes one call task for their rep (the author for a pool
// customer), with the campaign's text in the rep's language; one who can
// no longer be messaged is skipped (or blocked).
type Campaigns struct {
	Store  CampaignStore
	Notify Planner
	// Org is the organisation's time zone; DefaultLocale its language.
	Org           *time.Location
	DefaultLocale string
	// TaskNote writes a call task's note for its assignee, in their
	// language, around text (the campaign's message for that customer).
	TaskNote func(ctx context.Context, assignee crm.Staff, text string) string
}

// RunOnce dispatches a batch at now in one transaction: each recipient's
// mark commits with the notification or follow-up it made, so a crash or a
// concurrent run never sends twice.
func (k Campaigns) RunOnce(ctx context.Context, now time.Time) (rep CampaignReport, err error) {
	err = k.Store.InTx(ctx, func(ctx context.Context) error {
		rep = CampaignReport{}
		rs, err := k.Store.CampaignRecipientsDue(ctx, now, CampaignBatch)
		if err != nil {
			return err
		}
		d := campaignRun{Campaigns: k, now: now, campaigns: map[int64]crm.Campaign{}, staff: map[int64]crm.Staff{}}
		if len(rs) > 0 {
			if d.org, err = k.Store.OrgName(ctx); err != nil {
				return err
			}
		}
		for _, r := range rs {
			if err := d.one(ctx, r, &rep); err != nil {
				return err
			}
		}
		rep.Done, err = k.Store.FinishCampaigns(ctx, now)
		return err
	})
	return rep, err
}

// campaignRun is one run's memo of campaigns and staff.
type campaignRun struct {
	Campaigns
	now       time.Time
	org       string
	campaigns map[int64]crm.Campaign
	staff     map[int64]crm.Staff
}

func (d *campaignRun) campaign(ctx context.Context, id int64) (crm.Campaign, error) {
	if c, ok := d.campaigns[id]; ok {
		return c, nil
	}
	c, err := d.Store.Campaign(ctx, id)
	d.campaigns[id] = c
	return c, err
}

// staffMember is an active staff member by id (zero when gone or inactive).
func (d *campaignRun) staffMember(ctx context.Context, id int64) (crm.Staff, error) {
	if id == 0 {
		return crm.Staff{}, nil
	}
	if s, ok := d.staff[id]; ok {
		return s, nil
	}
	s, err := d.Store.StaffByID(ctx, id)
	if crm.IsCode(err, crm.ENotFound) || (err == nil && !s.Active) {
		s, err = crm.Staff{}, nil
	}
	d.staff[id] = s
	return s, err
}

func (d *campaignRun) values(c crm.Customer) crm.TemplateValues {
	return crm.TemplateValues{Name: c.Name, Rep: c.OwnerName, Company: c.Company, Org: d.org}
}

func (d *campaignRun) one(ctx context.Context, r crm.CampaignRecipient, rep *CampaignReport) error {
	cmp, err := d.campaign(ctx, r.CampaignID)
	if err != nil {
		return err
	}
	c := r.Customer
	if r.Channel == crm.ChannelTask {
		return d.task(ctx, cmp, c, rep)
	}
	if !c.Messageable() {
		rep.Skipped++
		_, status := crm.PlanRecipient(c)
		if status != crm.RecipientBlocked {
			status = crm.RecipientSkipped
		}
		return d.Store.SetRecipientStatus(ctx, cmp.ID, c.ID, status, d.now)
	}
	if loc := crm.SurveyZone(c.Chat.TimeZone, r.OwnerZone, d.Org); !crm.Daytime(d.now, loc) {
		rep.Deferred++
		return d.Store.DeferRecipient(ctx, cmp.ID, c.ID, crm.NextDaytime(d.now, loc))
	}
	text, lang := cmp.Texts.For(c.ChatLocale(cmp.DefaultLocale), cmp.DefaultLocale)
	if err := d.Store.MarkRecipientSending(ctx, cmp.ID, c.ID, lang, crm.Render(text, d.values(c)), d.now); err != nil {
		return err
	}
	rep.Sent++
	return d.Notify.Schedule(ctx, outbound.Notification{Kind: KindCampaign, ChatID: c.Chat.TelegramUserID, RefID: cmp.ID,
		Due: d.now, DedupKey: CampaignKey(cmp.ID, c.ID)})
}

// task makes the call task of a customer never linked: for their rep, or
// the campaign's author when they have none (or theirs left).
func (d *campaignRun) task(ctx context.Context, cmp crm.Campaign, c crm.Customer, rep *CampaignReport) error {
	to, err := d.staffMember(ctx, c.OwnerID)
	if err == nil && to.ID == 0 {
		to, err = d.staffMember(ctx, cmp.AuthorID)
	}
	if err != nil {
		return err
	}
	if to.ID == 0 {
		rep.Skipped++
		return d.Store.SetRecipientStatus(ctx, cmp.ID, c.ID, crm.RecipientSkipped, d.now)
	}
	lang := to.Locale
	if lang == "" {
		lang = d.DefaultLocale
	}
	text, lang := cmp.Texts.For(lang, cmp.DefaultLocale)
	note := crm.Render(text, d.values(c))
	if d.TaskNote != nil {
		note = d.TaskNote(ctx, to, note)
	}
	f, err := d.Store.CreateFollowUp(ctx, crm.FollowUp{CustomerID: c.ID, AssigneeID: to.ID,
		DueAt: crm.WithinOneWorkingDay(to.Hours(), d.now, to.Location()), Note: note}, cmp.AuthorID)
	if err != nil {
		return err
	}
	if err := d.Store.RecipientTask(ctx, cmp.ID, c.ID, f.ID, lang, note, d.now); err != nil {
		return err
	}
	rep.Tasks++
	return d.Notify.Schedule(ctx, Reminder(f, to))
}
