package crm

import (
	"testing"
	"time"
)

func TestAudienceValidate(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	long := string(make([]rune, MaxFieldLen+1))
	for _, tc := range []struct {
		name string
		a    Audience
		ok   bool
	}{
		{"empty is everyone", Audience{}, true},
		{"every filter", Audience{Stages: []int64{1, 2}, Tags: []string{"cheese"}, City: " Tehran ", Value: SegmentTop,
			BoughtAfter: t0, BoughtBefore: t0.AddDate(0, 1, 0), AtRisk: true, Linked: LinkedYes}, true},
		{"unknown value segment", Audience{Value: "gold"}, false},
		{"unknown linked", Audience{Linked: "maybe"}, false},
		{"after not before before", Audience{BoughtAfter: t0, BoughtBefore: t0}, false},
		{"too many tags", Audience{Tags: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}}, false},
		{"city too long", Audience{City: "x" + long}, false},
		{"bad stage", Audience{Stages: []int64{0}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok %v", err, tc.ok)
			}
			if err != nil && !IsCode(err, EInvalid) {
				t.Fatalf("code %q, want %q", ErrorCode(err), EInvalid)
			}
		})
	}
	a := Audience{Tags: []string{" cheese", "cheese", "", "wine "}, Stages: []int64{3, 3}, City: " Shiraz "}
	if err := a.Validate(); err != nil || len(a.Tags) != 2 || a.Tags[1] != "wine" || len(a.Stages) != 1 || a.City != "Shiraz" {
		t.Fatalf("tidied audience %+v (%v), want tags [cheese wine], one stage, city Shiraz", a, err)
	}
	if !(Audience{}).Empty() || (Audience{AtRisk: true}).Empty() {
		t.Fatal("Empty is wrong")
	}
}

func TestTemplateRender(t *testing.T) {
	v := TemplateValues{Name: "Ali", Rep: "Sara", Company: "Kaveh Co", Org: "Dairy Ltd"}
	for _, tc := range []struct {
		text string
		v    TemplateValues
		want string
	}{
		{"Hello {name}, {rep} here from {org}.", v, "Hello Ali, Sara here from Dairy Ltd."},
		{"{name} {name} at {company}", v, "Ali Ali at Kaveh Co"},
		{"سلام {name}، {rep} هستم", v, "سلام Ali، Sara هستم"},
		{"Hi {name}, from {rep}", TemplateValues{Name: "Ali", Org: "Dairy Ltd"}, "Hi Ali, from Dairy Ltd"},
		{"no placeholder", v, "no placeholder"},
	} {
		if got := Render(tc.text, tc.v); got != tc.want {
			t.Errorf("Render(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestTemplateValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    Template
		def  string
		ok   bool
	}{
		{"default language only", Template{"fa": "سلام {name}"}, "fa", true},
		{"three languages", Template{"fa": "سلام {name}", "ar": "مرحبا {name}", "en": "Hi {name}"}, "fa", true},
		{"no text in the default language", Template{"en": "Hi"}, "fa", false},
		{"typo in a placeholder", Template{"en": "Hi {nmae}"}, "en", false},
		{"a brace in prose is fine", Template{"en": "Offer {until Friday} for {name}"}, "en", true},
		{"too long", Template{"en": string(make([]byte, MaxTemplateLen+1))}, "en", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.t.Validate(tc.def); (err == nil) != tc.ok {
				t.Fatalf("Validate(%q) = %v, want ok %v", tc.def, err, tc.ok)
			}
		})
	}
	tpl := Template{"fa": "سلام", "en": "Hello"}
	for _, tc := range []struct{ lang, want, in string }{{"fa", "سلام", "fa"}, {"en", "Hello", "en"}, {"ar", "سلام", "fa"}} {
		if got, in := tpl.For(tc.lang, "fa"); got != tc.want || in != tc.in {
			t.Errorf("For(%q) = %q in %q, want %q in %q", tc.lang, got, in, tc.want, tc.in)
		}
	}
}

func TestPlanRecipient(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	linked := CustomerChat{TelegramUserID: 7, LinkedAt: t0, ConsentAt: t0}
	for _, tc := range []struct {
		name    string
		chat    CustomerChat
		channel Channel
		status  RecipientStatus
	}{
		{"linked and consenting: a message", linked, ChannelMessage, RecipientQueued},
		{"never linked: a call task", CustomerChat{}, ChannelTask, RecipientQueued},
		{"opted out: nothing", func() CustomerChat { c := linked; c.OptedOutAt = t0; return c }(), ChannelMessage, RecipientSkipped},
		{"no consent: nothing", CustomerChat{TelegramUserID: 7, LinkedAt: t0}, ChannelMessage, RecipientSkipped},
		{"blocked the bot: blocked", func() CustomerChat { c := linked; c.UnreachableAt = t0; return c }(), ChannelMessage, RecipientBlocked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, st := PlanRecipient(Customer{Chat: tc.chat})
			if ch != tc.channel || st != tc.status {
				t.Fatalf("PlanRecipient = %s/%s, want %s/%s", ch, st, tc.channel, tc.status)
			}
		})
	}
}

func TestCanSeeCampaign(t *testing.T) {
	admin := Staff{ID: 1, Role: RoleAdmin, Active: true}
	mgr := Staff{ID: 2, Role: RoleManager, TeamID: 10, Active: true}
	other := Staff{ID: 3, Role: RoleManager, TeamID: 11, Active: true}
	rep := Staff{ID: 4, Role: RoleRep, TeamID: 10, Active: true}
	byRep := Campaign{AuthorID: 4, TeamID: 10, Scope: ScopeOwn}
	byMgr := Campaign{AuthorID: 2, TeamID: 10, Scope: ScopeTeam}
	byAdmin := Campaign{AuthorID: 1, TeamID: 10, Scope: ScopeAll}
	for _, tc := range []struct {
		name  string
		actor Staff
		c     Campaign
		want  bool
	}{
		{"admin sees a rep's", admin, byRep, true},
		{"manager sees their team's", mgr, byRep, true},
		{"manager of another team does not", other, byMgr, false},
		{"manager does not see an admin's", mgr, byAdmin, false},
		{"rep sees their own", rep, byRep, true},
		{"rep does not see their manager's", rep, byMgr, false},
		{"inactive author does not", Staff{ID: 4, Role: RoleRep}, byRep, false},
	} {
		if got := CanSeeCampaign(tc.actor, tc.c); got != tc.want {
			t.Errorf("%s: CanSeeCampaign = %v, want %v", tc.name, got, tc.want)
		}
	}
	if ScopeOf(admin) != ScopeAll || ScopeOf(mgr) != ScopeTeam || ScopeOf(rep) != ScopeOwn {
		t.Error("ScopeOf is wrong")
	}
}
