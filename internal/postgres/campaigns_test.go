package postgres_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// campaignFixture is the store fixture with customers for audiences: the
// reps' of team North, the other team's rep's and one in the pool.
type campaignFixture struct {
	*fixture
	stages []int64
}

func newCampaignFixture(t *testing.T) campaignFixture {
	t.Helper()
	f := campaignFixture{fixture: newFixture(t)}
	rows, err := f.db.Pool.Query(context.Background(), `SELECT id FROM stages ORDER BY id LIMIT 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		f.stages = append(f.stages, id)
	}
	if len(f.stages) != 2 {
		t.Fatalf("stages %v", f.stages)
	}
	return f
}

// add creates a customer and sets the columns an audience filters on.
func (f campaignFixture) add(t *testing.T, owner crm.Staff, name string, set string, args ...any) int64 {
	t.Helper()
	c := f.customer(t, owner, name, "")
	if owner.ID == 0 {
		if _, err := f.db.Pool.Exec(context.Background(), `UPDATE customers SET owner_id = NULL WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	if set != "" {
		if _, err := f.db.Pool.Exec(context.Background(), `UPDATE customers SET `+set+` WHERE id = $1`, append([]any{c.ID}, args...)...); err != nil {
			t.Fatalf("%s: %v", set, err)
		}
	}
	return c.ID
}

func (f campaignFixture) value(t *testing.T, customer int64, segment, risk string, last time.Time) {
	t.Helper()
	if _, err := f.db.Pool.Exec(context.Background(), `INSERT INTO customer_values (customer_id, stale, segment, risk, last_invoice_at)
		VALUES ($1, false, $2, $3, $4)`, customer, segment, risk, last); err != nil {
		t.Fatal(err)
	}
}

func TestAudienceFiltersAndAccess(t *testing.T) {
	ctx := context.Background()
	f := newCampaignFixture(t)
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	linked := `telegram_user_id = $2, telegram_linked_at = now(), consent_at = now(), chat_locale = 'ar'`
	ali := f.add(t, f.repA, "Ali", `city = 'Tehran', tags = '{cheese,wine}', `+linked, int64(801))
	f.value(t, ali, "top", "at_risk", t0.AddDate(0, -3, 0))
	f.add(t, f.repA, "Bita", `city = 'tehran ', tags = '{cheese}', stage_id = $2`, f.stages[1])
	cyrus := f.add(t, f.repB, "Cyrus", `city = 'Shiraz', tags = '{bread}'`)
	f.value(t, cyrus, "low", "", t0.AddDate(0, 0, -5))
	f.add(t, f.otherTeam, "Dara", `city = 'Tehran', tags = '{cheese}'`)
	f.add(t, crm.Staff{}, "Elham", `city = 'كرج', tags = '{cheese}', opted_out_at = now(), `+linked, int64(802))
	f.add(t, f.repA, "Farid (deleted)", `deleted_at = now(), tags = '{cheese}'`)

	for _, tc := range []struct {
		name   string
		viewer crm.Staff
		a      crm.Audience
		want   []string // the sample, newest first
	}{
		{"admin, everyone", f.admin, crm.Audience{}, []string{"Elham", "Dara", "Cyrus", "Bita", "Ali"}},
		{"manager: team and pool, not the other team", f.manager, crm.Audience{}, []string{"Elham", "Cyrus", "Bita", "Ali"}},
		{"rep: own only", f.repA, crm.Audience{}, []string{"Bita", "Ali"}},
		{"other team's rep", f.otherTeam, crm.Audience{}, []string{"Dara"}},
		{"tag", f.admin, crm.Audience{Tags: []string{"cheese"}}, []string{"Elham", "Dara", "Bita", "Ali"}},
		{"any of two tags", f.admin, crm.Audience{Tags: []string{"bread", "wine"}}, []string{"Cyrus", "Ali"}},
		{"city, case and spaces aside", f.manager, crm.Audience{City: "TEHRAN"}, []string{"Bita", "Ali"}},
		{"city, ي and ک folded", f.admin, crm.Audience{City: "کرج"}, []string{"Elham"}},
		{"stage", f.admin, crm.Audience{Stages: []int64{f.stages[1]}}, []string{"Bita"}},
		{"value segment", f.admin, crm.Audience{Value: crm.SegmentTop}, []string{"Ali"}},
		{"at risk", f.admin, crm.Audience{AtRisk: true}, []string{"Ali"}},
		{"bought before", f.admin, crm.Audience{BoughtBefore: t0.AddDate(0, -1, 0)}, []string{"Ali"}},
		{"bought after", f.admin, crm.Audience{BoughtAfter: t0.AddDate(0, -1, 0)}, []string{"Cyrus"}},
		{"linked", f.admin, crm.Audience{Linked: crm.LinkedYes}, []string{"Elham", "Ali"}},
		{"not linked, in scope", f.repA, crm.Audience{Linked: crm.LinkedNo}, []string{"Bita"}},
		{"everything at once", f.repA, crm.Audience{Tags: []string{"cheese"}, City: "tehran", Value: crm.SegmentTop, AtRisk: true,
			Linked: crm.LinkedYes, BoughtAfter: t0.AddDate(-1, 0, 0), BoughtBefore: t0}, []string{"Ali"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := f.db.AudienceCount(ctx, tc.viewer, tc.a)
			if err != nil {
				t.Fatal(err)
			}
			sample, err := f.db.AudienceSample(ctx, tc.viewer, tc.a)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(sample); !slices.Equal(got, tc.want) || n.Total != len(tc.want) {
				t.Fatalf("sample %v, count %d; want %v", got, n.Total, tc.want)
			}
			if n.Messages+n.Tasks+n.Skipped != n.Total {
				t.Fatalf("count %+v does not add up", n)
			}
		})
	}
	n, err := f.db.AudienceCount(ctx, f.manager, crm.Audience{})
	if err != nil {
		t.Fatal(err)
	}
	// Ali may be messaged; Bita and Cyrus are tasks for two reps; Elham opted out.
	if want := (crm.AudienceCount{Total: 4, Messages: 1, Tasks: 2, TaskReps: 2, Skipped: 1}); n != want {
		t.Fatalf("manager's count %+v, want %+v", n, want)
	}
	tags, err := f.db.AudienceTags(ctx, f.manager, 2)
	if err != nil || !slices.Equal(tags, []string{"cheese", "bread"}) {
		t.Fatalf("manager's top tags %v (%v), want [cheese bread]", tags, err)
	}
	if _, err := f.db.AudienceCount(ctx, f.admin, crm.Audience{Value: "gold"}); !crm.IsCode(err, crm.EInvalid) {
		t.Fatalf("a bad audience: %v, want %s", err, crm.EInvalid)
	}
}

func TestStartCampaignFixesRecipients(t *testing.T) {
	ctx := context.Background()
	f := newCampaignFixture(t)
	linked := `telegram_user_id = $2, telegram_linked_at = now(), consent_at = now()`
	ali := f.add(t, f.repA, "Ali", linked, int64(801))
	bita := f.add(t, f.repA, "Bita", "")
	cyrus := f.add(t, f.repA, "Cyrus", linked+`, opted_out_at = now()`, int64(802))
	dara := f.add(t, f.repA, "Dara", linked+`, unreachable_at = now()`, int64(803))
	f.add(t, f.repB, "Elham (another rep's)", linked, int64(804))

	c, err := f.db.CreateCampaign(ctx, f.repA, crm.Audience{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Scope != crm.ScopeOwn || c.Status != crm.CampaignDraft || c.AuthorID != f.repA.ID {
		t.Fatalf("new campaign %+v", c)
	}
	if _, err := f.db.StartCampaign(ctx, c.ID); !crm.IsCode(err, crm.EInvalid) {
		t.Fatalf("start without a text: %v, want %s", err, crm.EInvalid)
	}
	c.Texts = crm.Template{c.DefaultLocale: "Hi {name}"}
	if err := f.db.SaveCampaignDraft(ctx, c); err != nil {
		t.Fatal(err)
	}
	n, err := f.db.StartCampaign(ctx, c.ID)
	if err != nil || n != 4 {
		t.Fatalf("started with %d recipients (%v), want 4", n, err)
	}
	if _, err := f.db.StartCampaign(ctx, c.ID); !crm.IsCode(err, crm.EConflict) {
		t.Fatalf("a second start: %v, want %s", err, crm.EConflict)
	}
	if err := f.db.SaveCampaignDraft(ctx, c); !crm.IsCode(err, crm.EConflict) {
		t.Fatalf("editing a started campaign: %v, want %s", err, crm.EConflict)
	}
	want := map[int64]string{ali: "message/queued", bita: "task/queued", cyrus: "message/skipped", dara: "message/blocked"}
	for id, w := range want {
		r, err := f.db.CampaignRecipient(ctx, c.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(r.Channel) + "/" + string(r.Status); got != w {
			t.Errorf("%s: %s, want %s", r.Customer.Name, got, w)
		}
	}
	// Ali's message is handed over and delivered; the figures follow sends.
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	if err := f.db.MarkRecipientSending(ctx, c.ID, ali, "fa", "Hi Ali", now); err != nil {
		t.Fatal(err)
	}
	key := "campaign:" + strconv.FormatInt(c.ID, 10) + ":" + strconv.FormatInt(ali, 10)
	if err := f.db.FinishSend(ctx, key, 801, "campaign", "sent", 55, ""); err != nil {
		t.Fatal(err)
	}
	if n, err := f.db.MarkCampaignReplied(ctx, ali, now.Add(8*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("a message 8 days later marked %d replied (%v), want 0", n, err)
	}
	if n, err := f.db.MarkCampaignReplied(ctx, ali, now.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("a reply an hour later marked %d (%v), want 1", n, err)
	}
	fig, err := f.db.CampaignFigures(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (crm.CampaignFigures{Recipients: 4, Queued: 1, Delivered: 1, Replied: 1, Blocked: 1, Skipped: 1}); fig != want {
		t.Fatalf("figures %+v, want %+v", fig, want)
	}
	for _, tc := range []struct {
		viewer crm.Staff
		want   int
	}{{f.repA, 1}, {f.repB, 0}, {f.manager, 1}, {f.admin, 1}, {f.otherTeam, 0}} {
		cs, err := f.db.Campaigns(ctx, tc.viewer, 10)
		if err != nil || len(cs) != tc.want {
			t.Errorf("%s sees %d campaigns (%v), want %d", tc.viewer.DisplayName, len(cs), err, tc.want)
		}
		for _, c := range cs {
			if !crm.CanSeeCampaign(tc.viewer, c) {
				t.Errorf("%s listed campaign %d they may not see", tc.viewer.DisplayName, c.ID)
			}
		}
	}
}
