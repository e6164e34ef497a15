package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/outbound"
)

// digestTeam is a team with a manager (in lang), a rep who logged calls
// today, and a customer's follow-up left overdue.
type digestTeam struct {
	team          int64
	manager, rep  member
	cust, overdue int64
}

func (h *harness) digestTeam(lang string, tg int64) digestTeam {
	h.t.Helper()
	var d digestTeam
	d.team = h.team("Team " + itoa(int(tg)))
	d.manager = h.member(tg, "Mina", "manager", lang, d.team)
	d.rep = h.member(tg+1, "Reza", "rep", lang, d.team)
	d.cust = h.customer("Dara", d.rep.id)
	h.exec(`UPDATE customers SET created_at = $2 WHERE id = $1`, d.cust, h.now.Add(-2*time.Hour))
	for _, o := range []string{"reached", "reached", "no_answer"} {
		h.exec(`INSERT INTO activities (customer_id, staff_id, kind, outcome, occurred_at) VALUES ($1, $2, 'call', $3, $4)`,
			d.cust, d.rep.id, o, h.now.Add(-time.Hour))
	}
	d.overdue = scalar[int64](h, `INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3) RETURNING id`,
		d.cust, d.rep.id, h.now.Add(-26*time.Hour))
	return d
}

// /digest shows today's digest of the manager's team, in their language
// and digits; each period button edits it in place; the overdue
// follow-up's card is one tap away; a rep is refused politely.
func TestDigestCommandAndPeriods(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for i, lang := range []string{"fa", "ar", "en"} {
		d := h.digestTeam(lang, int64(9100+10*i))
		got := h.text(d.manager.user, "/digest")
		if len(got) != 1 || got[0].Method != "sendMessage" {
			t.Fatalf("%s: /digest answered %s", lang, dump(got))
		}
		text := got[0].Text
		wantCalls := h.tr(lang, "digest.work_line", map[string]any{"Calls": 3, "Reached": 2, "Share": 67, "Visits": 0, "New": 1, "Up": 0, "Down": 0})
		if !strings.Contains(text, wantCalls) {
			t.Errorf("%s: the digest lacks the rep's calls %q:\n%s", lang, wantCalls, text)
		}
		if !strings.Contains(text, h.bot.d.I18n.For(lang).N("digest.overdue.title", 1, nil)) || !strings.Contains(text, "Dara") {
			t.Errorf("%s: the digest lacks the overdue follow-up:\n%s", lang, text)
		}
		if card := button(t, got, actCard+":"); card != cb(actCard, id(d.cust)) {
			t.Errorf("%s: overdue card button %q, want %q", lang, card, cb(actCard, id(d.cust)))
		}
		for _, k := range []digest.PeriodKind{digest.Yesterday, digest.ThisWeek, digest.ThisMonth, digest.Today} {
			got := h.press(d.manager.user, 5, cb(actDigest, periodCode(k), id(d.team)))
			if len(got) == 0 || got[0].Method != "editMessageText" {
				t.Fatalf("%s %s: no edit in place: %s", lang, k, dump(got))
			}
			current := h.tr(lang, "common.current_choice", map[string]any{"Label": h.tr(lang, "digest.btn."+string(k), nil)})
			if !hasButtonText(got, current) {
				t.Errorf("%s %s: the period is not marked as chosen: %s", lang, k, dump(got))
			}
			calls := 3
			if k == digest.Yesterday {
				calls = 0
			}
			if want := h.tr(lang, "digest.work_line", map[string]any{"Calls": calls, "Reached": calls * 2 / 3, "Share": calls * 67 / 3,
				"Visits": 0, "New": calls / 3, "Up": 0, "Down": 0}); !strings.Contains(got[0].Text, want) {
				t.Errorf("%s %s: want %q in\n%s", lang, k, want, got[0].Text)
			}
		}
		rep := h.text(d.rep.user, "/digest")
		if txt := texts(rep); !strings.Contains(txt, h.tr(lang, "digest.not_for_you", nil)) || strings.Contains(txt, "Dara") {
			t.Errorf("%s: a rep's /digest answered %q", lang, txt)
		}
	}
}

// hasButtonText reports whether a reply has a button labelled text.
func hasButtonText(msgs []outbound.Message, text string) bool {
	for _, m := range msgs {
		if kb, ok := m.ReplyMarkup.(*models.InlineKeyboardMarkup); ok && kb != nil {
			for _, row := range kb.InlineKeyboard {
				for _, b := range row {
					if b.Text == text {
						return true
					}
				}
			}
		}
	}
	return false
}
