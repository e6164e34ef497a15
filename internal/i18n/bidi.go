package i18n

import (
	"reflect"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"
)

// Right-to-left text that reads right.
//
// A Persian or Arabic line takes its direction from its first strong
// character. A line that begins with a Latin name ("• Priya Nair: ۹ باز")
// therefore turns left to right, and the words and punctuation after the
// name land on the wrong side. So in fa and ar every string value of
// template data is put in a first-strong isolate (FSI … PDI): it keeps its
// own direction inside, and counts as one neutral character outside.
//
// Values are only marked while the template runs (valueStart … valueEnd);
// finish then decides line by line, since no isolate survives a newline:
//
//   - A line that holds anything of the message itself (words, an emoji, a
//     bullet, punctuation, a number from the data, HTML markup) gets each
//     value piece on it wrapped in FSI … PDI, and each /command of the
//     message too. If the first strong character outside the isolates is
//     still not right-to-left (the line is all emoji, bullets and values),
//     the line starts with an RLM, so that the line as a whole reads right
//     to left like the rest of the message.
//   - A line made only of value text (the second line of a multi-line note,
//     an invite link on a line of its own) is left as it is: it is the
//     writer's own text and keeps its own direction.
//
// Numbers are not isolated: Localizer formats them into the reader's digits,
// and digits do not turn a line around. The isolates are plain characters,
// placed around whole values, so they never fall inside an HTML tag; tags
// and entities are skipped when the first strong character is looked for,
// since Telegram does not show them. English output is never touched.

// Bidi control characters.
const (
	lri = '\u2066' // left-to-right isolate
	rli = '\u2067' // right-to-left isolate
	fsi = '\u2068' // first-strong isolate
	pdi = '\u2069' // pop directional isolate
	rlm = '\u200f' // right-to-left mark
)

// valueStart and valueEnd mark a string value in a rendered template until
// finish replaces them. They are Unicode noncharacters, which exist for a
// program's internal use; values lose any of them before being marked.
const (
	valueStart = '\ufdd0'
	valueEnd   = '\ufdd1'
)

// rtl reports whether lang is written right to left.
func rtl(lang string) bool { return lang == Persian || lang == Arabic }

// Isolate returns s ready to be placed inside a line of lang: in fa and ar
// each non-blank line of s is wrapped in FSI … PDI (any stray isolate
// control in s is balanced first); in en s is returned unchanged. It is for
// the rare line built outside the message files; messages rendered by a
// Localizer already isolate their values.
func Isolate(lang, s string) string {
	if !rtl(lang) || s == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = isolate(line)
	}
	return strings.Join(lines, "\n")
}

// isolate wraps one line in FSI … PDI; a blank line stays as it is.
func isolate(line string) string {
	if strings.TrimSpace(line) == "" {
		return line
	}
	return string(fsi) + balance(line) + string(pdi)
}

// balance drops each PDI of s that closes no isolate opened in s and
// closes the isolates s leaves open, so that s cannot end (or fail to end)
// the isolate it is put in.
func balance(s string) string {
	if !strings.ContainsAny(s, string([]rune{lri, rli, fsi, pdi})) {
		return s
	}
	var b strings.Builder
	open := 0
	for _, r := range s {
		switch r {
		case lri, rli, fsi:
			open++
		case pdi:
			if open == 0 {
				continue
			}
			open--
		}
		b.WriteRune(r)
	}
	for ; open > 0; open-- {
		b.WriteRune(pdi)
	}
	return b.String()
}

