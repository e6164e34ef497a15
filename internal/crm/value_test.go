package crm

import (
	"testing"
	"time"
)

func TestParseAmountReadsAnyDigitsAndGrouping(t *testing.T) {
	for _, tc := range []struct {
		in     string
		digits int
		want   int64
		ok     bool
	}{
		{"1250000", 0, 1250000, true},
		{"۱٬۲۵۰٬۰۰۰", 0, 1250000, true},
		{"١٬٢٥٠٬٠٠٠", 0, 1250000, true},
		{"1,250,000", 0, 1250000, true},
		{"۱۲۵۰ ۰۰۰", 0, 1250000, true},
		{"1.250.000", 0, 1250000, true},
		{"1.250", 0, 1250, true},
		{"1,234.5", 2, 123450, true},
		{"١٢٣٫٤٥", 2, 12345, true},
		{"۱۹٫۹۹", 2, 1999, true},
		{"1.250", 2, 125, true},
		{"12.50", 0, 0, false}, // rials have no fraction
		{"1.2.3", 0, 0, false},
		{"0", 0, 0, false},
		{"", 2, 0, false},
		{"12a", 2, 0, false},
		{"-5", 2, 0, false},
		{"1.234", 2, 0, false},
		{"999999999999999999999", 0, 0, false},
	} {
		got, err := ParseAmount(tc.in, tc.digits)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAmount(%q, %d) = %d, %v; want %d, ok %v", tc.in, tc.digits, got, err, tc.want, tc.ok)
		}
	}
}

func days(base time.Time, ds ...int) []time.Time {
	var out []time.Time
	for _, d := range ds {
		out = append(out, base.AddDate(0, 0, d))
	}
	return out
}

var t0 = time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)

func TestLadderTargetOnlyMovesUp(t *testing.T) {
	span := 180 * 24 * time.Hour
	for _, tc := range []struct {
		stage    string
		invoices []time.Time
		want     string
	}{
		{"prospect", nil, ""},
		{"prospect", days(t0, 0), "first_time"},
		{"suspect", days(t0, 0), "first_time"},
		{"first_time", days(t0, 0), ""},
		{"first_time", days(t0, 0, 30), "repeat"},
		{"prospect", days(t0, 0, 30), "repeat"},
		{"repeat", days(t0, 0, 30, 60), ""},        // regular but not over the span yet
		{"repeat", days(t0, 0, 90, 200), "client"}, // three invoices over 200 days
		{"repeat", days(t0, 200, 0, 90), "client"}, // any order
		{"client", days(t0, 0, 90, 200, 300), ""},  // already there
		{"partner", days(t0, 0), ""},               // never down
		{"inactive", days(t0, 0, 40), "repeat"},    // won back
		{"lost", days(t0, 0), "first_time"},        // came back
		{"lead", days(t0, 0), ""},                  // not a ladder stage
	} {
		if got := LadderTarget(tc.stage, tc.invoices, span); got != tc.want {
			t.Errorf("LadderTarget(%s, %d invoices) = %q, want %q", tc.stage, len(tc.invoices), got, tc.want)
		}
	}
}

func TestPurchaseIntervalIsTheMedianGapBetweenDays(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []time.Time
		want int // days
	}{
		{"none", nil, 0},
		{"one", days(t0, 0), 0},
		{"two", days(t0, 0, 30), 30},
		{"odd median", days(t0, 0, 10, 40, 100), 30},
		{"even median", days(t0, 0, 10, 30, 60, 100), 25},
		{"unsorted", days(t0, 40, 0, 100, 10), 30},
		{"same day twice is one visit", append(days(t0, 0, 30), t0.Add(2*time.Hour)), 30},
	} {
		if got := PurchaseInterval(tc.in); got != time.Duration(tc.want)*24*time.Hour {
			t.Errorf("%s: interval %v, want %d days", tc.name, got, tc.want)
		}
	}
}

