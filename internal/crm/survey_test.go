package crm

import (
	"testing"
	"time"
)

func TestLowScoresAndRanges(t *testing.T) {
	for _, tt := range []struct {
		kind  SurveyKind
		score int
		valid bool
		low   bool
	}{
		{SurveyCSAT, 0, false, true}, {SurveyCSAT, 1, true, true}, {SurveyCSAT, 2, true, true}, {SurveyCSAT, 3, true, false},
		{SurveyCSAT, 5, true, false}, {SurveyCSAT, 6, false, false},
		{SurveyNPS, -1, false, true}, {SurveyNPS, 0, true, true}, {SurveyNPS, 6, true, true}, {SurveyNPS, 7, true, false},
		{SurveyNPS, 10, true, false}, {SurveyNPS, 11, false, false},
	} {
		if got := ValidScore(tt.kind, tt.score); got != tt.valid {
			t.Errorf("ValidScore(%s, %d) = %v, want %v", tt.kind, tt.score, got, tt.valid)
		}
		if got := LowScore(tt.kind, tt.score); tt.valid && got != tt.low {
			t.Errorf("LowScore(%s, %d) = %v, want %v", tt.kind, tt.score, got, tt.low)
		}
	}
}

// NPS is promoters minus detractors over the NPS answers; CSAT the mean;
// the response rate over what was sent; the closed loop over the alerts;
// by team and by rep, each with its count; outside the period is left out.
func TestSummarizeSurveys(t *testing.T) {
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	in := from.Add(24 * time.Hour)
	facts := []SurveyFact{
		{Kind: SurveyNPS, RepID: 1, TeamID: 10, SentAt: in, Score: 10},
		{Kind: SurveyNPS, RepID: 1, TeamID: 10, SentAt: in, Score: 9},
		{Kind: SurveyNPS, RepID: 1, TeamID: 10, SentAt: in, Score: 8},
		{Kind: SurveyNPS, RepID: 2, TeamID: 10, SentAt: in, Score: 3, Alerted: true, Outcome: OutcomeRecovered},
		{Kind: SurveyCSAT, RepID: 2, TeamID: 10, SentAt: in, Score: 2, Alerted: true},
		{Kind: SurveyCSAT, RepID: 3, TeamID: 20, SentAt: in, Score: 5},
		{Kind: SurveyCSAT, RepID: 3, TeamID: 20, SentAt: in, Score: -1},
		{Kind: SurveyCSAT, RepID: 3, TeamID: 20, SentAt: to, Score: 1}, // the next period
	}
	res := SummarizeSurveys(facts, from, to)
	tot := res.Total
	if tot.Sent != 7 || tot.Responses != 6 || tot.NPSCount != 4 || tot.CSATCount != 2 || tot.Alerts != 2 || tot.Closed != 1 {
		t.Fatalf("total %+v", tot)
	}
	if got := tot.NPS(); got != 25 { // 2 promoters, 1 detractor of 4
		t.Errorf("NPS %v, want 25", got)
	}
	if got := tot.CSAT(); got != 3.5 {
		t.Errorf("CSAT %v, want 3.5", got)
	}
	if got := tot.ClosedLoopRate(); got != 50 {
		t.Errorf("closed loop %v, want 50", got)
	}
	if got := tot.ResponseRate(); got < 85.7 || got > 85.8 {
		t.Errorf("response rate %v, want 6/7", got)
	}
	if len(res.Teams) != 2 || res.Teams[0].TeamID != 10 || res.Teams[0].Sent != 5 || res.Teams[1].Sent != 2 {
		t.Errorf("teams %+v", res.Teams)
	}
	if len(res.Reps) != 3 || res.Reps[0].RepID != 1 || res.Reps[0].NPS() != 200.0/3 {
		t.Errorf("reps %+v", res.Reps)
	}
	if empty := SummarizeSurveys(nil, from, to).Total; empty.NPS() != 0 || empty.CSAT() != 0 || empty.ResponseRate() != 0 {
		t.Errorf("no surveys: %+v", empty)
	}
}

