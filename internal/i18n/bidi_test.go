package i18n

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/bidi"

	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/locales"
)

// sampleValues are what every placeholder of every message is rendered with:
// Latin, mixed in both orders, digits first with trailing punctuation, a
// phone number (weak characters only), and escaped HTML with a tag, as the
// bot passes names.
var sampleValues = []string{
	"Priya Nair",
	"Acme Trading شرکت",
	"شركة Acme",
	"3M Gulf LLC.",
	"+971 50 123 4567",
	"Tehran &amp; Gulf <i>Field</i> Sales",
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// paragraphClass returns the class (L, R or AL) of the first strong
// character of the text Telegram shows for line (tags removed, entities
// decoded), skipping isolates as rule P2 of UAX #9 does, or bidi.ON when
// there is none. It is written apart from the package's own firstStrong.
func paragraphClass(line string) bidi.Class {
	shown := html.UnescapeString(tagRE.ReplaceAllString(line, ""))
	depth := 0
	for _, r := range shown {
		p, _ := bidi.LookupRune(r)
		switch c := p.Class(); {
		case c == bidi.FSI || c == bidi.LRI || c == bidi.RLI:
			depth++
		case c == bidi.PDI:
			depth = max(depth-1, 0)
		case depth == 0 && (c == bidi.L || c == bidi.R || c == bidi.AL):
			return c
		}
	}
	return bidi.ON
}

// isolateDepth is how many isolates are open at byte offset i of line.
func isolateDepth(line string, i int) int {
	depth := 0
	for _, r := range line[:i] {
		switch r {
		case fsi, lri, rli:
			depth++
		case pdi:
			depth = max(depth-1, 0)
		}
	}
	return depth
}

func hasLatin(s string) bool {
	return strings.ContainsFunc(tagRE.ReplaceAllString(s, ""), func(r rune) bool { return r < 0x80 && unicode.IsLetter(r) })
}

// stripAdded removes the characters isolation adds.
func stripAdded(s string) string {
	return strings.Map(func(r rune) rune {
		if r == fsi || r == pdi || r == rlm {
			return -1
		}
		return r
	}, s)
}

// checkRTL returns what is wrong with text, rendered with values, in a
// right-to-left language. A line that is nothing but one of the values (an
// invite link on its own line) is the writer's text in its own direction
// and is not checked.
func checkRTL(text string, values []string) []string {
	var problems []string
	for _, tag := range tagRE.FindAllString(text, -1) {
		if strings.ContainsAny(tag, string([]rune{fsi, pdi, lri, rli, rlm})) {
			problems = append(problems, "bidi control inside tag "+tag)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if slices.Contains(values, strings.TrimSpace(line)) {
			continue
		}
		if c := paragraphClass(line); c != bidi.R && c != bidi.AL && c != bidi.ON {
			problems = append(problems, "line reads left to right: "+show(line))
		}
		for _, v := range values {
			if !hasLatin(v) {
				continue
			}
			for off := 0; ; {
				i := strings.Index(line[off:], v)
				if i < 0 {
					break
				}
				if isolateDepth(line, off+i) == 0 {
					problems = append(problems, "value "+show(v)+" not isolated in "+show(line))
				}
				off += i + len(v)
			}
		}
	}
	return problems
}

// show quotes s for a failure message with its isolates (⁽ ⁾) and RLMs
// made visible.
func show(s string) string {
	return "«" + strings.NewReplacer("\u2068", "⁽", "\u2069", "⁾", "\u200f", "‹RLM›").Replace(s) + "»"
}

// rawRenderer renders messages with go-i18n alone: numbers formatted as
// Localizer does, strings untouched, no isolation.
func rawRenderer(tb testing.TB, lang string) func(id string, count int, data map[string]any) string {
	tb.Helper()
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := MessageFiles(locales.FS)
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range names {
		if _, err := b.LoadMessageFileFS(locales.FS, name); err != nil {
			tb.Fatal(err)
		}
	}
	loc := goi18n.NewLocalizer(b, lang)
	return func(id string, count int, data map[string]any) string {
		d := map[string]any{}
		for k, v := range data {
			d[k] = v
		}
		d["Count"] = format.Int(lang, int64(count))
		// Like Localizer, take the text go-i18n returns with an error (a
		// plural form missing in a message that is not plural).
		msg, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: count})
		if msg == "" {
			tb.Fatalf("raw render %s (%s): %v", id, lang, err)
		}
		return msg
	}
}

