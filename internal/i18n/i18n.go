// Package i18n translates the bot's messages into English, Persian and
// Arabic. It loads the go-i18n TOML files embedded in package locales and
// adds what go-i18n lacks: numbers in the reader's own digits, a fallback
// that never fails, and Telegram language matching.
//
//	b, err := i18n.New("fa")                     // once, at start-up
//	l := b.For(b.Match(user.LanguageCode))       // per update: "fa-IR" -> "fa"
//	l.T("error.not_found", nil)                  // "موردی پیدا نشد؛ …"
//	l.N("common.customers_count", 12, nil)       // "۱۲ مشتری"
//	l.T("card.title", map[string]any{"Name": name, "Total": 3})
//
// Template data: integer and floating-point values are formatted with
// internal/format before the template runs (grouped, in ۰–۹ for fa and ٠–٩
// for ar), so templates write {{.Total}}, never a format call. Strings keep
// their text; callers format dates, money and durations themselves with
// internal/format and pass the resulting strings. N selects the plural form
// from count and also sets .Count to the formatted count.
//
// Right-to-left text: in fa and ar every string value is put in a Unicode
// isolate (FSI … PDI) and a line that would still start left to right gets an
// RLM, so "• Priya Nair: ۹ باز" reads right to left with the name intact
// (bidi.go has the rules, per line). Templates need nothing for it; a line
// built outside the message files uses Isolate. English is never touched.
//
// Missing messages never panic and never log: a message missing in the
// requested language falls back to English, and a message missing everywhere
// renders as its ID, which tests and reviewers notice.
package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/telecrm/crmbot/locales"
)

// The supported languages.
const (
	English = "en"
	Persian = "fa"
	Arabic  = "ar"
)

// Supported returns the supported language codes: en, fa, ar.
func Supported() []string { return []string{English, Persian, Arabic} }

// isSupported reports whether lang is one of Supported().
func isSupported(lang string) bool {
	return lang == English || lang == Persian || lang == Arabic
}

// Bundle holds the parsed messages of every language. It is safe for
// concurrent use once New has returned.
type Bundle struct {
	bundle      *goi18n.Bundle
	defaultLang string
	localizers  map[string]*Localizer
}

// New loads every message file from locales.FS. defaultLang (one of
// Supported) is what Match returns for languages the bot does not speak.
func New(defaultLang string) (*Bundle, error) {
	return NewFromFS(locales.FS, defaultLang)
}

// NewFromFS is New over another file system holding message files at its
// root, each named <part>.<lang>.toml (active.fa.toml, surveys.fa.toml): a
// feature may keep its messages in a file of its own. A message ID defined
// in two files of one language is refused, so one cannot silently replace
// the other. Tests use it to load deliberately broken files.
func NewFromFS(fsys fs.FS, defaultLang string) (*Bundle, error) {
	if !isSupported(defaultLang) {
		return nil, fmt.Errorf("i18n: unsupported default language %q", defaultLang)
	}
	// go-i18n's own fallback language is always English.
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := MessageFiles(fsys)
	if err != nil {
		return nil, err
	}
	seen := map[string]string{} // lang + ID -> file
	for _, f := range files {
		lang := FileLang(f)
		if !isSupported(lang) {
			return nil, fmt.Errorf("i18n: message file %s is for unsupported language %q", f, lang)
		}
		mf, err := b.LoadMessageFileFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("i18n: load %s: %w", f, err)
		}
		for _, m := range mf.Messages {
			if prev, dup := seen[lang+" "+m.ID]; dup {
				return nil, fmt.Errorf("i18n: message %s is defined in both %s and %s", m.ID, prev, f)
			}
			seen[lang+" "+m.ID] = f
		}
	}
	bundle := &Bundle{bundle: b, defaultLang: defaultLang, localizers: map[string]*Localizer{}}
	for _, lang := range Supported() {
		bundle.localizers[lang] = &Localizer{
			lang:     lang,
			loc:      goi18n.NewLocalizer(b, lang),
			fallback: goi18n.NewLocalizer(b, English),
		}
	}
	return bundle, nil
}

// MessageFiles lists the message files at the root of fsys (*.toml),
// sorted; it fails when there is none.
func MessageFiles(fsys fs.FS) ([]string, error) {
	files, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, fmt.Errorf("i18n: list message files: %w", err)
	}
	if len(files) == 0 {
		return nil, errors.New("i18n: no message files")
	}
	return files, nil
}

// FileLang is the language of a message file: "fa" for surveys.fa.toml.
func FileLang(name string) string {
	base := strings.TrimSuffix(path.Base(name), ".toml")
	return base[strings.LastIndex(base, ".")+1:]
}

// Default returns the language given to New.
func (b *Bundle) Default() string { return b.defaultLang }

// For returns the Localizer of lang, which should come from Match; an
// unsupported lang gets the default language's Localizer.
func (b *Bundle) For(lang string) *Localizer {
	if l, ok := b.localizers[lang]; ok {
		return l
	}
	return b.localizers[b.defaultLang]
}

// Match maps a Telegram language_code (an IETF tag such as "fa", "fa-IR",
// "ar-AE", "en-US"; possibly empty) to one of Supported(), comparing base
// languages only. Anything else, including "", gets the default language.
func (b *Bundle) Match(code string) string {
	code = strings.TrimSpace(strings.ReplaceAll(code, "_", "-"))
	if code == "" {
		return b.defaultLang
	}
	tag, err := language.Parse(code)
	if err != nil {
		return b.defaultLang
	}
	base, _ := tag.Base()
	switch lang := base.String(); {
	case isSupported(lang):
		return lang
	case lang == "prs" || lang == "pes": // Dari and Iranian Persian tags
		return Persian
	}
	return b.defaultLang
}
