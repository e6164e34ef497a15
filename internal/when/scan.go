package when

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// maxInput bounds the input length; a follow-up date is a few words.
const maxInput = 200

// maxAmount bounds relative amounts ("in 1000 days" is already too far).
const maxAmount = 1000

var (
	// tokenRe splits a field into number runs (with inner separators) and the rest.
	tokenRe = regexp.MustCompile(`[0-9]+(?:[:/.\-][0-9]+)*|[^0-9]+`)
	dateRe  = regexp.MustCompile(`^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$`)
	clockRe = regexp.MustCompile(`^([0-9]{1,2}):([0-9]{2})$`)
)

// tokenize folds s and splits it into words and numbers: "10am" → "10", "am".
func tokenize(s string) []string {
	s = textnorm.Fold(s)
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(",،؛;!?؟«»\"'()[]", r) {
			return ' '
		}
		return r
	}, s)
	var out []string
	for _, f := range strings.Fields(s) {
		for _, part := range tokenRe.FindAllString(f, -1) {
			if part[0] < '0' || part[0] > '9' {
				part = strings.Trim(strings.ReplaceAll(part, ".", ""), "-")
			}
			if part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// dayKind says how the day of the result is chosen.
type dayKind int

const (
	dayNone     dayKind = iota
	dayOffset           // n days from today
	dayWeekday          // the first weekday after today
	dayMonths           // n months from today in the user's calendar
	dayDuration         // an exact amount from now
	dayDate             // an explicit date
)

// spec is what scan understood.
type spec struct {
	day     dayKind
	n       int
	weekday time.Weekday
	dur     time.Duration
	date    calendar.Date
	cal     calendar.Calendar // "" for numeric dates: decided by the year
	hasYear bool

	hasTime      bool
	hour, minute int
	// bareWord is a time read from a number word and nothing else ("نه",
	// "ten"): only a day next to it makes it a time ("فردا ده").
	bareWord bool
}

// scanner walks the tokens once, left to right.
type scanner struct {
	toks []string
	i    int
	lx   *lexicon
	sp   spec
}

// scan reads the tokens into a spec, or returns why it cannot.
func scan(toks []string) (spec, string) {
	s := &scanner{toks: toks, lx: lex()}
	if len(toks) == 0 {
		return spec{}, "empty input"
	}
	for s.i < len(s.toks) {
		if err := s.step(); err != "" {
			return spec{}, err
		}
	}
	if s.sp.bareWord && s.sp.day == dayNone {
		// "نه" is "no" as well as nine, "ده" a village as well as ten.
		return spec{}, "a number word alone is not a time"
	}
	return s.sp, ""
}

// find returns the longest phrase of kind k starting at token j.
func (s *scanner) find(j int, k kind) (phrase, bool) {
	if j >= len(s.toks) {
		return phrase{}, false
	}
	for _, p := range s.lx.match(s.toks[j:]) {
		if p.kind == k {
			return p, true
		}
	}
	return phrase{}, false
}

// number reads a number at token j (ASCII digits or a number word) and
// returns its value and how many tokens it spans.
func (s *scanner) number(j int) (int, int, bool) {
	if j >= len(s.toks) {
		return 0, 0, false
	}
	if t := s.toks[j]; isDigits(t) {
		if len(t) > 4 {
			return 0, 0, false
		}
		n, _ := strconv.Atoi(t)
		return n, 1, true
	}
	if p, ok := s.find(j, kNumber); ok {
		return p.val, len(p.toks), true
	}
	return 0, 0, false
}

func isDigits(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}

func (s *scanner) setDay(sp spec) string {
	if s.sp.day != dayNone {
		return "two dates"
	}
	s.sp.day, s.sp.n, s.sp.weekday, s.sp.dur = sp.day, sp.n, sp.weekday, sp.dur
	s.sp.date, s.sp.cal, s.sp.hasYear = sp.date, sp.cal, sp.hasYear
	return ""
}

func (s *scanner) setTime(h, m int) string {
	if s.sp.hasTime {
		return "two times of day"
	}
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return fmt.Sprintf("no such time %d:%02d", h, m)
	}
	s.sp.hasTime, s.sp.hour, s.sp.minute = true, h, m
	return ""
}

// step consumes one item starting at s.i.
func (s *scanner) step() string {
	t := s.toks[s.i]
	if m := dateRe.FindStringSubmatch(t); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		s.i++
		return s.setDay(spec{day: dayDate, date: calendar.Date{Year: y, Month: mo, Day: d}, hasYear: true})
	}
	if m := clockRe.FindStringSubmatch(t); m != nil {
		s.i++
		return s.clock(m)
	}
	if strings.ContainsAny(t, "0123456789") && !isDigits(t) {
		return fmt.Sprintf("unknown number form %q", t)
	}
	matches := s.lx.match(s.toks[s.i:])
	if isDigits(t) || (len(matches) > 0 && matches[0].kind == kNumber) {
		return s.afterNumber()
	}
	// Try the meanings of the phrases here, longest first; the first that
	// fits its context wins ("بعد غد" before "بعد", "ساعت ۱۰" as a time).
	for _, p := range matches {
		switch p.kind {
		case kDayOffset:
			s.i += len(p.toks)
			return s.setDay(spec{day: dayOffset, n: p.val})
		case kNextWeek:
			s.i += len(p.toks)
			return s.setDay(spec{day: dayOffset, n: 7})
		case kNextMonth:
			s.i += len(p.toks)
			return s.setDay(spec{day: dayMonths, n: 1})
		case kIn:
			if ok, err := s.relative(s.i + len(p.toks)); ok {
				return err
			}
		case kNextQual:
			if wd, ok := s.find(s.i+len(p.toks), kWeekday); ok {
				s.i += len(p.toks)
				return s.weekday(wd)
			}
		case kWeekday:
			return s.weekday(p)
		case kAt:
			if ok, err := s.at(s.i + len(p.toks)); ok {
				return err
			}
		case kPeriod:
			s.i += len(p.toks)
			return s.setTime(periods[p.val].hour, 0)
		case kMinutePrefix:
			if ok, err := s.prefixed(s.i+len(p.toks), p.val); ok {
				return err
			}
		case kMonth:
			return s.monthFirst(p)
		case kFiller:
			s.i += len(p.toks)
			return ""
		}
	}
	return fmt.Sprintf("unknown word %q", t)
}