// Every message of every locale, rendered in fa and ar with Latin and mixed
// values in each placeholder, reads right to left on every line and holds
// each Latin value in an isolate; isolation adds nothing but invisible
// characters, and English comes out exactly as go-i18n renders it.
func TestEveryMessageReadsRightToLeft(t *testing.T) {
	files := loadFiles(t, locales.FS)
	b := newBundle(t, English)
	raw := map[string]func(string, int, map[string]any) string{}
	for _, lang := range Supported() {
		raw[lang] = rawRenderer(t, lang)
	}
	for _, id := range slices.Sorted(mapsKeys(files[English])) {
		for _, lang := range Supported() {
			m := files[lang][id]
			if m == nil {
				continue // reported by TestMessageFilesComplete
			}
			var fields []string
			for _, text := range forms(m) {
				fields = append(fields, templateFields(t, text)...)
			}
			for _, v := range sampleValues {
				data := map[string]any{}
				for _, f := range fields {
					if f != "Count" {
						data[f] = v
					}
				}
				seen := map[string]bool{}
				for _, count := range []int{0, 1, 2, 3, 11, 100} {
					got := b.For(lang).N(id, count, data)
					want := raw[lang](id, count, data)
					if lang == English {
						if got != want {
							t.Errorf("%s (en, %d, %q) = %q; want go-i18n's %q", id, count, v, got, want)
						}
						continue
					}
					if stripAdded(got) != stripAdded(want) {
						t.Errorf("%s (%s, %d, %q): isolation changed more than bidi controls:\n got %q\nwant %q", id, lang, count, v, got, want)
					}
					for _, p := range checkRTL(got, []string{v}) {
						if !seen[p] {
							seen[p] = true
							t.Errorf("%s (%s, count %d): %s", id, lang, count, p)
						}
					}
				}
			}
		}
	}
}

// The three lines that were reported scrambled.
func TestIsolateReportedExamples(t *testing.T) {
	b := newBundle(t, English)
	fa := b.For(Persian)
	tests := []struct {
		name, got, want string
	}{{
		"team member line",
		fa.T("team.member_line", map[string]any{
			"Name":    "Priya Nair",
			"Open":    fa.N("team.open_followups", 9, nil),
			"Overdue": fa.N("team.overdue_followups", 3, nil),
		}),
		"\u200f• \u2068Priya Nair\u2069: \u2068۹ باز\u2069، \u2068۳ عقب‌افتاده\u2069",
	}, {
		"team overview title",
		fa.T("team.overview", map[string]any{"Team": "Tehran &amp; Gulf Field Sales"}),
		"📊 <b>\u2068Tehran &amp; Gulf Field Sales\u2069</b>: پیگیری‌های هر کارشناس",
	}, {
		"escalation",
		fa.T("escalation.text", map[string]any{"Rep": "Priya Nair", "Name": "Elena Petrova", "When": "", "Late": ""}),
		"⚠️ <b>\u2068Priya Nair\u2069</b> هنوز <b>\u2068Elena Petrova\u2069</b> را پیگیری نکرده است.",
	}}
	for _, tt := range tests {
		if !strings.HasPrefix(tt.got, tt.want) {
			t.Errorf("%s:\n got %s\nwant %s…", tt.name, show(tt.got), show(tt.want))
		}
		for _, p := range checkRTL(tt.got, []string{"Priya Nair", "Elena Petrova", "Tehran &amp; Gulf Field Sales"}) {
			t.Errorf("%s: %s", tt.name, p)
		}
	}
	// The same lines without isolates are what was reported: they start
	// left to right.
	for _, line := range []string{"• Priya Nair: ۹ باز، ۳ عقب‌افتاده", "📊 <b>Tehran &amp; Gulf Field Sales</b>: پیگیری‌های هر کارشناس"} {
		if c := paragraphClass(line); c != bidi.L {
			t.Errorf("paragraphClass(%q) = %v; want L (the checker must see the bug)", line, c)
		}
	}
	// English is untouched.
	en := b.For(English).T("team.member_line", map[string]any{"Name": "Priya Nair", "Open": "9 open", "Overdue": "3 overdue"})
	if en != "• Priya Nair: 9 open, 3 overdue" {
		t.Errorf("en team.member_line = %q", en)
	}
}

