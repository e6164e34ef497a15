// Package chart draws the managers' digest chart as a PNG: the stage funnel
// as horizontal bars and each rep's activity over the last days as lines,
// with every label shaped for its script (Persian and Arabic joined and
// right to left, Latin names inside them left to right) and every number in
// the reader's digits. In Persian and Arabic the whole chart is mirrored:
// bars grow from the right, labels sit on the right and time runs from
// right to left.
//
// Text is shaped with go-text/typesetting (bidi, segmentation, HarfBuzz)
// and rasterized with go-text/render in the embedded Vazirmatn font, so no
// system font or cgo is needed. Render is safe for concurrent use; a
// Renderer also bounds how many charts are drawn at once and reuses their
// memory.
package chart

import (
	"strconv"
	"strings"
)

// Bar is one stage of the funnel.
type Bar struct {
	Label string
	Value int // drawn within [0, MaxValue]
}

// Series is one rep's activity per day, len(Values) == len(Digest.Days)
// (missing days count as zero, extra values are ignored).
type Series struct {
	Label  string
	Values []int // drawn within [0, MaxValue]
}

// MaxSeries is how many reps the trend draws in colour, each with its own
// legend entry. With more, the MaxSeries-1 busiest keep their colour and the
// rest are drawn as thin grey lines under one legend entry, OthersLabel.
const MaxSeries = 8

// Bounds that keep a chart phone-sized whatever it is given: the funnel
// draws its first MaxBars rungs, the trend its last MaxDays days and
// the first MaxReps reps.
const (
	MaxBars = 30
	MaxDays = 62
	MaxReps = 500
)

// Digest is what one chart shows, every text already in the reader's language.
type Digest struct {
	Lang        string // "en", "fa" or "ar": direction, digits
	Title       string
	FunnelTitle string
	Funnel      []Bar // stage funnel bars, top rung first
	// FunnelNotes is optional, one per bar (missing ones are blank), each
	// drawn small and grey after the bar's count: the moves since the last
	// digest or the conversion from the rung above ("+12", "45%"), in the
	// reader's words and digits.
	FunnelNotes []string
	TrendTitle  string
	Days        []string // 14 day labels, oldest first, already formatted
	Series      []Series // one per rep
	// OthersLabel names the legend entry of the reps folded into grey
	// lines when there are more than MaxSeries (e.g. "43 other reps", in
	// the reader's words and digits). Empty: "+N" in the reader's digits.
	OthersLabel string
	Number      func(int) string // formats a number in the reader's digits; nil: ASCII
}

// Width is the width of every chart in pixels: a phone screen's full width.
const Width = 1080

// rtl reports whether lang ("fa", "ar-AE", …) is written right to left.
func rtl(lang string) bool {
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	switch strings.ToLower(lang) {
	case "fa", "ar", "he", "ur":
		return true
	}
	return false
}

// Render draws the chart as a PNG, Width pixels wide and as tall as its
// content. Empty parts (no funnel, no days) are left out; no input makes it
// panic.
// Each call allocates the chart's image anew; a process drawing many charts
// shares a Renderer instead.
func Render(d Digest) ([]byte, error) {
	return renderOn(d, nil)
}

// MaxValue is the largest count drawn; larger ones are drawn as MaxValue,
// negative ones as zero.
const MaxValue = 1_000_000_000_000

// bounded gives d a Number and cuts it to the bounds above, on copies: the
// caller's slices are left as they are.
func bounded(d Digest) Digest {
	if d.Number == nil {
		d.Number = strconv.Itoa
	}
	clamp := func(v int) int { return min(max(v, 0), MaxValue) }
	funnel := d.Funnel[:min(len(d.Funnel), MaxBars)]
	d.Funnel = make([]Bar, len(funnel))
	for i, b := range funnel {
		d.Funnel[i] = Bar{Label: b.Label, Value: clamp(b.Value)}
	}
	drop := max(len(d.Days)-MaxDays, 0)
	d.Days = d.Days[drop:]
	series := d.Series[:min(len(d.Series), MaxReps)]
	d.Series = make([]Series, len(series))
	for i, s := range series {
		d.Series[i] = Series{Label: s.Label, Values: make([]int, len(d.Days))}
		for j := range d.Series[i].Values {
			if k := drop + j; k < len(s.Values) {
				d.Series[i].Values[j] = clamp(s.Values[k])
			}
		}
	}
	return d
}
