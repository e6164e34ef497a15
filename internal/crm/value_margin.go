package crm

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxMargins bounds the product margins an organisation keeps.
const MaxMargins = 50

// ParseMargin reads a product margin as an admin types it: the product's
// name, then its margin in percent (0–100, any digits, an optional % or
// ٪): "A4 paper 25", "کاغذ ۲۵٪", "ورق ٣٠ %". It returns the name as typed
// (trimmed); the margin is kept under FoldKey(name). Anything else is
// EInvalid.
func ParseMargin(s string) (name string, pct int, err error) {
	bad := Errorf(EInvalid, "margin %q", s)
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, "%٪ ")
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if _, ok := digitValue(r); !ok {
			break
		}
		i -= size
	}
	digits, name := s[i:], strings.TrimSpace(s[:i])
	if r, _ := utf8.DecodeLastRuneInString(s[:i]); !unicode.IsSpace(r) {
		return "", 0, bad // the number must stand apart: "toner 2.5" is no margin
	}
	if digits == "" || name == "" || utf8.RuneCountInString(name) > MaxTagLen || utf8.RuneCountInString(digits) > 3 {
		return "", 0, bad
	}
	for _, r := range digits {
		d, _ := digitValue(r)
		pct = pct*10 + d
	}
	if pct > 100 {
		return "", 0, bad
	}
	return name, pct, nil
}
