package chart

import (
	"image"
	"image/color"
	"unicode"

	"github.com/go-text/render"
	"github.com/go-text/typesetting/bidi"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// ellipsis ends a label cut to fit its room.
const ellipsis = '…'

// maxRunes is more than any line of the chart can show: a longer label is
// cut to it before it is fitted, so that fitting stays quick.
const maxRunes = 300

// style is how one piece of text looks.
type style struct {
	size  int  // pixels per em
	bold  bool // the bold face rather than the regular one
	color color.RGBA
}

// line is one line of text, shaped, with its runs in visual order (the first
// is drawn leftmost), whatever the direction of its parts.
type line struct {
	runs  []shaping.Output
	width fixed.Int26_6
}

// px is the line's width rounded up to whole pixels.
func (l line) px() int { return l.width.Ceil() }

// typesetter shapes and draws the text of one Render call: bidi ordering by
// the Unicode algorithm, script segmentation and HarfBuzz shaping from
// go-text/typesetting, glyph rasterizing by go-text/render. It holds caches
// and buffers and is not safe for concurrent use.
type typesetter struct {
	regular, bold *font.Face
	base          bidi.Direction    // the paragraph direction of every label
	lang          language.Language // the reader's language, for shaping

	para   bidi.Paragraph
	seg    shaping.Segmenter
	shaper shaping.HarfbuzzShaper
	pen    render.Renderer
}

// newTypesetter makes a typesetter over the parsed fonts for a reader of
// lang, writing right to left when rtl is set.
func newTypesetter(f fonts, lang string, rtl bool) *typesetter {
	t := &typesetter{
		regular: font.NewFace(f.regular),
		bold:    font.NewFace(f.bold),
		base:    bidi.LeftToRight,
		lang:    language.NewLanguage(lang),
	}
	if rtl {
		t.base = bidi.RightToLeft
	}
	t.pen.PixScale = 1
	return t
}

func (t *typesetter) face(st style) *font.Face {
	if st.bold {
		return t.bold
	}
	return t.regular
}

// metrics gives the face's ascent and descent (positive, below the baseline)
// at the style's size, in pixels.
func (t *typesetter) metrics(st style) (ascent, descent int) {
	f := t.face(st)
	ext, _ := f.FontHExtents()
	scale := float32(st.size) / float32(f.Upem())
	return int(ext.Ascender*scale + 0.99), int(-ext.Descender*scale + 0.99)
}

// singleFace is a shaping.Fontmap with one face for every rune.
type singleFace struct{ f *font.Face }

func (s singleFace) ResolveFace(rune) *font.Face { return s.f }

// leveled is a shaped run with its bidi embedding level.
type leveled struct {
	out   shaping.Output
	level bidi.Level
}

// shape shapes s as one line in the reader's paragraph direction.
func (t *typesetter) shape(s string, st style) line {
	return t.shapeRunes(t.oneLine(s), st)
}

// oneLine returns the runes of s ready to shape: every control character (a
// newline, a tab) and paragraph separator as a space, since a label is one
// line and the bidi algorithm would stop at the first paragraph's end; and
// without the characters the font cannot draw (an emoji in a rep's name),
// which would show as empty boxes. Format characters (bidi isolates, ZWNJ)
// and marks are kept for the shaper.
func (t *typesetter) oneLine(s string) []rune {
	text := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			r = ' '
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.M, r):
		default:
			if _, ok := t.regular.NominalGlyph(r); !ok {
				continue
			}
		}
		text = append(text, r)
	}
	return text
}

