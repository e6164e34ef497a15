package chart

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/srwiley/rasterx"
	"golang.org/x/image/math/fixed"
)

// canvas is the image being drawn with its reading direction. Callers lay
// out in logical coordinates: x is the distance from the start edge (the
// left in English, the right in Persian and Arabic), so one layout serves
// both directions and the right-to-left chart is its mirror.
type canvas struct {
	img *image.RGBA
	rtl bool

	// One rasterizer, pointed at each shape's view in turn, so that its
	// buffers are reused from shape to shape.
	scanner *rasterx.ScannerGV
	filler  *rasterx.Filler
	stroker *rasterx.Stroker
}

// newCanvas returns a width × height canvas filled with bg, its pixels in
// ws's buffer (grown when too small, and kept in ws for the next canvas).
func newCanvas(width, height int, rtl bool, bg color.RGBA, ws *workspace) *canvas {
	n := 4 * width * height
	if cap(ws.pix) < n {
		ws.pix = make([]byte, n)
	}
	img := &image.RGBA{Pix: ws.pix[:n], Stride: 4 * width, Rect: image.Rect(0, 0, width, height)}
	draw.Draw(img, img.Bounds(), &image.Uniform{C: bg}, image.Point{}, draw.Src)
	scanner := rasterx.NewScannerGV(0, 0, img, image.Rectangle{})
	return &canvas{
		img:     img,
		rtl:     rtl,
		scanner: scanner,
		filler:  rasterx.NewFiller(0, 0, scanner),
		stroker: rasterx.NewStroker(0, 0, scanner),
	}
}

// view returns the pixels of img inside r as an image of their own whose
// origin is r.Min (clipped to img), sharing img's memory, and r.Min. The
// rasterizers cover the whole of the image they are given, so each shape
// and each run of text is drawn on a view just its size.
func view(img *image.RGBA, r image.Rectangle) (*image.RGBA, image.Point, bool) {
	r = r.Intersect(img.Bounds())
	if r.Empty() {
		return nil, image.Point{}, false
	}
	v := &image.RGBA{
		Pix:    img.Pix[img.PixOffset(r.Min.X, r.Min.Y):],
		Stride: img.Stride,
		Rect:   image.Rect(0, 0, r.Dx(), r.Dy()),
	}
	return v, r.Min, true
}

// fill fills the path that add makes, which lies in the image rectangle
// [x0, x1] × [y0, y1]; add is given the offset to subtract from its points.
// With a stroke width above zero, the path is stroked that wide (round caps
// and joins) instead.
func (c *canvas) fill(x0, y0, x1, y1 float64, col color.RGBA, add func(a rasterx.Adder, dx, dy float64), stroke float64) {
	v, off, ok := view(c.img, image.Rect(int(math.Floor(x0))-1, int(math.Floor(y0))-1, int(math.Ceil(x1))+1, int(math.Ceil(y1))+1))
	if !ok {
		return
	}
	c.scanner.Dest, c.scanner.Targ = v, v.Rect
	var a interface {
		rasterx.Adder
		SetColor(interface{})
		SetBounds(w, h int)
		Draw()
	}
	if stroke > 0 {
		c.stroker.SetStroke(fixed.Int26_6(stroke*64), 4<<6, rasterx.RoundCap, rasterx.RoundCap, rasterx.RoundGap, rasterx.Round)
		a = c.stroker
	} else {
		a = c.filler
	}
	a.SetBounds(v.Rect.Dx(), v.Rect.Dy())
	a.SetColor(col)
	add(a, float64(off.X), float64(off.Y))
	a.Draw()
}

// x maps a logical x to the image's x.
func (c *canvas) x(lx float64) float64 {
	if c.rtl {
		return float64(c.img.Bounds().Dx()) - lx
	}
	return lx
}

// span maps the logical interval [x0, x1] to the image's, left end first.
func (c *canvas) span(x0, x1 float64) (float64, float64) {
	a, b := c.x(x0), c.x(x1)
	if a > b {
		a, b = b, a
	}
	return a, b
}

