package chart

import (
	"slices"
	"testing"

	"github.com/go-text/typesetting/bidi"
	"github.com/go-text/typesetting/font"

	"github.com/telecrm/crmbot/internal/format"
)

// newTestTypesetter is a typesetter for lang, failing the test when the
// fonts do not parse.
func newTestTypesetter(tb testing.TB, lang string) *typesetter {
	tb.Helper()
	f, err := loadFonts()
	if err != nil {
		tb.Fatal(err)
	}
	return newTypesetter(f, lang, rtl(lang))
}

// glyphs lists a line's glyphs in visual order, leftmost first.
func glyphs(l line) []font.GID {
	var out []font.GID
	for _, r := range l.runs {
		for _, g := range r.Glyphs {
			out = append(out, g.GlyphID)
		}
	}
	return out
}

// nominal is the font's own glyph for each rune (the isolated form for an
// Arabic letter), failing when the font lacks one.
func nominal(tb testing.TB, f *font.Face, runes ...rune) []font.GID {
	tb.Helper()
	var out []font.GID
	for _, r := range runes {
		g, ok := f.NominalGlyph(r)
		if !ok {
			tb.Fatalf("font has no glyph for %U", r)
		}
		out = append(out, g)
	}
	return out
}

// TestPersianLabelJoined shapes «سرنخ» (lead): seen and noon join the letter
// after them, reh and khah take the one before, so every letter takes a
// joined form, the one the font maps the Arabic Presentation Forms-B code
// point of that form to, and the glyphs come right to left: khah leftmost.
func TestPersianLabelJoined(t *testing.T) {
	ts := newTestTypesetter(t, "fa")
	l := ts.shape("سرنخ", style{size: 40})
	got := glyphs(l)
	// Visual order, left to right: khah final, noon initial, reh final, seen initial.
	want := nominal(t, ts.regular, '\uFEA6', '\uFEE7', '\uFEAE', '\uFEB3')
	if !slices.Equal(got, want) {
		t.Errorf("glyphs %v, want the joined forms %v", got, want)
	}
	isolated := nominal(t, ts.regular, 'خ', 'ن', 'ر', 'س')
	for i := range got {
		if i < len(isolated) && got[i] == isolated[i] {
			t.Errorf("glyph %d is the isolated form %d", i, got[i])
		}
	}
	// One cluster per letter, from the last letter (leftmost) to the first.
	var clusters []int
	for _, r := range l.runs {
		for _, g := range r.Glyphs {
			clusters = append(clusters, g.TextIndex())
		}
	}
	if !slices.Equal(clusters, []int{3, 2, 1, 0}) {
		t.Errorf("clusters left to right %v, want [3 2 1 0]", clusters)
	}
}

// TestPersianPhraseJoined shapes «مشتری بالقوه» (prospect) and checks that
// each letter with a joining neighbour takes another glyph than it has on
// its own, that the two without one (ی after ر, ه after و: reh and waw do
// not join forward) keep their isolated glyph, and that the clusters run
// right to left.
func TestPersianPhraseJoined(t *testing.T) {
	ts := newTestTypesetter(t, "fa")
	text := []rune("مشتری بالقوه")
	l := ts.shapeRunes(text, style{size: 40})
	var joined []int
	last := len(text)
	for _, r := range l.runs {
		for _, g := range r.Glyphs {
			i := g.TextIndex()
			if i >= last {
				t.Fatalf("cluster %d after cluster %d: not right to left", i, last)
			}
			last = i
			alone := ts.shapeRunes(text[i:i+1], style{size: 40})
			if !slices.Equal(glyphs(alone), []font.GID{g.GlyphID}) {
				joined = append(joined, i)
			}
		}
	}
	slices.Sort(joined)
	// م ش ت ر | ی | space | ب ا | ل ق و | ه
	if want := []int{0, 1, 2, 3, 6, 7, 8, 9, 10}; !slices.Equal(joined, want) {
		t.Errorf("letters in a joined form %v, want %v", joined, want)
	}
}

// TestPersianDigitsOrder checks that a number in Persian digits reads from
// left to right inside right-to-left text: «سرنخ ۱۲۳» draws ۱, ۲, ۳ left
// to right, left of the word.
func TestPersianDigitsOrder(t *testing.T) {
	ts := newTestTypesetter(t, "fa")
	number := digits(persianZero)(123)
	if number != "۱۲۳" {
		t.Fatalf("digits(123) = %q", number)
	}
	digitGlyphs := nominal(t, ts.regular, '۱', '۲', '۳')
	for _, text := range []string{number, "سرنخ " + number} {
		got := glyphs(ts.shape(text, style{size: 40}))
		if len(got) < 3 || !slices.Equal(got[:3], digitGlyphs) {
			t.Errorf("%q: leftmost glyphs %v, want ۱۲۳ %v", text, got, digitGlyphs)
		}
	}
	// Arabic-Indic digits too, after an Arabic word.
	ar := newTestTypesetter(t, "ar")
	got := glyphs(ar.shape("عميل "+digits(arabicZero)(4056), style{size: 40}))
	want := nominal(t, ar.regular, '٤', '٠', '٥', '٦')
	if len(got) < 4 || !slices.Equal(got[:4], want) {
		t.Errorf("٤٠٥٦: leftmost glyphs %v, want %v", got, want)
	}
}