// clock handles "HH:MM" with an optional part of the day after it.
func (s *scanner) clock(m []string) string {
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	if p, ok := s.find(s.i, kPeriod); ok {
		s.i += len(p.toks)
		var good bool
		if h, good = applyPeriod(h, periods[p.val]); !good {
			return fmt.Sprintf("%s with that part of the day", m[0])
		}
	}
	return s.setTime(h, mi)
}

// weekday handles a weekday name with an optional "next" after it.
func (s *scanner) weekday(p phrase) string {
	s.i += len(p.toks)
	if q, ok := s.find(s.i, kNextQual); ok {
		s.i += len(q.toks)
	}
	return s.setDay(spec{day: dayWeekday, weekday: time.Weekday(p.val)})
}

// relative reads "N unit" or "unit" at j after "in"/"بعد". It reports false
// (consuming nothing) when no amount follows.
func (s *scanner) relative(j int) (bool, string) {
	n, w, ok := s.number(j)
	if ok {
		j += w
	}
	u, uok := s.find(j, kUnit)
	if !uok {
		return false, ""
	}
	if ok && u.count != 1 {
		return true, "a number before a dual"
	}
	if !ok {
		n = u.count // "بعد أسبوع" is one week, "بعد أسبوعين" two
	}
	s.i = j + len(u.toks)
	return true, s.amount(n, u.val)
}

// amount records n units from now.
func (s *scanner) amount(n, unit int) string {
	if n < 1 || n > maxAmount {
		return fmt.Sprintf("amount %d out of range", n)
	}
	switch unit {
	case unitMinute:
		return s.setDay(spec{day: dayDuration, dur: time.Duration(n) * time.Minute})
	case unitHour:
		return s.setDay(spec{day: dayDuration, dur: time.Duration(n) * time.Hour})
	case unitDay:
		return s.setDay(spec{day: dayOffset, n: n})
	case unitWeek:
		return s.setDay(spec{day: dayOffset, n: 7 * n})
	}
	return s.setDay(spec{day: dayMonths, n: n})
}

// at reads a time after "at"/"ساعت"/"الساعة"; it reports false when none follows.
func (s *scanner) at(j int) (bool, string) {
	if j < len(s.toks) {
		if m := clockRe.FindStringSubmatch(s.toks[j]); m != nil {
			s.i = j + 1
			return true, s.clock(m)
		}
	}
	if p, ok := s.find(j, kMinutePrefix); ok {
		return s.prefixed(j+len(p.toks), p.val)
	}
	h, w, ok := s.number(j)
	if !ok {
		return false, ""
	}
	s.i = j + w
	return true, s.hour(h, 0, false)
}