// inMemory is a bundle of one message, x, in every language.
func inMemory(tb testing.TB, text string) *Bundle {
	tb.Helper()
	q := strings.ReplaceAll(text, `"`, `\"`)
	q = strings.ReplaceAll(q, "\n", `\n`)
	msg := []byte("[x]\nother = \"" + q + "\"\n")
	b, err := NewFromFS(fstest.MapFS{"active.en.toml": {Data: msg}, "active.fa.toml": {Data: msg}, "active.ar.toml": {Data: msg}}, English)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestIsolateLines(t *testing.T) {
	tests := []struct {
		name, tmpl string
		data       map[string]any
		want       string
	}{
		{"a multi-line value: its first line is isolated, the rest keeps its own direction",
			"📝 {{.Note}}", map[string]any{"Note": "Call back Monday.\nPrice list sent.\n\nقیمت را فرستادم."},
			"\u200f📝 \u2068Call back Monday.\u2069\nPrice list sent.\n\nقیمت را فرستادم."},
		{"a value that ends on a line the message continues",
			"یادداشت: {{.Note}} (ویرایش شد)", map[string]any{"Note": "one\ntwo"},
			"یادداشت: \u2068one\u2069\n\u2068two\u2069 (ویرایش شد)"},
		{"a value alone on its line",
			"دعوت:\n\n{{.Link}}\n\nبفرستید.", map[string]any{"Link": "https://t.me/bot?start=x"},
			"دعوت:\n\nhttps://t.me/bot?start=x\n\nبفرستید."},
		{"a value alone in bold is still the message's line",
			"<b>{{.Name}}</b>\nنقش: {{.Role}}", map[string]any{"Name": "Sara", "Role": "مدیر"},
			"\u200f<b>\u2068Sara\u2069</b>\nنقش: \u2068مدیر\u2069"},
		{"numbers are not isolated",
			"{{.Name}}: {{.N}} مشتری، {{.F}}", map[string]any{"Name": "Reza", "N": 1234, "F": 2.5},
			"\u2068Reza\u2069: ۱٬۲۳۴ مشتری، ۲٫۵"},
		{"empty and blank values stay as they are",
			"الف{{.A}}ب{{.B}}", map[string]any{"A": "", "B": "  "},
			"الفب  "},
		{"stray isolate controls and marks in a value are balanced or removed",
			"نام: {{.Name}}", map[string]any{"Name": "a\u2069b\u2068c\ufdd0"},
			"نام: \u2068ab\u2068c\u2069\u2069"},
		{"commands of the message are isolated, closing tags are not commands",
			"• /today — <b>امروز</b> یا /cancel_all", nil,
			"• \u2068/today\u2069 — <b>امروز</b> یا \u2068/cancel_all\u2069"},
		{"a line with nothing strong is left alone",
			"[…]", nil, "[…]"},
	}
	for _, tt := range tests {
		got := inMemory(t, tt.tmpl).For(Persian).T("x", tt.data)
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, show(got), show(tt.want))
		}
		if en := inMemory(t, tt.tmpl).For(English).T("x", tt.data); strings.ContainsAny(en, "\u200f\ufdd0\ufdd1") {
			t.Errorf("%s: en output has an RLM or value marks: %q", tt.name, en)
		}
	}
}

// A message only English has, shown to a fa reader, stays English: no
// isolates, no RLM.
func TestIsolateNotInEnglishFallback(t *testing.T) {
	fsys := fstest.MapFS{
		"active.en.toml": {Data: []byte("[only.en]\nother = \"Hello {{.Name}}!\"\n")},
		"active.fa.toml": {Data: []byte("[other]\nother = \"x\"\n")},
	}
	b, err := NewFromFS(fsys, Persian)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.For(Persian).T("only.en", map[string]any{"Name": "Sara"}); got != "Hello Sara!" {
		t.Errorf("fa fallback = %q; want %q", got, "Hello Sara!")
	}
}

func TestIsolate(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{Persian, "Priya Nair", "\u2068Priya Nair\u2069"},
		{Arabic, "a\nb\n\nc", "\u2068a\u2069\n\u2068b\u2069\n\n\u2068c\u2069"},
		{Arabic, "x\u2069", "\u2068x\u2069"},
		{Persian, "", ""},
		{English, "Priya Nair", "Priya Nair"},
	}
	for _, tt := range tests {
		if got := Isolate(tt.lang, tt.in); got != tt.want {
			t.Errorf("Isolate(%s, %q) = %q; want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

// The visual order of the team line, by x/text's implementation of UAX #9:
// the bullet on the right, then the name as one left-to-right run, then the
// counts.
func TestIsolateVisualOrder(t *testing.T) {
	fa := newBundle(t, English).For(Persian)
	line := fa.T("team.member_line", map[string]any{
		"Name": "Priya Nair", "Open": fa.N("team.open_followups", 9, nil), "Overdue": fa.N("team.overdue_followups", 3, nil),
	})
	var p bidi.Paragraph
	if _, err := p.SetString(line); err != nil {
		t.Fatal(err)
	}
	o, err := p.Order()
	if err != nil {
		t.Fatal(err)
	}
	var ltr []string
	for i := 0; i < o.NumRuns(); i++ {
		if r := o.Run(i); r.Direction() == bidi.LeftToRight && strings.ContainsFunc(r.String(), unicode.IsLetter) {
			ltr = append(ltr, strings.Trim(r.String(), "\u2068\u2069 "))
		}
	}
	if !slices.Equal(ltr, []string{"Priya Nair"}) {
		t.Errorf("left-to-right runs with letters = %q; want just the name", ltr)
	}
}
