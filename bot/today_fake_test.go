package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
)

// The fast layer: "my day" on a small fake of its own store, no database.
// It checks the rendering rules (overdue first, the empty day naming what
// comes next, the no-next-step warning); the real-database tests beside it
// check the queries.

type fakeToday struct {
	due  []crm.FollowUp
	next crm.FollowUp
	idle []crm.Customer
}

func (f fakeToday) FollowUpsDueBy(_ context.Context, _ int64, until time.Time, limit int) ([]crm.FollowUp, error) {
	var out []crm.FollowUp
	for _, x := range f.due {
		if x.DueAt.Before(until) && len(out) < limit {
			out = append(out, x)
		}
	}
	return out, nil
}

func (fakeToday) DatesOwnedBy(context.Context, int64) ([]crm.CustomerDate, error) { return nil, nil }

func (f fakeToday) CustomersWithoutNextStep(_ context.Context, _ int64, limit int) ([]crm.Customer, int, error) {
	return f.idle[:min(limit, len(f.idle))], len(f.idle), nil
}

func (f fakeToday) NextFollowUp(context.Context, int64, time.Time) (crm.FollowUp, error) {
	if f.next.ID == 0 {
		return crm.FollowUp{}, crm.Errorf(crm.ENotFound, "none")
	}
	return f.next, nil
}

// fastReq is a request of staff s on a bot whose "my day" reads store.
func fastReq(t *testing.T, store TodayStore, s crm.Staff, now time.Time) (*req, *outbox) {
	t.Helper()
	bundle, err := i18n.New("fa")
	if err != nil {
		t.Fatal(err)
	}
	out := &outbox{t: t}
	b := &Bot{d: Deps{Out: out, I18n: bundle, Now: func() time.Time { return now }, OrgLocation: time.UTC}, today: store}
	return &req{ctx: context.Background(), b: b, u: &models.Update{}, chatID: s.TelegramUserID, staff: s, loc: bundle.For(s.Locale)}, out
}

func TestMyDayRenderingOnAFake(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	s := crm.Staff{ID: 1, TelegramUserID: 100, DisplayName: "Sara", Role: crm.RoleRep, Locale: "en", Calendar: "gregorian", TimeZone: "UTC", Active: true}
	for _, tt := range []struct {
		name  string
		store fakeToday
		want  []string // in this order
		not   []string
	}{
		{"overdue before today", fakeToday{due: []crm.FollowUp{
			{ID: 1, CustomerID: 11, CustomerName: "Late Co", DueAt: now.Add(-26 * time.Hour)},
			{ID: 2, CustomerID: 12, CustomerName: "Soon Co", DueAt: now.Add(3 * time.Hour)},
		}}, []string{"Late Co", "Soon Co"}, []string{"Nothing due"}},
		{"an empty day names what is next", fakeToday{next: crm.FollowUp{ID: 3, CustomerName: "Next Co", DueAt: now.AddDate(0, 0, 3)}},
			[]string{"Nothing due today", "Next Co"}, nil},
		{"customers with no next step are flagged", fakeToday{idle: []crm.Customer{{ID: 21, Name: "Idle Co"}}},
			[]string{"1 customer with no next step", "Idle Co"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, out := fastReq(t, tt.store, s, now)
			if err := r.b.showToday(r, false, nil); err != nil {
				t.Fatal(err)
			}
			got := out.take()
			text := texts(got)
			at := 0
			for _, w := range tt.want {
				i := strings.Index(text[at:], w)
				if i < 0 {
					t.Fatalf("%q missing (or out of order) in:\n%s", w, text)
				}
				at += i
			}
			for _, w := range tt.not {
				if strings.Contains(text, w) {
					t.Errorf("%q should not be in:\n%s", w, text)
				}
			}
		})
	}
}

// fakeTeams answers what a manager's view of a rep reads; any other
// method of TeamStore would panic (the embedded interface is nil), so the
// test also proves the view reads nothing else.
type fakeTeams struct {
	TeamStore
	rep     crm.Staff
	overdue []crm.FollowUp
}

func (f fakeTeams) StaffByID(_ context.Context, id int64) (crm.Staff, error) {
	if id != f.rep.ID {
		return crm.Staff{}, crm.Errorf(crm.ENotFound, "staff %d", id)
	}
	return f.rep, nil
}

func (f fakeTeams) FollowUpsDueBy(context.Context, int64, time.Time, int) ([]crm.FollowUp, error) {
	return f.overdue, nil
}

func (f fakeTeams) CustomersWithoutNextStep(context.Context, int64, int) ([]crm.Customer, int, error) {
	return nil, 0, nil
}

func TestARepsViewOnAFake(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	manager := crm.Staff{ID: 1, TelegramUserID: 100, DisplayName: "Maryam", Role: crm.RoleManager, TeamID: 7, Locale: "en", Calendar: "gregorian", TimeZone: "UTC", Active: true}
	rep := crm.Staff{ID: 2, DisplayName: "Sara", Role: crm.RoleRep, TeamID: 7, Active: true}
	teams := fakeTeams{rep: rep, overdue: []crm.FollowUp{{ID: 5, CustomerID: 50, CustomerName: "Late Co", DueAt: now.Add(-3 * time.Hour)}}}
	r, out := fastReq(t, fakeToday{}, manager, now)
	r.b.teams = teams
	if err := r.b.showRep(r, []string{id(rep.ID)}); err != nil {
		t.Fatal(err)
	}
	got := out.take()
	if !strings.Contains(texts(got), "Late Co") || !hasButton(got, cb(actCard, id(50))) {
		t.Fatalf("the rep's view: %s", dump(got))
	}
	// A manager of another team may not look.
	other := manager
	other.TeamID = 8
	r, _ = fastReq(t, fakeToday{}, other, now)
	r.b.teams = teams
	if err := r.b.showRep(r, []string{id(rep.ID)}); !crm.IsCode(err, crm.EForbidden) {
		t.Fatalf("another team's manager: %v, want forbidden", err)
	}
}
