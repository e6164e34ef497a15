package chart

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"fmt"
	"sync"
)

// Renderer draws charts as Render does, at most a few at a time and
// reusing the memory of one drawing for the next: a chart is painted on an
// RGBA image of about 6.7 MB (1080 × 1550 pixels) and deflated with a
// compressor of about 1 MB, so a hundred digests drawn at once, each with
// its own, took the bot to 300 MB. A Renderer is safe for concurrent use;
// make one per process (NewRenderer) and share it.
type Renderer struct {
	sem  chan struct{}
	pool sync.Pool // *workspace
}

// workspace is the memory one drawing needs and the next may reuse.
type workspace struct {
	pix  []byte        // the canvas's pixels
	zw   *zlib.Writer  // the PNG's deflater
	out  *bufio.Writer // the PNG's buffers: the file's and the deflated rows'
	idat *bufio.Writer
}

// NewRenderer returns a Renderer that draws at most concurrent charts at
// once (at least one); other callers wait for their turn.
func NewRenderer(concurrent int) *Renderer {
	return &Renderer{sem: make(chan struct{}, max(concurrent, 1))}
}

// Render draws d as a PNG, as the package's Render does.
func (r *Renderer) Render(d Digest) ([]byte, error) {
	r.sem <- struct{}{}
	defer func() { <-r.sem }()
	ws, _ := r.pool.Get().(*workspace)
	if ws == nil {
		ws = &workspace{}
	}
	defer r.pool.Put(ws)
	return renderOn(d, ws)
}

// renderOn draws d with the memory of ws, which it may grow, or with fresh
// memory when ws is nil.
func renderOn(d Digest, ws *workspace) ([]byte, error) {
	d = bounded(d)
	f, err := loadFonts()
	if err != nil {
		return nil, err
	}
	if ws == nil {
		ws = &workspace{}
	}
	c := paintDigestOn(d, f, ws)
	var buf bytes.Buffer
	buf.Grow(256 << 10) // a chart's PNG is about 210 KB
	if err := encodePNGWith(&buf, c.img, ws); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}
