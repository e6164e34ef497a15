package chart

import (
	"bytes"
	"runtime"
	"testing"
)

// A Renderer reuses a drawing's image and deflater for the next: after the
// first chart, each allocates at most 6 MB, against the 11 MB of a fresh Render
// (6.7 MB of them the image), and draws the same PNG.
func TestRendererReusesMemory(t *testing.T) {
	if _, err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	d := sample("fa")
	want, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRenderer(1)
	if _, err := r.Render(sample("en")); err != nil { // a taller chart first
		t.Fatal(err)
	}
	const runs = 5
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var got []byte
	for range runs {
		if got, err = r.Render(d); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if !bytes.Equal(got, want) {
		t.Fatal("the Renderer's PNG differs from Render's")
	}
	// A GC between two charts may empty the pool (more often under the
	// race detector, seen at 6.3 MB); the limit leaves room for that and
	// still fails without the reuse, which allocates 10.8 MB a chart.
	const limit = 8 << 20
	per := (after.TotalAlloc - before.TotalAlloc) / runs
	t.Logf("%.2f MB allocated a chart", float64(per)/(1<<20))
	if per > limit {
		t.Fatalf("a chart allocated %.1f MB, want at most %.1f MB", float64(per)/(1<<20), float64(limit)/(1<<20))
	}
}
