package bot

import (
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// inviteTTL is how long an invite link works.
const inviteTTL = 7 * 24 * time.Hour

// Callback codes of /invite.
const (
	actInvite       = "iv" // iv: choose the role to invite
	actInviteRole   = "ir" // ir:<role>
	actInviteTeam   = "it" // it:<role>:<team or 0>
	actInviteRevoke = "ix" // ix:<invite>
)

var roles = []crm.Role{crm.RoleRep, crm.RoleManager, crm.RoleAdmin}

func (b *Bot) routesInvite() {
	b.command("invite", func(r *req) error { return b.startInvite(r, false) })
	b.action(actInvite, func(r *req, _ []string) error { return b.startInvite(r, true) })
	b.action(actInviteRole, b.onInviteRole)
	b.action(actInviteTeam, b.onInviteTeam)
	b.action(actInviteRevoke, b.onInviteRevoke)
}

// startInvite asks an admin which role to invite; a manager invites a rep
// to their own team at once.
func (b *Bot) startInvite(r *req, edit bool) error {
	switch r.staff.Role {
	case crm.RoleManager:
		return b.invite(r, crm.RoleRep, r.staff.TeamID)
	case crm.RoleAdmin:
		var btns []models.InlineKeyboardButton
		for _, role := range roles {
			btns = append(btns, ib(r.t("staff.role."+string(role), nil), cb(actInviteRole, string(role))))
		}
		return r.show(r.t("invite.ask_role", nil), ikm(btns), edit)
	}
	return crm.Errorf(crm.EForbidden, "reps do not invite")
}

func parseRole(args []string) (crm.Role, bool) {
	if len(args) == 0 {
		return "", false
	}
	role := crm.Role(args[0])
	return role, role.Valid()
}

func (b *Bot) onInviteRole(r *req, args []string) error {
	role, ok := parseRole(args)
	if !ok {
		return crm.Errorf(crm.EStale, "role")
	}
	if !crm.CanManageOrg(r.staff) {
		return b.startInvite(r, true)
	}
	if role == crm.RoleAdmin {
		return b.invite(r, role, 0)
	}
	teams, err := b.teams.Teams(r.ctx)
	if err != nil {
		return err
	}
	var btns []models.InlineKeyboardButton
	for _, t := range teams {
		btns = append(btns, ib(clipRunes(t.Name, 30), cb(actInviteTeam, string(role), id(t.ID))))
	}
	rows := append(inlineRows(2, btns...), []models.InlineKeyboardButton{ib(r.t("invite.no_team", nil), cb(actInviteTeam, string(role), "0"))})
	return r.edit(r.t("invite.ask_team", map[string]any{"Role": r.t("staff.role."+string(role), nil)}), ikm(rows...))
}

func (b *Bot) onInviteTeam(r *req, args []string) error {
	role, ok := parseRole(args)
	if !ok || len(args) != 2 {
		return crm.Errorf(crm.EStale, "role")
	}
	var team int64
	if args[1] != "0" {
		if team, ok = argID(args, 1); !ok {
			return crm.Errorf(crm.EStale, "team")
		}
	}
	return b.invite(r, role, team)
}

// invite creates a one-time link for role in team and shows it with its
// expiry in the user's calendar and a button to revoke it.
func (b *Bot) invite(r *req, role crm.Role, team int64) error {
	if !crm.CanInvite(r.staff, role, team) {
		return crm.Errorf(crm.EForbidden, "may not invite %s to team %d", role, team)
	}
	teamName := ""
	if team != 0 {
		t, err := b.teams.Team(r.ctx, team)
		if err != nil {
			return err
		}
		teamName = t.Name
	}
	token, inviteID, expires, err := b.teams.CreateStaffInvite(r.ctx, role, team, r.staff.ID, inviteTTL)
	if err != nil {
		return err
	}
	data := map[string]any{
		"Role":    r.t("staff.role."+string(role), nil),
		"Team":    esc(teamName),
		"Link":    esc("https://t.me/" + b.d.BotUsername + "?start=" + token),
		"Expires": format.DateTime(r.lang(), r.cal(), expires.In(r.userLoc())),
	}
	msg := "invite.created"
	if team != 0 {
		msg = "invite.created_team"
	}
	kb := ikm([]models.InlineKeyboardButton{ib(r.t("invite.btn.revoke", nil), cb(actInviteRevoke, id(inviteID)))})
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(r.t(msg, data), kb)
}

func (b *Bot) onInviteRevoke(r *req, args []string) error {
	inv, ok := argID(args, 0)
	if !ok {
		return crm.Errorf(crm.EStale, "invite")
	}
	if r.staff.Role == crm.RoleRep {
		return crm.Errorf(crm.EForbidden, "reps do not invite")
	}
	creator, err := b.teams.InviteCreator(r.ctx, inv)
	if crm.IsCode(err, crm.ENotFound) {
		return r.toast(r.t("invite.not_open", nil), true)
	}
	if err != nil {
		return err
	}
	if creator != r.staff.ID && !crm.CanManageOrg(r.staff) {
		return crm.Errorf(crm.EForbidden, "not the invite's creator")
	}
	if err := b.teams.RevokeStaffInvite(r.ctx, inv, r.staff.ID); err != nil {
		return err
	}
	return r.edit(r.t("invite.revoked", nil), nil)
}
