package inbox

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// redacted replaces personal data cut out of a logged cause.
const redacted = "[…]"

// notPersonal are the string fields of an update that say what it is, not
// who sent it or what they wrote.
var notPersonal = map[string]bool{"type": true, "language_code": true, "mime_type": true}

// redactCause cuts an update's own strings out of the cause of its failure
// before the cause is logged: every string of the update (texts, captions,
// names, usernames, phone numbers, button data, ...) and every word of
// three or more letters in them. A handler's error may quote what the user
// typed or who they are; logs carry ids, kinds and causes only. (The update
// itself stays in update_inbox, for a look, until the purge.)
func redactCause(cause string, payload []byte) string {
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		return cause
	}
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if _, ok := e.(string); !ok || !notPersonal[k] {
					walk(e)
				}
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case string:
			if s := strings.TrimSpace(v); utf8.RuneCountInString(s) >= 2 {
				seen[s] = true
			}
			for _, w := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				if utf8.RuneCountInString(w) >= 3 {
					seen[w] = true
				}
			}
		}
	}
	walk(v)
	if len(seen) == 0 {
		return cause
	}
	olds := make([]string, 0, len(seen))
	for s := range seen {
		olds = append(olds, s)
	}
	// The longest first: the replacer tries them in order at each position.
	slices.SortFunc(olds, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	pairs := make([]string, 0, 2*len(olds))
	for _, s := range olds {
		pairs = append(pairs, s, redacted)
	}
	return strings.NewReplacer(pairs...).Replace(cause)
}
