package when

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// kind classifies a recognised word or phrase.
type kind int

const (
	kDayOffset    kind = iota + 1 // yesterday (-1), today (0), tomorrow (1), …
	kWeekday                      // val is a time.Weekday
	kNextQual                     // "next", "بعد", "آینده", "القادم": allowed next to a weekday
	kNextWeek                     // "next week", "هفته بعد", "الأسبوع القادم"
	kNextMonth                    // "next month", "ماه بعد", "الشهر القادم"
	kUnit                         // val is a unit; count is 1 (singular) or 2 (Arabic dual)
	kNumber                       // a number word; val is its value
	kPeriod                       // a part of the day; val indexes periods
	kAt                           // "at", "ساعت", "الساعة": a clock time follows
	kIn                           // "in", "بعد" (ar): a relative amount follows
	kLater                        // "later", "دیگر", "بعد" (fa): ends a relative amount
	kFiller                       // ignorable: "on", "در", "في", "روز"/"يوم" before a weekday
	kMonth                        // a month name; val is the month, cal its calendar
	kMinuteSuffix                 // minutes after an hour: "و نیم", "والنصف" (val 30), "ربع کم", "إلا ربع" (-15)
	kMinutePrefix                 // minutes before an hour: "half past" (val 30), "quarter to", "یه ربع به" (-15)
)

// Units of relative amounts.
const (
	unitMinute = iota
	unitHour
	unitDay
	unitWeek
	unitMonth
)

// period is a part of the day: its default hour and how it shifts a 1–12 hour.
type period struct {
	hour  int  // the time it means on its own: "عصر" alone is 17:00
	pm    bool // 1–11 become 13–23
	night bool // only 7–11 (→ 19–23) and 12 (→ 00:00 is refused) make sense
	noon  bool // only 12 and 1–3 (→ 13–15) make sense
}

var periods = []period{
	{hour: 9},                         // 0 morning: am, صبح, صباحاً
	{hour: 12, noon: true, pm: true},  // 1 noon: ظهر, ظهراً
	{hour: 15, pm: true},              // 2 afternoon: بعدازظهر, بعد الظهر, pm
	{hour: 17, pm: true},              // 3 late afternoon: عصر
	{hour: 18, pm: true},              // 4 evening: مساءً, evening
	{hour: 20, pm: true, night: true}, // 5 night: شب, ليلاً, tonight
}

// phrase is a sequence of folded tokens with its meaning.
type phrase struct {
	toks  []string
	kind  kind
	val   int
	count int
	cal   calendar.Calendar
}

// lexicon holds every phrase, longest first, folded with textnorm.Fold.
type lexicon struct {
	phrases []phrase
}

// lex is built once and never modified afterwards.
var lex = sync.OnceValue(newLexicon)