func TestDecideSurvey(t *testing.T) {
	teh, _ := time.LoadLocation("Asia/Tehran")
	noon := time.Date(2026, 11, 22, 12, 0, 0, 0, teh)
	ok := Customer{ID: 1, Chat: CustomerChat{TelegramUserID: 9, ConsentAt: noon.AddDate(0, -1, 0)}}
	optedOut := ok
	optedOut.Chat.OptedOutAt = noon
	s := Survey{Trigger: TriggerInvoice, DueAt: noon}
	for _, tt := range []struct {
		name   string
		s      Survey
		c      SurveyContext
		now    time.Time
		want   SurveyDecision
		reason string
		at     time.Time
	}{
		{"sent", s, SurveyContext{Customer: ok, Location: teh, ThrottleDays: 30}, noon, SendSurvey, "", noon},
		{"opted out", s, SurveyContext{Customer: optedOut, Location: teh, ThrottleDays: 30}, noon, DropSurvey, DropNotMessageable, time.Time{}},
		{"skipped", s, SurveyContext{Customer: ok, Skipped: true, Location: teh, ThrottleDays: 30}, noon, DropSurvey, DropSkipped, time.Time{}},
		{"throttled", s, SurveyContext{Customer: ok, LastSentAt: noon.AddDate(0, 0, -29), Location: teh, ThrottleDays: 30}, noon, DropSurvey, DropThrottled, time.Time{}},
		{"throttle over", s, SurveyContext{Customer: ok, LastSentAt: noon.AddDate(0, 0, -31), Location: teh, ThrottleDays: 30}, noon, SendSurvey, "", noon},
		{"recovery passes the throttle", Survey{Trigger: TriggerRecovery, DueAt: noon}, SurveyContext{Customer: ok, LastSentAt: noon.AddDate(0, 0, -21), Location: teh, ThrottleDays: 30}, noon, SendSurvey, "", noon},
		{"at night", s, SurveyContext{Customer: ok, Location: teh, ThrottleDays: 30}, noon.Add(11 * time.Hour), WaitSurvey, "", time.Date(2026, 11, 23, 9, 0, 0, 0, teh)},
		{"early morning", s, SurveyContext{Customer: ok, Location: teh, ThrottleDays: 30}, noon.Add(-5 * time.Hour), WaitSurvey, "", time.Date(2026, 11, 22, 9, 0, 0, 0, teh)},
		{"a week late", s, SurveyContext{Customer: ok, Location: teh, ThrottleDays: 30}, noon.Add(SurveyLifetime), ExpireSurvey, "", time.Time{}},
	} {
		d, at, reason := DecideSurvey(tt.s, tt.c, tt.now)
		if d != tt.want || reason != tt.reason || !at.Equal(tt.at) {
			t.Errorf("%s: got %v %v %q, want %v %v %q", tt.name, d, at, reason, tt.want, tt.at, tt.reason)
		}
	}
}

// A call back is due on the next working day at the same time, clamped
// into its hours: Thursday afternoon in Iran (a half day) lands on
// Saturday, a Wednesday evening on Thursday's last minute.
func TestWithinOneWorkingDay(t *testing.T) {
	teh, _ := time.LoadLocation("Asia/Tehran")
	w := DefaultWorkHours("fa")
	for _, tt := range []struct {
		at, want time.Time
	}{
		{time.Date(2026, 11, 22, 12, 30, 0, 0, teh), time.Date(2026, 11, 23, 12, 30, 0, 0, teh)}, // Sunday → Monday
		{time.Date(2026, 11, 26, 15, 0, 0, 0, teh), time.Date(2026, 11, 28, 15, 0, 0, 0, teh)},   // Thursday → Saturday
		{time.Date(2026, 11, 25, 19, 0, 0, 0, teh), time.Date(2026, 11, 26, 12, 59, 0, 0, teh)},  // Wednesday evening → Thursday by 13:00
		{time.Date(2026, 11, 27, 6, 0, 0, 0, teh), time.Date(2026, 11, 28, 8, 0, 0, 0, teh)},     // Friday dawn → Saturday 08:00
	} {
		if got := WithinOneWorkingDay(w, tt.at, teh); !got.Equal(tt.want) {
			t.Errorf("WithinOneWorkingDay(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestSurveySettingsValidate(t *testing.T) {
	if err := DefaultSurveySettings().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(s *SurveySettings){
		"throttle 6":         func(s *SurveySettings) { s.ThrottleDays = 6 },
		"throttle 181":       func(s *SurveySettings) { s.ThrottleDays = 181; s.RelationshipDays = 200 },
		"nps under throttle": func(s *SurveySettings) { s.RelationshipDays = 20 },
		"negative days":      func(s *SurveySettings) { s.VisitDays = -1 },
		"no stage":           func(s *SurveySettings) { s.StageKey = "" },
	} {
		s := DefaultSurveySettings()
		change(&s)
		if err := s.Validate(); !IsCode(err, EInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}
