package crm

import (
	"math/big"
	"sort"
	"strings"
	"time"
)

// ValuePolicy is the organisation's settings for purchases, value and
// risk (settings key "value_policy").
type ValuePolicy struct {
	Currency   string  `json:"currency"`    // the default currency of new purchases
	Ladder     string  `json:"ladder"`      // LadderSuggest, LadderApply or LadderOff
	ClientDays int     `json:"client_days"` // a regular buyer over this span becomes a client
	RiskFactor float64 `json:"risk_factor"` // k: at risk past k × the usual interval
	// Margins are product margins in percent by folded product name; a
	// line whose product has one counts at that share in the
	// margin-adjusted value.
	Margins map[string]int `json:"margins,omitempty"`
}

// Ladder automation modes.
const (
	LadderSuggest = "suggest"
	LadderApply   = "apply"
	LadderOff     = "off"
)

// Defaults of the value policy.
const (
	DefaultRiskFactor = 1.5
	DefaultClientDays = 180
	// LapsedFactor: past this many usual intervals the bot suggests
	// moving the customer to inactive.
	LapsedFactor = 3.0
	// ClientMinInvoices is how many invoices make a regular buyer.
	ClientMinInvoices = 3
)

// DefaultValuePolicy is the policy for locale's organisation before the
// admin sets one.
func DefaultValuePolicy(locale string) ValuePolicy {
	cur := "USD"
	switch locale {
	case "fa":
		cur = "IRR"
	case "ar":
		cur = "SAR"
	}
	return ValuePolicy{Currency: cur, Ladder: LadderSuggest, ClientDays: DefaultClientDays, RiskFactor: DefaultRiskFactor}
}

// Normalize fills unset or out-of-range fields from the defaults.
func (p ValuePolicy) Normalize(locale string) ValuePolicy {
	d := DefaultValuePolicy(locale)
	if !ValidCurrency(p.Currency) {
		p.Currency = d.Currency
	}
	if p.Ladder != LadderApply && p.Ladder != LadderOff {
		p.Ladder = LadderSuggest
	}
	if p.ClientDays < 7 || p.ClientDays > 3650 {
		p.ClientDays = d.ClientDays
	}
	if p.RiskFactor < 1 || p.RiskFactor > 10 {
		p.RiskFactor = d.RiskFactor
	}
	return p
}

// LadderTarget is the ladder stage (migration 002 keys) a customer in
// stage current should reach once they hold the given invoices (issued
// times, any order): the first invoice makes a first-time customer, the
// second a repeat customer, and a regular buyer (ClientMinInvoices or
// more, the first and last at least clientSpan apart) a client. It only
// moves up: a client, advocate or partner stays; a disqualified, inactive
// or lost customer who buys again comes back. "" means no move.
func LadderTarget(current string, invoices []time.Time, clientSpan time.Duration) string {
	n := len(invoices)
	if n == 0 {
		return ""
	}
	want := "first_time"
	if n >= 2 {
		want = "repeat"
	}
	if n >= ClientMinInvoices {
		first, last := invoices[0], invoices[0]
		for _, t := range invoices {
			if t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
		}
		if last.Sub(first) >= clientSpan {
			want = "client"
		}
	}
	rank := map[string]int{"suspect": 0, "prospect": 0, "disqualified": 0, "inactive": 0, "lost": 0,
		"first_time": 1, "repeat": 2, "client": 3, "advocate": 4, "partner": 4}
	cur, known := rank[current]
	if !known || rank[want] <= cur {
		return ""
	}
	return want
}

// Value is what a customer's invoices say about them: lifetime value,
// buying rhythm and risk, with what explains it.
type Value struct {
	Currency string // the currency LTV is counted in
	LTV      int64  // minor units: the sum of counted invoices in Currency
	// Margin is the margin-adjusted value (minor units), equal to LTV
	// when no product margin applies.
	Margin    int64
	Invoices  int
	First     time.Time // the first invoice; zero: none
	Last      time.Time // the last invoice; zero: none
	Interval  time.Duration
	Risk      RiskLevel
	Since     time.Duration // now − Last: how long since the last invoice
	Segment   Segment
	Purchases int // quotes and invoices, any currency
}

// RiskLevel says how far past their rhythm a customer is.
type RiskLevel string

// Risk levels.
const (
	RiskNone   RiskLevel = ""
	RiskAtRisk RiskLevel = "at_risk" // past k × their interval: win back
	RiskLapsed RiskLevel = "lapsed"  // past 3 × it: suggest inactive
)

// Segment is a customer's value segment among the organisation's buyers
// (seed 002's loyalty-focused analysis).
type Segment string

// Value segments: the top 20 % of buyers by value, the next 30 %, and
// the rest; customers without an invoice have none.
const (
	SegmentNone   Segment = ""
	SegmentTop    Segment = "top"
	SegmentMiddle Segment = "middle"
	SegmentLow    Segment = "low"
)

// Segments lists the segments in display order.
var Segments = []Segment{SegmentTop, SegmentMiddle, SegmentLow}