func newLexicon() *lexicon {
	l := &lexicon{}
	add := func(k kind, val int, words ...string) {
		for _, w := range words {
			l.phrases = append(l.phrases, phrase{toks: strings.Fields(textnorm.Fold(w)), kind: k, val: val, count: 1})
		}
	}
	unit := func(u, count int, words ...string) {
		for _, w := range words {
			l.phrases = append(l.phrases, phrase{toks: strings.Fields(textnorm.Fold(w)), kind: kUnit, val: u, count: count})
		}
	}

	add(kDayOffset, -2, "day before yesterday", "the day before yesterday", "پریروز", "پری روز", "أول أمس", "أول من أمس", "أمس الأول")
	add(kDayOffset, -1, "yesterday", "دیروز", "أمس", "الأمس", "البارحة")
	add(kDayOffset, 0, "today", "امروز", "اليوم", "النهارده")
	add(kDayOffset, 1, "tomorrow", "tmrw", "فردا", "غداً", "غدا", "بكرة", "بكره", "باكر")
	add(kDayOffset, 2, "day after tomorrow", "the day after tomorrow", "پس‌فردا", "پس فردا", "بعد غد", "بعد الغد", "بعد بكرة", "بعد بكره")

	weekdays := map[time.Weekday][]string{
		time.Saturday:  {"saturday", "sat", "شنبه", "السبت", "سبت"},
		time.Sunday:    {"sunday", "sun", "یکشنبه", "یک شنبه", "الأحد", "أحد", "الاحد"},
		time.Monday:    {"monday", "mon", "دوشنبه", "دو شنبه", "الاثنين", "الإثنين", "اثنين", "الاتنين"},
		time.Tuesday:   {"tuesday", "tue", "tues", "سه‌شنبه", "سه شنبه", "سشنبه", "الثلاثاء", "ثلاثاء", "الثلاثا"},
		time.Wednesday: {"wednesday", "wed", "چهارشنبه", "چهار شنبه", "الأربعاء", "أربعاء", "الاربعا"},
		time.Thursday:  {"thursday", "thu", "thur", "thurs", "پنجشنبه", "پنج شنبه", "پنج‌شنبه", "الخميس", "خميس"},
		time.Friday:    {"friday", "fri", "جمعه", "الجمعة", "جمعة"},
	}
	for wd, words := range weekdays {
		add(kWeekday, int(wd), words...)
	}
	add(kNextQual, 0, "next", "coming", "this coming", "بعد", "بعدی", "آینده", "دیگر", "القادم", "القادمة", "المقبل", "المقبلة", "الجاي", "الجاية")

	add(kNextWeek, 0, "next week", "هفته بعد", "هفته‌ی بعد", "هفته دیگر", "هفته آینده", "هفته‌ی آینده", "الأسبوع القادم", "الأسبوع المقبل", "الاسبوع الجاي", "الأسبوع الجاي")
	add(kNextMonth, 0, "next month", "ماه بعد", "ماه دیگر", "ماه آینده", "ماه‌ی بعد", "الشهر القادم", "الشهر المقبل", "الشهر الجاي")

	unit(unitMinute, 1, "minute", "minutes", "min", "mins", "دقیقه", "دقيقة", "دقائق", "دقيقه")
	unit(unitMinute, 2, "دقيقتين", "دقيقتان")
	unit(unitHour, 1, "hour", "hours", "hr", "hrs", "ساعت", "ساعة", "ساعات")
	unit(unitHour, 2, "ساعتين", "ساعتان")
	unit(unitDay, 1, "day", "days", "روز", "يوم", "أيام", "ايام", "يوماً", "يوما")
	unit(unitDay, 2, "يومين", "يومان")
	unit(unitWeek, 1, "week", "weeks", "wk", "wks", "هفته", "أسبوع", "أسابيع", "أسبوعاً", "اسبوع", "اسابيع")
	unit(unitWeek, 2, "أسبوعين", "اسبوعين", "أسبوعان")
	unit(unitMonth, 1, "month", "months", "ماه", "شهر", "أشهر", "شهور", "شهراً")
	unit(unitMonth, 2, "شهرين", "شهران")

	numbers := [][]string{
		1:  {"a", "an", "one", "یک", "یه", "واحد", "واحدة"},
		2:  {"two", "دو", "اثنين", "اثنان", "إثنين"},
		3:  {"three", "سه", "ثلاثة", "ثلاث"},
		4:  {"four", "چهار", "أربعة", "أربع", "اربعة", "اربع"},
		5:  {"five", "پنج", "خمسة", "خمس"},
		6:  {"six", "شش", "شیش", "ستة", "ست"},
		7:  {"seven", "هفت", "سبعة", "سبع"},
		8:  {"eight", "هشت", "ثمانية", "ثماني", "ثمان"},
		9:  {"nine", "نه", "تسعة", "تسع"},
		10: {"ten", "ده", "عشرة", "عشر"},
		11: {"eleven", "یازده"},
		12: {"twelve", "دوازده"},
	}
	for n, words := range numbers {
		add(kNumber, n, words...)
	}
	// Arabic names the hours with feminine ordinals: "العاشرة" is ten o'clock.
	hours := [][]string{
		1: {"الواحدة"}, 2: {"الثانية"}, 3: {"الثالثة"}, 4: {"الرابعة"}, 5: {"الخامسة"}, 6: {"السادسة"},
		7: {"السابعة"}, 8: {"الثامنة"}, 9: {"التاسعة"}, 10: {"العاشرة"},
		11: {"الحادية عشرة", "الحادية عشر"}, 12: {"الثانية عشرة", "الثانية عشر"},
	}
	for n, words := range hours {
		add(kNumber, n, words...)
	}

	add(kPeriod, 0, "am", "a m", "morning", "in the morning", "صبح", "صباحاً", "صباحا", "الصبح", "صباح", "الصباح")
	add(kPeriod, 1, "noon", "ظهر", "ظهراً", "ظهرا", "الظهر")
	add(kPeriod, 2, "pm", "p m", "afternoon", "in the afternoon", "بعدازظهر", "بعد از ظهر", "بعد‌ازظهر", "بعد الظهر", "بعد الظهيرة")
	add(kPeriod, 3, "عصر", "عصراً", "عصرا", "العصر")
	add(kPeriod, 4, "evening", "in the evening", "مساءً", "مساء", "مساءا", "المساء", "مسا")
	add(kPeriod, 5, "tonight", "night", "at night", "شب", "امشب", "ليلاً", "ليلا", "الليل", "بالليل")

	add(kMinuteSuffix, 30, "و نیم", "ونیم", "والنصف", "و النصف", "ونصف", "و نصف", "ونص", "و نص")
	add(kMinuteSuffix, 15, "و ربع", "وربع", "والربع", "و الربع")
	add(kMinuteSuffix, 20, "والثلث", "و الثلث", "وثلث", "و ثلث")
	add(kMinuteSuffix, -15, "ربع کم", "إلا ربع", "إلا الربع", "إلا ربعاً")
	add(kMinuteSuffix, -20, "إلا ثلث", "إلا الثلث", "إلا ثلثاً")
	add(kMinutePrefix, 30, "half past")
	add(kMinutePrefix, 15, "quarter past", "a quarter past")
	add(kMinutePrefix, -15, "quarter to", "a quarter to", "یه ربع به", "یک ربع به", "ربع به")

	add(kAt, 0, "at", "@", "ساعت", "الساعة", "الساعه", "على الساعة", "عند الساعة", "سر ساعت")
	add(kIn, 0, "in", "after", "بعد", "خلال")
	add(kLater, 0, "later", "from now", "دیگر", "بعد", "دیگه", "بعد از این")
	add(kFiller, 0, "on", "the", "در", "في", "روز", "يوم")

	for _, lang := range []string{"en", "fa", "ar"} {
		for _, cal := range []calendar.Calendar{calendar.Gregorian, calendar.Jalali, calendar.Hijri} {
			for m, name := range calendar.MonthNames(lang, cal) {
				l.addMonth(name, m+1, cal)
			}
		}
	}
	for m, name := range calendar.MonthNames("en", calendar.Gregorian) {
		l.addMonth(name[:3], m+1, calendar.Gregorian)
	}
	l.addMonth("sept", 9, calendar.Gregorian)
	for name, m := range map[string]int{
		"ربيع الثاني": 4, "جمادى الأول": 5, "جمادى الثانية": 6, "جمادى الثاني": 6,
		"ذي القعدة": 11, "ذي الحجة": 12, "ذوالقعدة": 11, "ذوالحجة": 12,
		"ربیع‌الآخر": 4, "جمادی‌الاولی": 5, "جمادی‌الآخر": 6, "جمادی‌الآخره": 6,
		"ربیع الاول": 3, "ربیع الثانی": 4, "جمادی الاول": 5, "جمادی الثانی": 6, "ذی القعده": 11, "ذی الحجه": 12,
	} {
		l.addMonth(name, m, calendar.Hijri)
	}
	for name, m := range map[string]int{"ژوییه": 7, "جولای": 7, "آگوست": 8, "اوت": 8, "می": 5} {
		l.addMonth(name, m, calendar.Gregorian)
	}

	// Longest phrases first, so "بعد غد" wins over "بعد" and "next week" over "next".
	slices.SortStableFunc(l.phrases, func(a, b phrase) int { return len(b.toks) - len(a.toks) })
	return l
}

