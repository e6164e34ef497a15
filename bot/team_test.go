package bot

import (
	"strings"
	"testing"
	"time"
)

func TestAdminBuildsTeam(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.member(1, "Admin", "admin", "fa", 0)
	mgr := h.member(2, "Maryam", "manager", "fa", 0)
	rep := h.member(3, "Sara", "rep", "fa", 0)
	h.text(admin.user, "/teams")
	h.press(admin.user, 1, cb(actTeamNew))
	got := h.text(admin.user, "تیم شمال")
	team := scalar[int64](h, `SELECT id FROM teams WHERE name = 'تیم شمال'`)
	if !strings.Contains(texts(got), "تیم شمال") || !hasButton(got, cb(actTeamManagers, id(team))) {
		t.Fatalf("new team: %s", dump(got))
	}
	got = h.press(admin.user, 1, cb(actTeamManagers, id(team)))
	h.press(admin.user, 1, button(t, got, cb(actTeamSetMgr, id(team), id(mgr.id))))
	got = h.press(admin.user, 1, cb(actTeamAddList, id(team)))
	got = h.press(admin.user, 1, button(t, got, cb(actTeamAdd, id(team), id(rep.id))))
	if !strings.Contains(texts(got), "Maryam") || !strings.Contains(texts(got), "Sara") {
		t.Fatalf("team detail: %s", dump(got))
	}
	var mgrTeam, repTeam, teamMgr int64
	h.db.Pool.QueryRow(t.Context(), `SELECT (SELECT team_id FROM staff WHERE id = $1), (SELECT team_id FROM staff WHERE id = $2), manager_id FROM teams WHERE id = $3`,
		mgr.id, rep.id, team).Scan(&mgrTeam, &repTeam, &teamMgr)
	if mgrTeam != team || repTeam != team || teamMgr != mgr.id {
		t.Fatalf("manager team %d, rep team %d, team manager %d", mgrTeam, repTeam, teamMgr)
	}
	if got := h.text(admin.user, "/teams"); got[0].Text != h.bot.d.I18n.For("fa").N("team.list", 1, nil) {
		t.Fatalf("/teams: %s", dump(got))
	}
	h.press(admin.user, 1, cb(actTeamNew))
	if got := h.text(admin.user, "تیم شمال"); got[0].Text != h.tr("fa", "team.name_taken", map[string]any{"Name": "تیم شمال"}) {
		t.Fatalf("duplicate team name: %s", dump(got))
	}
}

func TestTeamOverviewCountsOpenAndOverdueFollowUps(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ lang, want string }{
		{"fa", "\u200f• \u2068Reza\u2069: \u2068۳ باز\u2069، \u2068۲ عقب‌افتاده\u2069"},
		{"ar", "\u200f• \u2068Reza\u2069: \u2068٣ متابعات مفتوحة\u2069، \u2068متابعتان متأخرتان\u2069"},
		{"en", "• Reza: 3 open, 2 overdue"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			o := newOrg(t, tt.lang)
			h := o.h
			for _, due := range []time.Duration{-48 * time.Hour, -time.Hour, 5 * time.Hour} {
				h.exec(`INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3)`, o.customer, o.b.id, h.now.Add(due))
			}
			h.exec(`INSERT INTO follow_ups (customer_id, assignee_id, due_at, status, done_at) VALUES ($1, $2, $3, 'done', $3)`, o.customer, o.b.id, h.now.Add(-time.Hour))
			got := h.text(o.manager.user, "/team")
			lines := strings.Split(texts(got), "\n")
			if len(lines) != 3 || lines[1] != tt.want {
				t.Fatalf("overview:\n%s\nwant line %q", texts(got), tt.want)
			}
			// The admin picks a team first.
			got = h.text(o.admin.user, "/team")
			got = h.press(o.admin.user, 1, button(t, got, cb(actTeamOverview, id(o.team))))
			if !strings.Contains(texts(got), tt.want) {
				t.Fatalf("admin's overview: %s", dump(got))
			}
		})
	}
}

func TestDeactivationHandsOverCustomersAndBlocksAtOnce(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "fa")
	h := o.h
	h.exec(`INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3)`, o.customer, o.a.id, h.now.Add(time.Hour))
	h.text(o.a.user, "/new") // rep A is mid-flow when deactivated
	got := h.text(o.admin.user, "/staff")
	got = h.press(o.admin.user, 1, button(t, got, cb(actStaffView, id(o.a.id))))
	got = h.press(o.admin.user, 1, button(t, got, cb(actStaffDeactivate, id(o.a.id))))
	got = h.press(o.admin.user, 1, button(t, got, cb(actStaffConfirm, id(o.a.id))))
	want := h.tr("fa", "staff.deactivated_heir", map[string]any{"Name": "Sara", "Customers": h.bot.d.I18n.For("fa").N("common.customers_count", 1, nil), "Heir": "Maryam"})
	if !strings.Contains(texts(got), want) {
		t.Fatalf("deactivation: %s\nwant %q", dump(got), want)
	}
	if owner := scalar[int64](h, `SELECT owner_id FROM customers WHERE id = $1`, o.customer); owner != o.manager.id {
		t.Fatalf("owner %d, want the manager", owner)
	}
	if a := scalar[int64](h, `SELECT assignee_id FROM follow_ups`); a != o.manager.id {
		t.Fatalf("follow-up assignee %d, want the manager", a)
	}
	if n := scalar[int](h, `SELECT count(*) FROM audit_log WHERE action = 'staff.deactivate' AND entity_id = $1`, o.a.id); n != 1 {
		t.Fatalf("audit entries: %d", n)
	}
	notStaff := h.tr("fa", "access.not_staff", nil)
	if got := h.text(o.a.user, "علی"); len(got) != 1 || got[0].Text != notStaff {
		t.Fatalf("the ex-rep's next message: %s", dump(got))
	}
	if got := h.press(o.a.user, 1, cb(actCard, id(o.customer))); !onlyToast(got, notStaff) {
		t.Fatalf("the ex-rep's next press: %s", dump(got))
	}
	// Deactivating again is refused; an admin cannot deactivate themselves.
	if got := h.press(o.admin.user, 1, cb(actStaffConfirm, id(o.a.id))); texts(got) != h.tr("fa", "error.conflict", nil) {
		t.Fatalf("twice: %s", dump(got))
	}
	if got := h.press(o.admin.user, 1, cb(actStaffConfirm, id(o.admin.id))); !onlyToast(got, h.tr("fa", "error.forbidden", nil)) {
		t.Fatalf("self: %s", dump(got))
	}
}
