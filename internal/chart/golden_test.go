package chart

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")

// Tolerances of the golden comparison: a pixel differs when one of its
// channels is off by more than channelTolerance; the test fails when more
// than shareTolerance of the pixels differ, or the sizes differ. They allow
// for rounding differences between platforms, not for a moved label.
const (
	channelTolerance = 24
	shareTolerance   = 0.002
)

// TestGolden draws the sample digest in each language and compares it with
// testdata/digest_<lang>.png; -update rewrites the files.
func TestGolden(t *testing.T) {
	for _, lang := range []string{"en", "fa", "ar"} {
		t.Run(lang, func(t *testing.T) {
			got, err := Render(sample(lang))
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			path := filepath.Join("testdata", "digest_"+lang+".png")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if msg := compare(t, got, want); msg != "" {
				gotPath := filepath.Join(os.TempDir(), "chart_digest_"+lang+"_got.png")
				if err := os.WriteFile(gotPath, got, 0o644); err != nil {
					gotPath = err.Error()
				}
				t.Errorf("%s differs from the golden image: %s; drawn now: %s (rerun with -update if the change is meant)", path, msg, gotPath)
			}
		})
	}
}

// compare decodes two PNGs and says how they differ beyond the tolerances,
// or "" when they match.
func compare(tb testing.TB, gotPNG, wantPNG []byte) string {
	tb.Helper()
	got := decode(tb, gotPNG)
	want := decode(tb, wantPNG)
	if got.Bounds() != want.Bounds() {
		return "size " + got.Bounds().String() + ", want " + want.Bounds().String()
	}
	n, total := differing(got, want), got.Bounds().Dx()*got.Bounds().Dy()
	if share := float64(n) / float64(total); share > shareTolerance {
		return formatShare(n, total)
	}
	return ""
}

func decode(tb testing.TB, b []byte) image.Image {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("decode png: %v", err)
	}
	return img
}

// differing counts the pixels of a and b (of one size) with a channel more
// than channelTolerance apart.
func differing(a, b image.Image) int {
	pa, pb := toRGBA(a), toRGBA(b)
	n := 0
	for i := 0; i+3 < len(pa.Pix); i += 4 {
		for k := range 4 {
			if d := int(pa.Pix[i+k]) - int(pb.Pix[i+k]); d > channelTolerance || -d > channelTolerance {
				n++
				break
			}
		}
	}
	return n
}

// toRGBA returns img as an *image.RGBA at the origin, converting it if need be.
func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok && m.Rect.Min == (image.Point{}) && m.Stride == 4*m.Rect.Dx() {
		return m
	}
	b := img.Bounds()
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Bounds(), img, b.Min, draw.Src)
	return m
}

func formatShare(n, total int) string {
	return fmt.Sprintf("%d of %d pixels (%.3f%%) differ, more than %.3f%%", n, total, 100*float64(n)/float64(total), 100*shareTolerance)
}
