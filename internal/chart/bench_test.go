package chart

import "testing"

// BenchmarkRender20 draws twenty charts, the digests of twenty managers, one
// after the other (the font is parsed once, before the timer).
func BenchmarkRender20(b *testing.B) {
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	langs := []string{"en", "fa", "ar"}
	for b.Loop() {
		for i := range 20 {
			if _, err := Render(sample(langs[i%3])); err != nil {
				b.Fatal(err)
			}
		}
	}
}
