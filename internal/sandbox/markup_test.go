package sandbox

import (
	"reflect"
	"testing"
)

// The vectors follow Telegram's own parser behaviour (texts, offsets in
// UTF-16 units, error messages with byte offsets into the source).

type ent = MessageEntity

func TestParseHTML(t *testing.T) {
	ok := []struct {
		src  string
		text string
		ents []ent
	}{
		{"", "", nil},
		{"➡️ ➡️<i>➡️ ➡️</i>", "➡️ ➡️➡️ ➡️", []ent{{Type: "italic", Offset: 5, Length: 5}}},
		{"<b>a</b><strong>b</strong><u>c</u><ins>d</ins><s>e</s><del>f</del>", "abcdef", []ent{
			{Type: "bold", Offset: 0, Length: 1}, {Type: "bold", Offset: 1, Length: 1}, {Type: "underline", Offset: 2, Length: 1},
			{Type: "underline", Offset: 3, Length: 1}, {Type: "strikethrough", Offset: 4, Length: 1}, {Type: "strikethrough", Offset: 5, Length: 1}}},
		{"🏟 🏟<i>🏟 &lt🏟</i>", "🏟 🏟🏟 <🏟", []ent{{Type: "italic", Offset: 5, Length: 6}}},
		{"&ge;&lt;&gt;&amp;&quot;&#12345678;&#x41;&#66;", "&ge;<>&\"&#12345678;AB", nil},
		{"🏟 🏟&lt;<b></b>", "🏟 🏟<", nil},
		{"<span class=\"tg-spoiler\">s</span><tg-spoiler>t</tg-spoiler>", "st", []ent{{Type: "spoiler", Offset: 0, Length: 1}, {Type: "spoiler", Offset: 1, Length: 1}}},
		{"<a href=telegram.org> </a>", " ", []ent{{Type: "text_link", Offset: 0, Length: 1, URL: "http://telegram.org/"}}},
		{"<a   href=  'telegram.org?&lt;'   > </a>", " ", []ent{{Type: "text_link", Offset: 0, Length: 1, URL: "http://telegram.org/?<"}}},
		{"<a>telegram.org</a>", "telegram.org", []ent{{Type: "text_link", Offset: 0, Length: 12, URL: "http://telegram.org/"}}},
		{"<a> </a>", " ", nil},
		{"<pre><code class=\"language-go\">x := 1</code></pre>", "x := 1", []ent{{Type: "pre", Offset: 0, Length: 6, Language: "go"}}},
		{"<pre><code>x</code></pre>", "x", []ent{{Type: "pre", Offset: 0, Length: 1}, {Type: "code", Offset: 0, Length: 1}}},
		{"<i>a<b>b</b></>", "ab", []ent{{Type: "italic", Offset: 0, Length: 2}, {Type: "bold", Offset: 1, Length: 1}}},
		{"<blockquote expandable>q</blockquote>", "q", []ent{{Type: "expandable_blockquote", Offset: 0, Length: 1}}},
	}
	for _, tc := range ok {
		f, err := parseHTML(tc.src)
		if err != nil {
			t.Errorf("parseHTML(%q): %v", tc.src, err)
			continue
		}
		if f.text != tc.text || !sameSpans(f.entities, tc.ents) {
			t.Errorf("parseHTML(%q) = %q %+v, want %q %+v", tc.src, f.text, f.entities, tc.text, tc.ents)
		}
	}
	bad := []struct{ src, err string }{
		{"&#57311;", "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units"},
		{"🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"},
		{"🏟 🏟&lt;<abac aba>", "Unsupported start tag \"abac\" at byte offset 13"},
		{"🏟 🏟&lt;<i   =aba>", "Empty attribute name in the tag \"i\" at byte offset 13"},
		{"🏟 🏟&lt;<i    aba>", "Can't find end tag corresponding to start tag \"i\""},
		{"🏟 🏟&lt;<i    aba  =  ", "Unclosed start tag \"i\" at byte offset 13"},
		{"🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"},
		{"🏟 🏟&lt;<i    aba  =  \"&lt;&gt;&quot;>", "Unclosed start tag at byte offset 13"},
		{"🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"},
		{"🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"},
		{"🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"},
		{"🏟 🏟&lt;<i>a</em   >", "Unmatched end tag at byte offset 17, expected \"</i>\", found \"</em>\""},
	}
	for _, tc := range bad {
		if _, err := parseHTML(tc.src); err == nil || err.Error() != tc.err {
			t.Errorf("parseHTML(%q) error = %v, want %q", tc.src, err, tc.err)
		}
	}
}

