package bot

import (
	"context"
	"slices"
	"strconv"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// PolicyStore is what the admin's value and relationship policy asks of
// the database.
type PolicyStore interface {
	ValuePolicy(ctx context.Context, locale string) (crm.ValuePolicy, error)
	SetValuePolicy(ctx context.Context, p crm.ValuePolicy, by int64) error
	// RelationshipPolicy is zero when the admin set none.
	RelationshipPolicy(ctx context.Context) (crm.RelationshipPolicy, error)
	SetRelationshipPolicy(ctx context.Context, p crm.RelationshipPolicy, by int64) error
}

// Callback codes of /policy (admins only, checked on every press).
const (
	actPolicy         = "bs"  // bs: the policy screen
	actPolicyCurrency = "bsc" // bsc:<currency>: the default currency
	actPolicyLadder   = "bsl" // bsl:<suggest|apply|off>
	actPolicyRisk     = "bsk" // bsk:<k × 10>: at risk past k × the usual interval
	actPolicyMargin   = "bm"  // bm:<high|medium|low>
	actPolicyBase     = "bb"  // bb:<many|medium|few>
	actPolicyLevel    = "bl"  // bl:<1-5>: confirm (the recommended) or override
)

// riskFactors are the k offered, in tenths.
var riskFactors = []int{15, 20, 30}

// routesValueSettings registers /policy.
func (b *Bot) routesValueSettings() {
	b.command("policy", b.admin(func(r *req) error { return b.showPolicy(r, false, "") }))
	b.action(actPolicy, b.adminAction(func(r *req, _ []string) error { return b.showPolicy(r, true, "") }))
	b.action(actPolicyCurrency, b.adminAction(b.onPolicyCurrency))
	b.action(actPolicyLadder, b.adminAction(b.onPolicyLadder))
	b.action(actPolicyRisk, b.adminAction(b.onPolicyRisk))
	b.action(actPolicyMargin, b.adminAction(b.onPolicyMargin))
	b.action(actPolicyBase, b.adminAction(b.onPolicyBase))
	b.action(actPolicyLevel, b.adminAction(b.onPolicyLevel))
	b.routesMargins()
}

// showPolicy shows the value settings and the relationship policy with
// the recommendation of the matrix and why. note is a line on top.
func (b *Bot) showPolicy(r *req, edit bool, note string) error {
	if !crm.CanManageOrg(r.staff) {
		return crm.Errorf(crm.EForbidden, "not an admin")
	}
	vp, err := b.policies.ValuePolicy(r.ctx, b.d.DefaultLocale)
	if err != nil {
		return err
	}
	rp, err := b.policies.RelationshipPolicy(r.ctx)
	if err != nil {
		return err
	}
	bp := rp.Business
	text := r.t("policy.summary", map[string]any{
		"Currency": r.currencyName(vp.Currency),
		"Ladder":   r.t("policy.ladder."+vp.Ladder, nil),
		"Factor":   vp.RiskFactor,
		"Days":     vp.ClientDays,
	})
	text += "\n\n" + r.relationshipText(bp)
	if note != "" {
		text = note + "\n\n" + text
	}
	var rows [][]models.InlineKeyboardButton
	var curs []models.InlineKeyboardButton
	for _, c := range crm.Currencies {
		curs = append(curs, ib(r.mark(c, c == vp.Currency), cb(actPolicyCurrency, c)))
	}
	rows = append(rows, inlineRows(5, curs...)...)
	var modes []models.InlineKeyboardButton
	for _, m := range []string{crm.LadderSuggest, crm.LadderApply, crm.LadderOff} {
		modes = append(modes, ib(r.mark(r.t("policy.ladder."+m, nil), m == vp.Ladder), cb(actPolicyLadder, m)))
	}
	rows = append(rows, modes)
	var ks []models.InlineKeyboardButton
	for _, k := range riskFactors {
		label := r.t("policy.btn.risk", map[string]any{"Factor": float64(k) / 10})
		ks = append(ks, ib(r.mark(label, int(vp.RiskFactor*10+0.5) == k), cb(actPolicyRisk, strconv.Itoa(k))))
	}
	rows = append(rows, ks)
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("margins.btn.open", nil), cb(actMargins))}) // policy_margins.go
	var ms, bs []models.InlineKeyboardButton
	for _, m := range crm.Margins {
		ms = append(ms, ib(r.mark(r.t("policy.margin."+m, nil), m == bp.Margin), cb(actPolicyMargin, m)))
	}
	for _, s := range crm.Bases {
		bs = append(bs, ib(r.mark(r.t("policy.base."+s, nil), s == bp.Base), cb(actPolicyBase, s)))
	}
	rows = append(rows, ms, bs)
	if rec, ok := crm.RecommendLevel(bp.Margin, bp.Base); ok {
		var ls []models.InlineKeyboardButton
		for l := crm.LevelBasic; l <= crm.LevelPartnership; l++ {
			label := r.t("card.level."+strconv.Itoa(l), nil)
			if l == rec {
				label = r.t("policy.btn.recommended", map[string]any{"Level": label})
			}
			ls = append(ls, ib(r.mark(label, l == bp.Level), cb(actPolicyLevel, strconv.Itoa(l))))
		}
		rows = append(rows, inlineRows(2, ls...)...)
	}
	return r.show(text, ikm(rows...), edit)
}

