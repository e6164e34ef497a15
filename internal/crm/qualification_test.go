package crm

import (
	"testing"
	"time"
)

func stageOf(tpl, key string, pos int) Stage {
	return Stage{ID: int64(pos), Template: tpl, Key: key, Position: pos}
}

// Which moves ask the seed-003 questions, from the stage keys of both
// shipped pipelines (migration 002 positions).
func TestNeedsQualification(t *testing.T) {
	l := func(key string, pos int) Stage { return stageOf(TemplateLadder, key, pos) }
	s := func(key string, pos int) Stage { return stageOf(TemplateSalesCycle, key, pos) }
	cases := []struct {
		name     string
		from, to Stage
		already  bool
		want     bool
	}{
		{"ladder: lead to prospect", l("suspect", 10), l("prospect", 20), false, true},
		{"ladder: lead straight to first-time", l("suspect", 10), l("first_time", 40), false, true},
		{"ladder: prospect to first-time", l("prospect", 20), l("first_time", 40), false, true},
		{"ladder: prospect to partner", l("prospect", 20), l("partner", 80), false, true},
		{"ladder: already qualified", l("suspect", 10), l("prospect", 20), true, false},
		{"ladder: to disqualified (side exit)", l("prospect", 20), l("disqualified", 30), false, false},
		{"ladder: to lost", l("suspect", 10), l("lost", 100), false, false},
		{"ladder: to inactive", l("prospect", 20), l("inactive", 90), false, false},
		{"ladder: first-time to repeat", l("first_time", 40), l("repeat", 50), false, false},
		{"ladder: down from prospect to lead", l("prospect", 20), l("suspect", 10), false, false},
		{"ladder: back from disqualified", l("disqualified", 30), l("first_time", 40), false, false},
		{"sales cycle: lead to qualified, active", s("lead", 20), s("qualified_active", 40), false, true},
		{"sales cycle: subscriber to nurturing", s("subscriber", 10), s("qualified_nurturing", 50), false, true},
		{"sales cycle: lead to unresponsive", s("lead", 20), s("qualified_unresponsive", 60), false, true},
		{"sales cycle: lead to opportunity", s("lead", 20), s("opportunity", 70), false, true},
		{"sales cycle: lead to customer", s("lead", 20), s("customer", 90), false, true},
		{"sales cycle: subscriber to lead", s("subscriber", 10), s("lead", 20), false, false},
		{"sales cycle: lead to unqualified", s("lead", 20), s("unqualified_lead", 30), false, false},
		{"sales cycle: lead to lost opportunity", s("lead", 20), s("lost_opportunity", 80), false, false},
		{"sales cycle: lead to past customer", s("lead", 20), s("past_high", 100), false, false},
		{"sales cycle: qualified to opportunity", s("qualified_active", 40), s("opportunity", 70), false, false},
		{"another pipeline", l("suspect", 10), s("qualified_active", 40), false, false},
		{"an admin's stage", l("suspect", 10), l("s_custom", 25), false, false},
	}
	for _, c := range cases {
		if got := NeedsQualification(c.from, c.to, c.already); got != c.want {
			t.Errorf("%s: NeedsQualification = %v, want %v", c.name, got, c.want)
		}
	}
	if UnqualifiedStageKey(TemplateLadder) != "disqualified" || UnqualifiedStageKey(TemplateSalesCycle) != "unqualified_lead" {
		t.Errorf("unqualified stages: %q, %q", UnqualifiedStageKey(TemplateLadder), UnqualifiedStageKey(TemplateSalesCycle))
	}
}

func TestQualificationAnswers(t *testing.T) {
	cases := []struct {
		help, need, ongoing Answer
		unqualified         bool
	}{
		{AnswerYes, AnswerYes, AnswerYes, false},
		{AnswerNo, AnswerYes, AnswerYes, true},
		{AnswerYes, AnswerNo, AnswerUnsure, true},
		{AnswerUnsure, AnswerUnsure, AnswerNo, false}, // no ongoing relationship wanted: still a lead worth a sale
		{AnswerNone, AnswerNone, AnswerNone, false},
	}
	for _, c := range cases {
		q := Qualification{CustomerID: 1}
		for i, a := range []Answer{c.help, c.need, c.ongoing} {
			if !q.SetAnswer(Questions[i], a) {
				t.Fatalf("SetAnswer(%s, %q) refused", Questions[i], a)
			}
		}
		if got := q.SuggestsUnqualified(); got != c.unqualified {
			t.Errorf("%q/%q/%q: SuggestsUnqualified = %v, want %v", c.help, c.need, c.ongoing, got, c.unqualified)
		}
		if err := q.Validate(); err != nil {
			t.Errorf("%+v: %v", q, err)
		}
	}
	q := Qualification{CustomerID: 1}
	if q.SetAnswer("maybe", AnswerYes) || q.SetAnswer(QuestionCanHelp, "perhaps") {
		t.Error("an unknown question or answer was accepted")
	}
	for _, bad := range []Qualification{{}, {CustomerID: 1, RevenueBand: "b9"}, {CustomerID: 1, HasLocation: true, Latitude: 91}} {
		if err := bad.Validate(); !IsCode(err, EInvalid) {
			t.Errorf("%+v: Validate = %v, want invalid", bad, err)
		}
	}
	if b := BandBounds("IRR"); b[0] != 100_000_000_000 || BandBounds("XYZ") != BandBounds("USD") {
		t.Errorf("band bounds: IRR %v, unknown %v", b, BandBounds("XYZ"))
	}
}

