package bot

import (
	"slices"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// Product margins (crm.ValuePolicy.Margins) an admin sets from /policy:
// lifetime values are then margin-adjusted on the card and in /insights.
// Admins only, checked on every press and every typed line.
const (
	flowMargin = "policy.margin" // typing "<product> <percent>"

	actMargins      = "qm"  // qm: the list
	actMarginAdd    = "qma" // qma: type one
	actMarginRemove = "qmr" // qmr:<index in the sorted keys>
)

func (b *Bot) routesMargins() {
	b.action(actMargins, b.adminAction(func(r *req, _ []string) error { return b.showMargins(r) }))
	b.action(actMarginAdd, b.adminAction(b.onMarginAdd))
	b.action(actMarginRemove, b.adminAction(b.onMarginRemove))
	b.flow(flowMargin, b.marginStep)
}

// marginKeys are the policy's product keys in order.
func marginKeys(p crm.ValuePolicy) []string {
	keys := make([]string, 0, len(p.Margins))
	for k := range p.Margins {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (b *Bot) showMargins(r *req) error {
	p, err := b.policies.ValuePolicy(r.ctx, b.d.DefaultLocale)
	if err != nil {
		return err
	}
	keys := marginKeys(p)
	lines := []string{r.n("margins.title", len(keys), nil)}
	var btns []models.InlineKeyboardButton
	for i, k := range keys {
		pct := format.Int(r.lang(), int64(p.Margins[k]))
		lines = append(lines, r.t("margins.line", map[string]any{"Name": esc(k), "Pct": pct}))
		btns = append(btns, ib(r.t("margins.btn.remove", map[string]any{"Name": clipRunes(k, 20)}), cb(actMarginRemove, strconv.Itoa(i))))
	}
	rows := inlineRows(2, btns...)
	if len(keys) < crm.MaxMargins {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("margins.btn.add", nil), cb(actMarginAdd))})
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actPolicy))})
	return r.show(strings.Join(lines, "\n"), ikm(rows...), r.cb != nil)
}

func (b *Bot) onMarginAdd(r *req, _ []string) error {
	if err := r.setState(flowMargin, "type", nil); err != nil {
		return err
	}
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(r.t("margins.ask", nil), nil)
}

func (b *Bot) onMarginRemove(r *req, args []string) error {
	p, err := b.policies.ValuePolicy(r.ctx, b.d.DefaultLocale)
	if err != nil {
		return err
	}
	keys := marginKeys(p)
	i, ok := argInt(args, 0)
	if !ok || i < 0 || i >= len(keys) {
		return crm.Errorf(crm.EStale, "margin")
	}
	delete(p.Margins, keys[i])
	if err := b.policies.SetValuePolicy(r.ctx, p, r.staff.ID); err != nil {
		return err
	}
	return b.showMargins(r)
}

// marginStep takes a typed "<product> <percent>".
func (b *Bot) marginStep(r *req, _ *State) error {
	if !crm.CanManageOrg(r.staff) {
		if err := r.clearState(); err != nil {
			return err
		}
		return crm.Errorf(crm.EForbidden, "admins only")
	}
	name, pct, err := crm.ParseMargin(r.msg.Text)
	if err != nil {
		return r.send(r.t("margins.bad", nil), nil)
	}
	p, err := b.policies.ValuePolicy(r.ctx, b.d.DefaultLocale)
	if err != nil {
		return err
	}
	if p.Margins == nil {
		p.Margins = map[string]int{}
	}
	if _, has := p.Margins[crm.FoldKey(name)]; !has && len(p.Margins) >= crm.MaxMargins {
		return r.send(r.t("margins.bad", nil), nil)
	}
	p.Margins[crm.FoldKey(name)] = pct
	if err := b.policies.SetValuePolicy(r.ctx, p, r.staff.ID); err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	return b.showMargins(r)
}