func TestParseMarkdownV2(t *testing.T) {
	// '>' is reserved only inside a line; at a line start it opens a quote.
	if _, err := parseMarkdownV2("a>b"); err == nil || err.Error() != "Character '>' is reserved and must be escaped with the preceding '\\'" {
		t.Errorf("a>b: %v", err)
	}
	for _, c := range "]()#+-=|{}.!" {
		want := "Character '" + string(c) + "' is reserved and must be escaped with the preceding '\\'"
		if _, err := parseMarkdownV2(string(c)); err == nil || err.Error() != want {
			t.Errorf("parseMarkdownV2(%q) error = %v, want %q", string(c), err, want)
		}
		if f, err := parseMarkdownV2("\\" + string(c)); err != nil || f.text != string(c) {
			t.Errorf("escaped %q = %q, %v", string(c), f.text, err)
		}
	}
	bad := []struct{ src, err string }{
		{"🏟 🏟_abacaba", "Can't find end of Italic entity at byte offset 9"},
		{"🏟 🏟_abac * asd ", "Can't find end of Bold entity at byte offset 15"},
		{"🏟 🏟_abac * asd _", "Can't find end of Italic entity at byte offset 21"},
		{"🏟 🏟`", "Can't find end of Code entity at byte offset 9"},
		{"🏟 🏟```", "Can't find end of Pre entity at byte offset 9"},
		{"🏟 🏟```a", "Can't find end of Pre entity at byte offset 9"},
		{"🏟 🏟```a ", "Can't find end of PreCode entity at byte offset 9"},
		{"🏟 🏟__🏟 🏟_", "Can't find end of Italic entity at byte offset 20"},
		{"🏟 🏟_🏟 🏟__", "Can't find end of Underline entity at byte offset 19"},
		{"🏟 🏟```🏟 🏟_", "Can't find end of PreCode entity at byte offset 9"},
		{"[telegram\\.org](asd\\)", "Can't find end of a URL at byte offset 16"},
		{"🏟 🏟__🏟 _🏟___", "Can't find end of Italic entity at byte offset 23"},
		{"🏟 🏟||test\\|", "Can't find end of Spoiler entity at byte offset 9"},
		{">*b\n>ld \n>bo\nld*\nasd\ndef", "Can't find end of Bold entity at byte offset 1"},
		{">\n*a*>2", "Character '>' is reserved and must be escaped with the preceding '\\'"},
		{">asd\n>q||ew\n||asdad", "Can't find end of Spoiler entity at byte offset 7"},
	}
	for _, tc := range bad {
		if _, err := parseMarkdownV2(tc.src); err == nil || err.Error() != tc.err {
			t.Errorf("parseMarkdownV2(%q) error = %v, want %q", tc.src, err, tc.err)
		}
	}
	ok := []struct {
		src  string
		text string
		ents []ent
	}{
		{"\\\\\\\\\\_\\*\\`", "\\\\_*`", nil},
		{"🏟 🏟_abac \\* asd _", "🏟 🏟abac * asd ", []ent{{Type: "italic", Offset: 5, Length: 11}}},
		{"🏟 🏟_🏟 __🏟___", "🏟 🏟🏟 🏟", []ent{{Type: "italic", Offset: 5, Length: 5}, {Type: "underline", Offset: 8, Length: 2}}},
		{"🏟 🏟```🏟\n🏟```", "🏟 🏟🏟", []ent{{Type: "pre", Offset: 5, Length: 2, Language: "🏟"}}},
		{"🏟 🏟**", "🏟 🏟", nil},
		{"||test||", "test", []ent{{Type: "spoiler", Offset: 0, Length: 4}}},
		{"[ ](telegram.org)", " ", []ent{{Type: "text_link", Offset: 0, Length: 1, URL: "http://telegram.org/"}}},
		{"[ ](as)", " ", nil},
		{"[telegram\\.org]", "telegram.org", []ent{{Type: "text_link", Offset: 0, Length: 12, URL: "http://telegram.org/"}}},
		{"abc\n> \n> \n>\ndef", "abc\n \n \n\ndef", []ent{{Type: "blockquote", Offset: 4, Length: 5}}},
		{">a", "a", []ent{{Type: "blockquote", Offset: 0, Length: 1}}},
		{">asd\n>q||e||w||\nasdad", "asd\nqew\nasdad", []ent{{Type: "expandable_blockquote", Offset: 0, Length: 8}, {Type: "spoiler", Offset: 5, Length: 1}}},
		{">asd\n>q||ew||\nasdad", "asd\nqew\nasdad", []ent{{Type: "blockquote", Offset: 0, Length: 8}, {Type: "spoiler", Offset: 5, Length: 2}}},
		{"`_* *_`__*` `*__", "_* *_ ", []ent{{Type: "code", Offset: 0, Length: 5}, {Type: "underline", Offset: 5, Length: 1}, {Type: "bold", Offset: 5, Length: 1}, {Type: "code", Offset: 5, Length: 1}}},
	}
	for _, tc := range ok {
		f, err := parseMarkdownV2(tc.src)
		if err != nil {
			t.Errorf("parseMarkdownV2(%q): %v", tc.src, err)
			continue
		}
		if f.text != tc.text || !sameSpans(f.entities, tc.ents) {
			t.Errorf("parseMarkdownV2(%q) = %q %+v, want %q %+v", tc.src, f.text, f.entities, tc.text, tc.ents)
		}
	}
}