// relationshipText explains the business's relationship policy: what the
// admin said, the level the matrix recommends and why, the level in force
// and what it does.
func (r *req) relationshipText(p crm.LevelPolicy) string {
	rec, ok := crm.RecommendLevel(p.Margin, p.Base)
	if !ok {
		return r.t("policy.relationship.unset", nil)
	}
	recName := r.t("card.level."+strconv.Itoa(rec), nil)
	text := r.t("policy.relationship.recommend", map[string]any{
		"Margin": r.t("policy.margin."+p.Margin, nil), "Base": r.t("policy.base."+p.Base, nil), "Level": recName,
		"Why": r.t("policy.why."+p.Base+"."+p.Margin, nil),
	})
	switch {
	case p.Level == 0:
		text += "\n" + r.t("policy.relationship.confirm", nil)
	case p.Overridden:
		text += "\n" + r.t("policy.relationship.overridden", map[string]any{"Level": r.t("card.level."+strconv.Itoa(p.Level), nil)})
	default:
		text += "\n" + r.t("policy.relationship.confirmed", map[string]any{"Level": recName})
	}
	if p.Level > 0 {
		text += "\n" + r.t("policy.allows."+strconv.Itoa(p.Level), nil)
	}
	return text
}

func (b *Bot) updateValuePolicy(r *req, f func(p *crm.ValuePolicy)) error {
	p, err := b.policies.ValuePolicy(r.ctx, b.d.DefaultLocale)
	if err != nil {
		return err
	}
	f(&p)
	if err := b.policies.SetValuePolicy(r.ctx, p, r.staff.ID); err != nil {
		return err
	}
	return b.showPolicy(r, true, "")
}

func (b *Bot) onPolicyCurrency(r *req, args []string) error {
	if len(args) != 1 || !slices.Contains(crm.Currencies, args[0]) {
		return crm.Errorf(crm.EStale, "currency")
	}
	return b.updateValuePolicy(r, func(p *crm.ValuePolicy) { p.Currency = args[0] })
}

func (b *Bot) onPolicyLadder(r *req, args []string) error {
	if len(args) != 1 || !slices.Contains([]string{crm.LadderSuggest, crm.LadderApply, crm.LadderOff}, args[0]) {
		return crm.Errorf(crm.EStale, "ladder mode")
	}
	return b.updateValuePolicy(r, func(p *crm.ValuePolicy) { p.Ladder = args[0] })
}

func (b *Bot) onPolicyRisk(r *req, args []string) error {
	k, ok := argInt(args, 0)
	if !ok || !slices.Contains(riskFactors, k) {
		return crm.Errorf(crm.EStale, "risk factor")
	}
	return b.updateValuePolicy(r, func(p *crm.ValuePolicy) { p.RiskFactor = float64(k) / 10 })
}

// updateRelationship changes the business's policy; a change of margin
// or base takes back a confirmed level, to be confirmed again.
func (b *Bot) updateRelationship(r *req, f func(p *crm.LevelPolicy)) error {
	rp, err := b.policies.RelationshipPolicy(r.ctx)
	if err != nil {
		return err
	}
	f(&rp.Business)
	rp.Business.SetAt, rp.Business.SetBy = r.now(), r.staff.ID
	if err := b.policies.SetRelationshipPolicy(r.ctx, rp, r.staff.ID); err != nil {
		return err
	}
	return b.showPolicy(r, true, "")
}

func (b *Bot) onPolicyMargin(r *req, args []string) error {
	if len(args) != 1 || !slices.Contains(crm.Margins, args[0]) {
		return crm.Errorf(crm.EStale, "margin")
	}
	return b.updateRelationship(r, func(p *crm.LevelPolicy) { p.Margin, p.Level, p.Overridden = args[0], 0, false })
}

func (b *Bot) onPolicyBase(r *req, args []string) error {
	if len(args) != 1 || !slices.Contains(crm.Bases, args[0]) {
		return crm.Errorf(crm.EStale, "base")
	}
	return b.updateRelationship(r, func(p *crm.LevelPolicy) { p.Base, p.Level, p.Overridden = args[0], 0, false })
}

func (b *Bot) onPolicyLevel(r *req, args []string) error {
	l, ok := argInt(args, 0)
	rp, err := b.policies.RelationshipPolicy(r.ctx)
	if err != nil {
		return err
	}
	rec, known := crm.RecommendLevel(rp.Business.Margin, rp.Business.Base)
	if !ok || !known || l < crm.LevelBasic || l > crm.LevelPartnership {
		return crm.Errorf(crm.EStale, "level")
	}
	return b.updateRelationship(r, func(p *crm.LevelPolicy) { p.Level, p.Overridden = l, l != rec })
}
