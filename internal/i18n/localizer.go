package i18n

import (
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/telecrm/crmbot/internal/format"
)

// Localizer renders messages in one language. Get one from Bundle.For; it is
// safe for concurrent use.
type Localizer struct {
	lang     string
	loc      *goi18n.Localizer
	fallback *goi18n.Localizer // English
}

// Lang returns the Localizer's language: "en", "fa" or "ar".
func (l *Localizer) Lang() string { return l.lang }

// T renders message id with data (nil is fine). Numbers in data are shown in
// the Localizer's digits and, in fa and ar, string values are isolated (see
// bidi.go); see the package doc for the fallback rules.
func (l *Localizer) T(id string, data map[string]any) string {
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: l.formatData(data)})
}

// N renders the plural message id for count: the plural form is chosen by the
// rules of the Localizer's language and .Count is set to count, formatted.
func (l *Localizer) N(id string, count int, data map[string]any) string {
	d := l.formatData(data)
	d["Count"] = format.Int(l.lang, int64(count))
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: count})
}

// localize tries the Localizer's language, then English, then returns the ID.
// go-i18n itself falls back to English for a missing message and to the
// "other" form for a missing plural form, returning text with an error; any
// text it returns is used. Every result passes through finish: right-to-left
// text gets its isolates, English text (also English fallback text in a fa
// or ar Localizer) only loses the value marks.
func (l *Localizer) localize(cfg *goi18n.LocalizeConfig) string {
	for _, loc := range []*goi18n.Localizer{l.loc, l.fallback} {
		if msg, tag, _ := loc.LocalizeWithTag(cfg); msg != "" {
			return finish(msg, rtl(l.lang) && tag != language.English)
		}
	}
	return cfg.MessageID
}

// formatData returns a copy of data with numbers rendered in l's digits and,
// in right-to-left languages, string values marked for isolation.
func (l *Localizer) formatData(data map[string]any) map[string]any {
	out := make(map[string]any, len(data)+1)
	for k, v := range data {
		f, number := formatValue(l.lang, v)
		if rtl(l.lang) && !number {
			f = markValue(f)
		}
		out[k] = f
	}
	return out
}

// formatValue renders integer and float values with internal/format and
// returns every other value unchanged; number reports which it was.
func formatValue(lang string, v any) (f any, number bool) {
	switch n := v.(type) {
	case int:
		return format.Int(lang, int64(n)), true
	case int8:
		return format.Int(lang, int64(n)), true
	case int16:
		return format.Int(lang, int64(n)), true
	case int32:
		return format.Int(lang, int64(n)), true
	case int64:
		return format.Int(lang, n), true
	case uint:
		return format.Int(lang, int64(n)), true
	case uint8:
		return format.Int(lang, int64(n)), true
	case uint16:
		return format.Int(lang, int64(n)), true
	case uint32:
		return format.Int(lang, int64(n)), true
	case uint64:
		if n > 1<<63-1 {
			return format.Digits(lang, uintString(n)), true
		}
		return format.Int(lang, int64(n)), true
	case float32:
		return format.Float(lang, float64(n), 2), true
	case float64:
		return format.Float(lang, n, 2), true
	}
	return v, false
}

// uintString formats n in decimal without grouping (only for huge uint64).
func uintString(n uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