func TestRiskFlags(t *testing.T) {
	month := 30 * 24 * time.Hour
	for _, tc := range []struct {
		name     string
		last     time.Time
		interval time.Duration
		k        float64
		nowDays  int
		want     RiskLevel
	}{
		{"no invoice", time.Time{}, month, 1.5, 10, RiskNone},
		{"no rhythm", t0, 0, 1.5, 400, RiskNone},
		{"on time", t0, month, 1.5, 30, RiskNone},
		{"just under k", t0, month, 1.5, 45, RiskNone},
		{"past k", t0, month, 1.5, 46, RiskAtRisk},
		{"k = 2", t0, month, 2, 46, RiskNone},
		{"at 3x", t0, month, 1.5, 90, RiskAtRisk},
		{"past 3x", t0, month, 1.5, 91, RiskLapsed},
	} {
		if got := Risk(tc.last, tc.interval, tc.k, t0.AddDate(0, 0, tc.nowDays)); got != tc.want {
			t.Errorf("%s: risk %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestComputeValueSumsInvoicesOnly(t *testing.T) {
	p := ValuePolicy{Currency: "IRR", RiskFactor: 1.5, Margins: map[string]int{"espresso": 20}}
	inv := func(d int, amount int64, cur string, items ...PurchaseItem) Purchase {
		return Purchase{Kind: KindInvoice, Status: PurchasePaid, Amount: amount, Currency: cur, IssuedAt: t0.AddDate(0, 0, d), Items: items}
	}
	ps := []Purchase{
		inv(0, 1000, "IRR", PurchaseItem{Name: "Espresso", Qty: 1, UnitPrice: 800}, PurchaseItem{Name: "beans", Qty: 2, UnitPrice: 100}),
		inv(30, 500, "IRR"),
		inv(60, 700, "USD"), // another currency: a purchase, not in the sum
		{Kind: KindQuote, Status: PurchaseSent, Amount: 9999, Currency: "IRR", IssuedAt: t0},
		{Kind: KindInvoice, Status: PurchaseCancelled, Amount: 9999, Currency: "IRR", IssuedAt: t0.AddDate(0, 0, 90)},
	}
	v := ComputeValue(ps, p, t0.AddDate(0, 0, 150))
	// The first invoice: 800 of its 1000 worth espresso at 20 %, 200 in full.
	if v.LTV != 1500 || v.Margin != 360+500 || v.Invoices != 3 || v.Purchases != 5 {
		t.Errorf("value %+v: want LTV 1500, margin 860, 3 invoices, 5 purchases", v)
	}
	if v.Interval != 30*24*time.Hour || v.Risk != RiskAtRisk || !v.Last.Equal(t0.AddDate(0, 0, 60)) {
		t.Errorf("rhythm: interval %v, risk %q, last %v", v.Interval, v.Risk, v.Last)
	}
	if ComputeValue(ps, ValuePolicy{Currency: "IRR", RiskFactor: 1.5}, t0).Margin != 1500 {
		t.Error("without margins the margin-adjusted value is the value")
	}
}

func TestSegmentOf(t *testing.T) {
	all := []int64{100, 90, 80, 70, 60, 50, 40, 30, 20, 10}
	for _, tc := range []struct {
		v    int64
		want Segment
	}{{100, SegmentTop}, {90, SegmentTop}, {80, SegmentMiddle}, {60, SegmentMiddle}, {50, SegmentLow}, {10, SegmentLow}, {0, SegmentNone}} {
		if got := SegmentOf(tc.v, all); got != tc.want {
			t.Errorf("SegmentOf(%d) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestKotlerMatrix(t *testing.T) {
	for _, tc := range []struct {
		base, margin string
		want         int
	}{
		{BaseMany, MarginHigh, LevelAccountable}, {BaseMany, MarginMedium, LevelReactive}, {BaseMany, MarginLow, LevelBasic},
		{BaseMedium, MarginHigh, LevelProactive}, {BaseMedium, MarginMedium, LevelAccountable}, {BaseMedium, MarginLow, LevelReactive},
		{BaseFew, MarginHigh, LevelPartnership}, {BaseFew, MarginMedium, LevelProactive}, {BaseFew, MarginLow, LevelAccountable},
	} {
		if got, ok := RecommendLevel(tc.margin, tc.base); !ok || got != tc.want {
			t.Errorf("RecommendLevel(%s margin, %s customers) = %d, want %d", tc.margin, tc.base, got, tc.want)
		}
	}
	if _, ok := RecommendLevel("huge", BaseFew); ok {
		t.Error("an unknown margin has a recommendation")
	}
}

func TestAllowsAndRelationshipDue(t *testing.T) {
	if a := Allows(LevelBasic); a != (Allowances{}) {
		t.Errorf("basic allows %+v, want nothing", a)
	}
	if a := Allows(LevelAccountable); !a.CustomerMayWrite || !a.SurveyAfterSale || a.CheckIns {
		t.Errorf("accountable allows %+v", a)
	}
	if a := Allows(LevelPartnership); !a.ReviewMeetings || !a.CheckIns {
		t.Errorf("partnership allows %+v", a)
	}
	now := t0.AddDate(1, 0, 0)
	for _, tc := range []struct {
		level                int
		lastContact, planned int // days before now; -1: never
		want                 string
	}{
		{LevelAccountable, -1, -1, ""},
		{LevelProactive, -1, -1, "checkin"},
		{LevelProactive, 10, -1, ""},
		{LevelProactive, 100, 100, "checkin"},
		{LevelProactive, 100, 20, ""},
		{LevelPartnership, 1, -1, "review"},
		{LevelPartnership, 1, 10, ""},
		{LevelPartnership, 1, 31, "review"},
	} {
		at := func(d int) time.Time {
			if d < 0 {
				return time.Time{}
			}
			return now.AddDate(0, 0, -d)
		}
		if got := RelationshipDue(tc.level, at(tc.lastContact), at(tc.planned), now); got != tc.want {
			t.Errorf("level %d, contact %d, planned %d days ago: %q, want %q", tc.level, tc.lastContact, tc.planned, got, tc.want)
		}
	}
}
