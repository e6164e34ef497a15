package chart

import "math"

// paint draws the card's inside from y down.
func (tr *trend) paint(c *canvas, y int) {
	t := tr.t
	heading(c, t, tr.title, y)
	y += headRoom(tr.title)
	plotTop, plotBottom := float64(y+10), float64(y+plotHeight-10)
	yOf := func(v int) float64 {
		return plotBottom - (plotBottom-plotTop)*float64(v)/float64(tr.step*gridLines)
	}
	tr.paintGrid(c, yOf)
	grey := make([][]float64, len(tr.others))
	for i, p := range tr.others {
		grey[i] = tr.points(p.values, yOf)
	}
	c.polylines(grey, 2, othersInk)
	for i := len(tr.shown) - 1; i >= 0; i-- {
		p := tr.shown[i]
		pts := tr.points(p.values, yOf)
		c.polyline(pts, 4.5, p.color)
		last := len(pts) - 2
		c.dot(pts[last], pts[last+1], 8, cardColor)
		c.dot(pts[last], pts[last+1], 5.5, p.color)
	}
	tr.paintDays(c, int(plotBottom)+10)
	tr.paintLegend(c, y+plotHeight+daysHeight+legendGapTop)
}

// points gives the logical (x, y) of each day's value.
func (tr *trend) points(values []int, yOf func(int) float64) []float64 {
	pts := make([]float64, 0, 2*len(values))
	for i, v := range values {
		pts = append(pts, tr.dayX(i), yOf(v))
	}
	return pts
}

// dayX is the logical x of day i.
func (tr *trend) dayX(i int) float64 {
	if len(tr.days) < 2 {
		return (tr.plotStart + tr.plotEnd) / 2
	}
	return tr.plotStart + (tr.plotEnd-tr.plotStart)*float64(i)/float64(len(tr.days)-1)
}

func (tr *trend) paintGrid(c *canvas, yOf func(int) float64) {
	asc, desc := tr.t.metrics(tickStyle)
	for i, l := range tr.ticks {
		gy := math.Round(yOf(i * tr.step))
		w := 1.5
		if i == 0 {
			w = 2.5
		}
		c.hline(tr.plotStart-8, float64(contentEnd), gy, w, gridColor)
		c.text(tr.t, l, tr.plotStart-24, int(gy)+(asc-desc)/2, atEnd, tickStyle)
	}
}

func (tr *trend) paintDays(c *canvas, y int) {
	asc, _ := tr.t.metrics(dayStyle)
	n := len(tr.days)
	for i, l := range tr.days {
		if (n-1-i)%tr.every != 0 {
			continue
		}
		half := float64(l.px()) / 2
		x := min(max(tr.dayX(i), float64(contentStart)+half), float64(contentEnd)-half)
		c.text(tr.t, l, x, y+asc, atCenter, dayStyle)
	}
}

func (tr *trend) paintLegend(c *canvas, y int) {
	asc, desc := tr.t.metrics(legendStyle)
	col := tr.legendColumn()
	for i, e := range tr.legend {
		x0 := float64(contentStart + (i%legendColumns)*(col+legendGap))
		mid := float64(y + (i/legendColumns)*legendRow + legendRow/2)
		c.rect(x0, x0+swatchWidth, mid-4, mid+4, 4, e.color)
		baseline := int(mid) + (asc-desc)/2
		c.text(tr.t, e.label, x0+swatchWidth+12, baseline, atStart, legendStyle)
		c.text(tr.t, e.total, x0+float64(col), baseline, atEnd, totalStyle)
	}
}
