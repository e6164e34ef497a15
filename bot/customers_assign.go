package bot

import (
	"strconv"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// personalityTypes are the 16 types, in the usual grid order.
var personalityTypes = []string{
	"ISTJ", "ISFJ", "INFJ", "INTJ", "ISTP", "ISFP", "INFP", "INTP",
	"ESTP", "ESFP", "ENFP", "ENTP", "ESTJ", "ESFJ", "ENFJ", "ENTJ",
}

func (b *Bot) showPersonality(r *req, c crm.Customer, _ []string) error {
	var btns []models.InlineKeyboardButton
	for _, p := range personalityTypes {
		btns = append(btns, ib(r.mark(p, c.PersonalityType == p), cb(actSetPersona, id(c.ID), p)))
	}
	rows := inlineRows(4, btns...)
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("customer.btn.clear", nil), cb(actSetPersona, id(c.ID), "-"))}, backToMore(r, c))
	return r.edit(r.t("customer.ask_personality", map[string]any{"Name": esc(c.Name)}), ikm(rows...))
}

func (b *Bot) onSetPersonality(r *req, c crm.Customer, args []string) error {
	if len(args) != 1 {
		return crm.Errorf(crm.EStale, "no type")
	}
	c.PersonalityType = args[0]
	if args[0] == "-" {
		c.PersonalityType = ""
	}
	if err := b.customers.UpdateCustomer(r.ctx, c, r.staff.ID); err != nil {
		return err
	}
	return b.showCard(r, c, true)
}

func (b *Bot) showRelationship(r *req, c crm.Customer, _ []string) error {
	var rows [][]models.InlineKeyboardButton
	for l := 1; l <= 5; l++ {
		label := r.mark(r.t("card.level."+strconv.Itoa(l), nil), c.RelationshipLevel == l)
		rows = append(rows, []models.InlineKeyboardButton{ib(label, cb(actSetRelation, id(c.ID), strconv.Itoa(l)))})
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("customer.btn.clear", nil), cb(actSetRelation, id(c.ID), "0"))}, backToMore(r, c))
	return r.edit(r.t("customer.ask_relationship", map[string]any{"Name": esc(c.Name)}), ikm(rows...))
}

func (b *Bot) onSetRelationship(r *req, c crm.Customer, args []string) error {
	l, ok := argInt(args, 0)
	if !ok || l < 0 || l > 5 {
		return crm.Errorf(crm.EStale, "level")
	}
	c.RelationshipLevel = l
	if err := b.customers.UpdateCustomer(r.ctx, c, r.staff.ID); err != nil {
		return err
	}
	return b.showCard(r, c, true)
}

// assignable returns the staff members the user may give c to.
func (b *Bot) assignable(r *req, c crm.Customer) ([]crm.Staff, error) {
	var all []crm.Staff
	var err error
	switch r.staff.Role {
	case crm.RoleAdmin:
		all, err = b.customers.StaffList(r.ctx, true)
	case crm.RoleManager:
		all, err = b.customers.TeamMembers(r.ctx, r.staff.TeamID)
	}
	if err != nil {
		return nil, err
	}
	var out []crm.Staff
	for _, s := range all {
		if crm.CanAssign(r.staff, c, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// canPool reports whether the user may put c back in the pool.
func canPool(actor crm.Staff, c crm.Customer) bool {
	return crm.CanEdit(actor, c) && actor.Role != crm.RoleRep && c.OwnerID != 0
}

func (b *Bot) showReassign(r *req, c crm.Customer, _ []string) error {
	if r.staff.Role == crm.RoleRep {
		return crm.Errorf(crm.EForbidden, "reps do not reassign")
	}
	staff, err := b.assignable(r, c)
	if err != nil {
		return err
	}
	var btns []models.InlineKeyboardButton
	for _, s := range staff {
		btns = append(btns, ib(r.mark(clipRunes(s.DisplayName, 30), s.ID == c.OwnerID), cb(actAssignTo, id(c.ID), id(s.ID))))
	}
	rows := inlineRows(2, btns...)
	if canPool(r.staff, c) {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("customer.btn.to_pool", nil), cb(actAssignTo, id(c.ID), "0"))})
	}
	rows = append(rows, backToMore(r, c))
	return r.edit(r.t("customer.ask_owner_for", map[string]any{"Name": esc(c.Name)}), ikm(rows...))
}

func (b *Bot) onAssignTo(r *req, c crm.Customer, args []string) error {
	if len(args) != 1 {
		return crm.Errorf(crm.EStale, "no staff")
	}
	var to crm.Staff
	if args[0] == "0" {
		if !canPool(r.staff, c) {
			return crm.Errorf(crm.EForbidden, "may not pool")
		}
	} else {
		sid, ok := argID(args, 0)
		if !ok {
			return crm.Errorf(crm.EStale, "bad staff id")
		}
		s, err := b.customers.StaffByID(r.ctx, sid)
		if err != nil {
			return err
		}
		if !crm.CanAssign(r.staff, c, s) {
			return crm.Errorf(crm.EForbidden, "may not assign to %d", sid)
		}
		to = s
	}
	if to.ID == c.OwnerID {
		return b.showCard(r, c, true)
	}
	if err := b.customers.AssignCustomer(r.ctx, c.ID, c.OwnerID, to.ID, r.staff.ID); err != nil {
		return err
	}
	c, err := b.customers.Customer(r.ctx, c.ID)
	if err != nil {
		return err
	}
	if err := r.toast(r.t("customer.reassigned", nil), false); err != nil {
		return err
	}
	return b.showCard(r, c, true)
}