func TestParseQuantity(t *testing.T) {
	cases := []struct {
		in   string
		qty  int
		unit string
		ok   bool
	}{
		{"20", 20, "", true},
		{"20 boxes", 20, "boxes", true},
		{"۲۰ کارتن", 20, "کارتن", true},
		{"٢٠ علبة", 20, "علبة", true},
		{"1,200 sheets", 1200, "sheets", true},
		{"۱٬۲۰۰", 1200, "", true},
		{"  7  ", 7, "", true},
		{"0", 0, "", false},
		{"boxes", 0, "", false},
		{"2.5 kg", 0, "", false},
		{"3/4", 0, "", false},
		{"99999999999", 0, "", false},
		{"", 0, "", false},
	}
	for _, c := range cases {
		qty, unit, err := ParseQuantity(c.in)
		if (err == nil) != c.ok || qty != c.qty || unit != c.unit {
			t.Errorf("ParseQuantity(%q) = %d, %q, %v; want %d, %q, ok %v", c.in, qty, unit, err, c.qty, c.unit, c.ok)
		}
	}
}

func TestInterestValidate(t *testing.T) {
	good := Interest{CustomerID: 1, Name: " A4 paper ", Quantity: 20, Unit: "boxes", Period: "month"}
	if err := good.Validate(); err != nil || good.Name != "A4 paper" {
		t.Errorf("a good interest: %v (name %q)", err, good.Name)
	}
	for _, bad := range []Interest{{Name: "x"}, {CustomerID: 1}, {CustomerID: 1, Name: "x", Period: "day"}, {CustomerID: 1, Name: "x", Quantity: -1}} {
		if err := bad.Validate(); !IsCode(err, EInvalid) {
			t.Errorf("%+v: Validate = %v, want invalid", bad, err)
		}
	}
}

// Who reads whose customers in /insights.
func TestInsightScopeFor(t *testing.T) {
	cases := []struct {
		s      Staff
		team   int64
		want   InsightScope
		wantOK bool
	}{
		{Staff{ID: 7, Role: RoleRep, TeamID: 3, Active: true}, 9, InsightScope{OwnerID: 7}, true},
		{Staff{ID: 2, Role: RoleManager, TeamID: 3, Active: true}, 9, InsightScope{TeamID: 3}, true},
		{Staff{ID: 2, Role: RoleManager, Active: true}, 0, InsightScope{}, false},
		{Staff{ID: 1, Role: RoleAdmin, Active: true}, 0, InsightScope{All: true}, true},
		{Staff{ID: 1, Role: RoleAdmin, Active: true}, 4, InsightScope{TeamID: 4}, true},
		{Staff{ID: 7, Role: RoleRep}, 0, InsightScope{}, false},
	}
	for _, c := range cases {
		got, ok := InsightScopeFor(c.s, c.team)
		if got != c.want || ok != c.wantOK {
			t.Errorf("%s team %d: %+v, %v; want %+v, %v", c.s.Role, c.team, got, ok, c.want, c.wantOK)
		}
	}
	v := ValueRow{Last: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Interval: 10 * 24 * time.Hour}
	if got := v.TimesOver(time.Date(2026, 1, 26, 0, 0, 0, 0, time.UTC)); got != 2.5 {
		t.Errorf("TimesOver = %v, want 2.5", got)
	}
	if Share(1, 3) != 33 || Share(5, 0) != 0 {
		t.Errorf("Share: %d, %d", Share(1, 3), Share(5, 0))
	}
}

func TestParseMargin(t *testing.T) {
	cases := []struct {
		in   string
		name string
		pct  int
		ok   bool
	}{
		{"A4 paper 25", "A4 paper", 25, true},
		{"کاغذ ۲۵٪", "کاغذ", 25, true},
		{"ورق ٣٠ %", "ورق", 30, true},
		{"toner 0", "toner", 0, true},
		{"toner 100%", "toner", 100, true},
		{"toner 101", "", 0, false},
		{"25", "", 0, false},
		{"toner", "", 0, false},
		{"toner 2.5", "", 0, false}, // "toner 2." is not a name and a margin
	}
	for _, c := range cases {
		name, pct, err := ParseMargin(c.in)
		if (err == nil) != c.ok || name != c.name || pct != c.pct {
			t.Errorf("ParseMargin(%q) = %q, %d, %v; want %q, %d, ok %v", c.in, name, pct, err, c.name, c.pct, c.ok)
		}
	}
}
