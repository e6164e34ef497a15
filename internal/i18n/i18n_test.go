package i18n

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"text/template"
	"text/template/parse"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/telecrm/crmbot/locales"
)

func newBundle(tb testing.TB, def string) *Bundle {
	tb.Helper()
	b, err := New(def)
	if err != nil {
		tb.Fatalf("New(%q): %v", def, err)
	}
	return b
}

// loadFiles parses every message file of fsys (<part>.<lang>.toml) into
// lang -> ID -> message.
func loadFiles(tb testing.TB, fsys fs.FS) map[string]map[string]*goi18n.Message {
	tb.Helper()
	out := map[string]map[string]*goi18n.Message{}
	for _, lang := range Supported() {
		out[lang] = map[string]*goi18n.Message{}
	}
	names, err := MessageFiles(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range names {
		lang := FileLang(name)
		if out[lang] == nil {
			tb.Fatalf("%s: unsupported language %q", name, lang)
		}
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			tb.Fatalf("read %s: %v", name, err)
		}
		b := goi18n.NewBundle(language.English)
		b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
		mf, err := b.ParseMessageFileBytes(buf, name)
		if err != nil {
			tb.Fatalf("parse %s: %v", name, err)
		}
		for _, m := range mf.Messages {
			out[lang][m.ID] = m
		}
	}
	return out
}

// pluralForms lists the CLDR forms each language's plural messages must carry.
var pluralForms = map[string][]string{
	English: {"one", "other"},
	Persian: {"one", "other"},
	Arabic:  {"zero", "one", "two", "few", "many", "other"},
}

func forms(m *goi18n.Message) map[string]string {
	f := map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other}
	for k, v := range f {
		if v == "" {
			delete(f, k)
		}
	}
	return f
}

// checkMessages returns every problem with the message files in fsys.
func checkMessages(tb testing.TB, fsys fs.FS) []string {
	tb.Helper()
	files := loadFiles(tb, fsys)
	ids := map[string]bool{}
	for _, msgs := range files {
		for id := range msgs {
			ids[id] = true
		}
	}
	var problems []string
	for _, id := range slices.Sorted(mapsKeys(ids)) {
		plural := false
		for _, lang := range Supported() {
			if m, ok := files[lang][id]; ok && len(forms(m)) > 1 {
				plural = true
			}
		}
		for _, lang := range Supported() {
			m, ok := files[lang][id]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: missing in active.%s.toml", id, lang))
				continue
			}
			f := forms(m)
			want := []string{"other"}
			if plural {
				want = pluralForms[lang]
			}
			for _, form := range want {
				if f[form] == "" {
					problems = append(problems, fmt.Sprintf("%s (%s): missing plural form %q; has %v", id, lang, form, slices.Sorted(mapsKeys(f))))
				}
			}
			for form := range f {
				if !slices.Contains(want, form) {
					problems = append(problems, fmt.Sprintf("%s (%s): form %q is not used by %s", id, lang, form, lang))
				}
			}
		}
	}
	return problems
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestMessageFilesComplete(t *testing.T) {
	for _, p := range checkMessages(t, locales.FS) {
		t.Error(p)
	}
}

