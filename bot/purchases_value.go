package bot

import (
	"context"
	"math"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// valueLines say on the card what the customer's invoices show: lifetime
// value, value segment, buying rhythm, and the risk flag with its reason
// (how long since the last invoice, against their usual interval). The
// card asks only when the customer has a value row (crm.CardInfo.HasValue).
func (b *Bot) valueLines(r *req, c crm.Customer) ([]string, error) {
	p, err := b.policy(r)
	if err != nil {
		return nil, err
	}
	v, err := b.purchases.CustomerValue(r.ctx, c.ID, p, r.now())
	if err != nil || v.Purchases == 0 {
		return nil, err
	}
	out := []string{""}
	if v.Invoices == 0 {
		return append(out, r.n("value.card.quotes_only", v.Purchases, nil)), nil
	}
	out = append(out, r.n("value.card.ltv", v.Invoices, map[string]any{"Value": r.money(v.LTV, v.Currency)}))
	if v.Margin != v.LTV {
		out = append(out, r.t("value.card.margin", map[string]any{"Value": r.money(v.Margin, v.Currency)}))
	}
	if v.Segment != crm.SegmentNone {
		out = append(out, r.t("value.card.segment."+string(v.Segment), nil))
	}
	last := format.Date(r.lang(), r.cal(), v.Last.In(r.userLoc()))
	since := int(v.Since / (24 * time.Hour))
	switch v.Risk {
	case crm.RiskAtRisk:
		out = append(out, r.n("value.card.at_risk", since, map[string]any{"Date": last}))
	case crm.RiskLapsed:
		out = append(out, r.n("value.card.lapsed", since, map[string]any{"Date": last}))
	default:
		out = append(out, r.t("value.card.last", map[string]any{"Date": last}))
	}
	if v.Interval > 0 {
		out = append(out, r.n("value.card.rhythm", intervalDays(v.Interval), nil))
	}
	return out, nil
}

// intervalDays is an interval in whole days, at least one.
func intervalDays(d time.Duration) int {
	return max(1, int(math.Round(d.Hours()/24)))
}

// PlannedNote is the note of a follow-up the risk sweep plans (kind
// "winback", "checkin" or "review"), in the assignee's language: what
// schedule.Risk.Note asks for.
//
// A check-in or review (the proactive and partnership levels) also names
// up to three new products that match the customer's interests.
func (b *Bot) PlannedNote(ctx context.Context, kind string, customerID, assigneeID int64) string {
	lang := b.d.DefaultLocale
	if s, err := b.people.StaffByID(ctx, assigneeID); err == nil && s.Locale != "" {
		lang = s.Locale
	}
	note := b.d.I18n.For(lang).T("value.note."+kind, nil)
	if kind == "checkin" || kind == "review" {
		note += b.newsLine(lang, b.suggestions(ctx, customerID))
	}
	return note
}
