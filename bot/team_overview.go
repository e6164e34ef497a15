package bot

import (
	"cmp"
	"slices"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// teamCommand is /team: a manager sees their team's load; an admin picks
// a team first.
func (b *Bot) teamCommand(r *req) error {
	switch {
	case r.staff.Role == crm.RoleManager && r.staff.TeamID != 0:
		t, err := b.teams.Team(r.ctx, r.staff.TeamID)
		if err != nil {
			return err
		}
		return b.teamOverview(r, t, false)
	case crm.CanManageOrg(r.staff):
		teams, err := b.teams.Teams(r.ctx)
		if err != nil {
			return err
		}
		var btns []models.InlineKeyboardButton
		for _, t := range teams {
			btns = append(btns, ib(clipRunes(t.Name, 30), cb(actTeamOverview, id(t.ID))))
		}
		return r.send(r.n("team.pick", len(teams), nil), ikm(inlineRows(2, btns...)...))
	}
	return crm.Errorf(crm.EForbidden, "no team to see")
}

// teamOverview lists a team's reps with their open and overdue
// follow-ups, the most overdue first.
func (b *Bot) teamOverview(r *req, t crm.Team, edit bool) error {
	if !crm.CanSeeTeam(r.staff, t.ID) {
		return crm.Errorf(crm.EForbidden, "team %d", t.ID)
	}
	members, err := b.teams.TeamMembers(r.ctx, t.ID)
	if err != nil {
		return err
	}
	var reps []crm.Staff
	var ids []int64
	for _, m := range members {
		if m.ID != t.ManagerID {
			reps = append(reps, m)
			ids = append(ids, m.ID)
		}
	}
	open, overdue, err := b.teams.FollowUpCounts(r.ctx, ids, r.now())
	if err != nil {
		return err
	}
	sortByLoad(reps, open, overdue)
	lines := []string{r.t("team.overview", map[string]any{"Team": esc(t.Name)})}
	for _, m := range reps {
		lines = append(lines, r.t("team.member_line", map[string]any{
			"Name":    esc(m.DisplayName),
			"Open":    r.n("team.open_followups", open[m.ID], nil),
			"Overdue": r.n("team.overdue_followups", overdue[m.ID], nil),
		}))
	}
	if len(reps) == 0 {
		lines = append(lines, r.t("team.no_reps", nil))
	}
	text := strings.Join(lines, "\n")
	// One tap from the overview to each rep's overdue work and customers.
	var btns []models.InlineKeyboardButton
	for _, m := range reps {
		label := clipRunes(m.DisplayName, 28)
		if overdue[m.ID] > 0 {
			label = r.t("team.rep_button_overdue", map[string]any{"Name": label, "Overdue": overdue[m.ID]})
		}
		btns = append(btns, ib(label, cb(actTeamRep, id(m.ID))))
	}
	kb := ikm(inlineRows(2, btns...)...)
	if edit {
		return r.edit(text, kb)
	}
	return r.send(text, kb)
}

// sortByLoad orders reps by overdue, then open follow-ups, descending.
func sortByLoad(reps []crm.Staff, open, overdue map[int64]int) {
	slices.SortStableFunc(reps, func(a, b crm.Staff) int {
		if c := cmp.Compare(overdue[b.ID], overdue[a.ID]); c != 0 {
			return c
		}
		return cmp.Compare(open[b.ID], open[a.ID])
	})
}
