package bot

import (
	"context"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// TeamStore is what teams, staff management and invites ask of the
// database.
type TeamStore interface {
	Teams(ctx context.Context) ([]crm.Team, error)
	// Team returns crm.ENotFound for an unknown team.
	Team(ctx context.Context, id int64) (crm.Team, error)
	// CreateTeam returns crm.EConflict for a name already taken.
	CreateTeam(ctx context.Context, name string, by int64) (crm.Team, error)
	SetTeamManager(ctx context.Context, teamID, staffID, by int64) error
	// SetStaffTeam moves a staff member to a team (0: none).
	SetStaffTeam(ctx context.Context, staffID, teamID, by int64) error
	StaffList(ctx context.Context, activeOnly bool) ([]crm.Staff, error)
	TeamMembers(ctx context.Context, teamID int64) ([]crm.Staff, error)
	// FollowUpCounts returns open and overdue (due before now) follow-ups
	// per staff member.
	FollowUpCounts(ctx context.Context, staffIDs []int64, now time.Time) (open, overdue map[int64]int, err error)
	// DeactivateStaff hands the customers to the team's manager (heir) or
	// the pool (heir 0); crm.EConflict if already inactive.
	DeactivateStaff(ctx context.Context, id, by int64) (heir int64, moved int, err error)
	CreateStaffInvite(ctx context.Context, role crm.Role, teamID, by int64, ttl time.Duration) (token string, id int64, expires time.Time, err error)
	// InviteCreator returns crm.ENotFound unless the invite is still open.
	InviteCreator(ctx context.Context, id int64) (int64, error)
	RevokeStaffInvite(ctx context.Context, id, by int64) error
	StaffByID(ctx context.Context, id int64) (crm.Staff, error)
	// FollowUpsDueBy lists open follow-ups due before until, earliest first.
	FollowUpsDueBy(ctx context.Context, assigneeID int64, until time.Time, limit int) ([]crm.FollowUp, error)
	CustomersWithoutNextStep(ctx context.Context, ownerID int64, limit int) ([]crm.Customer, int, error)
	CustomersOwnedBy(ctx context.Context, ownerID int64, limit, offset int) ([]crm.Customer, int, error)
}

// Flows and callback codes of teams.
const (
	flowTeamName = "team.name"

	actTeams         = "gl"  // gl: every team (admins)
	actTeamView      = "gv"  // gv:<team>: members and management (admins)
	actTeamNew       = "gn"  // gn: name a new team
	actTeamManagers  = "gm"  // gm:<team>: pick its manager
	actTeamSetMgr    = "gms" // gms:<team>:<staff>
	actTeamAddList   = "ga"  // ga:<team>: pick a member to add
	actTeamAdd       = "gas" // gas:<team>:<staff>
	actTeamRemove    = "gr"  // gr:<team>:<staff>
	actTeamOverview  = "go"  // go:<team>: follow-up load of its reps
	maxStaffButtons  = 40
	maxTeamNameRunes = 100
)

// routesTeam registers /teams, /team, /staff and /invite.
func (b *Bot) routesTeam() {
	b.command("teams", b.admin(func(r *req) error { return b.showTeams(r, false) }))
	b.command("team", b.teamCommand)
	b.action(actTeams, b.adminAction(func(r *req, _ []string) error { return b.showTeams(r, true) }))
	b.action(actTeamNew, b.adminAction(b.onNewTeam))
	b.action(actTeamView, b.adminAction(b.withTeam(b.showTeam)))
	b.action(actTeamManagers, b.adminAction(b.withTeam(func(r *req, t crm.Team, _ []string) error { return b.pickStaff(r, t, actTeamSetMgr) })))
	b.action(actTeamSetMgr, b.adminAction(b.withTeam(b.onSetManager)))
	b.action(actTeamAddList, b.adminAction(b.withTeam(func(r *req, t crm.Team, _ []string) error { return b.pickStaff(r, t, actTeamAdd) })))
	b.action(actTeamAdd, b.adminAction(b.withTeam(b.onAddMember)))
	b.action(actTeamRemove, b.adminAction(b.withTeam(b.onRemoveMember)))
	b.action(actTeamOverview, b.withTeam(func(r *req, t crm.Team, _ []string) error { return b.teamOverview(r, t, true) }))
	b.flow(flowTeamName, b.teamNameStep)
	b.routesStaff()
	b.routesInvite()
	b.routesTeamRep()
	b.leadKey("menu.team", b.teamCommand)
}

// withTeam loads the team named by args[0].
func (b *Bot) withTeam(h func(r *req, t crm.Team, args []string) error) actionFunc {
	return func(r *req, args []string) error {
		tid, ok := argID(args, 0)
		if !ok {
			return crm.Errorf(crm.EStale, "bad team id")
		}
		t, err := b.teams.Team(r.ctx, tid)
		if err != nil {
			return err
		}
		return h(r, t, args[1:])
	}
}

func (b *Bot) showTeams(r *req, edit bool) error {
	teams, err := b.teams.Teams(r.ctx)
	if err != nil {
		return err
	}
	var btns []models.InlineKeyboardButton
	for _, t := range teams {
		btns = append(btns, ib(clipRunes(t.Name, 30), cb(actTeamView, id(t.ID))))
	}
	rows := append(inlineRows(2, btns...), []models.InlineKeyboardButton{ib(r.t("team.btn.new", nil), cb(actTeamNew))})
	return r.show(r.n("team.list", len(teams), nil), ikm(rows...), edit)
}

func (b *Bot) onNewTeam(r *req, _ []string) error {
	if err := r.setState(flowTeamName, "name", nil); err != nil {
		return err
	}
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(r.t("team.ask_name", nil), nil)
}

func (b *Bot) teamNameStep(r *req, st *State) error {
	if err := r.clearState(); err != nil {
		return err
	}
	if !crm.CanManageOrg(r.staff) {
		return crm.Errorf(crm.EForbidden, "admins only")
	}
	name := strings.TrimSpace(r.msg.Text)
	if name == "" || len([]rune(name)) > maxTeamNameRunes {
		return crm.Errorf(crm.EInvalid, "team name")
	}
	t, err := b.teams.CreateTeam(r.ctx, name, r.staff.ID)
	if crm.IsCode(err, crm.EConflict) {
		return r.send(r.t("team.name_taken", map[string]any{"Name": esc(name)}), nil)
	}
	if err != nil {
		return err
	}
	return b.showTeam(r, t, nil)
}

// showTeam shows a team's manager and members with what an admin can do.
func (b *Bot) showTeam(r *req, t crm.Team, _ []string) error {
	members, err := b.teams.TeamMembers(r.ctx, t.ID)
	if err != nil {
		return err
	}
	manager := r.t("team.no_manager", nil)
	var names []string
	var remove []models.InlineKeyboardButton
	for _, m := range members {
		if m.ID == t.ManagerID {
			manager = esc(m.DisplayName)
			continue
		}
		names = append(names, r.t("team.member_item", map[string]any{"Name": esc(m.DisplayName)}))
		remove = append(remove, ib(r.t("team.btn.remove", map[string]any{"Name": clipRunes(m.DisplayName, 20)}), cb(actTeamRemove, id(t.ID), id(m.ID))))
	}
	text := r.t("team.detail", map[string]any{"Team": esc(t.Name), "Manager": manager, "Members": r.n("team.members", len(names), nil)})
	if len(names) > 0 {
		text += "\n" + strings.Join(names, "\n")
	}
	tid := id(t.ID)
	rows := [][]models.InlineKeyboardButton{
		{ib(r.t("team.btn.manager", nil), cb(actTeamManagers, tid)), ib(r.t("team.btn.add", nil), cb(actTeamAddList, tid))},
	}
	rows = append(rows, inlineRows(2, remove...)...)
	rows = append(rows,
		[]models.InlineKeyboardButton{ib(r.t("team.btn.overview", nil), cb(actTeamOverview, tid))},
		[]models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actTeams))})
	return r.show(text, ikm(rows...), r.cb != nil)
}

