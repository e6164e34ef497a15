package textnorm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ErrInvalidPhone is returned (wrapped) by Phone for input that is not a
// valid phone number.
var ErrInvalidPhone = errors.New("textnorm: invalid phone number")

// maxPhoneInput bounds the input Phone will look at; no real number with
// spacing and punctuation is longer.
const maxPhoneInput = 64

// Phone returns s as an E.164 number ("+989123456789"). It accepts digits in
// any script, spaces, dashes, dots, parentheses, a leading "+" or "00"
// international prefix, and invisible bidi marks. Numbers without a country
// code are read in defaultRegion (ISO 3166 "IR", "AE", "SA"; "" requires a
// country code). The number must be valid for its region according to
// libphonenumber's metadata (github.com/nyaruka/phonenumbers), not merely
// the right length. Errors wrap ErrInvalidPhone.
func Phone(s, defaultRegion string) (string, error) {
	if len(s) > maxPhoneInput {
		return "", fmt.Errorf("%w: too long", ErrInvalidPhone)
	}
	clean, ok := phoneChars(s)
	if !ok {
		return "", fmt.Errorf("%w: %q has characters other than digits and separators", ErrInvalidPhone, s)
	}
	if n := len(strings.TrimPrefix(clean, "+")); n < 7 || n > 17 {
		return "", fmt.Errorf("%w: %d digits", ErrInvalidPhone, n)
	}
	num, err := phonenumbers.Parse(clean, strings.ToUpper(defaultRegion))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidPhone, err)
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", fmt.Errorf("%w: %q is not a valid number", ErrInvalidPhone, s)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// phoneChars reduces s to an optional leading "+" and ASCII digits ("00"
// becomes "+"). It reports false when s holds anything but digits, white
// space, invisible marks, "-", ".", "(", ")" and one leading "+".
func phoneChars(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		if d, ok := asciiDigit(r); ok {
			b.WriteRune(d)
			continue
		}
		switch r {
		case '+', '＋':
			if b.Len() > 0 {
				return "", false
			}
			b.WriteByte('+')
		case ' ', '\t', '\u00A0', '\u202F', '-', '‐', '–', '.', '(', ')',
			'\u200E', '\u200F', '\u061C', '\u2066', '\u2067', '\u2068', '\u2069', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E':
		default:
			return "", false
		}
	}
	out := b.String()
	if strings.HasPrefix(out, "00") {
		out = "+" + out[2:]
	}
	return out, out != "" && out != "+"
}

// PhoneDigits returns the digits of s as ASCII, without a leading "+" or
// "00" international prefix, when s holds nothing but digits in any script
// and the separators Phone accepts (white space, "-", ".", "(", ")",
// invisible marks, one leading "+"). ok is false for anything else, and
// for s without digits. It does not validate: a search uses it to tell a
// typed (partial) number from a name.
func PhoneDigits(s string) (digits string, ok bool) {
	clean, ok := phoneChars(s)
	if !ok {
		return "", false
	}
	return strings.TrimPrefix(clean, "+"), true
}

// LooksLikePhone reports whether the whole of s is shaped like a phone
// number, as a cheap test for "the user typed a phone number" (to open that
// customer's card). It does not validate; use Phone for that. It accepts
// digits in any script separated only by the separators Phone accepts
// (spaces, dashes, dots and parentheses: "0912.123.4567" is written as
// often as "0912 123 4567"): 8–15 digits after a "+" or "00" prefix or a
// trunk "0" ("0912 345 6789"), or 9–15 digits otherwise, so dates such as
// "1405-09-10" and "2026.12.01" do not look like phones.
func LooksLikePhone(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) > maxPhoneInput {
		return false
	}
	clean, ok := phoneChars(s)
	if !ok {
		return false
	}
	digits := strings.TrimPrefix(clean, "+")
	n := len(digits)
	if clean[0] == '+' || digits[0] == '0' {
		return n >= 8 && n <= 15
	}
	return n >= 9 && n <= 15
}
