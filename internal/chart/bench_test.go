package chart

import (
	"bytes"
	"sync"
	"testing"
)

// digests20 is twenty managers' charts, the three languages in turn.
func digests20() []Digest {
	langs := []string{"en", "fa", "ar"}
	out := make([]Digest, 20)
	for i := range out {
		out[i] = sample(langs[i%3])
	}
	return out
}

// BenchmarkRender20 draws twenty charts, the digests of twenty managers, one
// after the other (the font is parsed once, before the timer).
func BenchmarkRender20(b *testing.B) {
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	ds := digests20()
	for b.Loop() {
		for _, d := range ds {
			if _, err := Render(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRenderer20 draws the same twenty charts with one Renderer, as
// the bot does: the image and the deflater of one chart serve the next.
func BenchmarkRenderer20(b *testing.B) {
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	ds := digests20()
	r := NewRenderer(2)
	for b.Loop() {
		for _, d := range ds {
			if _, err := r.Render(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRender20Parallel draws the same twenty charts on two goroutines,
// as a digest run on this 2-core machine may.
func BenchmarkRender20Parallel(b *testing.B) {
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	ds := digests20()
	for b.Loop() {
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Go(func() {
				for i := w; i < len(ds); i += 2 {
					if _, err := Render(ds[i]); err != nil {
						b.Error(err)
					}
				}
			})
		}
		wg.Wait()
	}
}

// BenchmarkEncodePNG encodes one painted chart, the part of Render after
// the drawing.
func BenchmarkEncodePNG(b *testing.B) {
	f, err := loadFonts()
	if err != nil {
		b.Fatal(err)
	}
	c := paintDigest(bounded(sample("fa")), f)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := encodePNG(&buf, c.img); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}

// BenchmarkPaint draws one chart without encoding it.
func BenchmarkPaint(b *testing.B) {
	f, err := loadFonts()
	if err != nil {
		b.Fatal(err)
	}
	d := bounded(sample("fa"))
	for b.Loop() {
		paintDigest(d, f)
	}
}