// TestGroupedNumbers shapes numbers as internal/format writes them, with
// grouping separators, and a Latin name in a left-to-right isolate: each
// keeps its left-to-right order in right-to-left text, and the isolate's
// marks draw nothing.
func TestGroupedNumbers(t *testing.T) {
	for _, lang := range []string{"fa", "ar"} {
		ts := newTestTypesetter(t, lang)
		n := format.Int(lang, 1234567)
		got := glyphs(ts.shape(n, style{size: 40}))
		if want := nominal(t, ts.regular, []rune(n)...); !slices.Equal(got, want) {
			t.Errorf("%s %q: glyphs %v, want in logical order %v", lang, n, got, want)
		}
	}
	ts := newTestTypesetter(t, "fa")
	isolated := ts.shape(format.LTR("Ali"), style{size: 40})
	if plain := ts.shape("Ali", style{size: 40}); isolated.width != plain.width {
		t.Errorf("an isolated name is %v wide, %v without its marks", isolated.width, plain.width)
	}
}

// TestMixedDirection puts a Latin name inside a Persian label: in the
// right-to-left paragraph the Persian word comes first from the right, so it
// is drawn right of the name, and the name keeps its own left-to-right order.
func TestMixedDirection(t *testing.T) {
	ts := newTestTypesetter(t, "fa")
	l := ts.shape("سرنخ Ali", style{size: 40})
	got := glyphs(l)
	ali := nominal(t, ts.regular, 'A', 'l', 'i')
	if len(got) < 3 || !slices.Equal(got[:3], ali) {
		t.Errorf("glyphs %v: want Ali %v leftmost", got, ali)
	}
	en := newTestTypesetter(t, "en")
	got = glyphs(en.shape("Ali سرنخ", style{size: 40}))
	if len(got) < 3 || !slices.Equal(got[:3], ali) {
		t.Errorf("in English, glyphs %v: want Ali %v leftmost", got, ali)
	}
}

// TestOneLine checks that a label with a newline is drawn whole on one line,
// in either direction, and that an emoji the font lacks is left out rather
// than drawn as a box.
func TestOneLine(t *testing.T) {
	for _, lang := range []string{"en", "fa"} {
		ts := newTestTypesetter(t, lang)
		got := ts.shape("Ali\nسرنخ\tB🚀", style{size: 40})
		want := ts.shape("Ali سرنخ B", style{size: 40})
		if !slices.Equal(glyphs(got), glyphs(want)) {
			t.Errorf("%s: glyphs %v, want %v as with spaces", lang, glyphs(got), glyphs(want))
		}
	}
}

// TestReorder checks rule L2 on levels the bidi algorithm gives.
func TestReorder(t *testing.T) {
	tests := []struct {
		levels []bidi.Level
		want   []int // logical index of each run, leftmost first
	}{
		{[]bidi.Level{0, 0, 0}, []int{0, 1, 2}},
		{[]bidi.Level{1, 1, 1}, []int{2, 1, 0}},
		{[]bidi.Level{1, 2, 2, 1}, []int{3, 1, 2, 0}},
		{[]bidi.Level{0, 1, 2, 1, 0}, []int{0, 3, 2, 1, 4}},
		{nil, nil},
	}
	for _, tt := range tests {
		runs := make([]leveled, len(tt.levels))
		for i, l := range tt.levels {
			runs[i] = leveled{level: l}
			runs[i].out.Runes.Offset = i
		}
		reorder(runs)
		var got []int
		for _, r := range runs {
			got = append(got, r.out.Runes.Offset)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("levels %v: order %v, want %v", tt.levels, got, tt.want)
		}
	}
}

// TestFit checks that a long label is cut to its room with an ellipsis at
// its logical end (the left in Persian) and that a short one is kept whole.
func TestFit(t *testing.T) {
	for _, tt := range []struct{ lang, text string }{
		{"en", "Extraordinarily long stage name that never fits the column"},
		{"fa", "مشتری بالقوه‌ای با نامی بسیار بسیار طولانی که در ستون جا نمی‌شود"},
	} {
		ts := newTestTypesetter(t, tt.lang)
		st := style{size: 28}
		dots := nominal(t, ts.regular, ellipsis)
		l := ts.fit(tt.text, st, 300)
		if l.px() > 300 {
			t.Errorf("%s: width %d, want at most 300", tt.lang, l.px())
		}
		g := glyphs(l)
		end := g[len(g)-1]
		if rtl(tt.lang) {
			end = g[0]
		}
		if len(dots) != 1 || end != dots[0] {
			t.Errorf("%s: glyphs %v do not end with the ellipsis %v", tt.lang, g, dots)
		}
		if l.px() < 200 {
			t.Errorf("%s: width %d: cut far more than needed", tt.lang, l.px())
		}
		short := ts.fit("Ali", st, 300)
		if !slices.Equal(glyphs(short), glyphs(ts.shape("Ali", st))) {
			t.Errorf("%s: a short label was changed", tt.lang)
		}
	}
	ts := newTestTypesetter(t, "en")
	if l := ts.fit("Ali", style{size: 28}, 1); len(glyphs(l)) != 1 {
		t.Errorf("no room: %d glyphs, want a lone ellipsis", len(glyphs(l)))
	}
}