// rect fills the logical rectangle [x0, x1] × [y0, y1] with rounded corners
// of radius r. Its straight parts are copied in as whole pixels and only
// its corners (circles) are rasterized: a card is most of the image.
func (c *canvas) rect(x0, x1, y0, y1, r float64, col color.RGBA) {
	a, b := c.span(x0, x1)
	if b-a <= 0 || y1-y0 <= 0 {
		return
	}
	r = min(r, (b-a)/2, (y1-y0)/2)
	if r < 1 {
		c.fill(a, y0, b, y1, col, func(p rasterx.Adder, dx, dy float64) {
			rasterx.AddRect(a-dx, y0-dy, b-dx, y1-dy, 0, p)
		}, 0)
		return
	}
	src := &image.Uniform{C: col}
	box := func(l, t, r, b float64) {
		draw.Draw(c.img, image.Rect(int(math.Ceil(l)), int(math.Ceil(t)), int(math.Floor(r)), int(math.Floor(b))), src, image.Point{}, draw.Over)
	}
	box(a+r, y0, b-r, y1)
	box(a, y0+r, b, y1-r)
	for _, cx := range []float64{a + r, b - r} {
		for _, cy := range []float64{y0 + r, y1 - r} {
			c.circle(cx, cy, r, col)
		}
	}
}

// circle fills a circle of radius r centred on the image point (x, y).
func (c *canvas) circle(x, y, r float64, col color.RGBA) {
	c.fill(x-r, y-r, x+r, y+r, col, func(p rasterx.Adder, dx, dy float64) {
		rasterx.AddCircle(x-dx, y-dy, r, p)
	}, 0)
}

// dot fills a circle of radius r at the logical point (lx, y).
func (c *canvas) dot(lx, y, r float64, col color.RGBA) {
	c.circle(c.x(lx), y, r, col)
}

// polyline strokes the logical points pts (x, y pairs) with width w. Each
// segment is stroked on its own with round caps, which meet as round joins:
// a path's rasterizer covers its whole bounding box, and a line across the
// plot would make that the plot.
func (c *canvas) polyline(pts []float64, w float64, col color.RGBA) {
	for i := 0; i+3 < len(pts); i += 2 {
		ax, ay, bx, by := c.x(pts[i]), pts[i+1], c.x(pts[i+2]), pts[i+3]
		c.fill(min(ax, bx)-w, min(ay, by)-w, max(ax, bx)+w, max(ay, by)+w, col, func(p rasterx.Adder, dx, dy float64) {
			p.Start(rasterx.ToFixedP(ax-dx, ay-dy))
			p.Line(rasterx.ToFixedP(bx-dx, by-dy))
			p.Stop(false)
		}, w)
	}
}

// polylines strokes many logical polylines of one colour and width as one
// path on one rasterizer: where they cross they are drawn once, and fifty
// grey lines cost one pass over their bounding box.
func (c *canvas) polylines(lines [][]float64, w float64, col color.RGBA) {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, pts := range lines {
		for i := 0; i+1 < len(pts); i += 2 {
			x := c.x(pts[i])
			x0, x1 = min(x0, x), max(x1, x)
			y0, y1 = min(y0, pts[i+1]), max(y1, pts[i+1])
		}
	}
	if x0 > x1 {
		return
	}
	c.fill(x0-w, y0-w, x1+w, y1+w, col, func(p rasterx.Adder, dx, dy float64) {
		for _, pts := range lines {
			if len(pts) < 4 {
				continue
			}
			p.Start(rasterx.ToFixedP(c.x(pts[0])-dx, pts[1]-dy))
			for i := 2; i+1 < len(pts); i += 2 {
				p.Line(rasterx.ToFixedP(c.x(pts[i])-dx, pts[i+1]-dy))
			}
			p.Stop(false)
		}
	}, w)
}

// hline draws a horizontal rule of thickness w across the logical [x0, x1].
func (c *canvas) hline(x0, x1, y, w float64, col color.RGBA) {
	c.rect(x0, x1, y-w/2, y+w/2, 0, col)
}

// anchor says which end of a text a logical x names.
type anchor int

const (
	atStart  anchor = iota // the text begins at x (in reading order)
	atEnd                  // the text ends at x
	atCenter               // the text is centred on x
)

// text draws l with its baseline at y, placed at logical x by a.
func (c *canvas) text(t *typesetter, l line, lx float64, y int, a anchor, st style) {
	w := float64(l.px())
	var left float64
	switch a {
	case atStart:
		left = c.x(lx)
		if c.rtl {
			left -= w
		}
	case atEnd:
		left = c.x(lx)
		if !c.rtl {
			left -= w
		}
	default:
		left = c.x(lx) - w/2
	}
	t.draw(c.img, l, int(left+0.5), y, st)
}
