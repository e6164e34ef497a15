package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"slices"
	"strings"
	"sync"
	"testing"
)

// mustRender draws d and decodes the PNG, failing the test on any error.
func mustRender(tb testing.TB, d Digest) image.Image {
	tb.Helper()
	b, err := Render(d)
	if err != nil {
		tb.Fatalf("Render: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("the PNG does not decode: %v", err)
	}
	if w := img.Bounds().Dx(); w != Width {
		tb.Fatalf("width %d, want %d", w, Width)
	}
	return img
}

// reps makes n reps with made-up activity over days days.
func reps(n, days int) []Series {
	out := make([]Series, n)
	for i := range out {
		v := activity(i + 1)
		for len(v) < days {
			v = append(v, v...)
		}
		out[i] = Series{Label: fmt.Sprintf("Rep %d", i+1), Values: v[:days]}
	}
	return out
}

// TestRenderOddInput draws digests with nothing, zeros, one rep, one day,
// labels far too long, values out of step with the days, negative and
// huge counts, and fifty reps: each must give a valid PNG.
func TestRenderOddInput(t *testing.T) {
	long := strings.Repeat("مشتری بسیار مهم با نام طولانی ", 20)
	days := sample("en").Days
	tests := map[string]Digest{
		"empty":       {},
		"empty fa":    {Lang: "fa", Title: "گزارش"},
		"title only":  {Title: long},
		"zero funnel": {Funnel: []Bar{{"A", 0}, {"B", 0}}},
		"zero trend":  {Days: days, Series: []Series{{"A", make([]int, 14)}}},
		"no series":   {Days: days},
		"one rep":     {Lang: "fa", Days: days, Series: reps(1, 14), Number: digits(persianZero)},
		"one day":     {Days: days[:1], Series: reps(3, 1)},
		"long labels": {
			Lang: "ar", Title: long, FunnelTitle: long, TrendTitle: long,
			Funnel: []Bar{{long, 3}, {long + "Latin name", 1}},
			Days:   []string{long, long, long},
			Series: []Series{{long, []int{1, 2, 3}}},
		},
		"ragged values": {Days: days, Series: []Series{{"short", []int{1}}, {"long", make([]int, 40)}, {"nil", nil}}},
		"negative":      {Funnel: []Bar{{"A", -5}}, Days: days[:2], Series: []Series{{"A", []int{-3, -1}}}},
		"huge":          {Funnel: []Bar{{"A", 1 << 62}, {"B", 1}}, Days: days[:2], Series: []Series{{"A", []int{1 << 40, 0}}}},
		"fifty reps":    {Lang: "fa", Days: days, Series: reps(50, 14), OthersLabel: "۴۳ نفر دیگر", Number: digits(persianZero)},
		"empty texts":   {Funnel: []Bar{{"", 1}}, Days: make([]string, 14), Series: []Series{{"", nil}}, Number: func(int) string { return "" }},
		"unknown lang":  {Lang: "xx", Funnel: []Bar{{"A", 1}}},
		"ragged notes":  {Funnel: []Bar{{"A", 1}, {"B", 2}}, FunnelNotes: []string{"", "x", "y", "z"}},
		"long note":     {Lang: "fa", Funnel: []Bar{{"A", 1}, {"B", 2}}, FunnelNotes: []string{long}},
		"oversized":     {Funnel: make([]Bar, 1000), Days: make([]string, 400), Series: reps(120, 400)},
	}
	for name, d := range tests {
		t.Run(name, func(t *testing.T) { mustRender(t, d) })
	}
}

// TestManyRepsFolded checks that with fifty reps the seven busiest keep a
// colour and a legend entry and the other 43 share one.
func TestManyRepsFolded(t *testing.T) {
	ts := newTestTypesetter(t, "en")
	series := reps(50, 14)
	series[42].Values = make([]int, 14)
	series[42].Values[3] = 1000 // the busiest rep, late in the list
	tr := newTrend(ts, Digest{Days: sample("en").Days, Series: series, Number: digits('0')})
	if len(tr.shown) != MaxSeries-1 || len(tr.others) != 50-(MaxSeries-1) {
		t.Fatalf("%d shown and %d others, want %d and %d", len(tr.shown), len(tr.others), MaxSeries-1, 50-(MaxSeries-1))
	}
	if len(tr.legend) != MaxSeries {
		t.Errorf("%d legend entries, want %d", len(tr.legend), MaxSeries)
	}
	found := false
	for _, p := range tr.shown {
		found = found || p.label == "Rep 43"
	}
	if !found {
		t.Errorf("the busiest rep is not among the coloured ones")
	}
	// Without OthersLabel, the entry says how many reps it holds.
	others := tr.legend[len(tr.legend)-1].label
	if want := glyphs(ts.shape("+43", legendStyle)); !slices.Equal(glyphs(others), want) {
		t.Errorf("others entry glyphs %v, want +43 %v", glyphs(others), want)
	}
}

// TestBounded checks that an oversized digest is cut to the newest MaxDays
// days with each rep's values still on their days, that counts are clamped,
// and that the caller's slices are not written.
func TestBounded(t *testing.T) {
	days := make([]string, MaxDays+10)
	values := make([]int, MaxDays+10)
	for i := range days {
		days[i] = fmt.Sprint(i)
		values[i] = i
	}
	values[len(values)-1] = -7
	values[len(values)-2] = MaxValue + 1
	in := Digest{Days: days, Series: []Series{{"A", values}, {"B", values[:11]}}, Funnel: []Bar{{"A", -1}}}
	d := bounded(in)
	if len(d.Days) != MaxDays || d.Days[0] != "10" {
		t.Fatalf("%d days from %q, want %d from \"10\"", len(d.Days), d.Days[0], MaxDays)
	}
	a := d.Series[0].Values
	if a[0] != 10 || a[len(a)-1] != 0 || a[len(a)-2] != MaxValue {
		t.Errorf("values %v: want 10 first, then clamped to MaxValue and 0 last", a)
	}
	if b := d.Series[1].Values; len(b) != MaxDays || b[0] != 10 || b[1] != 0 {
		t.Errorf("a short series gives %v, want 10 then zeros", b)
	}
	if d.Funnel[0].Value != 0 || in.Funnel[0].Value != -1 || values[len(values)-1] != -7 {
		t.Errorf("clamping changed the caller's digest or missed a value")
	}
	if n := len(bounded(Digest{Series: make([]Series, MaxReps+5)}).Series); n != MaxReps {
		t.Errorf("%d reps kept, want %d", n, MaxReps)
	}
	if d.Number(12) != "12" {
		t.Errorf("default Number(12) = %q", d.Number(12))
	}
}

// TestNiceStep checks the grid's step for a few peaks.
func TestNiceStep(t *testing.T) {
	for peak, want := range map[int]int{0: 1, 1: 1, 4: 1, 5: 2, 8: 2, 9: 5, 18: 5, 20: 5, 21: 10, 412: 200, 1 << 40: 500000000000} {
		if got := niceStep(peak, 4); got != want {
			t.Errorf("niceStep(%d) = %d, want %d", peak, got, want)
		}
		if got := niceStep(peak, 4); got*4 < peak {
			t.Errorf("niceStep(%d) = %d: four steps do not reach the peak", peak, got)
		}
	}
}

// TestMirrored checks that the Persian chart is laid out as the mirror of
// the English one: the same digest with no text, drawn both ways, gives
// images that are each other's reflection.
func TestMirrored(t *testing.T) {
	d := Digest{Funnel: []Bar{{"", 5}, {"", 2}}, Days: make([]string, 14), Series: reps(3, 14), Number: func(int) string { return "" }}
	en := mustRender(t, d)
	d.Lang = "fa"
	fa := mustRender(t, d)
	if en.Bounds() != fa.Bounds() {
		t.Fatalf("sizes %v and %v", en.Bounds(), fa.Bounds())
	}
	b := en.Bounds()
	mirrored := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			mirrored.Set(b.Max.X-1-x, y, en.At(x, y))
		}
	}
	// Antialiased edges fall a fraction of a pixel apart; nothing more.
	if n := differing(mirrored, fa); float64(n) > 0.003*float64(b.Dx()*b.Dy()) {
		t.Errorf("%d pixels differ from the mirror image", n)
	}
}

