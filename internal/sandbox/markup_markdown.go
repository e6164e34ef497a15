package sandbox

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// parseMarkdownV2 parses parse_mode=MarkdownV2 by Telegram's rules: every
// reserved character outside an entity must be escaped with '\'; entities
// nest; '>' at a line start opens a block quote; errors name the entity and
// the byte offset of its opening markup.

type mdOpen struct {
	typ       string
	name      string // for errors: Bold, Italic, ..., Pre or PreCode
	byteOff   int
	offset    int // UTF-16 offset of the content
	textStart int // byte offset of the content in the output
	quote     int // the block quote it was opened in, 0 if none
	language  string
}

const mdReserved = "_*[]()~`>#+-=|{}.!"

func parseMarkdownV2(src string) (formatted, error) {
	var b strings.Builder
	units := 0
	emit := func(s string) {
		b.WriteString(s)
		units += utf16Len(s)
	}
	var stack []mdOpen
	var ents []MessageEntity
	inQuote, quoteID, quoteStart, expandable := false, 0, 0, false
	closeQuote := func() error {
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].quote == quoteID {
				return fmt.Errorf("Can't find end of %s entity at byte offset %d", stack[k].name, stack[k].byteOff)
			}
		}
		if units > quoteStart {
			typ := "blockquote"
			if expandable {
				typ = "expandable_blockquote"
			}
			ents = append(ents, MessageEntity{Type: typ, Offset: quoteStart, Length: units - quoteStart})
		}
		inQuote = false
		return nil
	}
	top := func() string {
		if len(stack) == 0 {
			return ""
		}
		return stack[len(stack)-1].typ
	}
	lineStart := true
	for i := 0; i < len(src); {
		c := src[i]
		inCode := top() == "code" || top() == "pre"
		if lineStart && !inCode {
			if c == '>' {
				if !inQuote {
					inQuote, quoteStart, expandable = true, units, false
					quoteID++
				}
				i++
				lineStart = false
				continue
			}
			if inQuote {
				if err := closeQuote(); err != nil {
					return formatted{}, err
				}
			}
		}
		lineStart = c == '\n' || c == '\r'
		next := byte(0)
		if i+1 < len(src) {
			next = src[i+1]
		}
		if c == '\\' && next > 0 && next <= 126 {
			emit(string(next))
			i += 2
			continue
		}
		if inCode {
			switch {
			case top() == "code" && c == '`', top() == "pre" && strings.HasPrefix(src[i:], "```"):
				o := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if units > o.offset {
					ents = append(ents, MessageEntity{Type: o.typ, Offset: o.offset, Length: units - o.offset, Language: o.language})
				}
				if o.typ == "code" {
					i++
				} else {
					i += 3
				}
			default:
				r, size := utf8.DecodeRuneInString(src[i:])
				emit(string(r))
				i += size
			}
			continue
		}
		isEnd := false
		switch top() {
		case "bold":
			isEnd = c == '*'
		case "italic":
			isEnd = c == '_' && next != '_'
		case "underline":
			isEnd = c == '_' && next == '_'
		case "strikethrough":
			isEnd = c == '~'
		case "spoiler":
			isEnd = c == '|' && next == '|'
		case "text_link", "custom_emoji":
			isEnd = c == ']'
		}
		if isEnd {
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			e := MessageEntity{Type: o.typ, Offset: o.offset, Length: units - o.offset}
			switch o.typ {
			case "underline", "spoiler":
				i += 2
			case "text_link", "custom_emoji":
				i++
				target := b.String()[o.textStart:]
				if i < len(src) && src[i] == '(' {
					var u strings.Builder
					j := i + 1
					for j < len(src) && src[j] != ')' {
						if src[j] == '\\' && j+1 < len(src) && src[j+1] > 0 && src[j+1] <= 126 {
							j++
						}
						u.WriteByte(src[j])
						j++
					}
					if j >= len(src) {
						return formatted{}, fmt.Errorf("Can't find end of a URL at byte offset %d", i+1)
					}
					target, i = u.String(), j+1
				} else if o.typ == "custom_emoji" {
					return formatted{}, fmt.Errorf("Custom emoji entity must contain a tg://emoji URL")
				}
				if o.typ == "custom_emoji" {
					id, ok := strings.CutPrefix(strings.ToLower(target), "tg://emoji?id=")
					if !ok || id == "" {
						return formatted{}, fmt.Errorf("Custom emoji URL must have an emoji identifier")
					}
					e.CustomEmojiID = id
				} else if e.URL = normalizeURL(target); e.URL == "" {
					e.Length = 0
				}
			default:
				i++
			}
			if e.Length > 0 {
				ents = append(ents, e)
			}
			continue
		}
		open := mdOpen{byteOff: i, quote: 0}
		if inQuote {
			open.quote = quoteID
		}
		switch {
		case c == '_' && next == '_':
			open.typ, open.name = "underline", "Underline"
			i += 2
		case c == '_':
			open.typ, open.name = "italic", "Italic"
			i++
		case c == '*':
			open.typ, open.name = "bold", "Bold"
			i++
		case c == '~':
			open.typ, open.name = "strikethrough", "Strikethrough"
			i++
		case c == '|' && next == '|':
			if rest := src[i+2:]; inQuote && (rest == "" || rest[0] == '\n' || rest[0] == '\r') {
				expandable = true
				i += 2
				continue
			}
			open.typ, open.name = "spoiler", "Spoiler"
			i += 2
		case c == '[':
			open.typ, open.name = "text_link", "TextUrl"
			i++
		case c == '!' && next == '[':
			open.typ, open.name = "custom_emoji", "CustomEmoji"
			i += 2
		case strings.HasPrefix(src[i:], "```"):
			open.typ, open.name = "pre", "Pre"
			j := i + 3
			for j < len(src) && !isHTMLSpace(src[j]) && src[j] != '`' {
				j++
			}
			if j >= len(src) {
				return formatted{}, fmt.Errorf("Can't find end of Pre entity at byte offset %d", i)
			}
			if isHTMLSpace(src[j]) {
				if j > i+3 {
					open.language, open.name = src[i+3:j], "PreCode"
				}
				switch {
				case strings.HasPrefix(src[j:], "\r\n"), strings.HasPrefix(src[j:], "\n\r"):
					j += 2
				case src[j] == '\n' || src[j] == '\r':
					j++
				}
			} else {
				j = i + 3
			}
			i = j
		case c == '`':
			open.typ, open.name = "code", "Code"
			i++
		case strings.IndexByte(mdReserved, c) >= 0:
			return formatted{}, fmt.Errorf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
		default:
			r, size := utf8.DecodeRuneInString(src[i:])
			emit(string(r))
			i += size
			continue
		}
		open.offset, open.textStart = units, b.Len()
		stack = append(stack, open)
	}
	if len(stack) > 0 {
		o := stack[len(stack)-1]
		return formatted{}, fmt.Errorf("Can't find end of %s entity at byte offset %d", o.name, o.byteOff)
	}
	if inQuote {
		if err := closeQuote(); err != nil {
			return formatted{}, err
		}
	}
	sortEntities(ents)
	return formatted{text: b.String(), entities: ents}, nil
}

