package calendar

import (
	"strings"
	"time"
)

// The Umm al-Qura month table (hijri_table.go) is data taken from ICU's
// islamic-umalqura calendar; regenerate it with Node.js:
//go:generate node gen_hijri.js

// hijriMonths is the number of months in the table.
const hijriMonths = 12 * (MaxHijriYear - MinHijriYear + 1)

// The table must hold exactly one entry per month of MinHijriYear–MaxHijriYear.
var _ = [1]struct{}{}[len(hijriMonthLengths)-hijriMonths]

// hijriMonthIndex returns the position of month m of Hijri year y in the
// table, or false when the month is outside it.
func hijriMonthIndex(y, m int) (int, bool) {
	if y < MinHijriYear || y > MaxHijriYear || m < 1 || m > 12 {
		return 0, false
	}
	return (y-MinHijriYear)*12 + m - 1, true
}

// hijriMonthLength returns the number of days of table month i.
func hijriMonthLength(i int) int {
	return 29 + int(hijriMonthLengths[i]-'0')
}

// hijriMonthStart returns the number of days from 1 Muharram 1356 to the
// first day of table month i; i may be hijriMonths (1 Muharram 1501).
func hijriMonthStart(i int) int {
	return 29*i + strings.Count(hijriMonthLengths[:i], "1")
}

// hijriFromUnixDay returns the Umm al-Qura date of day n (days since
// 1970-01-01), or false when n lies outside the table.
func hijriFromUnixDay(n int) (Date, bool) {
	off := n - hijriEpochDay
	if off < 0 || off >= hijriMonthStart(hijriMonths) {
		return Date{}, false
	}
	// Months average 29.53 days, so this guess is at most one month off.
	i := min(off*1000/29531, hijriMonths-1)
	for hijriMonthStart(i) > off {
		i--
	}
	for hijriMonthStart(i+1) <= off {
		i++
	}
	return Date{MinHijriYear + i/12, i%12 + 1, off - hijriMonthStart(i) + 1}, true
}

// hijriUnixDay returns the day (days since 1970-01-01) of the valid Umm
// al-Qura date d.
func hijriUnixDay(d Date) int {
	i, _ := hijriMonthIndex(d.Year, d.Month)
	return hijriEpochDay + hijriMonthStart(i) + d.Day - 1
}

// unixDay returns the Gregorian date y-m-d counted in days since 1970-01-01.
func unixDay(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// gregorianOfUnixDay returns the Gregorian date of day n since 1970-01-01.
func gregorianOfUnixDay(n int) Date {
	y, m, d := time.Unix(int64(n)*86400, 0).UTC().Date()
	return Date{y, int(m), d}
}
