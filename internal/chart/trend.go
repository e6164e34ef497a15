package chart

import (
	"image/color"
	"sort"
)

// trend is the activity card: a line per rep over the days, oldest at the
// start side, a grid with the counts at the start side, the days below and
// a legend with each rep's total.
type trend struct {
	t      *typesetter
	title  string
	days   []line
	shown  []plotted // the reps in colour, in the digest's order
	others []plotted // the reps folded into grey lines
	legend []entry
	ticks  []line // the grid's counts, 0 first
	step   int    // the count between two grid lines
	every  int    // one day in every is labelled, the newest always

	plotStart, plotEnd float64 // logical x of the oldest and newest day
}

// plotted is one rep's line.
type plotted struct {
	label  string
	values []int
	color  color.RGBA
	total  int
}

// entry is one legend entry.
type entry struct {
	label, total line
	color        color.RGBA
}

const gridLines = 4

var (
	tickStyle   = style{size: smallSize, color: muted}
	dayStyle    = style{size: smallSize, color: muted}
	legendStyle = style{size: legendSize, color: ink}
	totalStyle  = style{size: legendSize, bold: true, color: muted}
)

func newTrend(t *typesetter, d Digest) *trend {
	tr := &trend{t: t, title: d.TrendTitle}
	if len(d.Days) == 0 {
		return tr
	}
	tr.pickSeries(d)
	peak := 0
	for _, group := range [][]plotted{tr.shown, tr.others} {
		for _, p := range group {
			for _, v := range p.values {
				peak = max(peak, v)
			}
		}
	}
	tr.step = niceStep(peak, gridLines)
	tickWidth := 0
	for i := 0; i <= gridLines; i++ {
		l := t.shape(d.Number(i*tr.step), tickStyle)
		tr.ticks = append(tr.ticks, l)
		tickWidth = max(tickWidth, l.px())
	}
	tr.plotStart = float64(contentStart+tickWidth+16) + 8
	tr.plotEnd = float64(contentEnd) - 8
	tr.layDays(d.Days)
	tr.makeLegend(d)
	return tr
}

// pickSeries keeps every rep in colour when they are MaxSeries or fewer;
// otherwise the MaxSeries-1 with the most activity, the others in grey.
func (tr *trend) pickSeries(d Digest) {
	all := make([]plotted, len(d.Series))
	for i, s := range d.Series {
		p := plotted{label: s.Label, values: make([]int, len(d.Days))}
		for j := range p.values {
			if j < len(s.Values) {
				p.values[j] = max(s.Values[j], 0)
			}
			p.total += p.values[j]
		}
		all[i] = p
	}
	keep := make([]bool, len(all))
	if len(all) <= MaxSeries {
		for i := range keep {
			keep[i] = true
		}
	} else {
		order := make([]int, len(all))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return all[order[a]].total > all[order[b]].total })
		for _, i := range order[:MaxSeries-1] {
			keep[i] = true
		}
	}
	for i, p := range all {
		if keep[i] {
			p.color = palette[len(tr.shown)]
			tr.shown = append(tr.shown, p)
		} else {
			p.color = othersInk
			tr.others = append(tr.others, p)
		}
	}
}

// niceStep is the smallest 1, 2 or 5 times a power of ten (at least 1) such
// that lines grid lines that far apart reach peak.
func niceStep(peak, lines int) int {
	for base := 1; ; base *= 10 {
		for _, m := range []int{1, 2, 5} {
			if s := base * m; s*lines >= peak {
				return s
			}
		}
		if base > (1<<62)/10 {
			return base
		}
	}
}

// layDays shapes the day labels and picks how many to show so that none
// overlaps the next.
func (tr *trend) layDays(days []string) {
	widest := 0
	slot := tr.plotEnd - tr.plotStart
	if len(days) > 1 {
		slot /= float64(len(days) - 1)
	}
	for _, s := range days {
		l := tr.t.fit(s, dayStyle, int(max(slot*2-12, 60)))
		tr.days = append(tr.days, l)
		widest = max(widest, l.px())
	}
	tr.every = 1
	for tr.every < len(days) && float64(widest+14) > slot*float64(tr.every) {
		tr.every++
	}
}

// makeLegend shapes the legend: each rep in colour with their total, then
// the grey reps under one entry.
func (tr *trend) makeLegend(d Digest) {
	col := tr.legendColumn()
	for _, p := range tr.shown {
		tr.legend = append(tr.legend, tr.entry(p.label, p.total, p.color, col, d))
	}
	if len(tr.others) > 0 {
		label := d.OthersLabel
		if label == "" {
			label = "+" + d.Number(len(tr.others))
		}
		total := 0
		for _, p := range tr.others {
			total += p.total
		}
		tr.legend = append(tr.legend, tr.entry(label, total, othersInk, col, d))
	}
}

// Legend entries are laid out in two columns, each a swatch, the name and
// the total at the column's end.
const (
	legendColumns = 2
	swatchWidth   = 30
	legendGap     = 40 // between the columns
)

func (tr *trend) legendColumn() int {
	return (contentEnd - contentStart - legendGap*(legendColumns-1)) / legendColumns
}

func (tr *trend) entry(label string, total int, c color.RGBA, width int, d Digest) entry {
	e := entry{total: tr.t.shape(d.Number(total), totalStyle), color: c}
	e.label = tr.t.fit(label, legendStyle, width-swatchWidth-12-e.total.px()-16)
	return e
}

func (tr *trend) height() int {
	if len(tr.days) == 0 {
		return 0
	}
	rows := (len(tr.legend) + legendColumns - 1) / legendColumns
	h := pad + headRoom(tr.title) + plotHeight + daysHeight + pad
	if rows > 0 {
		h += legendGapTop + rows*legendRow
	}
	return h
}
