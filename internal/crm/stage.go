package crm

import (
	"strings"
	"unicode/utf8"
)

// StageKind says what reaching a stage means.
type StageKind string

// Stage kinds. Side exits and lost stages need a reason.
const (
	KindOpen     StageKind = "open"
	KindWon      StageKind = "won"
	KindSideExit StageKind = "side_exit"
	KindInactive StageKind = "inactive"
	KindLost     StageKind = "lost"
)

// Pipeline templates that ship with the product.
const (
	TemplateLadder     = "ladder"
	TemplateSalesCycle = "sales_cycle"
)

// Stage is one step of a pipeline, named in every locale.
type Stage struct {
	ID       int64
	Template string
	Key      string
	Position int
	Kind     StageKind
	Names    map[string]string // locale → name
	Archived bool
}

// Name returns the stage's name in locale, falling back to English.
func (s Stage) Name(locale string) string {
	if n := s.Names[locale]; n != "" {
		return n
	}
	return s.Names["en"]
}

// NeedsReason reports whether moving into s must say why.
func (s Stage) NeedsReason() bool { return s.Kind == KindSideExit || s.Kind == KindLost }

// StageMove is a request to move a customer to another stage.
type StageMove struct {
	CustomerID int64
	From, To   Stage
	ReasonCode string // a preset such as "price" or "no_budget"; optional
	ReasonText string // free text; optional
	// IntoActive says To must be a stage of the active pipeline, as for
	// a user's move (ladder automation moves within the ladder whatever
	// is active). The store checks it when it writes the move.
	IntoActive bool
}

// ReasonPresets are the quick reasons offered for side exits and losses.
var ReasonPresets = []string{"price", "no_budget", "competitor", "no_need", "bad_credit", "unreachable", "other", "unprofitable"}

// DisqualifyPresets are the reasons offered for disqualifying a prospect
// (DOMAIN.md §1: unprofitable or poor credit; any other is typed).
var DisqualifyPresets = []string{"unprofitable", "bad_credit"}

// ReasonsFor are the preset reasons offered for moving into stage s.
func ReasonsFor(s Stage) []string {
	if s.Key == "disqualified" {
		return DisqualifyPresets
	}
	var out []string
	for _, p := range ReasonPresets {
		if p != "unprofitable" {
			out = append(out, p)
		}
	}
	return out
}

// Validate enforces the stage rules: the target is a live stage of the same
// pipeline, differs from the current one, and side exits and losses carry a
// reason.
func (m *StageMove) Validate() error {
	m.ReasonText = strings.TrimSpace(m.ReasonText)
	switch {
	case m.To.ID == 0 || m.To.Archived:
		return Errorf(EInvalid, "unknown target stage")
	case m.From.ID == m.To.ID:
		return Errorf(EConflict, "already in that stage")
	case m.From.ID != 0 && m.From.Template != m.To.Template:
		return Errorf(EInvalid, "stage of another pipeline")
	case utf8.RuneCountInString(m.ReasonText) > MaxReasonLen:
		return Errorf(EInvalid, "reason is too long")
	case m.ReasonCode != "" && !isPreset(m.ReasonCode):
		return Errorf(EInvalid, "unknown reason %q", m.ReasonCode)
	case m.To.NeedsReason() && m.ReasonCode == "" && m.ReasonText == "":
		return Errorf(EReasonRequired, "moving to %s needs a reason", m.To.Key)
	case m.ReasonCode == "other" && m.ReasonText == "":
		return Errorf(EReasonRequired, "reason \"other\" needs a text")
	}
	return nil
}

func isPreset(code string) bool {
	for _, p := range ReasonPresets {
		if p == code {
			return true
		}
	}
	return false
}
