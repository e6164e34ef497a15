package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestFieldSalesStory walks the rep's day through the sandbox in each
// language: invite → onboarding → a customer with a Persian name and a phone
// in Persian digits → found with Arabic letter forms → a call logged with a
// voice note → the follow-up typed as "tomorrow at 10" lands at 10:00 in
// Asia/Tehran → the reminder arrives then (injected clock) → a stage move
// shows in the history.
// label is a main-keyboard button's text in lang.
func label(t *testing.T, lang, id string) string {
	t.Helper()
	b, err := i18n.New("fa")
	if err != nil {
		t.Fatal(err)
	}
	return b.For(lang).T(id, nil)
}

func TestFieldSalesStory(t *testing.T) {
	t.Parallel()
	teh, _ := time.LoadLocation("Asia/Tehran")
	// Sunday 22 November 2026, 12:30 in Tehran; the reminder is due Monday
	// 10:00, within working hours in every locale's week.
	start := time.Date(2026, 11, 22, 12, 30, 0, 0, teh)
	for _, tt := range []struct {
		lang, tomorrow10, find string
	}{
		{"fa", "فردا ساعت ۱۰", "علي كريمي"},
		{"ar", "غداً الساعة ١٠", "علي كريمي"},
		{"en", "tomorrow 10am", "علي كريمي"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			e := startE2E(t, start)
			ctx := context.Background()
			token, err := e.db.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleRep, TeamName: "Tehran North"})
			if err != nil {
				t.Fatal(err)
			}
			u := e.user(7001, "Rep", tt.lang)
			// Onboarding: language, calendar, time zone.
			u.say("/start " + token)
			u.tap("ol:o:" + tt.lang)
			u.tap("oc:o:")
			m := u.tap("oz:o:0") // Asia/Tehran
			if len(m.Buttons()) < 4 {
				t.Fatalf("after onboarding the main keyboard must show: %v", m.ButtonLabels())
			}

			// A customer with a Persian name and a phone in Persian digits.
			u.say(label(t, tt.lang, "menu.new_customer"))
			u.say("علی کریمی")
			u.say("۰۹۱۲ ۳۴۵ ۶۷۸۹")
			card := u.say("نارنج")
			var custID int64
			if err := e.db.Pool.QueryRow(ctx, `SELECT c.id FROM customers c JOIN customer_phones p ON p.customer_id = c.id
				WHERE c.name = 'علی کریمی' AND p.e164 = '+989123456789' AND c.company = 'نارنج'`).Scan(&custID); err != nil {
				t.Fatalf("customer not stored as typed: %v\n%s", err, card.Text)
			}

			// Found with Arabic letter forms.
			card = u.say(tt.find)
			if !strings.Contains(card.Text, "علی کریمی") || !hasData(card, "lc:") {
				t.Fatalf("search %q did not open the card: %s", tt.find, card.Text)
			}

			// A call with a voice note, logged at the time the rep sent it.
			sentAt := e.clock.Now()
			u.tap("lc:")
			u.tap("ao:")
			u.voice(12)
			m = u.say(tt.tomorrow10)
			var outcome, voice string
			var occurred time.Time
			if err := e.db.Pool.QueryRow(ctx, `SELECT outcome, coalesce(voice_file_id, ''), occurred_at FROM activities WHERE customer_id = $1 AND kind = 'call'`, custID).
				Scan(&outcome, &voice, &occurred); err != nil {
				t.Fatalf("call not stored: %v", err)
			}
			if outcome != "reached" || voice == "" || !occurred.Equal(sentAt.Truncate(time.Second)) {
				t.Fatalf("call: outcome %q voice %q at %s; want reached, a voice note, at %s", outcome, voice, occurred, sentAt)
			}
			var due time.Time
			if err := e.db.Pool.QueryRow(ctx, `SELECT due_at FROM follow_ups WHERE customer_id = $1 AND status = 'open'`, custID).Scan(&due); err != nil {
				t.Fatalf("follow-up not stored: %v\n%s", err, m.Text)
			}
			want := time.Date(2026, 11, 23, 10, 0, 0, 0, teh)
			if !due.Equal(want) {
				t.Fatalf("%q: follow-up due %s, want %s", tt.tomorrow10, due.In(teh), want)
			}

			// Nothing before its time; the reminder at 10:00 Tehran.
			before := e.sb.Seq()
			e.clock.Set(want.Add(-time.Minute))
			time.Sleep(time.Second)
			if tr := e.sb.TranscriptSince(u.id, before); len(tr.Messages) != 0 {
				t.Fatalf("reminder came early:\n%s", tr.String())
			}
			e.clock.Set(want)
			rem := u.wait(before, sandbox.TextContains("علی کریمی"))
			if !hasData(rem, "fd:") || !hasData(rem, "fz:") || !hasData(rem, "cc:") {
				t.Fatalf("reminder lacks Done / Snooze / Open card: %v", rem.ButtonLabels())
			}

			// A stage move, kept in the history.
			var prospect int64
			if err := e.db.Pool.QueryRow(ctx, `SELECT id FROM stages WHERE template = 'ladder' AND key = 'prospect'`).Scan(&prospect); err != nil {
				t.Fatal(err)
			}
			u.tap("cc:")
			u.tap("sm:")
			m = u.tap(fmt.Sprintf("sv:%s:%s", strconv.FormatInt(custID, 36), strconv.FormatInt(prospect, 36)))
			var moves int
			if err := e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM stage_history WHERE customer_id = $1 AND to_stage_id = $2`, custID, prospect).Scan(&moves); err != nil || moves != 1 {
				t.Fatalf("stage move: %d rows, %v\n%s", moves, err, m.Text)
			}
			hist := u.tap("hi:")
			stage := map[string]string{"fa": "مشتری بالقوه", "ar": "عميل مؤهل", "en": "Prospect"}[tt.lang]
			if !strings.Contains(hist.Text, stage) || !hasData(hist, "hv:") {
				t.Fatalf("history must show the move to %q and a playable voice note:\n%s %v", stage, hist.Text, hist.ButtonLabels())
			}
		})
	}
}

// hasData reports whether m has a button whose callback data starts with prefix.
func hasData(m sandbox.Entry, prefix string) bool {
	for _, b := range m.Buttons() {
		if strings.HasPrefix(b.CallbackData, prefix) {
			return true
		}
	}
	return false
}