// sameSpans compares entity sets regardless of the order of entities that
// share a span.
func sameSpans(got, want []ent) bool {
	if len(got) != len(want) {
		return false
	}
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && reflect.DeepEqual(g, w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func TestParseLegacyMarkdown(t *testing.T) {
	f, err := parseMarkdown("*b* _i_ `c` [l](example.com)")
	if err != nil || f.text != "b i c l" || len(f.entities) != 4 || f.entities[3].URL != "http://example.com/" {
		t.Errorf("got %q %+v %v", f.text, f.entities, err)
	}
	if _, err := parseMarkdown("a *b"); err == nil || err.Error() != "Can't find end of the entity starting at byte offset 2" {
		t.Errorf("unclosed: %v", err)
	}
}

func TestBotCommandEntities(t *testing.T) {
	cases := []struct {
		text string
		want []ent
	}{
		{"/start", []ent{{Type: "bot_command", Offset: 0, Length: 6}}},
		{"/start@crm_sandbox_bot payload", []ent{{Type: "bot_command", Offset: 0, Length: 22}}},
		{"سلام /help", []ent{{Type: "bot_command", Offset: 5, Length: 5}}},
		{"😀 /a_1 and /b", []ent{{Type: "bot_command", Offset: 3, Length: 4}, {Type: "bot_command", Offset: 12, Length: 2}}},
		{"a/b", nil},
		{"/", nil},
		{"path /usr/bin", nil},
	}
	for _, tc := range cases {
		if got := botCommandEntities(tc.text); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("botCommandEntities(%q) = %+v, want %+v", tc.text, got, tc.want)
		}
	}
}

func TestTrimFormatted(t *testing.T) {
	f, aerr := parseFormatted("\n  <b>hi</b> \n", "HTML", "")
	if aerr != nil || f.text != "hi" || len(f.entities) != 1 || f.entities[0].Offset != 0 || f.entities[0].Length != 2 {
		t.Errorf("got %q %+v %v", f.text, f.entities, aerr)
	}
}
