package sandbox

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// Text, captions and entities. Telegram measures text in UTF-16 code units
// after markup is parsed; entity offsets and lengths are in the same units.

const (
	maxTextLen    = 4096
	maxCaptionLen = 1024
)

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// formatted is a text with its entities, ready to store.
type formatted struct {
	text     string
	entities []MessageEntity
}

// parseFormatted turns a text parameter plus parse_mode or an entities
// parameter into the text Telegram stores. Explicit entities win over
// parse_mode, as on Telegram.
func parseFormatted(text, parseMode, entitiesJSON string) (formatted, *apiError) {
	var f formatted
	if entitiesJSON != "" {
		var ents []MessageEntity
		if err := json.Unmarshal([]byte(entitiesJSON), &ents); err != nil {
			return f, badRequest("can't parse entities JSON object")
		}
		f = formatted{text: text, entities: ents}
	} else {
		var err error
		switch strings.ToLower(parseMode) {
		case "":
			f = formatted{text: text}
		case "html":
			f, err = parseHTML(text)
		case "markdownv2":
			f, err = parseMarkdownV2(text)
		case "markdown":
			f, err = parseMarkdown(text)
		default:
			return f, badRequest("unsupported parse_mode")
		}
		if err != nil {
			return f, badRequest("can't parse entities: %s", err.Error())
		}
	}
	f = trimFormatted(f)
	return f, nil
}

// trimFormatted strips leading and trailing whitespace as Telegram does,
// moving entities with the text and dropping those left empty.
func trimFormatted(f formatted) formatted {
	const ws = " \t\r\n"
	trimmed := strings.TrimLeft(f.text, ws)
	lead := utf16Len(f.text[:len(f.text)-len(trimmed)])
	trimmed = strings.TrimRight(trimmed, ws)
	total := utf16Len(trimmed)
	out := formatted{text: trimmed}
	for _, e := range f.entities {
		start, end := e.Offset-lead, e.Offset+e.Length-lead
		start, end = max(start, 0), min(end, total)
		if end <= start {
			continue
		}
		e.Offset, e.Length = start, end-start
		out.entities = append(out.entities, e)
	}
	sortEntities(out.entities)
	return out
}

func sortEntities(ents []MessageEntity) {
	sort.SliceStable(ents, func(i, j int) bool {
		if ents[i].Offset != ents[j].Offset {
			return ents[i].Offset < ents[j].Offset
		}
		return ents[i].Length > ents[j].Length
	})
}

// normalizeURL makes a link target the way Telegram stores it, or returns ""
// when it is not a URL Telegram would accept.
func normalizeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	lower := strings.ToLower(raw)
	if strings.HasPrefix(lower, "tg:") || strings.HasPrefix(lower, "mailto:") {
		return raw
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !strings.Contains(u.Hostname(), ".") && u.Hostname() != "localhost" {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ftp", "tonsite":
	default:
		return ""
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// botCommandEntities finds bot commands the way Telegram marks them in a
// user's text: "/" at the start of the text or after whitespace, then
// letters, digits or "_" (up to 64), optionally "@botname".
func botCommandEntities(text string) []MessageEntity {
	var out []MessageEntity
	units := 0
	prevSpace := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '/' && prevSpace {
			j := i + 1
			for j < len(text) && j-i <= 64 && isCmdChar(text[j]) {
				j++
			}
			if j > i+1 {
				if j < len(text) && text[j] == '@' {
					k := j + 1
					for k < len(text) && isCmdChar(text[k]) {
						k++
					}
					if k-j-1 >= 3 {
						j = k
					}
				}
				if j == len(text) || isBoundary(text[j:]) {
					out = append(out, MessageEntity{Type: "bot_command", Offset: units, Length: utf16Len(text[i:j])})
				}
				units += utf16Len(text[i:j])
				i = j
				prevSpace = false
				continue
			}
		}
		prevSpace = r == ' ' || r == '\n' || r == '\t' || r == '\r'
		units += runeUnits(r)
		i += size
	}
	return out
}

func isCmdChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// isBoundary tells whether a command may end before s: whitespace or
// punctuation, not more word characters.
func isBoundary(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return !(r == '/' || r == '@' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}
