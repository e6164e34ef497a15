package i18n

import (
	"strings"
	"testing"

	"github.com/telecrm/crmbot/locales"
)

// avoided lists, per language, words docs/GLOSSARY.md replaced, with why.
var avoided = map[string][]struct{ word, why string }{
	English: {
		{"Suspect", "a suspect is a Lead"},
		{" client", "say customer"},
	},
	Persian: {
		{"دیدار", "a visit is «ملاقات»"},
		{"بی‌مسئول", "reads \"irresponsible\": «بدون مسئول»"},
		{"فروشنده", "a rep is «کارشناس فروش»"},
		{"پیوندی", "say «لینک»"},
		{"مشکوک", "reads \"suspicious\": «سرنخ»"},
		{"آن را در مرحله", "a customer is a person"},
	},
	Arabic: {
		{"\u064bا", "tanween goes on the alif: «اً»"},
		{"يُرجى", "write «يرجى»"},
		{"في غداً", "no preposition before «غداً»"},
		{"مشتبه", "a suspect is «عميل محتمل»"},
	},
}

func TestMessagesFollowGlossary(t *testing.T) {
	files := loadFiles(t, locales.FS)
	for lang, words := range avoided {
		for id, m := range files[lang] {
			for form, text := range forms(m) {
				for _, w := range words {
					if strings.Contains(text, w.word) {
						t.Errorf("%s (%s, %s) has %q (%s): %q", id, lang, form, w.word, w.why, text)
					}
				}
			}
		}
	}
}
