// Package format renders numbers, money, dates, times and durations the way
// Persian, Arabic and English readers expect them.
//
// Every function takes the language first ("en", "fa" or "ar"; anything else is
// formatted as English) and returns text ready to put in a message:
//
//	format.Int("fa", 1234567)                              // "۱٬۲۳۴٬۵۶۷"
//	format.Money("ar", 123450, "AED")                      // "١٬٢٣٤٫٥ درهم"
//	format.Date("fa", calendar.Jalali, t)                  // "۱۰ آذر ۱۴۰۵"
//	format.Time("ar", t)                                   // "١٠:٣٠"
//	format.RelativeDay("en", calendar.Gregorian, t, now)   // "tomorrow"
//	format.Duration("fa", 5*time.Minute)                   // "۵ دقیقه"
//	format.LTR("+989121234567")                            // isolated left-to-right run
//
// Time zones: functions that take a time.Time read it in its own location.
// Callers convert first (t.In(userLoc)); this package never looks at
// time.Local or the clock.
//
// Digits: Persian text uses ۰–۹ (U+06F0…), Arabic text uses ٠–٩ (U+0660…),
// English uses 0–9. Grouping comes from golang.org/x/text/message with the
// explicit "fa" and "ar" tags (regional tags such as ar-SA fall back to Latin
// digits there): "٬" (U+066C) groups thousands and "٫" (U+066B) separates
// decimals in both Persian and Arabic.
package format

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Supported languages. Anything else is formatted as English.
const (
	English = "en"
	Persian = "fa"
	Arabic  = "ar"
)

// norm returns l when it is a supported language and English otherwise.
func norm(l string) string {
	switch l {
	case Persian, Arabic:
		return l
	}
	return English
}

// printer returns an x/text printer for the base language tag of l.
func printer(l string) *message.Printer {
	switch norm(l) {
	case Persian:
		return message.NewPrinter(language.Persian)
	case Arabic:
		return message.NewPrinter(language.Arabic)
	}
	return message.NewPrinter(language.English)
}

// zero returns the digit zero of language l.
func zero(l string) rune {
	switch norm(l) {
	case Persian:
		return '۰'
	case Arabic:
		return '٠'
	}
	return '0'
}

// Digits rewrites every decimal digit in s (Latin 0–9, Persian ۰–۹ or
// Arabic-Indic ٠–٩) into the digits of language l and leaves everything else
// untouched: Digits("fa", "10:30") = "۱۰:۳۰".
func Digits(l, s string) string {
	z := zero(l)
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return z + (r - '0')
		case r >= '۰' && r <= '۹':
			return z + (r - '۰')
		case r >= '٠' && r <= '٩':
			return z + (r - '٠')
		}
		return r
	}, s)
}

// Int formats n with the thousands grouping and digits of l:
// "1,234,567", "۱٬۲۳۴٬۵۶۷", "١٬٢٣٤٬٥٦٧". Negative numbers carry the locale's
// minus sign, with a bidi mark in fa and ar so it stays on the left of the digits.
func Int(l string, n int64) string {
	return printer(l).Sprint(number.Decimal(n))
}

// Float formats f with grouping and at most maxFrac fraction digits (trailing
// zeros dropped): Float("fa", 1234.5, 2) = "۱٬۲۳۴٫۵".
func Float(l string, f float64, maxFrac int) string {
	return printer(l).Sprint(number.Decimal(f, number.MaxFractionDigits(max(maxFrac, 0))))
}

// Fixed formats f with exactly frac fraction digits: Fixed("ar", 12, 2) = "١٢٫٠٠".
func Fixed(l string, f float64, frac int) string {
	frac = max(frac, 0)
	return printer(l).Sprint(number.Decimal(f, number.MinFractionDigits(frac), number.MaxFractionDigits(frac)))
}

// LTR wraps s in a left-to-right isolate (U+2066 … U+2069) so that Latin
// content such as a phone number, an e-mail address or a code keeps its order
// inside right-to-left text. Empty s stays empty.
func LTR(s string) string {
	if s == "" {
		return ""
	}
	return "\u2066" + s + "\u2069"
}
