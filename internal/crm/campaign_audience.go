package crm

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Linked filters an audience on whether customers opened the bot.
type Linked string

// The values of Audience.Linked.
const (
	LinkedAny Linked = ""    // linked or not
	LinkedYes Linked = "yes" // only customers linked to the bot
	LinkedNo  Linked = "no"  // only customers never linked
)

// Limits of an audience's filters.
const (
	MaxAudienceStages = 20
	MaxAudienceTags   = 10
)

// Audience is who a campaign is for ("tell the 100 who fit, not all
// 10,000"): every filter set must hold (an empty one is no filter); within
// Stages and Tags any one value is enough. The viewer's access (own,
// team, all) always applies on top, in the store.
type Audience struct {
	Stages       []int64   `json:"stages,omitempty"`       // the customer's stage is one of these
	Tags         []string  `json:"tags,omitempty"`         // the customer has at least one of these tags
	City         string    `json:"city,omitempty"`         // the customer's city, letter case and ي/ی aside
	Value        Segment   `json:"value,omitempty"`        // value segment: top, middle or low
	BoughtBefore time.Time `json:"bought_before,omitzero"` // last invoice before this instant
	BoughtAfter  time.Time `json:"bought_after,omitzero"`  // last invoice at or after this instant
	AtRisk       bool      `json:"at_risk,omitempty"`      // at risk or lapsed (migration 013's risk)
	Linked       Linked    `json:"linked,omitempty"`       // linked to the bot or not
}

// Validate checks an audience and tidies its text filters (trimmed tags
// and city, duplicates dropped).
func (a *Audience) Validate() error {
	a.City = strings.TrimSpace(a.City)
	a.Tags = uniqueTrimmed(a.Tags)
	a.Stages = uniqueIDs(a.Stages)
	switch {
	case len(a.Stages) > MaxAudienceStages:
		return Errorf(EInvalid, "%d stages", len(a.Stages))
	case len(a.Tags) > MaxAudienceTags:
		return Errorf(EInvalid, "%d tags", len(a.Tags))
	case utf8.RuneCountInString(a.City) > MaxFieldLen:
		return Errorf(EInvalid, "city is too long")
	case a.Value != SegmentNone && a.Value != SegmentTop && a.Value != SegmentMiddle && a.Value != SegmentLow:
		return Errorf(EInvalid, "value segment %q", a.Value)
	case a.Linked != LinkedAny && a.Linked != LinkedYes && a.Linked != LinkedNo:
		return Errorf(EInvalid, "linked %q", a.Linked)
	case !a.BoughtBefore.IsZero() && !a.BoughtAfter.IsZero() && !a.BoughtAfter.Before(a.BoughtBefore):
		return Errorf(EInvalid, "bought after %s is not before %s", a.BoughtAfter, a.BoughtBefore)
	}
	for _, t := range a.Tags {
		if utf8.RuneCountInString(t) > MaxTagLen {
			return Errorf(EInvalid, "tag %q", t)
		}
	}
	for _, s := range a.Stages {
		if s <= 0 {
			return Errorf(EInvalid, "stage %d", s)
		}
	}
	return nil
}

// Empty reports whether no filter is set (everyone the viewer may reach).
func (a Audience) Empty() bool {
	return len(a.Stages) == 0 && len(a.Tags) == 0 && a.City == "" && a.Value == SegmentNone &&
		a.BoughtBefore.IsZero() && a.BoughtAfter.IsZero() && !a.AtRisk && a.Linked == LinkedAny
}

// HasStage reports whether stage id is one of the audience's stages.
func (a Audience) HasStage(id int64) bool {
	for _, s := range a.Stages {
		if s == id {
			return true
		}
	}
	return false
}

// HasTag reports whether tag is one of the audience's tags.
func (a Audience) HasTag(tag string) bool {
	for _, t := range a.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

func uniqueTrimmed(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func uniqueIDs(in []int64) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, n := range in {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
