// Package chart draws the managers' digest chart as a PNG: the stage funnel
// as horizontal bars and each rep's activity over the last days as lines,
// with every label shaped for its script (Persian and Arabic joined and
// right to left, Latin names inside them left to right) and every number in
// the reader's digits. In Persian and Arabic the whole chart is mirrored:
// bars grow from the right, labels sit on the right and time runs from
// right to left.
//
// Text is shaped with go-text/typesetting (bidi, segmentation, HarfBuzz)
// and rasterized with go-text/render in the embedded Vazirmatn font, so no
// system font or cgo is needed. Render is safe for concurrent use.
package chart

import (
	"bytes"
	"fmt"
	"strconv"
)

// Bar is one stage of the funnel.
type Bar struct {
	Label string
	Value int // negative values are drawn as zero
}

// Series is one rep's activity per day, len(Values) == len(Digest.Days)
// (missing days count as zero, extra values are ignored).
type Series struct {
	Label  string
	Values []int // negative values are drawn as zero
}

// MaxSeries is how many reps the trend draws in colour, each with its own
// legend entry. With more, the MaxSeries-1 busiest keep their colour and the
// rest are drawn as thin grey lines under one legend entry, OthersLabel.
const MaxSeries = 8

// Digest is what one chart shows, every text already in the reader's language.
type Digest struct {
	Lang        string // "en", "fa" or "ar": direction, digits
	Title       string
	FunnelTitle string
	Funnel      []Bar // stage funnel bars, top rung first
	TrendTitle  string
	Days        []string // 14 day labels, oldest first, already formatted
	Series      []Series // one per rep
	// OthersLabel names the legend entry of the reps folded into grey
	// lines when there are more than MaxSeries (e.g. "43 other reps", in
	// the reader's words and digits). Empty: "+N" in the reader's digits.
	OthersLabel string
	Number      func(int) string // formats a number in the reader's digits; nil: ASCII
}

// Width is the width of every chart in pixels: a phone screen's full width.
const Width = 1080

// rtl reports whether lang is written right to left.
func rtl(lang string) bool {
	switch lang {
	case "fa", "ar", "he", "ur":
		return true
	}
	return false
}

// Render draws the chart as a PNG, Width pixels wide and as tall as its
// content. Empty parts (no funnel, no days) are left out; no input makes it
// panic.
func Render(d Digest) ([]byte, error) {
	f, err := loadFonts()
	if err != nil {
		return nil, err
	}
	if d.Number == nil {
		d.Number = strconv.Itoa
	}
	c := paintDigest(d, f)
	var buf bytes.Buffer
	if err := encodePNG(&buf, c.img); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}
