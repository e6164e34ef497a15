package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

// TestMenuResolvesInTelegramsScopeOrder sets menus in several scopes and
// languages and checks what a user sees in their private chat: the chat's
// own scope, then all_private_chats, then default, each first in the
// user's language and then without one.
func TestMenuResolvesInTelegramsScopeOrder(t *testing.T) {
	sb := NewTest(t, fast())
	const fa, en, ar, none = 501, 502, 503, 504
	for id, lang := range map[int64]string{fa: "fa-IR", en: "en", ar: "ar", none: ""} {
		if err := sb.AddUser(id, MsgOpts{FirstName: "U", LanguageCode: lang}); err != nil {
			t.Fatal(err)
		}
	}
	set := func(scope, lang, cmd string) {
		t.Helper()
		p := map[string]any{"commands": []BotCommand{{Command: cmd, Description: cmd}}}
		if scope != "" {
			p["scope"] = scope
		}
		if lang != "" {
			p["language_code"] = lang
		}
		wantOK(t, callJSON(t, sb, "setMyCommands", p))
	}
	first := func(id int64) string {
		menu := sb.MenuFor(id)
		if len(menu) == 0 {
			return ""
		}
		return menu[0].Command
	}
	check := func(when string, want map[int64]string) {
		t.Helper()
		for id, w := range want {
			if got := first(id); got != w {
				t.Errorf("%s: user %d sees /%s, want /%s", when, id, got, w)
			}
		}
	}

	check("nothing set", map[int64]string{fa: "", en: "", none: ""})
	set("", "", "default")
	set("", "fa", "default_fa")
	check("default scope", map[int64]string{fa: "default_fa", en: "default", ar: "default", none: "default"})
	set(`{"type":"all_private_chats"}`, "", "private")
	check("all private chats", map[int64]string{fa: "private", en: "private", none: "private"})
	set(`{"type":"all_private_chats"}`, "en", "private_en")
	set(`{"type":"chat","chat_id":501}`, "", "chat_fa_user")
	set(`{"type":"chat","chat_id":"502"}`, "en", "chat_en_user_en")
	set(`{"type":"chat","chat_id":503}`, "fa", "chat_ar_user_fa")
	check("chat scopes", map[int64]string{fa: "chat_fa_user", en: "chat_en_user_en", ar: "private", none: "private"})

	// Deleting the chat's own menu falls back to the wider scopes again.
	wantOK(t, callJSON(t, sb, "deleteMyCommands", map[string]any{"scope": `{"type":"chat","chat_id":501}`}))
	check("after deleteMyCommands", map[int64]string{fa: "private"})

	// The page reads the same resolved menu from the transcript.
	var tr Transcript
	control(t, sb, http.MethodGet, "/sandbox/chats/502/transcript", nil, &tr)
	if len(tr.Commands) != 1 || tr.Commands[0].Command != "chat_en_user_en" {
		t.Errorf("transcript commands = %v, want the chat's own English menu", tr.Commands)
	}
}

func TestDescriptions(t *testing.T) {
	sb := NewTest(t, fast())
	wantOK(t, callJSON(t, sb, "setMyDescription", map[string]any{"description": "The default one"}))
	wantOK(t, callJSON(t, sb, "setMyDescription", map[string]any{"description": "توضیح فارسی", "language_code": "fa"}))
	wantOK(t, callJSON(t, sb, "setMyShortDescription", map[string]any{"short_description": "کوتاه", "language_code": "fa"}))

	tests := []struct {
		method, lang, field, want string
	}{
		{"getMyDescription", "fa", "description", "توضیح فارسی"},
		{"getMyDescription", "en", "description", "The default one"}, // no English of its own
		{"getMyDescription", "", "description", "The default one"},
		{"getMyShortDescription", "fa", "short_description", "کوتاه"},
		{"getMyShortDescription", "ar", "short_description", ""},
	}
	for _, tt := range tests {
		p := map[string]any{}
		if tt.lang != "" {
			p["language_code"] = tt.lang
		}
		r := callJSON(t, sb, tt.method, p)
		wantOK(t, r)
		if want := `{"` + tt.field + `":"` + tt.want + `"}`; string(r.Result) != want {
			t.Errorf("%s(%q) = %s, want %s", tt.method, tt.lang, r.Result, want)
		}
	}

	// Telegram's limits count characters, not bytes: 512 Persian letters
	// are a valid description, 513 are not.
	wantOK(t, callJSON(t, sb, "setMyDescription", map[string]any{"description": strings.Repeat("ب", 512), "language_code": "ar"}))
	wantErr(t, callJSON(t, sb, "setMyDescription", map[string]any{"description": strings.Repeat("ب", 513)}), 400, "Bad Request: description is too long")
	wantOK(t, callJSON(t, sb, "setMyShortDescription", map[string]any{"short_description": strings.Repeat("ب", 120)}))
	wantErr(t, callJSON(t, sb, "setMyShortDescription", map[string]any{"short_description": strings.Repeat("ب", 121)}), 400, "Bad Request: short description is too long")
	wantErr(t, callJSON(t, sb, "setMyDescription", map[string]any{"description": "x", "language_code": "fa-IR"}), 400, "Bad Request: invalid language code specified")

	// An empty description removes the language's own.
	wantOK(t, callJSON(t, sb, "setMyDescription", map[string]any{"description": "", "language_code": "fa"}))
	got := sb.Descriptions()
	if _, ok := got["fa"]; ok || got[""] != "The default one" || len([]rune(got["ar"])) != 512 {
		t.Errorf("Descriptions() = %v, want the default and the Arabic one, the Persian one removed", got)
	}
	if got := sb.ShortDescriptions(); got["fa"] != "کوتاه" || len([]rune(got[""])) != 120 {
		t.Errorf("ShortDescriptions() = %v", got)
	}
}

// TestEpochChangesWithTheState: a reset or a new server is another epoch,
// so the web page knows its since_seq is from another life.
func TestEpochChangesWithTheState(t *testing.T) {
	sb := NewTest(t, fast())
	e1 := sb.Transcript(1).Epoch
	if e1 == "" || sb.Transcript(2).Epoch != e1 {
		t.Fatalf("epoch %q: want one non-empty epoch for every chat", e1)
	}
	sb.Reset()
	if e2 := sb.Transcript(1).Epoch; e2 == e1 || e2 == "" {
		t.Errorf("after Reset epoch %q, want a new one (was %q)", e2, e1)
	}
	if other := NewTest(t, fast()).Transcript(1).Epoch; other == e1 {
		t.Errorf("a second server has the same epoch %q", other)
	}
}
