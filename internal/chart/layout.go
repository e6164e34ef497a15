package chart

import (
	"image/color"
)

// The chart's look, in pixels at Width.
const (
	margin     = 40 // around the cards
	pad        = 36 // inside a card
	cardRadius = 24
	cardGap    = 28

	titleSize    = 46
	headSize     = 34 // a card's title
	headHeight   = 64 // a card title's room, when it has one
	labelSize    = 28
	smallSize    = 23
	legendSize   = 26
	funnelRow    = 66
	funnelBar    = 38
	plotHeight   = 470
	daysHeight   = 52
	legendRow    = 54
	legendGapTop = 18
)

var (
	background = rgb(0xF3F4F8)
	cardColor  = rgb(0xFFFFFF)
	ink        = rgb(0x1E2230)
	muted      = rgb(0x6B7280)
	gridColor  = rgb(0xE6E8EE)
	trackColor = rgb(0xEEF0F5)
	othersInk  = rgb(0xC3C7D1)

	// funnelTop and funnelBottom colour the first and last rung; the rungs
	// between are blended.
	funnelTop    = rgb(0x3A5BD9)
	funnelBottom = rgb(0x12A588)

	// palette colours the reps' lines (Tableau 10, told apart by most
	// readers, colour-blind ones included).
	palette = [MaxSeries]color.RGBA{
		rgb(0x4E79A7), rgb(0xF28E2B), rgb(0xE15759), rgb(0x59A14F),
		rgb(0xB07AA1), rgb(0x76B7B2), rgb(0xEDC948), rgb(0x9C755F),
	}
)

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xFF}
}

// blend mixes a and b, t = 0 giving a and t = 1 giving b.
func blend(a, b color.RGBA, t float64) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.RGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: 0xFF}
}

// content is the logical x range of a card's inside.
const (
	contentStart = margin + pad
	contentEnd   = Width - margin - pad
)

// paintDigest lays the digest out and paints it: the title, then a card for the
// funnel and a card for the trend, each left out when it has nothing.
func paintDigest(d Digest, f fonts) *canvas {
	return paintDigestOn(d, f, &workspace{})
}

// paintDigestOn is paintDigest on the canvas memory of ws.
func paintDigestOn(d Digest, f fonts, ws *workspace) *canvas {
	t := newTypesetter(f, d.Lang, rtl(d.Lang))
	title := style{size: titleSize, bold: true, color: ink}
	titleAsc, titleDesc := t.metrics(title)
	top := margin + titleAsc + titleDesc + 12

	fun := newFunnel(t, d)
	tr := newTrend(t, d)
	height := top
	for _, h := range []int{fun.height(), tr.height()} {
		if h > 0 {
			height += h + cardGap
		}
	}
	height += margin - cardGap
	if height < top+margin {
		height = top + margin
	}

	c := newCanvas(Width, height, rtl(d.Lang), background, ws)
	c.text(t, t.fit(d.Title, title, contentEnd-margin), margin+4, margin+titleAsc, atStart, title)
	y := top
	if h := fun.height(); h > 0 {
		card(c, y, h)
		fun.paint(c, y+pad)
		y += h + cardGap
	}
	if h := tr.height(); h > 0 {
		card(c, y, h)
		tr.paint(c, y+pad)
	}
	return c
}

// card paints a card's white rounded background from y, h pixels high.
func card(c *canvas, y, h int) {
	c.rect(margin, Width-margin, float64(y), float64(y+h), cardRadius, cardColor)
}

// heading paints a card's title at the top of its inside, y.
func heading(c *canvas, t *typesetter, s string, y int) {
	st := style{size: headSize, bold: true, color: ink}
	asc, _ := t.metrics(st)
	c.text(t, t.fit(s, st, contentEnd-contentStart), contentStart, y+asc, atStart, st)
}

// headRoom is the room a card's title takes: none when it has none.
func headRoom(title string) int {
	if title == "" {
		return 0
	}
	return headHeight
}
