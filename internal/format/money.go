package format

import (
	"fmt"
	"strings"

	"golang.org/x/text/number"
)

// currency describes how one currency is written.
type currency struct {
	digits int               // minor-unit digits: 2 for AED (fils), 0 for IRR
	names  map[string]string // unit name written after the amount, per language
	prefix string            // English symbol written before the amount, if any
}

var currencies = map[string]currency{
	"IRR": {0, map[string]string{English: "IRR", Persian: "ریال", Arabic: "ريال إيراني"}, ""},
	"IRT": {0, map[string]string{English: "toman", Persian: "تومان", Arabic: "تومان"}, ""},
	"AED": {2, map[string]string{English: "AED", Persian: "درهم", Arabic: "درهم"}, ""},
	"SAR": {2, map[string]string{English: "SAR", Persian: "ریال سعودی", Arabic: "ريال"}, ""},
	"USD": {2, map[string]string{English: "USD", Persian: "دلار", Arabic: "دولار"}, "$"},
	"EUR": {2, map[string]string{English: "EUR", Persian: "یورو", Arabic: "يورو"}, "€"},
}

// CurrencyDigits returns the number of minor-unit digits of an ISO 4217 code
// as this package treats it: 2 for AED, SAR and USD; 0 for IRR and for IRT
// (toman, the unofficial unit of ten rials that Iranians price in); 2 for
// unknown codes.
func CurrencyDigits(code string) int {
	if c, ok := currencies[strings.ToUpper(code)]; ok {
		return c.digits
	}
	return 2
}

// Money formats an amount given in minor units of currency code (fils for
// AED, halalas for SAR, cents for USD, whole rials for IRR, whole tomans for
// IRT). The fraction is shown only when it is not zero, as shop prices are:
//
//	Money("fa", 1250000, "IRT")  = "۱٬۲۵۰٬۰۰۰ تومان"
//	Money("ar", 123450, "AED")   = "١٬٢٣٤٫٥٠ درهم"
//	Money("en", 1999, "USD")     = "$19.99"
//	Money("en", 500000, "SAR")   = "5,000 SAR"
//
// Unknown codes are written after the amount as given, with two minor digits.
func Money(l string, minor int64, code string) string {
	l = norm(l)
	code = strings.ToUpper(code)
	c, ok := currencies[code]
	if !ok {
		c = currency{digits: 2, names: map[string]string{English: code, Persian: code, Arabic: code}}
	}
	amount := moneyAmount(l, minor, c.digits)
	if l == English && c.prefix != "" {
		if minor < 0 {
			return "-" + c.prefix + strings.TrimPrefix(amount, "-")
		}
		return c.prefix + amount
	}
	return amount + " " + c.names[l]
}

// moneyAmount formats minor/10^digits exactly (no float64), with fraction
// digits only when the fraction is not zero.
func moneyAmount(l string, minor int64, digits int) string {
	if digits == 0 {
		return Int(l, minor)
	}
	scale := uint64(1)
	for range digits {
		scale *= 10
	}
	abs := uint64(minor)
	if minor < 0 {
		abs = uint64(-(minor + 1)) + 1 // no overflow for math.MinInt64
	}
	whole, frac := abs/scale, abs%scale
	if frac == 0 {
		return Int(l, minor/int64(scale))
	}
	s := printer(l).Sprint(number.Decimal(whole)) + decimalSep(l) + Digits(l, fmt.Sprintf("%0*d", digits, frac))
	if minor < 0 {
		s = strings.TrimSuffix(Int(l, -1), Int(l, 1)) + s
	}
	return s
}

// decimalSep returns the decimal separator of l: "٫" (U+066B) in fa and ar.
func decimalSep(l string) string {
	if norm(l) == English {
		return "."
	}
	return "٫"
}
