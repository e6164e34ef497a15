package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
)

// product is one line of the demo company's price list: names in each
// language and unit prices in each currency, in whole units.
type product struct {
	sku   string
	names map[string]string
	price map[string]int64
}

// catalogue returns the price list by key.
func catalogue() map[string]product {
	return map[string]product{
		"espresso": {"EM-2G", map[string]string{"fa": "اسپرسوساز دوگروپ", "ar": "آلة إسبريسو بمجموعتين", "en": "Two-group espresso machine"},
			map[string]int64{"IRR": 4_500_000_000, "SAR": 27_500, "AED": 28_000}},
		"grinder": {"GR-64", map[string]string{"fa": "آسیاب قهوه‌ی حرفه‌ای", "ar": "مطحنة قهوة احترافية", "en": "Professional coffee grinder"},
			map[string]int64{"IRR": 950_000_000, "SAR": 6_300, "AED": 6_500}},
		"service": {"SV-12", map[string]string{"fa": "قرارداد سرویس سالانه", "ar": "عقد صيانة سنوي", "en": "Annual service contract"},
			map[string]int64{"IRR": 180_000_000, "SAR": 3_500, "AED": 3_600}},
		"beans": {"BN-AR1", map[string]string{"fa": "دانه‌ی قهوه‌ی عربیکا (کیلوگرم)", "ar": "بن عربيكا (كيلوغرام)", "en": "Arabica beans (kg)"},
			map[string]int64{"IRR": 16_000_000, "SAR": 115, "AED": 120}},
		"training": {"TR-1D", map[string]string{"fa": "دوره‌ی آموزش باریستا", "ar": "دورة تدريب باريستا", "en": "Barista training course"},
			map[string]int64{"IRR": 120_000_000, "SAR": 1_800, "AED": 1_900}},
	}
}

// line is a product and a quantity.
type line struct {
	product string
	qty     int
}

// purchaseSpec is a quote, an invoice, or a quote that became an invoice.
type purchaseSpec struct {
	customer string
	lines    []line
	quote    string // the quote's status; "": an invoice without a quote
	invoice  string // the invoice's status; "": no invoice (yet)
	daysAgo  int    // when the last document was issued
	anchor   string // "bought": the invoice is the first purchase; "exit": the quote came before the loss
}

// purchaseSpecs returns the demo's quotes and invoices.
func purchaseSpecs() []purchaseSpec {
	return []purchaseSpec{
		{customer: "علي كريمي", lines: []line{{"espresso", 1}, {"grinder", 1}, {"service", 1}}, quote: "accepted", invoice: "paid", daysAgo: 35},
		{customer: "علي كريمي", lines: []line{{"beans", 20}}, invoice: "paid", daysAgo: 8},
		{customer: "مریم صالحی", lines: []line{{"beans", 10}, {"training", 1}}, invoice: "paid", daysAgo: 25},
		{customer: "زهرا نیک‌نام", lines: []line{{"grinder", 1}}, invoice: "paid", daysAgo: 50},
		{customer: "كيوان مهدوي", lines: []line{{"espresso", 1}}, quote: "accepted", invoice: "sent", anchor: "bought"},
		{customer: "پویا جعفری", lines: []line{{"espresso", 1}, {"grinder", 1}}, quote: "sent", daysAgo: 6},
		{customer: "لیلا احمدی‌پور", lines: []line{{"espresso", 1}, {"training", 1}}, quote: "draft", daysAgo: 2},
		{customer: "فهد العتيبي", lines: []line{{"espresso", 2}, {"service", 2}}, quote: "accepted", invoice: "paid", daysAgo: 24},
		{customer: "يوسف البلوي", lines: []line{{"espresso", 3}, {"grinder", 3}}, quote: "sent", daysAgo: 9},
		{customer: "ماجد العنزي", lines: []line{{"espresso", 1}}, quote: "rejected", anchor: "exit"},
		{customer: "Sophie Laurent", lines: []line{{"beans", 15}, {"training", 1}}, invoice: "paid", daysAgo: 18},
		{customer: "Mark O'Brien", lines: []line{{"espresso", 1}, {"grinder", 1}}, quote: "accepted", invoice: "paid", anchor: "bought"},
		{customer: "Elena Petrova", lines: []line{{"espresso", 2}, {"service", 1}}, quote: "sent", daysAgo: 4},
		{customer: "Chris Walker", lines: []line{{"espresso", 1}}, quote: "rejected", anchor: "exit"},
	}
}

// currency returns the currency a rep sells in.
func currency(locale string) string {
	switch locale {
	case "fa":
		return "IRR"
	case "ar":
		return "SAR"
	}
	return "AED"
}

// item is a line of a purchase as stored in its items column.
type item struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Qty       int    `json:"qty"`
	UnitPrice int64  `json:"unit_price"`
}

// insertPurchases stores the quotes and invoices, numbered per year of the
// rep's calendar (Q-1404-0101, INV-2025-0102, ...).
func (g *gen) insertPurchases(ctx context.Context) error {
	cat := catalogue()
	for i, p := range purchaseSpecs() {
		c := g.byName[p.customer]
		if c == nil {
			return fmt.Errorf("no customer %q", p.customer)
		}
		cur := currency(c.author.locale)
		var items []item
		var amount int64
		for _, l := range p.lines {
			pr := cat[l.product]
			items = append(items, item{pr.sku, pr.names[c.author.locale], l.qty, pr.price[cur]})
			amount += int64(l.qty) * pr.price[cur]
		}
		last := g.workTime(c.author, p.daysAgo)
		switch p.anchor {
		case "bought":
			last = c.boughtAt()
		case "exit":
			last = c.lastMove().at.AddDate(0, 0, -7)
		}
		first := last
		if p.quote != "" && p.invoice != "" {
			first = last.AddDate(0, 0, -5)
		}
		if !first.After(c.created) {
			first = c.created.Add(time.Hour)
		}
		seq := 101 + i
		var quoteID *int64
		if p.quote != "" {
			id, err := g.insertPurchase(ctx, c, "quote", g.docNumber(c, "Q", seq, first), amount, cur, items, p.quote, nil, first)
			if err != nil {
				return err
			}
			quoteID = &id
		}
		if p.invoice != "" {
			if _, err := g.insertPurchase(ctx, c, "invoice", g.docNumber(c, "INV", seq, last), amount, cur, items, p.invoice, quoteID, last); err != nil {
				return err
			}
		}
	}
	return nil
}

// docNumber numbers a document in the year of the rep's calendar.
func (g *gen) docNumber(c *customer, prefix string, seq int, at time.Time) string {
	d := calendar.FromTime(calendar.Calendar(c.author.calendar), at.In(c.author.loc))
	return fmt.Sprintf("%s-%d-%04d", prefix, d.Year, seq)
}

func (g *gen) insertPurchase(ctx context.Context, c *customer, kind, number string, amount int64, cur string,
	items []item, status string, quoteID *int64, at time.Time) (int64, error) {
	js, err := json.Marshal(items)
	if err != nil {
		return 0, err
	}
	var id int64
	err = g.tx.QueryRow(ctx, `INSERT INTO purchases (customer_id, kind, number, amount, currency, items, status,
			quote_id, issued_at, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9) RETURNING id`,
		c.id, kind, number, amount, cur, js, status, quoteID, at, c.author.id).Scan(&id)
	return id, err
}
