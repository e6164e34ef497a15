// Package textnorm normalises text for search and matching, and phone
// numbers for storage.
//
//	textnorm.Fold("علي   كريمي")            == textnorm.Fold("علی کریمی")  // "علی کریمی"
//	textnorm.Compact("احمدی پور")          == textnorm.Compact("احمدی‌پور") // "احمدیپور"
//	textnorm.Digits("۰۹۱۲-۳۴۵")           // "0912345"
//	textnorm.Phone("۰۹۱۲ ۳۴۵ ۶۷۸۹", "IR")  // "+989123456789", nil
//	textnorm.LooksLikePhone("+98 912 345 6789") // true
//
// Fold is for comparing, never for display: store what the user typed and
// a folded copy next to it for search. Its rules, applied after NFKC:
//
//   - Arabic letter forms become Persian: ي and ى → ی, ك → ک, ئ → ی.
//   - Alef variants become bare alef: أ إ آ ٱ → ا (Persian آ too, since
//     people type آ and ا interchangeably when searching).
//   - Heh variants become ه: ۀ, ة, ھ, ە → ه. ة is folded because Persian
//     keyboards have no ة and Persian speakers type ه for it; Arabic searches
//     lose nothing because both spellings then match. Persian words that
//     spell an Arabic ة as ت (شرکت for شركة) still do not match.
//   - ؤ → و.
//   - Persian (۰–۹) and Arabic-Indic (٠–٩) digits become ASCII 0–9.
//   - Arabic diacritics (harakat U+064B–U+065F, superscript alef U+0670) and
//     tatweel (U+0640) are removed.
//   - ZWNJ (U+200C) is removed, joining the two halves ("می‌روم" → "میروم"),
//     because phone keyboards often lack it and people type the word joined;
//     other invisible format characters (ZWJ, LRM, RLM, bidi embeddings and
//     isolates, BOM, soft hyphen) are removed too.
//   - Every run of white space becomes one ASCII space; leading and trailing
//     space is trimmed.
//   - Letters are lower-cased (this matters for Latin text).
//
// Fold is idempotent: Fold(Fold(s)) == Fold(s).
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldRune returns the folded form of r, or -1 to drop it.
func foldRune(r rune) rune {
	switch r {
	case 'ي', 'ى', 'ئ', 'ې', 'ۍ':
		return 'ی'
	case 'ك', 'ڪ':
		return 'ک'
	case 'أ', 'إ', 'آ', 'ٱ', 'ٲ', 'ٳ':
		return 'ا'
	case 'ۀ', 'ة', 'ھ', 'ە', 'ۂ', 'ۃ':
		return 'ه'
	case 'ؤ':
		return 'و'
	case '\u0640', // tatweel
		'\u0670',                     // superscript alef
		'\u00AD',                     // soft hyphen
		'\u200B', '\u200C', '\u200D', // zero-width space, ZWNJ, ZWJ
		'\u200E', '\u200F', // LRM, RLM
		'\u061C', // Arabic letter mark
		'\u202A', '\u202B', '\u202C', '\u202D', '\u202E',
		'\u2066', '\u2067', '\u2068', '\u2069',
		'\uFEFF':
		return -1
	}
	switch {
	case r >= '\u064B' && r <= '\u065F': // harakat, shadda, sukun, hamza marks
		return -1
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	case unicode.IsSpace(r):
		return ' '
	}
	return unicode.ToLower(r)
}

// Fold returns s normalised for search and matching; see the package doc
// for the rules. Invalid UTF-8 bytes are dropped.
func Fold(s string) string {
	// Fold again until stable: removing a mark or lower-casing can expose a
	// sequence that NFKC composes differently (rare, but fuzzing finds it).
	out := foldOnce(s)
	for range 3 {
		next := foldOnce(out)
		if next == out {
			break
		}
		out = next
	}
	return out
}

// foldOnce applies NFKC, the rune mapping and white-space collapsing once.
func foldOnce(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		f := foldRune(r)
		switch {
		case f < 0:
			continue
		case f == ' ':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(f)
	}
	return norm.NFKC.String(b.String())
}

// Compact returns Fold(s) without its spaces, for matching names however
// their parts are spaced: Persian writes «احمدی‌پور» with a ZWNJ, as
// «احمدیپور» or as «احمدی پور», Arabic «عبد الله» or «عبدالله», and all of
// them compact to one string. Fold already removes ZWNJ and turns every
// run of white space into one ASCII space, so removing that space is
// enough; the database derives customers.name_compact from name_norm the
// same way (migrations/005_search.sql).
func Compact(s string) string {
	return strings.ReplaceAll(Fold(s), " ", "")
}

// asciiDigit returns the ASCII digit for r in Latin, Persian, Arabic-Indic or
// full-width form, and false for anything else.
func asciiDigit(r rune) (rune, bool) {
	switch {
	case r >= '0' && r <= '9':
		return r, true
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰'), true
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠'), true
	case r >= '０' && r <= '９':
		return '0' + (r - '０'), true
	}
	return 0, false
}

// Digits returns only the digits of s, as ASCII: Digits("۰۹۱۲-٣٤٥") = "0912345".
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if d, ok := asciiDigit(r); ok {
			b.WriteRune(d)
		}
	}
	return b.String()
}