// PurchaseInterval is a customer's typical gap between invoices: the
// median of the gaps between consecutive invoice days (two invoices on
// one day are one visit). Zero with fewer than two such days.
func PurchaseInterval(invoices []time.Time) time.Duration {
	ts := append([]time.Time(nil), invoices...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	var gaps []time.Duration
	for i := 1; i < len(ts); i++ {
		if g := ts[i].Sub(ts[i-1]); g >= 24*time.Hour {
			gaps = append(gaps, g)
		} else {
			ts[i] = ts[i-1] // same visit: measure the next gap from its start
		}
	}
	if len(gaps) == 0 {
		return 0
	}
	sort.Slice(gaps, func(i, j int) bool { return gaps[i] < gaps[j] })
	m := len(gaps) / 2
	if len(gaps)%2 == 1 {
		return gaps[m]
	}
	return (gaps[m-1] + gaps[m]) / 2
}

// Risk says whether a customer whose last invoice was at last and whose
// usual interval is interval is at risk at now, with factor k: at risk
// past k × interval, lapsed past LapsedFactor × interval. A customer
// without a rhythm (fewer than two invoice days) is never at risk.
func Risk(last time.Time, interval time.Duration, k float64, now time.Time) RiskLevel {
	if last.IsZero() || interval <= 0 {
		return RiskNone
	}
	since := now.Sub(last)
	switch {
	case since > time.Duration(LapsedFactor*float64(interval)):
		return RiskLapsed
	case since > time.Duration(k*float64(interval)):
		return RiskAtRisk
	}
	return RiskNone
}

// ComputeValue sums a customer's purchases in currency (others are
// counted in Purchases only) and measures their rhythm and risk at now
// under policy p. The segment is left to SegmentOf, which needs every
// buyer's value.
func ComputeValue(ps []Purchase, p ValuePolicy, now time.Time) Value {
	v := Value{Currency: p.Currency}
	var times []time.Time
	for _, x := range ps {
		v.Purchases++
		if !x.Counts() {
			continue
		}
		times = append(times, x.IssuedAt)
		if v.First.IsZero() || x.IssuedAt.Before(v.First) {
			v.First = x.IssuedAt
		}
		if x.IssuedAt.After(v.Last) {
			v.Last = x.IssuedAt
		}
		if x.Currency != p.Currency {
			continue
		}
		v.LTV += x.Amount
		v.Margin += MarginOf(x, p.Margins)
	}
	v.Invoices = len(times)
	v.Interval = PurchaseInterval(times)
	v.Risk = Risk(v.Last, v.Interval, p.RiskFactor, now)
	if !v.Last.IsZero() {
		v.Since = now.Sub(v.Last)
	}
	return v
}

// MarginOf is the margin-adjusted amount of a purchase: the amount is
// shared among its priced lines by their worth (quantity × unit price),
// and each share counts at its product's margin (keyed by FoldKey of its
// name), in full when the product has none. Without margins or priced
// lines it is the amount.
func MarginOf(p Purchase, margins map[string]int) int64 {
	if len(margins) == 0 {
		return p.Amount
	}
	var worth, weighted int64
	for _, it := range p.Items {
		if it.UnitPrice <= 0 || it.Qty <= 0 {
			continue
		}
		m, ok := margins[FoldKey(it.Name)]
		if !ok {
			m = 100
		}
		w := int64(it.Qty) * it.UnitPrice
		worth += w
		weighted += w * int64(m)
	}
	if worth == 0 {
		return p.Amount
	}
	// amount × weighted / (worth × 100), exactly.
	r := new(big.Int).Mul(big.NewInt(p.Amount), big.NewInt(weighted))
	return r.Quo(r, new(big.Int).Mul(big.NewInt(worth), big.NewInt(100))).Int64()
}

// FoldKey is the key a product name is looked up by: trimmed and
// lower-cased, Arabic ي/ك read as Persian ی/ک.
func FoldKey(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case 'ي', 'ى':
			r = 'ی'
		case 'ك':
			r = 'ک'
		}
		out = append(out, r)
	}
	return strings.ToLower(strings.TrimSpace(string(out)))
}

// SegmentOf places a value among all buyers' values (sorted or not):
// the top 20 % by value, the next 30 %, the rest. Ties take the better
// segment. Zero value: no segment.
func SegmentOf(v int64, all []int64) Segment {
	if v <= 0 || len(all) == 0 {
		return SegmentNone
	}
	above := 0
	for _, x := range all {
		if x > v {
			above++
		}
	}
	share := float64(above) / float64(len(all))
	switch {
	case share < 0.2:
		return SegmentTop
	case share < 0.5:
		return SegmentMiddle
	}
	return SegmentLow
}

// Rhythm is one buyer's rhythm as the risk sweep reads it.
type Rhythm struct {
	CustomerID int64
	OwnerID    int64 // 0: in the pool
	Last       time.Time
	Interval   time.Duration
	Risk       RiskLevel // as stored
	WinBack    bool      // a win-back follow-up was planned this episode
}
