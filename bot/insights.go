package bot

import (
	"context"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// InsightStore is what /insights asks of the database.
type InsightStore interface {
	// Insights reads scope's value and risk under p at now, with one page
	// (of pageSize) of the customers at risk and of the lapsed ones.
	Insights(ctx context.Context, sc crm.InsightScope, p crm.ValuePolicy, now time.Time, riskPage, lapsedPage, pageSize int) (crm.Insights, error)
}

// Callback code of /insights: ui:<team, 0 for the reader's own
// scope>:<s summary | r at risk | l lapsed>:<page>. The scope is decided
// again on every press from who presses (crm.InsightScopeFor): a rep's is
// always their own customers, a manager's their team, whatever the data.
const actInsights = "ui"

// insightPage is how many customers a page of the risk lists shows.
const insightPage = 10

func (b *Bot) routesInsights() {
	b.command("insights", func(r *req) error { return b.showInsights(r, 0, "s", 0) })
	b.action(actInsights, b.onInsights)
}

func (b *Bot) onInsights(r *req, args []string) error {
	team, _ := argID(args, 0)
	page, ok := argInt(args, 2)
	if len(args) != 3 || !ok || page < 0 || (args[1] != "s" && args[1] != "r" && args[1] != "l") {
		return crm.Errorf(crm.EStale, "insights")
	}
	return b.showInsights(r, team, args[1], page)
}

// showInsights renders one section of /insights for the reader's scope.
func (b *Bot) showInsights(r *req, team int64, section string, page int) error {
	if r.staff.Role != crm.RoleAdmin {
		team = 0 // only an admin picks a team
	}
	sc, ok := crm.InsightScopeFor(r.staff, team)
	if !ok {
		return crm.Errorf(crm.EForbidden, "no scope")
	}
	p, err := b.policy(r)
	if err != nil {
		return err
	}
	rp, lp := 0, 0
	switch section {
	case "r":
		rp = page
	case "l":
		lp = page
	}
	in, err := b.insights.Insights(r.ctx, sc, p, r.now(), rp, lp, insightPage)
	if err != nil {
		return err
	}
	scope, err := b.insightScopeName(r, sc)
	if err != nil {
		return err
	}
	var lines []string
	var rows [][]models.InlineKeyboardButton
	tc := id(team)
	switch section {
	case "r", "l":
		lines, rows = r.insightRiskPage(in, section, page, tc, scope)
	default:
		lines, rows = r.insightSummary(in, tc, scope)
		if crm.CanManageOrg(r.staff) {
			teams, err := b.teams.Teams(r.ctx)
			if err != nil {
				return err
			}
			var btns []models.InlineKeyboardButton
			btns = append(btns, ib(r.mark(r.t("insights.btn.all", nil), sc.All), cb(actInsights, "0", "s", "0")))
			for i, t := range teams {
				if i == 7 {
					break
				}
				btns = append(btns, ib(r.mark(clipRunes(t.Name, 20), sc.TeamID == t.ID), cb(actInsights, id(t.ID), "s", "0")))
			}
			rows = append(rows, inlineRows(3, btns...)...)
		}
	}
	return r.show(joinWithin(lines, maxCardRunes), ikm(rows...), r.cb != nil)
}

// insightScopeName says whose customers are shown.
func (b *Bot) insightScopeName(r *req, sc crm.InsightScope) (string, error) {
	switch {
	case sc.All:
		return r.t("insights.scope.all", nil), nil
	case sc.OwnerID != 0:
		return r.t("insights.scope.mine", nil), nil
	}
	t, err := b.teams.Team(r.ctx, sc.TeamID)
	if err != nil {
		return "", err
	}
	return r.t("insights.scope.team", map[string]any{"Team": esc(t.Name)}), nil
}

// insightSummary is the totals, the segments with their share of
// revenue, the top 10 and the risk counts.
func (r *req) insightSummary(in crm.Insights, team, scope string) ([]string, [][]models.InlineKeyboardButton) {
	lines := []string{r.t("insights.title", map[string]any{"Scope": scope})}
	if in.Buyers == 0 {
		return append(lines, r.t("insights.none", nil)), nil
	}
	lines = append(lines, r.n("insights.total", in.Buyers, map[string]any{"Value": r.money(in.LTV, in.Currency)}))
	if in.Margined {
		lines = append(lines, r.t("insights.margin", map[string]any{"Value": r.money(in.Margin, in.Currency)}))
	}
	lines = append(lines, "", r.t("insights.segments", nil))
	for _, s := range in.Segments {
		if s.Count == 0 {
			continue
		}
		lines = append(lines, r.n("insights.segment."+string(s.Segment), s.Count, map[string]any{
			"Share": format.Int(r.lang(), int64(crm.Share(s.LTV, in.LTV))), "Value": r.money(s.LTV, in.Currency)}))
	}
	top := "insights.top"
	if in.Margined {
		top = "insights.top_margin"
	}
	lines = append(lines, "", r.t(top, nil))
	var cards []models.InlineKeyboardButton
	for i, v := range in.Top {
		value := v.LTV
		if in.Margined {
			value = v.Margin
		}
		lines = append(lines, r.t("insights.top_line", map[string]any{"N": i + 1, "Name": esc(clipRunes(v.Name, 40)), "Value": r.money(value, in.Currency)}))
		cards = append(cards, ib(r.t("insights.btn.card", map[string]any{"N": i + 1, "Name": clipRunes(v.Name, 20)}), cb(actCard, id(v.CustomerID))))
	}
	lines = append(lines, "", r.n("insights.at_risk_n", in.AtRiskN, nil), r.n("insights.lapsed_n", in.LapsedN, nil))
	rows := inlineRows(2, cards...)
	var risk []models.InlineKeyboardButton
	if in.AtRiskN > 0 {
		risk = append(risk, ib(r.t("insights.btn.at_risk", nil), cb(actInsights, team, "r", "0")))
	}
	if in.LapsedN > 0 {
		risk = append(risk, ib(r.t("insights.btn.lapsed", nil), cb(actInsights, team, "l", "0")))
	}
	return lines, append(rows, risk)
}

// insightRiskPage lists one page of the customers at risk or lapsed, each
// with its reason and a button to the card.
func (r *req) insightRiskPage(in crm.Insights, section string, page int, team, scope string) ([]string, [][]models.InlineKeyboardButton) {
	list, total, head := in.AtRisk, in.AtRiskN, "insights.at_risk_title"
	if section == "l" {
		list, total, head = in.Lapsed, in.LapsedN, "insights.lapsed_title"
	}
	pages := max(1, (total+insightPage-1)/insightPage)
	lines := []string{r.n(head, total, map[string]any{"Scope": scope, "Page": page + 1, "Pages": pages})}
	if section == "l" && total > 0 {
		lines = append(lines, r.t("insights.lapsed_hint", nil))
	}
	now := r.now()
	var cards []models.InlineKeyboardButton
	for i, v := range list {
		lines = append(lines, r.n("insights.risk_line", intervalDays(v.Interval), map[string]any{
			"N": page*insightPage + i + 1, "Name": esc(clipRunes(v.Name, 40)), "Value": r.money(v.LTV, in.Currency),
			"Date":  format.Date(r.lang(), r.cal(), v.Last.In(r.userLoc())),
			"Times": format.Fixed(r.lang(), v.TimesOver(now), 1),
		}))
		cards = append(cards, ib(r.t("insights.btn.card", map[string]any{"N": page*insightPage + i + 1, "Name": clipRunes(v.Name, 20)}), cb(actCard, id(v.CustomerID))))
	}
	rows := inlineRows(2, cards...)
	var nav []models.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, ib(r.t("insights.btn.prev", nil), cb(actInsights, team, section, strconv.Itoa(page-1))))
	}
	if page+1 < pages {
		nav = append(nav, ib(r.t("insights.btn.next", nil), cb(actInsights, team, section, strconv.Itoa(page+1))))
	}
	rows = append(rows, nav, []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actInsights, team, "s", "0"))})
	return lines, rows
}
