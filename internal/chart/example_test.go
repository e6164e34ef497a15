package chart_test

import (
	"log"

	"github.com/telecrm/crmbot/internal/chart"
	"github.com/telecrm/crmbot/internal/format"
)

// The digest draws one chart per manager, every text already in the
// manager's language and every number in their digits.
func ExampleRender() {
	png, err := chart.Render(chart.Digest{
		Lang:        "fa",
		Title:       "گزارش روزانهٔ تیم فروش",
		FunnelTitle: "قیف مشتریان",
		Funnel:      []chart.Bar{{Label: "مشکوک", Value: 412}, {Label: "محتمل", Value: 186}},
		TrendTitle:  "فعالیت ۱۴ روز گذشته",
		Days:        []string{"۲۷ آبان", "۲۸ آبان" /* … fourteen in all */},
		Series:      []chart.Series{{Label: "علی رضایی", Values: []int{3, 5 /* one a day */}}},
		OthersLabel: "سایر فروشندگان",
		Number:      func(n int) string { return format.Int("fa", int64(n)) },
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = png // send it with sendPhoto
}