// pickStaff lists active staff to make manager of t or add to it.
func (b *Bot) pickStaff(r *req, t crm.Team, action string) error {
	staff, err := b.teams.StaffList(r.ctx, true)
	if err != nil {
		return err
	}
	var btns []models.InlineKeyboardButton
	for _, s := range staff {
		if len(btns) == maxStaffButtons || (action == actTeamAdd && s.TeamID == t.ID) {
			continue
		}
		btns = append(btns, ib(clipRunes(s.DisplayName, 30), cb(action, id(t.ID), id(s.ID))))
	}
	rows := append(inlineRows(2, btns...), []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actTeamView, id(t.ID)))})
	prompt := "team.ask_manager"
	if action == actTeamAdd {
		prompt = "team.ask_member"
	}
	return r.edit(r.t(prompt, map[string]any{"Team": esc(t.Name)}), ikm(rows...))
}

// staffArg loads the active staff member named by args[0].
func (b *Bot) staffArg(r *req, args []string) (crm.Staff, error) {
	sid, ok := argID(args, 0)
	if !ok {
		return crm.Staff{}, crm.Errorf(crm.EStale, "bad staff id")
	}
	s, err := b.teams.StaffByID(r.ctx, sid)
	if err == nil && !s.Active {
		err = crm.Errorf(crm.EConflict, "staff %d is inactive", sid)
	}
	return s, err
}

func (b *Bot) onSetManager(r *req, t crm.Team, args []string) error {
	s, err := b.staffArg(r, args)
	if err != nil {
		return err
	}
	if err := b.teams.SetTeamManager(r.ctx, t.ID, s.ID, r.staff.ID); err != nil {
		return err
	}
	if err := b.syncMenu(r, s.ID); err != nil { // a rep made manager gets the manager's menu
		return err
	}
	t.ManagerID = s.ID
	return b.showTeam(r, t, nil)
}

func (b *Bot) onAddMember(r *req, t crm.Team, args []string) error {
	s, err := b.staffArg(r, args)
	if err != nil {
		return err
	}
	if err := b.teams.SetStaffTeam(r.ctx, s.ID, t.ID, r.staff.ID); err != nil {
		return err
	}
	if s.ID == t.ManagerID {
		t.ManagerID = s.ID
	}
	return b.showTeam(r, t, nil)
}

func (b *Bot) onRemoveMember(r *req, t crm.Team, args []string) error {
	s, err := b.staffArg(r, args)
	if err != nil {
		return err
	}
	if s.TeamID != t.ID {
		return crm.Errorf(crm.EStale, "not a member")
	}
	if err := b.teams.SetStaffTeam(r.ctx, s.ID, 0, r.staff.ID); err != nil {
		return err
	}
	return b.showTeam(r, t, nil)
}
