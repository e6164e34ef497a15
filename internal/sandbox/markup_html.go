package sandbox

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// parseHTML parses parse_mode=HTML the way Telegram does: the supported tags,
// the four named entities (&lt; &gt; &amp; &quot;) and numeric ones, and
// Telegram's error messages with byte offsets into the source.

type htmlTag struct {
	name       string
	typ        string
	offset     int // UTF-16 offset of the content
	textStart  int // byte offset of the content in the output
	arg        string
	hasArg     bool
	expandable bool
}

var errSurrogate = errors.New("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units")

func htmlTagType(name string) (string, bool) {
	switch name {
	case "a":
		return "text_link", true
	case "b", "strong":
		return "bold", true
	case "i", "em":
		return "italic", true
	case "u", "ins":
		return "underline", true
	case "s", "strike", "del":
		return "strikethrough", true
	case "span", "tg-spoiler":
		return "spoiler", true
	case "code":
		return "code", true
	case "pre":
		return "pre", true
	case "blockquote":
		return "blockquote", true
	case "tg-emoji":
		return "custom_emoji", true
	}
	return "", false
}

func isTagNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

func isHTMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func parseHTML(src string) (formatted, error) {
	var b strings.Builder
	units := 0
	var stack []htmlTag
	var ents []MessageEntity
	for i := 0; i < len(src); {
		switch src[i] {
		case '&':
			s, n, err := decodeHTMLEntity(src[i:])
			if err != nil {
				return formatted{}, err
			}
			if n == 0 {
				s, n = "&", 1
			}
			b.WriteString(s)
			units += utf16Len(s)
			i += n
		case '<':
			start := i
			if i+1 < len(src) && src[i+1] == '/' {
				if len(stack) == 0 {
					return formatted{}, fmt.Errorf("Unexpected end tag at byte offset %d", start)
				}
				j := i + 2
				for j < len(src) && isTagNameChar(src[j]) {
					j++
				}
				name := strings.ToLower(src[i+2 : j])
				for j < len(src) && isHTMLSpace(src[j]) {
					j++
				}
				if j >= len(src) || src[j] != '>' {
					return formatted{}, fmt.Errorf("Unclosed end tag at byte offset %d", start)
				}
				top := stack[len(stack)-1]
				if name != "" && name != top.name {
					return formatted{}, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", start, top.name, name)
				}
				stack = stack[:len(stack)-1]
				ents = closeHTMLTag(ents, top, units, b.String()[top.textStart:])
				i = j + 1
				continue
			}
			tag, next, err := parseStartTag(src, i)
			if err != nil {
				return formatted{}, err
			}
			tag.offset, tag.textStart = units, b.Len()
			stack = append(stack, tag)
			i = next
		default:
			r, size := utf8.DecodeRuneInString(src[i:])
			b.WriteString(src[i : i+size])
			units += runeUnits(r)
			i += size
		}
	}
	if len(stack) > 0 {
		return formatted{}, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	for k := range ents {
		if ents[k].Type == "code" {
			ents[k].Language = ""
		}
	}
	sortEntities(ents)
	return formatted{text: b.String(), entities: ents}, nil
}

// parseStartTag reads "<name attr=value ...>" at src[i]; it returns the tag
// and the offset after '>'.
func parseStartTag(src string, i int) (htmlTag, int, error) {
	start := i
	j := i + 1
	for j < len(src) && isTagNameChar(src[j]) {
		j++
	}
	name := strings.ToLower(src[i+1 : j])
	if j >= len(src) {
		return htmlTag{}, 0, fmt.Errorf("Unclosed start tag at byte offset %d", start)
	}
	typ, ok := htmlTagType(name)
	if !ok {
		return htmlTag{}, 0, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, start)
	}
	tag := htmlTag{name: name, typ: typ}
	unclosed := fmt.Errorf("Unclosed start tag \"%s\" at byte offset %d", name, start)
	for {
		for j < len(src) && isHTMLSpace(src[j]) {
			j++
		}
		if j >= len(src) {
			return htmlTag{}, 0, unclosed
		}
		if src[j] == '>' {
			j++
			break
		}
		k := j
		for k < len(src) && isTagNameChar(src[k]) {
			k++
		}
		attr := strings.ToLower(src[j:k])
		if attr == "" {
			return htmlTag{}, 0, fmt.Errorf("Empty attribute name in the tag \"%s\" at byte offset %d", name, start)
		}
		j = k
		for j < len(src) && isHTMLSpace(src[j]) {
			j++
		}
		if j >= len(src) {
			return htmlTag{}, 0, unclosed
		}
		val := ""
		if src[j] == '=' {
			j++
			for j < len(src) && isHTMLSpace(src[j]) {
				j++
			}
			if j >= len(src) {
				return htmlTag{}, 0, unclosed
			}
			if q := src[j]; q == '"' || q == '\'' {
				end := strings.IndexByte(src[j+1:], q)
				if end < 0 {
					return htmlTag{}, 0, fmt.Errorf("Unclosed start tag at byte offset %d", start)
				}
				raw := src[j+1 : j+1+end]
				decoded, err := decodeHTMLText(raw)
				if err != nil {
					return htmlTag{}, 0, err
				}
				val = decoded
				j += end + 2
			} else {
				k := j
				for k < len(src) && (isTagNameChar(src[k]) || src[k] == '.') {
					k++
				}
				if k >= len(src) || (!isHTMLSpace(src[k]) && src[k] != '>') {
					return htmlTag{}, 0, fmt.Errorf("Unexpected end of name token at byte offset %d", j)
				}
				val = src[j:k]
				j = k
			}
		}
		switch {
		case name == "a" && attr == "href",
			name == "code" && attr == "class",
			name == "span" && attr == "class",
			name == "tg-emoji" && attr == "emoji-id":
			tag.arg, tag.hasArg = val, true
		case name == "blockquote" && attr == "expandable":
			tag.expandable = true
		}
	}
	switch name {
	case "span":
		if tag.arg != "tg-spoiler" {
			return htmlTag{}, 0, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", start)
		}
	case "tg-emoji":
		if _, err := strconv.ParseInt(tag.arg, 10, 64); err != nil {
			return htmlTag{}, 0, fmt.Errorf("Invalid custom emoji identifier specified")
		}
	case "code":
		lang, ok := strings.CutPrefix(tag.arg, "language-")
		if !ok {
			lang = ""
		}
		tag.arg = lang
	case "blockquote":
		if tag.expandable {
			tag.typ = "expandable_blockquote"
		}
	}
	return tag, j, nil
}

