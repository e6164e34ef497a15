package format

import (
	"fmt"
	"strconv"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
)

// Date formats the civil date of t (read in t's location) in calendar cal as
// "day month year": "۱۰ آذر ۱۴۰۵" (fa, Jalali), "٢١ جمادى الآخرة ١٤٤٨" (ar,
// Hijri), "1 Dec 2026" (en, Gregorian; English Gregorian months are
// abbreviated, other calendars' months are spelled out: "10 Azar 1405").
// An invalid calendar, or a date outside the Hijri tables, falls back to
// Gregorian.
func Date(l string, cal calendar.Calendar, t time.Time) string {
	l = norm(l)
	d := calendar.FromTime(cal, t)
	if d.IsZero() {
		cal = calendar.Gregorian
		d = calendar.FromTime(cal, t)
	}
	month := calendar.MonthName(l, cal, d.Month)
	if l == English && cal == calendar.Gregorian {
		month = month[:3]
	}
	return Digits(l, strconv.Itoa(d.Day)) + " " + month + " " + Digits(l, strconv.Itoa(d.Year))
}

// Time formats the clock time of t (in t's location) on the 24-hour clock:
// "10:30", "۱۰:۳۰", "١٠:٣٠".
func Time(l string, t time.Time) string {
	return Digits(l, t.Format("15:04"))
}

// DateTime formats t as its date and time: "۱۰ آذر ۱۴۰۵، ساعت ۱۰:۳۰",
// "٢١ جمادى الآخرة ١٤٤٨، الساعة ١٠:٣٠", "1 Dec 2026, 10:30".
func DateTime(l string, cal calendar.Calendar, t time.Time) string {
	d, c := Date(l, cal, t), Time(l, t)
	switch norm(l) {
	case Persian:
		return d + "، ساعت " + c
	case Arabic:
		return d + "، الساعة " + c
	}
	return d + ", " + c
}

// Weekday returns the weekday name of t (in t's location): "شنبه", "السبت", "Saturday".
func Weekday(l string, t time.Time) string {
	return calendar.WeekdayName(norm(l), t.Weekday())
}

// relativeWords[lang] names the days from yesterday (index 0) to the day after
// tomorrow (index 3).
var relativeWords = map[string][4]string{
	English: {"yesterday", "today", "tomorrow", ""},
	Persian: {"دیروز", "امروز", "فردا", "پس‌فردا"},
	Arabic:  {"أمس", "اليوم", "غداً", "بعد غد"},
}

// RelativeDay names the day of t relative to now, both read in t's location:
// yesterday, today, tomorrow, the day after tomorrow (fa "پس‌فردا", ar
// "بعد غد"; English has no single word and uses the weekday), the weekday name
// for the rest of the coming week (2–6 days ahead), and Date(l, cal, t)
// otherwise.
func RelativeDay(l string, cal calendar.Calendar, t, now time.Time) string {
	l = norm(l)
	days := DaysBetween(now.In(t.Location()), t)
	if days >= -1 && days <= 2 {
		if w := relativeWords[l][days+1]; w != "" {
			return w
		}
	}
	if days >= 2 && days <= 6 {
		return Weekday(l, t)
	}
	return Date(l, cal, t)
}

// DaysBetween returns the number of calendar days from the date of a to the
// date of b, each read in its own location (1 when b is a's tomorrow).
func DaysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Round(24*time.Hour) / (24 * time.Hour))
}

// unitNames[lang][unit] holds the forms of minute (0), hour (1) and day (2).
// English: one, other. Persian: the singular (nouns after numerals stay
// singular). Arabic: one (with واحدة/واحد), two (dual), few (3–10, plural),
// many (11–99, accusative singular) and the bare singular for 100, 101, ….
var unitNames = map[string][3][5]string{
	English: {{"minute", "minutes"}, {"hour", "hours"}, {"day", "days"}},
	Persian: {{"دقیقه"}, {"ساعت"}, {"روز"}},
	Arabic: {
		{"دقيقة واحدة", "دقيقتان", "دقائق", "دقيقة", "دقيقة"},
		{"ساعة واحدة", "ساعتان", "ساعات", "ساعة", "ساعة"},
		{"يوم واحد", "يومان", "أيام", "يوماً", "يوم"},
	},
}

// quantity writes n units of unit in language l.
func quantity(l string, n int64, unit int) string {
	forms := unitNames[l][unit]
	switch l {
	case Persian:
		return Int(l, n) + " " + forms[0]
	case Arabic:
		switch r := n % 100; {
		case n == 1:
			return forms[0]
		case n == 2:
			return forms[1]
		case r >= 3 && r <= 10:
			return Int(l, n) + " " + forms[2]
		case r >= 11 && r <= 99:
			return Int(l, n) + " " + forms[3]
		}
		return Int(l, n) + " " + forms[4]
	}
	if n == 1 {
		return "1 " + forms[0]
	}
	return Int(l, n) + " " + forms[1]
}

// Duration writes d rounded to the minute with at most its two largest units:
// "5 minutes", "۲ ساعت و ۱۵ دقیقه", "ساعتان و١٥ دقيقة", "3 days 4 hours".
// Durations under a minute read "less than a minute"; negative durations are
// written as their absolute value.
func Duration(l string, d time.Duration) string {
	l = norm(l)
	if d < 0 {
		d = -d
	}
	m := int64(d.Round(time.Minute) / time.Minute)
	if m == 0 {
		return map[string]string{English: "less than a minute", Persian: "کمتر از یک دقیقه", Arabic: "أقل من دقيقة"}[l]
	}
	days, hours, mins := m/(24*60), m/60%24, m%60
	var parts []string
	for _, p := range []struct {
		n    int64
		unit int
	}{{days, 2}, {hours, 1}, {mins, 0}} {
		if p.n > 0 && len(parts) < 2 {
			parts = append(parts, quantity(l, p.n, p.unit))
		} else if len(parts) > 0 {
			break
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	switch l {
	case Persian:
		return fmt.Sprintf("%s و %s", parts[0], parts[1])
	case Arabic:
		return fmt.Sprintf("%s و%s", parts[0], parts[1])
	}
	return parts[0] + " " + parts[1]
}
