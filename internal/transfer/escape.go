package transfer

import (
	"strings"
	"unicode"
)

// dangerous are the first characters that make a spreadsheet read a cell
// as a formula (OWASP's CSV injection list).
const dangerous = "=+-@\t\r"

// Escape makes cell safe to open in a spreadsheet: a cell that begins
// with =, +, -, @, a tab or a carriage return (or with an apostrophe before
// one of them) gets a leading apostrophe, so Excel, LibreOffice and Google
// Sheets show it as text. Phones ("+98…") are escaped too, which also
// keeps them text rather than numbers.
func Escape(cell string) string {
	if cell == "" {
		return cell
	}
	if strings.IndexByte(dangerous, cell[0]) >= 0 || (cell[0] == '\'' && len(cell) > 1 && strings.IndexByte(dangerous, cell[1]) >= 0) {
		return "'" + cell
	}
	return cell
}

// Unescape undoes Escape: an apostrophe before a formula character is
// dropped, so an exported file imports back as it was.
func Unescape(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && (strings.IndexByte(dangerous, cell[1]) >= 0 || cell[1] == '\'') {
		return cell[1:]
	}
	return cell
}

// IsFormula reports whether a spreadsheet would run cell (as it stands in
// the file) as a formula: it begins with =, or with @ and is not a
// Telegram username ("@rep_b", as owners are written), or with + or - and
// is not just a number or a phone ("+98 912 …", "-5").
func IsFormula(cell string) bool {
	if cell == "" {
		return false
	}
	switch cell[0] {
	case '@':
		return !username(cell[1:])
	case '=', '\t', '\r':
		return true
	case '+', '-':
		return !numberLike(cell)
	}
	return false
}

// numberLike reports whether s holds only digits (of any script) and the
// punctuation of numbers and phones.
func numberLike(s string) bool {
	digits := false
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits = true
		case strings.ContainsRune(" +-().,/", r), r == '\u00a0':
		default:
			return false
		}
	}
	return digits
}

// username reports whether s is a Telegram username: 5 to 32 letters,
// digits and underscores.
func username(s string) bool {
	if len(s) < 5 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