// markValue returns v with its string value marked for finish, or v itself
// when it is not a string or is empty (templates may test values for "").
func markValue(v any) any {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	default:
		rv := reflect.ValueOf(v)
		if !rv.IsValid() || rv.Kind() != reflect.String {
			return v
		}
		if st, ok := v.(interface{ String() string }); ok {
			s = st.String()
		} else {
			s = rv.String()
		}
	}
	s = strings.Map(func(r rune) rune {
		if r == valueStart || r == valueEnd {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return s
	}
	return string(valueStart) + s + string(valueEnd)
}

// piece is a run of one line of rendered text: the message's own text, or
// (value) text that came from template data.
type piece struct {
	text  string
	value bool
}

// finish turns the value marks in out into isolates, line by line, when
// isRTL; otherwise it only removes them.
func finish(out string, isRTL bool) string {
	if !isRTL {
		if !strings.ContainsAny(out, string([]rune{valueStart, valueEnd})) {
			return out
		}
		return strings.Map(func(r rune) rune {
			if r == valueStart || r == valueEnd {
				return -1
			}
			return r
		}, out)
	}
	lines := strings.Split(out, "\n")
	inValue := false
	for i, line := range lines {
		var pieces []piece
		pieces, inValue = splitLine(line, inValue)
		lines[i] = finishLine(pieces)
	}
	return strings.Join(lines, "\n")
}

// splitLine cuts one line into pieces; inValue says whether a value runs
// on from the line before, and the result whether one runs on to the next.
func splitLine(line string, inValue bool) ([]piece, bool) {
	var pieces []piece
	start := 0
	for i, r := range line {
		if r != valueStart && r != valueEnd {
			continue
		}
		if i > start {
			pieces = append(pieces, piece{line[start:i], inValue})
		}
		inValue = r == valueStart
		start = i + utf8.RuneLen(r)
	}
	if start < len(line) {
		pieces = append(pieces, piece{line[start:], inValue})
	}
	return pieces, inValue
}

// finishLine joins the pieces of one line, isolated as the package comment
// above describes.
func finishLine(pieces []piece) string {
	own := false
	for _, p := range pieces {
		if !p.value && strings.TrimSpace(p.text) != "" {
			own = true
			break
		}
	}
	var b strings.Builder
	for _, p := range pieces {
		switch {
		case !own:
			b.WriteString(p.text)
		case p.value:
			b.WriteString(isolate(p.text))
		default:
			b.WriteString(isolateCommands(p.text))
		}
	}
	line := b.String()
	if own && !startsRTL(line) {
		return string(rlm) + line
	}
	return line
}

// isolateCommands wraps each bot command of a message's own text ("/today")
// in FSI … PDI: a slash before Latin letters in a right-to-left line would
// otherwise be shown after the word. A slash counts as a command's only at
// the start or after a space or punctuation other than "<", so closing tags
// and paths are left alone; tags are copied untouched.
func isolateCommands(s string) string {
	if !strings.Contains(s, "/") {
		return s
	}
	var b strings.Builder
	prev := ' '
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				end = len(s) - i - 1
			}
			b.WriteString(s[i : i+end+1])
			i += end + 1
			prev = '>'
			continue
		case r == '/' && commandBoundary(prev) && i+1 < len(s) && isASCIILetter(s[i+1]):
			j := i + 1
			for j < len(s) && (isASCIILetter(s[j]) || s[j] == '_' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			b.WriteRune(fsi)
			b.WriteString(s[i:j])
			b.WriteRune(pdi)
			prev = 'a'
			i = j
			continue
		}
		b.WriteRune(r)
		prev = r
		i += size
	}
	return b.String()
}

// commandBoundary reports whether a bot command may start after r.
func commandBoundary(r rune) bool {
	switch r {
	case ' ', '\t', '(', '«', '"', '“', ':', '،', '؛', '—', '–', lri, rli, fsi, pdi, rlm:
		return true
	}
	return false
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// startsRTL reports whether the first strong character of line outside
// isolates, HTML tags and entities is right-to-left (R or AL). A line with
// no strong character at all counts as right-to-left only if it has no
// isolate either: there is then nothing in it to turn around.
func startsRTL(line string) bool {
	cls, isolates := firstStrong(line)
	switch cls {
	case bidi.R, bidi.AL:
		return true
	case bidi.L:
		return false
	}
	return !isolates
}

// firstStrong returns the bidi class (L, R or AL) of the first strong
// character of line outside isolates, tags and entities, or bidi.ON when
// there is none, and whether line holds an isolate. It follows rule P2 of
// UAX #9 on the text Telegram shows.
func firstStrong(line string) (cls bidi.Class, isolates bool) {
	depth := 0
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		if n := markupLen(line[i:]); n > 0 {
			i += n
			continue
		}
		i += size
		p, _ := bidi.LookupRune(r)
		switch c := p.Class(); c {
		case bidi.LRI, bidi.RLI, bidi.FSI:
			depth++
			isolates = true
		case bidi.PDI:
			if depth > 0 {
				depth--
			}
		case bidi.L, bidi.R, bidi.AL:
			if depth == 0 {
				return c, isolates
			}
		}
	}
	return bidi.ON, isolates
}

// markupLen returns the length of the HTML tag or character entity at the
// start of s, or 0 when s starts with neither.
func markupLen(s string) int {
	switch {
	case strings.HasPrefix(s, "<"):
		if end := strings.IndexByte(s, '>'); end > 0 {
			return end + 1
		}
	case strings.HasPrefix(s, "&"):
		for j := 1; j < len(s) && j < 12; j++ {
			c := s[j]
			if c == ';' && j > 1 {
				return j + 1
			}
			if !(isASCIILetter(c) || c >= '0' && c <= '9' || c == '#') {
				return 0
			}
		}
	}
	return 0
}
