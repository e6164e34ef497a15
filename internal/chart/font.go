package chart

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/go-text/typesetting/font"
)

// The chart's only typeface: Vazirmatn 33.0.3 (SIL Open Font License 1.1,
// fonts/OFL.txt), from the npm package vazirmatn. It covers Arabic, Persian
// and Latin, so one face shapes every label.
var (
	//go:embed fonts/Vazirmatn-Regular.ttf
	regularTTF []byte
	//go:embed fonts/Vazirmatn-Bold.ttf
	boldTTF []byte
)

// fonts holds the parsed font files. A *font.Font is immutable and safe for
// concurrent use; each Render makes its own *font.Face over it, since a Face
// caches glyph lookups and is not.
type fonts struct {
	regular, bold *font.Font
}

// loadFonts parses the embedded fonts once per process; it is the package's
// only global state.
var loadFonts = sync.OnceValues(func() (fonts, error) {
	regular, err := parseFont("Vazirmatn-Regular", regularTTF)
	if err != nil {
		return fonts{}, err
	}
	bold, err := parseFont("Vazirmatn-Bold", boldTTF)
	if err != nil {
		return fonts{}, err
	}
	return fonts{regular: regular, bold: bold}, nil
})

func parseFont(name string, data []byte) (*font.Font, error) {
	face, err := font.ParseTTF(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("chart: parse font %s: %w", name, err)
	}
	return face.Font, nil
}
