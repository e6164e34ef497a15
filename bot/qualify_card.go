package bot

import (
	"strconv"
	"strings"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/i18n"
)

// bandLabel names a revenue band by its bounds in currency, in the
// reader's digits: "under $100,000", "۱۰۰ میلیارد … تا …".
func (r *req) bandLabel(band, currency string) string {
	bounds := crm.BandBounds(currency)
	scale := int64(1)
	for range format.CurrencyDigits(currency) {
		scale *= 10
	}
	m := func(i int) string { return r.money(bounds[i]*scale, currency) }
	switch band {
	case "b1":
		return r.t("qual.band.b1", map[string]any{"Hi": m(0)})
	case "b2":
		return r.t("qual.band.mid", map[string]any{"Lo": m(0), "Hi": m(1)})
	case "b3":
		return r.t("qual.band.mid", map[string]any{"Lo": m(1), "Hi": m(2)})
	}
	return r.t("qual.band.b4", map[string]any{"Lo": m(2)})
}

// profileLines are the card's qualification and interest lines.
func (r *req) profileLines(info crm.CardInfo) []string {
	var out []string
	if !info.Qualification.Empty() {
		out = append(out, r.qualLines(info.Qualification)...)
	}
	if len(info.Interests) > 0 {
		var items []string
		for _, i := range info.Interests {
			items = append(items, r.interestText(i))
		}
		out = append(out, r.t("interest.card", map[string]any{"Items": strings.Join(items, r.t("interest.sep", nil))}))
	}
	return out
}

// qualLines say when and by whom c was qualified and what was answered.
func (r *req) qualLines(q crm.Qualification) []string {
	var answers []string
	for _, key := range crm.Questions {
		if a := q.Answer(key); a != crm.AnswerNone {
			answers = append(answers, r.t("qual.card."+key+"."+string(a), nil))
		}
	}
	data := map[string]any{"Date": format.Date(r.lang(), r.cal(), q.At.In(r.userLoc())), "By": esc(q.ByName)}
	line := r.t("qual.card.title", data)
	if len(answers) > 0 {
		data["Answers"] = strings.Join(answers, r.t("card.list_sep", nil))
		line = r.t("qual.card.answers", data)
	}
	out := []string{line}
	if q.RevenueBand != "" {
		out = append(out, r.t("qual.card.revenue", map[string]any{"Band": r.bandLabel(q.RevenueBand, q.RevenueCurrency)}))
	}
	if q.HasLocation {
		out = append(out, r.t("qual.card.location", map[string]any{"Where": format.LTR(
			strconv.FormatFloat(q.Latitude, 'f', 5, 64) + ", " + strconv.FormatFloat(q.Longitude, 'f', 5, 64))}))
	}
	return out
}

// interestText is one interest as the card writes it: "A4 paper: 20
// boxes a month".
func (r *req) interestText(i crm.Interest) string {
	name := esc(clipRunes(i.Name, 40))
	qty := ""
	if i.Quantity > 0 {
		qty = format.Int(r.lang(), int64(i.Quantity))
		if i.Unit != "" { // the unit as typed, after the number
			qty += " " + i18n.Isolate(r.lang(), esc(clipRunes(i.Unit, 20)))
		}
	}
	switch {
	case qty != "" && i.Period != "":
		return r.t("interest.item.qty_per."+i.Period, map[string]any{"Name": name, "Qty": qty})
	case qty != "":
		return r.t("interest.item.qty", map[string]any{"Name": name, "Qty": qty})
	case i.Period != "":
		return r.t("interest.item.every."+i.Period, map[string]any{"Name": name})
	}
	return i18n.Isolate(r.lang(), name)
}
