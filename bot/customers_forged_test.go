package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// org is a small organisation for access tests: an admin, a team with its
// manager and two reps, and a customer of rep A with a phone and a tag.
type org struct {
	h                       *harness
	admin, manager, a, b    member
	team                    int64
	customer, suspect, lost int64
}

func newOrg(t *testing.T, lang string) *org {
	t.Helper()
	h := newHarness(t)
	o := &org{h: h}
	o.team = h.team("North")
	o.admin = h.member(1, "Admin", "admin", lang, 0)
	o.manager = h.member(2, "Maryam", "manager", lang, o.team)
	o.a = h.member(3, "Sara", "rep", lang, o.team)
	o.b = h.member(4, "Reza", "rep", lang, o.team)
	c, err := h.db.CreateCustomer(context.Background(), crm.Customer{Name: "علی کریمی", Company: "پخش البرز",
		Phones: []string{"+989123456789"}, Tags: []string{"VIP"}, OwnerID: o.a.id}, o.a.id)
	if err != nil {
		t.Fatal(err)
	}
	o.customer, o.suspect = c.ID, c.StageID
	o.lost = scalar[int64](h, `SELECT id FROM stages WHERE template = 'ladder' AND key = 'lost'`)
	return o
}

// fingerprint hashes every table an action could change.
func (h *harness) fingerprint() string {
	h.t.Helper()
	var parts []string
	for _, table := range []string{"customers", "customer_phones", "stage_history", "stages", "settings", "teams", "staff", "invites", "follow_ups", "activities"} {
		parts = append(parts, scalar[string](h, `SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM `+table+` t`))
	}
	return strings.Join(parts, ",")
}

// onlyToast reports whether the replies are exactly one callback answer
// with text.
func onlyToast(got []outbound.Message, text string) bool {
	return len(got) == 1 && got[0].Method == "answerCallbackQuery" && got[0].Text == text
}

// customerActions are every action of this feature that names a customer,
// with extra arguments that would be valid for rep A.
func customerActions(o *org) []string {
	c := id(o.customer)
	return []string{
		cb(actCard, c), cb(actMore, c), cb(actClaim, c),
		cb(actStageMenu, c), cb(actStageMove, c, id(o.lost)), cb(actStageReason, c, id(o.lost), "0"),
		cb(actEditMenu, c), cb(actEditField, c, "c"), cb(actClearField, c, "c"),
		cb(actPhones, c), cb(actPhoneAdd, c), cb(actPhoneRemove, c, "989123456789"),
		cb(actTags, c), cb(actTagAdd, c), cb(actTagRemove, c, "0"),
		cb(actPersonality, c), cb(actSetPersona, c, "ENTJ"),
		cb(actRelationship, c), cb(actSetRelation, c, "3"),
		cb(actReassign, c), cb(actAssignTo, c, id(o.b.id)), cb(actAssignTo, c, "0"),
	}
}

// adminActions are every action only admins may take.
func adminActions(o *org) []string {
	s, tm := id(o.suspect), id(o.team)
	return []string{
		cb(actPipeline), cb(actPipeSwitch, crm.TemplateSalesCycle), cb(actPipeStage, s), cb(actPipeRename, s),
		cb(actPipeUp, s), cb(actPipeDown, s), cb(actPipeArchive, s), cb(actPipeNewStage),
		cb(actTeams), cb(actTeamNew), cb(actTeamView, tm), cb(actTeamManagers, tm), cb(actTeamSetMgr, tm, id(o.b.id)),
		cb(actTeamAddList, tm), cb(actTeamAdd, tm, id(o.admin.id)), cb(actTeamRemove, tm, id(o.a.id)),
		cb(actStaffList), cb(actStaffView, id(o.a.id)), cb(actStaffDeactivate, id(o.a.id)), cb(actStaffConfirm, id(o.a.id)),
		cb(actInviteRole, "admin"), cb(actInviteTeam, "manager", tm),
		cb(actTeamRep, id(o.a.id)), cb(actTeamRepCustomers, id(o.a.id), "0"), cb(actTeamOverview, tm),
	}
}

func TestForgedCallbacksOnAnotherRepsCustomerChangeNothing(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			forbidden := h.tr(lang, "error.forbidden", nil)
			before := h.fingerprint()
			for _, data := range customerActions(o) {
				got := h.press(o.b.user, 1, data)
				if !onlyToast(got, forbidden) {
					t.Errorf("rep B pressed %q on rep A's customer: got %s, want only the forbidden notice", data, dump(got))
				}
				if after := h.fingerprint(); after != before {
					t.Fatalf("rep B pressing %q changed the database", data)
				}
			}
			for _, data := range adminActions(o) {
				got := h.press(o.b.user, 1, data)
				if !onlyToast(got, forbidden) {
					t.Errorf("rep pressed admin action %q: got %s", data, dump(got))
				}
			}
			if after := h.fingerprint(); after != before {
				t.Fatal("forged admin actions changed the database")
			}
			// Typed commands are checked too.
			for _, cmd := range []string{"/pipeline", "/teams", "/staff", "/invite", "/team"} {
				if got := h.text(o.b.user, cmd); len(got) != 1 || got[0].Text != forbidden {
					t.Errorf("rep typed %s: got %s", cmd, dump(got))
				}
			}
			if after := h.fingerprint(); after != before {
				t.Fatal("forged commands changed the database")
			}
		})
	}
}

func TestExStaffCanDoNothing(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "fa")
	h := o.h
	if _, _, err := h.db.DeactivateStaff(context.Background(), o.a.id, o.admin.id); err != nil {
		t.Fatal(err)
	}
	before := h.fingerprint()
	notStaff := h.tr("fa", "access.not_staff", nil)
	for _, data := range append(customerActions(o), adminActions(o)...) {
		if got := h.press(o.a.user, 1, data); !onlyToast(got, notStaff) {
			t.Errorf("ex-staff pressed %q: got %s", data, dump(got))
		}
	}
	for _, text := range []string{"/start", "/new", "کریمی", "09123456789", "/settings", "➕ مشتری جدید"} {
		if got := h.text(o.a.user, text); len(got) != 1 || got[0].Text != notStaff {
			t.Errorf("ex-staff sent %q: got %s", text, dump(got))
		}
	}
	if h.fingerprint() != before {
		t.Fatal("an ex-staff member changed the database")
	}
}

// Managers see their team's customers; reps of the team see only the pool
// and their own.
func TestManagerMayActOnTeamCustomers(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "en")
	h := o.h
	got := h.press(o.manager.user, 1, cb(actCard, id(o.customer)))
	if !strings.Contains(texts(got), "علی کریمی") || !hasButton(got, actStageMenu+":") {
		t.Fatalf("manager opening a team customer's card: %s", dump(got))
	}
	got = h.press(o.manager.user, 1, cb(actAssignTo, id(o.customer), id(o.b.id)))
	if owner := scalar[int64](h, `SELECT owner_id FROM customers WHERE id = $1`, o.customer); owner != o.b.id {
		t.Fatalf("reassign: owner %d, want rep B %d: %s", owner, o.b.id, dump(got))
	}
	// A manager may not hand a customer to someone outside the team.
	outsider := h.member(9, "Omid", "rep", "en", 0)
	got = h.press(o.manager.user, 1, cb(actAssignTo, id(o.customer), id(outsider.id)))
	if !onlyToast(got, h.tr("en", "error.forbidden", nil)) {
		t.Fatalf("assign outside the team: %s", dump(got))
	}
}
