package bot

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
	"github.com/telecrm/crmbot/internal/when"
)

var (
	numericDate = regexp.MustCompile(`^(\d{3,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})$`)
	numberRun   = regexp.MustCompile(`\d+`)
)

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
	var found []when.MonthWord
	rest := ""
	for _, mw := range when.MonthWords() {
		if i := wordIndex(s, mw.Word); i >= 0 {
			if len(found) > 0 && found[0].Word != mw.Word {
				break
			}
			found = append(found, mw)
			rest = s[:i] + " " + s[i+len(mw.Word):]
		}
	}
	if len(found) == 0 {
		return d, false
	}
	pick := found[0]
	for _, mw := range found {
		if mw.Calendar == userCal {
			pick = mw
		}
	}
	nums := numberRun.FindAllString(rest, -1)
	if len(nums) == 0 || len(nums) > 2 || strings.TrimSpace(numberRun.ReplaceAllString(rest, "")) != "" {
		return d, false
	}
	d.Calendar, d.Month = string(pick.Calendar), pick.Month
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
	if d.Day < 1 || d.Day > calendar.MaxDay(cal, d.Month) {
		return false
	}
	if d.Year != 0 {
		return calendar.Date{Year: d.Year, Month: d.Month, Day: d.Day}.Validate(cal) == nil
	}
	return true
}
