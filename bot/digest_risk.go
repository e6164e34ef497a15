package bot

import (
	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/format"
)

// digestRisk is the digest's value-at-risk section: how many of the
// team's customers are past their buying rhythm, how many crossed it
// since the last digest, how many stopped buying, and the most valuable
// of them (their cards are a tap away from /insights). Nothing when no
// customer is at risk.
func (r *req) digestRisk(d digest.Data) []string {
	k := d.Risk
	if k.AtRisk == 0 {
		return nil
	}
	lines := []string{r.n("digest.risk.title", k.AtRisk, nil)}
	if k.New > 0 {
		lines = append(lines, r.n("digest.risk.new", k.New, nil))
	}
	if k.Lapsed > 0 {
		lines = append(lines, r.n("digest.risk.lapsed", k.Lapsed, nil))
	}
	for _, v := range k.Top {
		lines = append(lines, r.t("digest.risk.line", map[string]any{"Customer": esc(clipRunes(v.Name, 40)),
			"Value": r.money(v.LTV, k.Currency), "Date": format.Date(r.lang(), r.cal(), v.Last.In(r.userLoc()))}))
	}
	return lines
}