// addMonth adds a month name unless it is already known for another month.
func (l *lexicon) addMonth(name string, m int, cal calendar.Calendar) {
	toks := strings.Fields(textnorm.Fold(name))
	for i, p := range l.phrases {
		if p.kind == kMonth && slices.Equal(p.toks, toks) {
			if p.val != m || p.cal != cal {
				l.phrases[i].val = 0 // ambiguous: refuse rather than guess
			}
			return
		}
	}
	l.phrases = append(l.phrases, phrase{toks: toks, kind: kMonth, val: m, cal: cal, count: 1})
}

// match returns every phrase that starts at toks[0], longest first.
func (l *lexicon) match(toks []string) []phrase {
	var out []phrase
	for _, p := range l.phrases {
		if len(p.toks) <= len(toks) && slices.Equal(p.toks, toks[:len(p.toks)]) {
			out = append(out, p)
		}
	}
	return out
}

// MonthWord is a month name as people type it, folded (textnorm.Fold),
// with the month and calendar it names.
type MonthWord struct {
	Word     string
	Calendar calendar.Calendar
	Month    int
}

// MonthWords lists every month name Parse understands, in every language
// and calendar with their common variants («ربیع‌الآخر», "sept"), longest
// first; a name that means two months is left out. It is the one table of
// month names: important dates are read with it too.
func MonthWords() []MonthWord {
	var out []MonthWord
	for _, p := range lex().phrases {
		if p.kind == kMonth && p.val != 0 {
			out = append(out, MonthWord{Word: strings.Join(p.toks, " "), Calendar: p.cal, Month: p.val})
		}
	}
	slices.SortStableFunc(out, func(a, b MonthWord) int { return len(b.Word) - len(a.Word) })
	return out
}