// closeHTMLTag turns a closed tag into an entity (or none, for empty spans
// and invalid links) and merges <pre><code class="language-x"> into one
// pre entity with a language.
func closeHTMLTag(ents []MessageEntity, t htmlTag, end int, content string) []MessageEntity {
	length := end - t.offset
	if length <= 0 {
		return ents
	}
	e := MessageEntity{Type: t.typ, Offset: t.offset, Length: length}
	switch t.typ {
	case "text_link":
		target := t.arg
		if !t.hasArg {
			if strings.ContainsAny(content, " \t\r\n") {
				return ents
			}
			target = content
		}
		if e.URL = normalizeURL(target); e.URL == "" {
			return ents
		}
	case "custom_emoji":
		e.CustomEmojiID = t.arg
	case "code":
		e.Language = t.arg
		if n := len(ents); n > 0 && ents[n-1].Type == "pre" && ents[n-1].Offset == e.Offset && ents[n-1].Length == e.Length && e.Language != "" {
			ents[n-1].Language = e.Language
			return ents
		}
	case "pre":
		if n := len(ents); n > 0 && ents[n-1].Type == "code" && ents[n-1].Offset == e.Offset && ents[n-1].Length == e.Length && ents[n-1].Language != "" {
			ents[n-1] = MessageEntity{Type: "pre", Offset: e.Offset, Length: e.Length, Language: ents[n-1].Language}
			return ents
		}
	}
	return append(ents, e)
}

// decodeHTMLEntity decodes the entity at the start of s ("&..."); n is 0
// when it is not one Telegram decodes (the '&' is then literal).
func decodeHTMLEntity(s string) (string, int, error) {
	if len(s) > 1 && s[1] == '#' {
		j, base := 2, 10
		if j < len(s) && (s[j] == 'x' || s[j] == 'X') {
			j, base = 3, 16
		}
		start := j
		for j < len(s) && isDigit(s[j], base) {
			j++
		}
		if j == start || j-start > 8 {
			return "", 0, nil
		}
		code, err := strconv.ParseInt(s[start:j], base, 32)
		if err != nil || code == 0 || code > 0x10FFFF {
			return "", 0, nil
		}
		if code >= 0xD800 && code <= 0xDFFF {
			return "", 0, errSurrogate
		}
		if j < len(s) && s[j] == ';' {
			j++
		}
		return string(rune(code)), j, nil
	}
	j := 1
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
		j++
	}
	var out string
	switch s[1:j] {
	case "lt":
		out = "<"
	case "gt":
		out = ">"
	case "amp":
		out = "&"
	case "quot":
		out = "\""
	default:
		return "", 0, nil
	}
	if j < len(s) && s[j] == ';' {
		j++
	}
	return out, j, nil
}

func decodeHTMLText(s string) (string, error) {
	if !strings.Contains(s, "&") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '&' {
			out, n, err := decodeHTMLEntity(s[i:])
			if err != nil {
				return "", err
			}
			if n > 0 {
				b.WriteString(out)
				i += n
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String(), nil
}

func isDigit(c byte, base int) bool {
	if c >= '0' && c <= '9' {
		return true
	}
	return base == 16 && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
}