func (t *typesetter) shapeRunes(text []rune, st style) line {
	if len(text) == 0 {
		return line{}
	}
	face := t.face(st)
	levels := t.para.Segment(text, t.base)
	// Copy the bidi runs out: the segmenter below reuses its own paragraph,
	// not t.para, but the Runs value is only valid until the next Segment.
	bruns := make([]bidi.Run, levels.NumRuns())
	for i := range bruns {
		bruns[i] = levels.Run(i)
	}
	var runs []leveled
	for _, br := range bruns {
		in := shaping.Input{
			Text:     text,
			RunStart: br.Start,
			RunEnd:   br.End,
			Direction: func() di.Direction {
				if br.IsLeftToRight() {
					return di.DirectionLTR
				}
				return di.DirectionRTL
			}(),
			Face:     face,
			Size:     fixed.I(st.size),
			Language: t.lang,
		}
		for _, part := range t.seg.Split(in, singleFace{face}) {
			lvl := br.Level
			if (part.Direction.Progression() == di.FromTopLeft) != br.IsLeftToRight() {
				lvl++
			}
			runs = append(runs, leveled{out: t.shaper.Shape(part), level: lvl})
		}
	}
	reorder(runs)
	l := line{runs: make([]shaping.Output, len(runs))}
	for i, r := range runs {
		l.runs[i] = r.out
		l.width += r.out.Advance
	}
	return l
}

// reorder puts runs from logical into visual order (rule L2 of the Unicode
// bidi algorithm): from the highest level down to the lowest odd one, every
// maximal sequence of runs at that level or above is reversed.
func reorder(runs []leveled) {
	if len(runs) == 0 {
		return
	}
	high, low := runs[0].level, runs[0].level
	for _, r := range runs {
		high = max(high, r.level)
		low = min(low, r.level)
	}
	if low%2 == 0 {
		low++
	}
	for lvl := high; lvl >= low; lvl-- {
		for i := 0; i < len(runs); {
			if runs[i].level < lvl {
				i++
				continue
			}
			j := i
			for j < len(runs) && runs[j].level >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				runs[a], runs[b] = runs[b], runs[a]
			}
			i = j
		}
	}
}

// fit shapes s and, when it is wider than maxWidth pixels, cuts it at its
// logical end (the left in right-to-left text) and ends it with an ellipsis,
// keeping as much as fits. Nothing wider than maxWidth comes back, except a
// lone ellipsis when even that does not fit.
func (t *typesetter) fit(s string, st style, maxWidth int) line {
	l := t.shape(s, st)
	if l.px() <= maxWidth {
		return l
	}
	text := t.oneLine(s)
	if len(text) > maxRunes {
		text = text[:maxRunes]
	}
	var best line
	buf := make([]rune, 0, len(text)+1)
	lo, hi := 0, len(text)-1 // the kept rune count lies in [lo, hi]
	for lo <= hi {
		n := (lo + hi) / 2
		cand := t.shapeRunes(cut(buf, text, n), st)
		if cand.px() <= maxWidth {
			best = cand
			lo = n + 1
		} else {
			hi = n - 1
		}
	}
	if best.runs == nil {
		return t.shapeRunes([]rune{ellipsis}, st)
	}
	return best
}

// cut returns the first n runes of text, backed off so that no combining
// mark or joiner is parted from its letter and without trailing spaces,
// followed by an ellipsis. It writes into buf.
func cut(buf, text []rune, n int) []rune {
	for n > 0 && n < len(text) && (unicode.Is(unicode.Mn, text[n]) || text[n] == '\u200c' || text[n] == '\u200d') {
		n--
	}
	for n > 0 && unicode.IsSpace(text[n-1]) {
		n--
	}
	return append(append(buf[:0], text[:n]...), ellipsis)
}

// draw rasterizes l with its left edge at x and its baseline at y, each run
// on a view of img just around its glyphs' ink.
func (t *typesetter) draw(img *image.RGBA, l line, x, y int, st style) {
	t.pen.FontSize = float32(st.size)
	t.pen.Color = st.color
	side := st.size/4 + 2 // ink may reach past the advance: a swash, a bearing
	for _, run := range l.runs {
		w := run.Advance.Ceil()
		up := max(run.GlyphBounds.Ascent, run.LineBounds.Ascent).Ceil() + 2
		down := -min(run.GlyphBounds.Descent, run.LineBounds.Descent).Floor() + 2
		v, off, ok := view(img, image.Rect(x-side, y-up, x+w+side, y+down))
		if ok {
			t.pen.DrawShapedRunAt(run, v, x-off.X, y-off.Y)
		}
		x += w
	}
}
