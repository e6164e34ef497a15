package chart

// funnel is the stage funnel card: one horizontal bar per rung, its label at
// the start side and its count just past the bar's end, then its note.
type funnel struct {
	t      *typesetter
	title  string
	bars   []Bar
	labels []line
	values []line
	notes  []line
	max    int
	// labelEnd and barStart, barEnd are the logical x of the label column's
	// end and of the bars' room.
	labelEnd, barStart, barEnd float64
}

var (
	funnelLabel = style{size: labelSize, color: ink}
	funnelValue = style{size: labelSize, bold: true, color: ink}
	funnelNote  = style{size: smallSize, color: muted}
)

// noteGap is the room between a rung's count and its note.
const noteGap = 12

func newFunnel(t *typesetter, d Digest) *funnel {
	f := &funnel{t: t, title: d.FunnelTitle, bars: d.Funnel}
	if len(f.bars) == 0 {
		return f
	}
	room := float64(contentEnd - contentStart)
	valueWidth := 0
	for i, b := range f.bars {
		v := max(b.Value, 0)
		f.max = max(f.max, v)
		value := t.shape(d.Number(v), funnelValue)
		var note line
		if i < len(d.FunnelNotes) {
			note = t.fit(d.FunnelNotes[i], funnelNote, int(room*0.22))
		}
		f.values = append(f.values, value)
		f.notes = append(f.notes, note)
		w := value.px()
		if note.px() > 0 {
			w += noteGap + note.px()
		}
		valueWidth = max(valueWidth, w)
	}
	labelMax := int(room * 0.36)
	labelWidth := 0
	for _, b := range f.bars {
		l := t.fit(b.Label, funnelLabel, labelMax)
		f.labels = append(f.labels, l)
		labelWidth = max(labelWidth, l.px())
	}
	f.labelEnd = float64(contentStart + labelWidth)
	f.barStart = f.labelEnd + 20
	f.barEnd = float64(contentEnd - valueWidth - 14)
	return f
}

func (f *funnel) height() int {
	if len(f.bars) == 0 {
		return 0
	}
	return pad + headRoom(f.title) + len(f.bars)*funnelRow + pad - (funnelRow - funnelBar)
}

// paint draws the card's inside from y down.
func (f *funnel) paint(c *canvas, y int) {
	t := f.t
	heading(c, t, f.title, y)
	y += headRoom(f.title)
	asc, desc := t.metrics(funnelLabel)
	room := f.barEnd - f.barStart
	for i, b := range f.bars {
		top := float64(y + i*funnelRow)
		mid := top + funnelBar/2
		baseline := int(mid) + (asc-desc)/2
		c.text(t, f.labels[i], float64(contentStart), baseline, atStart, funnelLabel)

		c.rect(f.barStart, f.barEnd, top, top+funnelBar, funnelBar/2, trackColor)
		end := f.barStart
		if v := max(b.Value, 0); v > 0 && f.max > 0 {
			length := max(room*float64(v)/float64(f.max), funnelBar)
			end = f.barStart + length
			shade := 0.0
			if len(f.bars) > 1 {
				shade = float64(i) / float64(len(f.bars)-1)
			}
			c.rect(f.barStart, end, top, top+funnelBar, funnelBar/2, blend(funnelTop, funnelBottom, shade))
		}
		c.text(t, f.values[i], end+14, baseline, atStart, funnelValue)
		c.text(t, f.notes[i], end+14+float64(f.values[i].px()+noteGap), baseline, atStart, funnelNote)
	}
}
