package chart

import (
	"bytes"
	"flag"
	"fmt"
	"image"
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
				_ = os.WriteFile(filepath.Join(t.TempDir(), "got.png"), got, 0o644)
				t.Errorf("%s differs from the golden image: %s (rerun with -update if the change is meant)", path, msg)
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
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, aa := a.At(x, y).RGBA()
			br, bg, bb, ba := b.At(x, y).RGBA()
			if far(ar, br) || far(ag, bg) || far(ab, bb) || far(aa, ba) {
				n++
			}
		}
	}
	return n
}

func far(a, b uint32) bool {
	d := int(a>>8) - int(b>>8)
	return d > channelTolerance || -d > channelTolerance
}

func formatShare(n, total int) string {
	return fmt.Sprintf("%d of %d pixels (%.3f%%) differ, more than %.3f%%", n, total, 100*float64(n)/float64(total), 100*shareTolerance)
}
