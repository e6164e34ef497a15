package schedule_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/schedule"
)

// Campaign dispatch with a real database and no Telegram: at night in
// Tehran the linked customer's message waits for their daytime while the
// pool customer's call task goes to the campaign's author at once (in
// their language); a customer who opted out after the start is skipped;
// in the daytime the message is planned once, under its dedup key, and
// the campaign is done when its outcome is in.
func TestCampaignDispatchRunOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	night := time.Date(2027, 1, 10, 20, 0, 0, 0, time.UTC) // 23:30 in Tehran, after the real clock that stamps the start
	f.exec(t, `UPDATE customers SET telegram_user_id = 900, telegram_linked_at = $2, consent_at = $2, chat_locale = 'ar' WHERE id = $1`,
		f.client, night.Add(-time.Hour))
	var pool, leaving int64
	if err := f.db.Pool.QueryRow(ctx, `INSERT INTO customers (name, name_norm, stage_id) VALUES ('Pool Reza', 'pool reza', (SELECT min(id) FROM stages)) RETURNING id`).Scan(&pool); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Pool.QueryRow(ctx, `INSERT INTO customers (name, name_norm, owner_id, stage_id, telegram_user_id, telegram_linked_at, consent_at)
		VALUES ('Leaving', 'leaving', $1, (SELECT min(id) FROM stages), 901, now(), now()) RETURNING id`, f.rep).Scan(&leaving); err != nil {
		t.Fatal(err)
	}
	mgr, err := f.db.StaffByID(ctx, f.manager)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.db.CreateCampaign(ctx, mgr, crm.Audience{})
	if err != nil {
		t.Fatal(err)
	}
	c.Texts = crm.Template{"fa": "سلام {name}", "ar": "مرحباً {name}، معك {rep}"}
	if err := f.db.SaveCampaignDraft(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n, err := f.db.StartCampaign(ctx, c.ID); err != nil || n != 3 {
		t.Fatalf("started with %d (%v), want 3", n, err)
	}
	f.exec(t, `UPDATE customers SET opted_out_at = now() WHERE id = $1`, leaving)
	p := &planned{}
	job := schedule.Campaigns{Store: f.db, Notify: p, Org: time.UTC, DefaultLocale: "fa",
		TaskNote: func(_ context.Context, s crm.Staff, text string) string { return s.Locale + ": " + text }}

	rep, err := job.RunOnce(ctx, night)
	if err != nil || rep.Deferred != 1 || rep.Tasks != 1 || rep.Skipped != 1 || rep.Sent != 0 {
		t.Fatalf("the night run: %+v (%v), want 1 deferred, 1 task, 1 skipped", rep, err)
	}
	ns := p.take()
	if len(ns) != 1 || ns[0].Kind != "reminder" || ns[0].StaffID != f.manager {
		t.Fatalf("the night run planned %+v, want the call task's reminder for the author", ns)
	}
	task, err := f.db.CampaignRecipient(ctx, c.ID, pool)
	if err != nil || task.Status != crm.RecipientTask || task.Body != "fa: سلام Pool Reza" {
		t.Fatalf("the pool customer's task: %+v (%v)", task, err)
	}
	if rep, _ := job.RunOnce(ctx, night.Add(time.Hour)); rep.Sent+rep.Deferred+rep.Tasks != 0 {
		t.Fatalf("still night, nothing due: %+v", rep)
	}

	morning := time.Date(2027, 1, 11, 6, 0, 0, 0, time.UTC) // 09:30 in Tehran
	if rep, err = job.RunOnce(ctx, morning); err != nil || rep.Sent != 1 || rep.Done != 0 {
		t.Fatalf("the morning run: %+v (%v), want 1 sent", rep, err)
	}
	ns = p.take()
	if len(ns) != 1 || ns[0].Kind != schedule.KindCampaign || ns[0].ChatID != 900 || ns[0].DedupKey != schedule.CampaignKey(c.ID, f.client) {
		t.Fatalf("the morning run planned %+v", ns)
	}
	msg, err := f.db.CampaignRecipient(ctx, c.ID, f.client)
	if err != nil || msg.Locale != "ar" || msg.Body != "مرحباً Ali، معك Sara" || msg.Status != crm.RecipientSending {
		t.Fatalf("Ali's message: %+v (%v), want Arabic with his name and his rep's", msg, err)
	}
	if rep, _ := job.RunOnce(ctx, morning.Add(time.Minute)); rep.Sent != 0 || len(p.take()) != 0 {
		t.Fatalf("a second morning run sent again: %+v", rep)
	}
	// Telegram says the customer blocked the bot: the recipient is blocked.
	if err := f.db.FinishSend(ctx, schedule.CampaignKey(c.ID, f.client), 900, schedule.KindCampaign, "unreachable", 0, "Forbidden: bot was blocked by the user"); err != nil {
		t.Fatal(err)
	}
	if rep, _ := job.RunOnce(ctx, morning.Add(2*time.Minute)); rep.Done != 1 {
		t.Fatalf("the campaign is not done once every outcome is in: %+v", rep)
	}
	fig, err := f.db.CampaignFigures(ctx, c.ID)
	if err != nil || fig.Blocked != 1 || fig.Tasks != 1 || fig.Skipped != 1 || fig.TaskReps != 1 || fig.Queued != 0 {
		t.Fatalf("figures %+v (%v)", fig, err)
	}
	got, err := f.db.Campaign(ctx, c.ID)
	if err != nil || got.Status != crm.CampaignDone || !strings.Contains(got.Texts["ar"], "{rep}") {
		t.Fatalf("campaign %+v (%v)", got, err)
	}
}
