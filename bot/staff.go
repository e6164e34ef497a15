package bot

import (
	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// Callback codes of /staff (admins).
const (
	actStaffList       = "wl"  // wl: everyone
	actStaffView       = "wv"  // wv:<staff>
	actStaffDeactivate = "wd"  // wd:<staff>: ask to confirm
	actStaffConfirm    = "wdy" // wdy:<staff>: deactivate
)

func (b *Bot) routesStaff() {
	b.command("staff", b.admin(func(r *req) error { return b.showStaff(r, false) }))
	b.action(actStaffList, b.adminAction(func(r *req, _ []string) error { return b.showStaff(r, true) }))
	b.action(actStaffView, b.adminAction(b.withStaff(b.showStaffMember)))
	b.action(actStaffDeactivate, b.adminAction(b.withStaff(b.askDeactivate)))
	b.action(actStaffConfirm, b.adminAction(b.withStaff(b.onDeactivate)))
}

// withStaff loads the staff member named by args[0], active or not.
func (b *Bot) withStaff(h func(r *req, s crm.Staff) error) actionFunc {
	return func(r *req, args []string) error {
		sid, ok := argID(args, 0)
		if !ok {
			return crm.Errorf(crm.EStale, "bad staff id")
		}
		s, err := b.teams.StaffByID(r.ctx, sid)
		if err != nil {
			return err
		}
		return h(r, s)
	}
}

func (b *Bot) showStaff(r *req, edit bool) error {
	staff, err := b.teams.StaffList(r.ctx, false)
	if err != nil {
		return err
	}
	var btns []models.InlineKeyboardButton
	active := 0
	for _, s := range staff {
		label := r.t("staff.entry", map[string]any{"Name": clipRunes(s.DisplayName, 24), "Role": r.t("staff.role."+string(s.Role), nil)})
		if s.Active {
			active++
		} else {
			label = r.t("staff.entry_inactive", map[string]any{"Name": clipRunes(s.DisplayName, 24)})
		}
		if len(btns) < maxStaffButtons {
			btns = append(btns, ib(label, cb(actStaffView, id(s.ID))))
		}
	}
	return r.show(r.n("staff.list", active, nil), ikm(inlineRows(2, btns...)...), edit)
}

func (b *Bot) showStaffMember(r *req, s crm.Staff) error {
	team := r.t("team.none", nil)
	if s.TeamID != 0 {
		t, err := b.teams.Team(r.ctx, s.TeamID)
		if err != nil {
			return err
		}
		team = esc(t.Name)
	}
	msg := "staff.detail"
	if !s.Active {
		msg = "staff.detail_inactive"
	}
	text := r.t(msg, map[string]any{"Name": esc(s.DisplayName), "Role": r.t("staff.role."+string(s.Role), nil), "Team": team})
	var rows [][]models.InlineKeyboardButton
	if s.Active && s.ID != r.staff.ID {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("staff.btn.deactivate", nil), cb(actStaffDeactivate, id(s.ID)))})
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actStaffList))})
	return r.edit(text, ikm(rows...))
}

func (b *Bot) askDeactivate(r *req, s crm.Staff) error {
	if !s.Active || s.ID == r.staff.ID {
		return crm.Errorf(crm.EStale, "cannot deactivate")
	}
	return r.edit(r.t("staff.confirm_deactivate", map[string]any{"Name": esc(s.DisplayName)}), ikm(
		[]models.InlineKeyboardButton{ib(r.t("staff.btn.confirm_deactivate", nil), cb(actStaffConfirm, id(s.ID))), ib(r.t("common.cancel", nil), cb(actStaffView, id(s.ID)))}))
}

// onDeactivate ends s's access at once; their customers go to their
// team's manager, else the pool.
func (b *Bot) onDeactivate(r *req, s crm.Staff) error {
	if s.ID == r.staff.ID {
		return crm.Errorf(crm.EForbidden, "not oneself")
	}
	heir, moved, err := b.teams.DeactivateStaff(r.ctx, s.ID, r.staff.ID)
	if err != nil {
		return err
	}
	if err := b.syncMenu(r, s.ID); err != nil { // their own menu goes
		return err
	}
	data := map[string]any{"Name": esc(s.DisplayName), "Customers": r.n("common.customers_count", moved, nil)}
	msg := "staff.deactivated_pool"
	if heir != 0 {
		h, err := b.teams.StaffByID(r.ctx, heir)
		if err != nil {
			return err
		}
		data["Heir"] = esc(h.DisplayName)
		msg = "staff.deactivated_heir"
	}
	return r.edit(r.t(msg, data), ikm([]models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actStaffList))}))
}
