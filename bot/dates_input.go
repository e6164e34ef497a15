package bot

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// maxDayOf is the longest month m of cal can be in any year (30 Esfand and
// 29 February count: they exist in leap years).
func maxDayOf(cal calendar.Calendar, m int) int {
	switch {
	case m < 1 || m > 12:
		return 0
	case cal == calendar.Gregorian:
		return calendar.DaysInMonth(cal, 2000, m)
	case cal == calendar.Jalali && m <= 6:
		return 31
	case cal == calendar.Jalali || cal == calendar.Hijri:
		return 30
	}
	return 0
}

var (
	numericDate = regexp.MustCompile(`^(\d{3,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})$`)
	numberRun   = regexp.MustCompile(`\d+`)
)

// monthWord is a month name as people type it, folded.
type monthWord struct {
	word  string
	cal   calendar.Calendar
	month int
}

// monthWords lists every month name of every calendar in every language,
// folded, longest first, plus English abbreviations ("feb", "sept").
func monthWords() []monthWord {
	var out []monthWord
	seen := map[string]bool{}
	add := func(w string, cal calendar.Calendar, m int) {
		w = textnorm.Fold(w)
		key := w + "|" + string(cal)
		if w == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, monthWord{w, cal, m})
	}
	for _, cal := range []calendar.Calendar{calendar.Jalali, calendar.Gregorian, calendar.Hijri} {
		for _, lang := range i18n.Supported() {
			for i, name := range calendar.MonthNames(lang, cal) {
				add(name, cal, i+1)
				if lang == "en" && len(name) > 3 {
					add(name[:3], cal, i+1)
					if name == "September" {
						add("sept", cal, i+1)
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].word) > len(out[j].word) })
	return out
}

// parseYearlyDate reads an important date typed in any calendar, language
// and digits: "۳۰ اسفند", "1370/12/30", "29 Feb", "١٥ رمضان ١٤٢٠". A
// numeric date needs its year first; years 1900 and later are Gregorian,
// 1300–1499 Jalali, or Hijri when the user's calendar is Hijri or they
// write Arabic with the Gregorian calendar. A month name picks its
// calendar, the user's calendar first when several have it. A day the
// month never has (31 Mehr) or a year that lacks it (30 Esfand 1404) is
// refused.
func parseYearlyDate(text string, userCal calendar.Calendar, lang string) (crm.ImportantDate, bool) {
	s := textnorm.Fold(text)
	var d crm.ImportantDate
	if m := numericDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		d.Month, _ = strconv.Atoi(m[2])
		d.Day, _ = strconv.Atoi(m[3])
		d.Year = y
		switch {
		case y >= 1900 && y < 2200:
			d.Calendar = string(calendar.Gregorian)
		case y >= 1300 && y < 1500 && (userCal == calendar.Hijri || (lang == "ar" && userCal == calendar.Gregorian)):
			d.Calendar = string(calendar.Hijri)
		case y >= 1300 && y < 1500:
			d.Calendar = string(calendar.Jalali)
		default:
			return d, false
		}
		return d, validYearly(d)
	}
	var found []monthWord
	rest := ""
	for _, mw := range monthWords() {
		if i := wordIndex(s, mw.word); i >= 0 {
			if len(found) > 0 && found[0].word != mw.word {
				break
			}
			found = append(found, mw)
			rest = s[:i] + " " + s[i+len(mw.word):]
		}
	}
	if len(found) == 0 {
		return d, false
	}
	pick := found[0]
	for _, mw := range found {
		if mw.cal == userCal {
			pick = mw
		}
	}
	nums := numberRun.FindAllString(rest, -1)
	if len(nums) == 0 || len(nums) > 2 || strings.TrimSpace(numberRun.ReplaceAllString(rest, "")) != "" {
		return d, false
	}
	d.Calendar, d.Month = string(pick.cal), pick.month
	for _, n := range nums {
		v, _ := strconv.Atoi(n)
		switch {
		case v >= 1 && v <= 31 && d.Day == 0 && len(n) <= 2:
			d.Day = v
		case v >= 100 && d.Year == 0:
			d.Year = v
		default:
			return d, false
		}
	}
	return d, d.Day != 0 && validYearly(d)
}

// wordIndex finds w in s as whole words; -1 if absent.
func wordIndex(s, w string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], w)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(w)
		if (i == 0 || s[i-1] == ' ') && (end == len(s) || s[end] == ' ' || (s[end] >= '0' && s[end] <= '9')) {
			return i
		}
		from = i + 1
	}
}

func validYearly(d crm.ImportantDate) bool {
	cal := calendar.Calendar(d.Calendar)
	if d.Day < 1 || d.Day > maxDayOf(cal, d.Month) {
		return false
	}
	if d.Year != 0 {
		return calendar.Date{Year: d.Year, Month: d.Month, Day: d.Day}.Validate(cal) == nil
	}
	return true
}
