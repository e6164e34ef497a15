package calendar

import "time"

// monthNames[lang][cal] lists month names from month 1 to 12.
var monthNames = map[string]map[Calendar][12]string{
	"en": {
		Gregorian: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		Jalali:    {"Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"},
		Hijri:     {"Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Ula", "Jumada al-Akhirah", "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah", "Dhu al-Hijjah"},
	},
	"fa": {
		Gregorian: {"ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر"},
		Jalali:    {"فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"},
		Hijri:     {"محرم", "صفر", "ربیع‌الاول", "ربیع‌الثانی", "جمادی‌الاول", "جمادی‌الثانی", "رجب", "شعبان", "رمضان", "شوال", "ذی‌القعده", "ذی‌الحجه"},
	},
	"ar": {
		// The names used in the Gulf (not the Levantine كانون الثاني…).
		Gregorian: {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
		Jalali:    {"فروردين", "أرديبهشت", "خرداد", "تير", "مرداد", "شهريور", "مهر", "آبان", "آذر", "دي", "بهمن", "إسفند"},
		Hijri:     {"محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة"},
	},
}

// weekdayNames[lang] lists weekday names from Sunday (time.Sunday) to Saturday.
var weekdayNames = map[string][7]string{
	"en": {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	"fa": {"یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه"},
	"ar": {"الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"},
}

// lang returns lang when it is supported and "en" otherwise.
func lang(l string) string {
	if _, ok := weekdayNames[l]; ok {
		return l
	}
	return "en"
}

// MonthName returns the name of month m (1–12) of calendar cal in language l,
// e.g. MonthName("fa", Jalali, 9) = "آذر", MonthName("ar", Hijri, 6) =
// "جمادى الآخرة". It returns "" when m or cal is out of range.
func MonthName(l string, cal Calendar, m int) string {
	names, ok := monthNames[lang(l)][cal]
	if !ok || m < 1 || m > 12 {
		return ""
	}
	return names[m-1]
}

// MonthNames returns the twelve month names of cal in language l, month 1 first
// (nil for an unknown calendar). The slice is a fresh copy.
func MonthNames(l string, cal Calendar) []string {
	names, ok := monthNames[lang(l)][cal]
	if !ok {
		return nil
	}
	return append([]string(nil), names[:]...)
}

// WeekdayName returns the name of wd in language l, e.g. "شنبه" for
// time.Saturday in Persian.
func WeekdayName(l string, wd time.Weekday) string {
	if wd < time.Sunday || wd > time.Saturday {
		return ""
	}
	return weekdayNames[lang(l)][wd]
}
