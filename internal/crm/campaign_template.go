package crm

import (
	"strings"
	"unicode/utf8"
)

// MaxTemplateLen is the longest campaign text, in characters: room for the
// longest name in every placeholder within Telegram's 4096.
const MaxTemplateLen = 3000

// Placeholders a campaign text may use, each replaced per customer.
const (
	PlaceName    = "{name}"    // the customer's name
	PlaceRep     = "{rep}"     // their rep's name (the organisation's when they have none)
	PlaceCompany = "{company}" // their company ("" when unknown)
	PlaceOrg     = "{org}"     // the organisation's name
)

// Template is a campaign's text per language ("en", "fa", "ar"); a
// language without one reads the campaign's default language's.
type Template map[string]string

// For is the text a reader of lang gets, and the language it is in: lang's
// own text, else def's.
func (t Template) For(lang, def string) (text, in string) {
	if s := t[lang]; s != "" {
		return s, lang
	}
	return t[def], def
}

// Validate checks that def has a text and every text is short enough and
// names only known placeholders.
func (t Template) Validate(def string) error {
	if strings.TrimSpace(t[def]) == "" {
		return Errorf(EInvalid, "no text in the default language %q", def)
	}
	for lang, s := range t {
		if err := ValidateTemplateText(s); err != nil {
			return Errorf(EInvalid, "%s: %v", lang, err)
		}
	}
	return nil
}

// ValidateTemplateText checks one language's text: 1 to MaxTemplateLen
// characters, and every {word} one of the placeholders.
func ValidateTemplateText(s string) error {
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	if n == 0 || n > MaxTemplateLen {
		return Errorf(EInvalid, "text of %d characters", n)
	}
	if p := UnknownPlaceholder(s); p != "" {
		return Errorf(EInvalid, "unknown placeholder %s", p)
	}
	return nil
}

// UnknownPlaceholder is the first {word} of s that is not a placeholder
// ("" when there is none): a typo such as {nmae} is refused rather than
// sent to a customer.
func UnknownPlaceholder(s string) string {
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return ""
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return ""
		}
		p := s[i : i+j+1]
		switch p {
		case PlaceName, PlaceRep, PlaceCompany, PlaceOrg:
		default:
			if !strings.ContainsAny(p[1:len(p)-1], " \n{") {
				return p
			}
		}
		s = s[i+j+1:]
	}
}

// TemplateValues are what a campaign text's placeholders become for one
// customer.
type TemplateValues struct {
	Name, Rep, Company, Org string
}

// Render replaces the placeholders of text with v (plain text; the
// sender escapes it for its markup). A customer without a rep reads the
// organisation's name for {rep}.
func Render(text string, v TemplateValues) string {
	if v.Rep == "" {
		v.Rep = v.Org
	}
	return strings.NewReplacer(PlaceName, v.Name, PlaceRep, v.Rep, PlaceCompany, v.Company, PlaceOrg, v.Org).Replace(text)
}