// TestEncodePNG checks the encoder against image/png's decoder, pixel by
// pixel, on a chart.
func TestEncodePNG(t *testing.T) {
	f, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	d := sample("fa")
	c := paintDigest(d, f)
	var buf bytes.Buffer
	if err := encodePNG(&buf, c.img); err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got.Bounds() != c.img.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), c.img.Bounds())
	}
	b := got.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := got.At(x, y).RGBA()
			w := c.img.RGBAAt(x, y)
			if uint8(r>>8) != w.R || uint8(g>>8) != w.G || uint8(bl>>8) != w.B {
				t.Fatalf("pixel (%d,%d) = %d,%d,%d, want %v", x, y, r>>8, g>>8, bl>>8, w)
			}
		}
	}
}

// TestCompareCatches checks that the golden comparison sees a changed
// chart: another title.
func TestCompareCatches(t *testing.T) {
	a, err := Render(sample("en"))
	if err != nil {
		t.Fatal(err)
	}
	d := sample("en")
	d.Title = "Weekly digest: Tehran sales team, Dec 2"
	b, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if compare(t, a, a) != "" {
		t.Errorf("an image differs from itself")
	}
	if compare(t, b, a) == "" {
		t.Errorf("another title passes the comparison")
	}
}

// TestRenderConcurrent draws charts from several goroutines at once (run
// with -race): the parsed font is shared, everything else is per call.
func TestRenderConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := range 4 {
		wg.Go(func() {
			if _, err := Render(sample([]string{"en", "fa", "ar", "fa"}[i])); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
