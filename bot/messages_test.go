package bot

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/telecrm/crmbot/internal/crm"
)

// Every message ID the bot asks for must exist, or a user would read the
// ID itself. The i18n tests check that the three locale files agree; this
// one checks the code against them: literal IDs found in the source, and the
// families built from domain values (error codes, outcomes, kinds, roles).
func TestEveryMessageTheBotUsesExists(t *testing.T) {
	en := map[string]bool{}
	enFiles, _ := filepath.Glob("../locales/*.en.toml")
	for _, f := range enFiles {
		var raw map[string]any
		if _, err := toml.DecodeFile(f, &raw); err != nil {
			t.Fatal(err)
		}
		flattenMessages("", raw, en)
	}
	var ids []string
	literal := regexp.MustCompile(`\b(?:t|n|T|N|label)\("([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"\s*[,)]`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			ids = append(ids, m[1])
		}
	}
	if len(ids) < 100 {
		t.Fatalf("found only %d literal message IDs; the pattern is broken", len(ids))
	}
	for _, code := range []string{crm.ENotFound, crm.EForbidden, crm.EInvalid, crm.EConflict, crm.EStale, crm.EReasonRequired, crm.EInviteInvalid, crm.EDuplicatePhone, crm.EInternal} {
		ids = append(ids, "error."+code)
	}
	for _, o := range crm.Outcomes {
		ids = append(ids, "outcome."+string(o))
	}
	for _, k := range []crm.ActivityKind{crm.ActivityCall, crm.ActivityVisit} {
		ids = append(ids, "activity."+string(k)+".ask_outcome", "activity."+string(k)+".logged", "activity."+string(k)+".logged_outcome", "history.entry."+string(k))
	}
	for _, k := range []crm.ActivityKind{crm.ActivityNote, crm.ActivityMessage} {
		ids = append(ids, "history.entry."+string(k))
	}
	for _, k := range crm.ImportantDateKinds {
		ids = append(ids, "dates.kind."+string(k), "card.date_kind."+string(k), "greeting."+string(k))
	}
	for _, c := range []string{"gregorian", "jalali", "hijri"} {
		ids = append(ids, "dates.calendar."+c)
	}
	for _, r := range []crm.Role{crm.RoleAdmin, crm.RoleManager, crm.RoleRep} {
		ids = append(ids, "staff.role."+string(r))
	}
	for _, p := range crm.ReasonPresets {
		ids = append(ids, "stage.reason."+p)
	}
	for _, l := range []string{"en", "fa", "ar"} {
		ids = append(ids, "stage.ask_name_"+l)
	}
	for _, id := range ids {
		if !en[id] {
			t.Errorf("message %q is used by the bot but missing from the locales", id)
		}
	}
}

// flattenMessages collects the dotted IDs of a go-i18n TOML tree: a table
// with an "other" string is a message; any other table nests further.
func flattenMessages(prefix string, node map[string]any, out map[string]bool) {
	if _, ok := node["other"].(string); ok {
		out[prefix] = true
		return
	}
	for k, v := range node {
		if sub, ok := v.(map[string]any); ok {
			id := k
			if prefix != "" {
				id = prefix + "." + k
			}
			flattenMessages(id, sub, out)
		}
	}
}
