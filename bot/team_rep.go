package bot

import (
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// A manager's view of one rep, one tap from the team overview: their
// overdue follow-ups and their customers, each one tap from the card.

// Callback codes of this file.
const (
	actTeamRep          = "gp" // gp:<rep>: the rep's overdue follow-ups and customers without a next step
	actTeamRepCustomers = "gc" // gc:<rep>:<page>: the rep's customers
)

// repOverdueLimit bounds the overdue follow-ups listed for a rep.
const repOverdueLimit = 10

// repPageSize is how many of a rep's customers one page lists.
const repPageSize = 10

func (b *Bot) routesTeamRep() {
	b.action(actTeamRep, b.showRep)
	b.action(actTeamRepCustomers, b.showRepCustomers)
}

// repToSee loads the rep args[0] names when the user may see their team.
func (b *Bot) repToSee(r *req, args []string) (crm.Staff, error) {
	rid, ok := argID(args, 0)
	if !ok {
		return crm.Staff{}, crm.Errorf(crm.EStale, "bad staff id")
	}
	s, err := b.teams.StaffByID(r.ctx, rid)
	if err != nil {
		return s, err
	}
	if !s.Active || !(crm.CanManageOrg(r.staff) || crm.CanSeeTeam(r.staff, s.TeamID)) {
		return s, crm.Errorf(crm.EForbidden, "staff %d may not see staff %d", r.staff.ID, rid)
	}
	return s, nil
}

// showRep lists a rep's overdue follow-ups and customers with no next step.
func (b *Bot) showRep(r *req, args []string) error {
	s, err := b.repToSee(r, args)
	if err != nil {
		return err
	}
	now := r.now()
	fs, err := b.teams.FollowUpsDueBy(r.ctx, s.ID, now, repOverdueLimit)
	if err != nil {
		return err
	}
	idle, idleTotal, err := b.teams.CustomersWithoutNextStep(r.ctx, s.ID, noNextStepLimit)
	if err != nil {
		return err
	}
	lines := []string{r.t("team.rep_title", map[string]any{"Name": esc(s.DisplayName)})}
	var rows [][]models.InlineKeyboardButton
	if len(fs) == 0 {
		lines = append(lines, r.t("team.rep_no_overdue", nil))
	} else {
		lines = append(lines, "", r.n("today.overdue_header", len(fs), nil))
	}
	for _, f := range fs {
		lines = append(lines, r.t("today.overdue_item", map[string]any{"Name": esc(f.CustomerName), "When": r.dueText(f.DueAt)}))
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("team.rep_card", map[string]any{"Name": clip(f.CustomerName, 40, "…")}), cb(actCard, id(f.CustomerID)))})
	}
	if len(idle) > 0 {
		lines = append(lines, "", r.n("today.no_next_header", idleTotal, nil))
		for _, c := range idle {
			lines = append(lines, r.t("today.no_next_item", map[string]any{"Name": esc(c.Name), "Last": r.lastContact(c)}))
			rows = append(rows, []models.InlineKeyboardButton{ib(r.t("team.rep_card", map[string]any{"Name": clip(c.Name, 40, "…")}), cb(actCard, id(c.ID)))})
		}
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("team.rep_customers", nil), cb(actTeamRepCustomers, id(s.ID), "0"))})
	if s.TeamID != 0 {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actTeamOverview, id(s.TeamID)))})
	}
	return r.edit(joinWithin(lines, maxCardRunes), ikm(rows...))
}

// showRepCustomers lists a page of a rep's customers, most recently
// contacted first.
func (b *Bot) showRepCustomers(r *req, args []string) error {
	s, err := b.repToSee(r, args)
	if err != nil {
		return err
	}
	page, _ := argInt(args, 1)
	page = max(page, 0)
	cs, total, err := b.teams.CustomersOwnedBy(r.ctx, s.ID, repPageSize, page*repPageSize)
	if err != nil {
		return err
	}
	pages := max((total+repPageSize-1)/repPageSize, 1)
	lines := []string{r.t("team.rep_customers_title", map[string]any{"Name": esc(s.DisplayName), "Page": page + 1, "Pages": pages}),
		r.n("common.customers_count", total, nil)}
	var rows [][]models.InlineKeyboardButton
	for _, c := range cs {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("team.rep_customer_button", map[string]any{"Name": clip(c.Name, 40, "…"), "Last": r.lastContact(c)}), cb(actCard, id(c.ID)))})
	}
	var nav []models.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, ib(r.t("common.previous", nil), cb(actTeamRepCustomers, id(s.ID), strconv.Itoa(page-1))))
	}
	if page+1 < pages {
		nav = append(nav, ib(r.t("common.next", nil), cb(actTeamRepCustomers, id(s.ID), strconv.Itoa(page+1))))
	}
	rows = append(rows, nav, []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actTeamRep, id(s.ID)))})
	return r.edit(strings.Join(lines, "\n"), ikm(rows...))
}