// prefixed reads the hour at j after "half past", "quarter to" or
// "یه ربع به" (mins minutes from it); it reports false when no hour follows.
func (s *scanner) prefixed(j, mins int) (bool, string) {
	h, w, ok := s.number(j)
	if !ok {
		return false, ""
	}
	s.i = j + w
	return true, s.hour(h, mins, false)
}

// hour records an hour given as a number, mins minutes from it ("half
// past"), with the minutes in words ("و نیم", "والنصف") and the part of the
// day that may follow. bare says the hour is a number word so far.
func (s *scanner) hour(h, mins int, bare bool) string {
	if mins == 0 {
		if m, ok := s.find(s.i, kMinuteSuffix); ok {
			s.i += len(m.toks)
			mins, bare = m.val, false
		}
	}
	if p, ok := s.find(s.i, kPeriod); ok {
		s.i += len(p.toks)
		var good bool
		if h, good = applyPeriod(h, periods[p.val]); !good {
			return "hour does not fit the part of the day"
		}
		bare = false
	} else if h >= 1 && h <= 6 {
		return fmt.Sprintf("hour %d without am/pm is ambiguous", h)
	}
	if h > 23 {
		return fmt.Sprintf("no such hour %d", h)
	}
	at := h*60 + mins
	if at < 0 {
		return fmt.Sprintf("%d minutes before midnight", -mins)
	}
	if err := s.setTime(at/60, at%60); err != "" {
		return err
	}
	s.sp.bareWord = bare
	return ""
}

// afterNumber handles a number at s.i: an amount ("3 days later"), a date
// with a month name ("10 آذر 1405"), or an hour ("10 am", "10").
func (s *scanner) afterNumber() string {
	n, w, _ := s.number(s.i)
	if w == 0 {
		return fmt.Sprintf("number %q too long", s.toks[s.i])
	}
	word := !isDigits(s.toks[s.i])
	j := s.i + w
	if u, ok := s.find(j, kUnit); ok && u.count == 1 {
		k := j + len(u.toks)
		if later, ok := s.find(k, kLater); ok {
			s.i = k + len(later.toks)
			return s.amount(n, u.val)
		}
		if _, ok := s.find(k, kWeekday); !ok {
			// "۱۰ روز" is an amount without its "later", not 10:00 today;
			// in "۱۰ روز شنبه" the روز belongs to the weekday.
			return "an amount without later"
		}
	}
	if m, ok := s.find(j, kMonth); ok {
		s.i = j + len(m.toks)
		return s.monthDate(n, m)
	}
	s.i = j
	return s.hour(n, 0, word)
}

// monthFirst handles "dec 1 [2026]".
func (s *scanner) monthFirst(m phrase) string {
	j := s.i + len(m.toks)
	if j >= len(s.toks) || !isDigits(s.toks[j]) || len(s.toks[j]) > 2 {
		return "month name without a day"
	}
	d, _ := strconv.Atoi(s.toks[j])
	s.i = j + 1
	return s.monthDate(d, m)
}

// monthDate records day d of month m with the year that may follow.
func (s *scanner) monthDate(d int, m phrase) string {
	if m.val == 0 {
		return "month name of more than one calendar"
	}
	if d < 1 || d > 31 {
		return fmt.Sprintf("day %d", d)
	}
	sp := spec{day: dayDate, date: calendar.Date{Month: m.val, Day: d}, cal: m.cal}
	if s.i < len(s.toks) && isDigits(s.toks[s.i]) && len(s.toks[s.i]) == 4 {
		sp.date.Year, _ = strconv.Atoi(s.toks[s.i])
		sp.hasYear = true
		s.i++
	}
	return s.setDay(sp)
}

// applyPeriod moves a 12-hour clock hour into the part of the day p.
func applyPeriod(h int, p period) (int, bool) {
	switch {
	case h >= 13 && h <= 23:
		return h, p.pm && !p.night || p.night && h >= 19
	case h < 1 || h > 12:
		return 0, false
	case p.noon:
		if h == 12 {
			return 12, true
		}
		return h + 12, h <= 3
	case p.night:
		return h + 12, h >= 7 && h <= 11
	case p.pm:
		if h == 12 {
			return 12, true
		}
		return h + 12, true
	}
	if h == 12 {
		return 0, true
	}
	return h, true
}