// parseMarkdown parses the legacy parse_mode=Markdown: *bold*, _italic_,
// `code`, ```pre```, [text](url); no nesting.
func parseMarkdown(src string) (formatted, error) {
	var b strings.Builder
	units := 0
	var ents []MessageEntity
	for i := 0; i < len(src); {
		c := src[i]
		if c == '\\' && i+1 < len(src) && strings.IndexByte("_*`[", src[i+1]) >= 0 {
			b.WriteByte(src[i+1])
			units++
			i += 2
			continue
		}
		var end string
		typ := ""
		switch {
		case strings.HasPrefix(src[i:], "```"):
			typ, end = "pre", "```"
		case c == '*':
			typ, end = "bold", "*"
		case c == '_':
			typ, end = "italic", "_"
		case c == '`':
			typ, end = "code", "`"
		case c == '[':
			typ, end = "text_link", "]"
		}
		if typ == "" {
			r, size := utf8.DecodeRuneInString(src[i:])
			b.WriteString(src[i : i+size])
			units += runeUnits(r)
			i += size
			continue
		}
		start := i
		i += len(end)
		k := strings.Index(src[i:], end)
		if k < 0 {
			return formatted{}, fmt.Errorf("Can't find end of the entity starting at byte offset %d", start)
		}
		content := src[i : i+k]
		i += k + len(end)
		e := MessageEntity{Type: typ, Offset: units, Length: utf16Len(content)}
		if typ == "text_link" {
			if i >= len(src) || src[i] != '(' {
				return formatted{}, fmt.Errorf("Can't find end of the entity starting at byte offset %d", start)
			}
			k := strings.IndexByte(src[i:], ')')
			if k < 0 {
				return formatted{}, fmt.Errorf("Can't find end of the entity starting at byte offset %d", start)
			}
			e.URL = normalizeURL(src[i+1 : i+k])
			i += k + 1
		}
		b.WriteString(content)
		units += e.Length
		if e.Length > 0 && (typ != "text_link" || e.URL != "") {
			ents = append(ents, e)
		}
	}
	return formatted{text: b.String(), entities: ents}, nil
}