// The checker must catch what it claims to catch.
func TestMessageFilesCheckerFails(t *testing.T) {
	fsys := fstest.MapFS{
		"active.en.toml": {Data: []byte("[a.b]\nother = \"x\"\n[c]\none = \"{{.Count}} c\"\nother = \"{{.Count}} cs\"\n")},
		"active.fa.toml": {Data: []byte("[c]\none = \"{{.Count}} c\"\nother = \"{{.Count}} c\"\n")},
		"active.ar.toml": {Data: []byte("[a.b]\nother = \"x\"\n[c]\none = \"c\"\nother = \"{{.Count}} c\"\n")},
	}
	got := strings.Join(checkMessages(t, fsys), "\n")
	for _, want := range []string{
		"a.b: missing in active.fa.toml",
		`c (ar): missing plural form "zero"`,
		`c (ar): missing plural form "few"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("checker output lacks %q; got:\n%s", want, got)
		}
	}
}

// templateFields returns the top-level field names a template refers to.
func templateFields(tb testing.TB, text string) []string {
	tb.Helper()
	tmpl, err := template.New("m").Parse(text)
	if err != nil {
		tb.Fatalf("parse %q: %v", text, err)
	}
	seen := map[string]bool{}
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			seen[n.Ident[0]] = true
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(tmpl.Tree.Root)
	out := slices.Sorted(mapsKeys(seen))
	return out
}

func TestTemplatesExecute(t *testing.T) {
	files := loadFiles(t, locales.FS)
	b := newBundle(t, English)
	for _, id := range slices.Sorted(mapsKeys(files[English])) {
		var enFields []string
		for _, f := range forms(files[English][id]) {
			enFields = append(enFields, templateFields(t, f)...)
		}
		sort.Strings(enFields)
		enFields = slices.Compact(enFields)
		for _, lang := range Supported() {
			m := files[lang][id]
			if m == nil {
				continue // reported by TestMessageFilesComplete
			}
			data := map[string]any{}
			for form, text := range forms(m) {
				for _, f := range templateFields(t, text) {
					if !slices.Contains(enFields, f) {
						t.Errorf("%s (%s, %s) uses {{.%s}}, which the English message does not", id, lang, form, f)
					}
					data[f] = "Sara"
				}
			}
			l := b.For(lang)
			for _, count := range []int{0, 1, 2, 3, 11, 100} {
				got := l.N(id, count, data)
				if got == id || got == "" || strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
					t.Errorf("%s (%s) with count %d rendered %q", id, lang, count, got)
				}
			}
		}
	}
}

func TestArabicPlural(t *testing.T) {
	l := newBundle(t, English).For(Arabic)
	tests := []struct {
		n    int
		want string
	}{
		{0, "لا يوجد عملاء"},
		{1, "عميل واحد"},
		{2, "عميلان"},
		{3, "٣ عملاء"},
		{10, "١٠ عملاء"},
		{11, "١١ عميلاً"},
		{99, "٩٩ عميلاً"},
		{100, "١٠٠ عميل"},
		{1000, "١٬٠٠٠ عميل"},
	}
	for _, tt := range tests {
		if got := l.N("common.customers_count", tt.n, nil); got != tt.want {
			t.Errorf("ar N(customers_count, %d) = %q; want %q", tt.n, got, tt.want)
		}
	}
}

func TestDigitsInData(t *testing.T) {
	b := newBundle(t, English)
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{Persian, 1, "۱ مشتری"},
		{Persian, 0, "۰ مشتری"},
		{Persian, 1234, "۱٬۲۳۴ مشتری"},
		{English, 1, "1 customer"},
		{English, 1234, "1,234 customers"},
		{Arabic, 25, "٢٥ عميلاً"},
	}
	for _, tt := range tests {
		if got := b.For(tt.lang).N("common.customers_count", tt.n, nil); got != tt.want {
			t.Errorf("%s N(customers_count, %d) = %q; want %q", tt.lang, tt.n, got, tt.want)
		}
	}
	// T formats numbers; strings keep their text (in fa inside an isolate, see
	// bidi_test.go), using an in-memory message.
	fsys := fstest.MapFS{
		"active.en.toml": {Data: []byte("[x]\nother = \"{{.Name}} {{.N}} {{.F}} {{.U}}\"\n")},
		"active.fa.toml": {Data: []byte("[x]\nother = \"{{.Name}} {{.N}} {{.F}} {{.U}}\"\n")},
	}
	mb, err := NewFromFS(fsys, Persian)
	if err != nil {
		t.Fatal(err)
	}
	got := mb.For(Persian).T("x", map[string]any{"Name": "Room 12", "N": int64(42), "F": 2.5, "U": uint8(7)})
	if want := "\u200f\u2068Room 12\u2069 ۴۲ ۲٫۵ ۷"; got != want {
		t.Errorf("fa T(x) = %q; want %q", got, want)
	}
}

func TestFallback(t *testing.T) {
	fsys := fstest.MapFS{
		"active.en.toml": {Data: []byte("[only.en]\nother = \"English only\"\n")},
		"active.fa.toml": {Data: []byte("[only.fa]\nother = \"فقط فارسی\"\n")},
	}
	b, err := NewFromFS(fsys, Persian)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ lang, id, want string }{
		{Persian, "only.fa", "فقط فارسی"},
		{Persian, "only.en", "English only"}, // falls back to English, not to the fa default
		{Arabic, "only.en", "English only"},
		{Persian, "nowhere", "nowhere"},
		{English, "only.fa", "only.fa"},
	}
	for _, tt := range tests {
		if got := b.For(tt.lang).T(tt.id, nil); got != tt.want {
			t.Errorf("For(%q).T(%q) = %q; want %q", tt.lang, tt.id, got, tt.want)
		}
		if got := b.For(tt.lang).N(tt.id, 3, nil); got != tt.want {
			t.Errorf("For(%q).N(%q, 3) = %q; want %q", tt.lang, tt.id, got, tt.want)
		}
	}
}

func TestMatch(t *testing.T) {
	b := newBundle(t, Persian)
	tests := []struct{ code, want string }{
		{"fa", Persian},
		{"fa-IR", Persian},
		{"FA_ir", Persian},
		{"ar", Arabic},
		{"ar-AE", Arabic},
		{"ar-SA", Arabic},
		{"en", English},
		{"en-US", English},
		{"en-GB", English},
		{"", Persian},
		{"ru", Persian},
		{"not a tag!", Persian},
	}
	for _, tt := range tests {
		if got := b.Match(tt.code); got != tt.want {
			t.Errorf("Match(%q) = %q; want %q", tt.code, got, tt.want)
		}
	}
	if got := newBundle(t, English).Match("de-DE"); got != English {
		t.Errorf("Match(de-DE) with default en = %q; want en", got)
	}
}

func TestBundle(t *testing.T) {
	if _, err := New("de"); err == nil {
		t.Error("New(de) succeeded; want an error")
	}
	b := newBundle(t, Arabic)
	for _, lang := range Supported() {
		if got := b.For(lang).Lang(); got != lang {
			t.Errorf("For(%q).Lang() = %q", lang, got)
		}
	}
	if got := b.For("xx").Lang(); got != Arabic {
		t.Errorf("For(xx).Lang() = %q; want the default ar", got)
	}
	if got := b.For(Persian).T("common.yes", nil); got != "بله" {
		t.Errorf("fa common.yes = %q; want بله", got)
	}
	if _, err := NewFromFS(fstest.MapFS{"active.en.toml": {Data: []byte("[a\n")}}, English); err == nil {
		t.Error("NewFromFS with broken TOML succeeded; want an error")
	}
}

// Persian text must use Persian letters; Arabic text must not.
func TestLetterForms(t *testing.T) {
	files := loadFiles(t, locales.FS)
	for id, m := range files[Persian] {
		for form, text := range forms(m) {
			if strings.ContainsAny(text, "يك") {
				t.Errorf("%s (fa, %s) contains Arabic ي or ك: %q", id, form, text)
			}
			if strings.ContainsAny(text, "0123456789٠١٢٣٤٥٦٧٨٩") {
				t.Errorf("%s (fa, %s) contains non-Persian digits: %q", id, form, text)
			}
		}
	}
	for id, m := range files[Arabic] {
		for form, text := range forms(m) {
			if strings.ContainsAny(text, "یک۰۱۲۳۴۵۶۷۸۹") {
				t.Errorf("%s (ar, %s) contains Persian ی, ک or digits: %q", id, form, text)
			}
		}
	}
}

// A feature's own message file joins the core files; an ID defined twice
// in one language is refused rather than silently replaced.
func TestFeatureFilesJoinAndDuplicatesAreRefused(t *testing.T) {
	core := []byte("[a]\nother = \"core\"\n")
	feature := []byte("[b]\nother = \"feature\"\n")
	fsys := fstest.MapFS{}
	for _, l := range Supported() {
		fsys["active."+l+".toml"] = &fstest.MapFile{Data: core}
		fsys["surveys."+l+".toml"] = &fstest.MapFile{Data: feature}
	}
	b, err := NewFromFS(fsys, English)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.For(English).T("b", nil); got != "feature" {
		t.Errorf("a feature file's message = %q, want %q", got, "feature")
	}
	fsys["digest.fa.toml"] = &fstest.MapFile{Data: core}
	if _, err := NewFromFS(fsys, English); err == nil || !strings.Contains(err.Error(), "defined in both") {
		t.Errorf("an ID in two files of one language: err = %v, want it refused", err)
	}
}
