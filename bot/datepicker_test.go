package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/outbound"
)

func grid(t *testing.T, msgs []outbound.Message) [][]models.InlineKeyboardButton {
	t.Helper()
	for _, m := range msgs {
		if kb, ok := m.ReplyMarkup.(*models.InlineKeyboardMarkup); ok && kb != nil && len(kb.InlineKeyboard) > 3 {
			return kb.InlineKeyboard
		}
	}
	t.Fatalf("no month grid in %s", dump(msgs))
	return nil
}

func TestMonthGridFollowsTheLocale(t *testing.T) {
	t.Parallel()
	// 2026-11-22 is a Sunday: 1 Azar 1405 for the Persian rep.
	tests := []struct {
		lang, title, head, firstDay string
		firstCol                    int
	}{
		{"fa", "آذر ۱۴۰۵", "ش", "۱", 1},    // Saturday first, Persian digits
		{"ar", "نوفمبر ٢٠٢٦", "ح", "·", 0}, // Sunday first; 1–21 Nov are past
		{"en", "November 2026", "Mo", "·", 6},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rep := h.member(100, "Sara", "rep", tt.lang, 0)
			cid := h.customer("Ali", rep.id)
			_, n := h.logCall(rep, cid, "reached")
			rows := grid(t, h.press(rep.user, 1, cb(actNextStep, n, nsPick)))
			if rows[0][1].Text != tt.title {
				t.Errorf("title %q, want %q", rows[0][1].Text, tt.title)
			}
			if rows[0][0].CallbackData != cb(actPickNoop) {
				t.Errorf("the current month must not go back: %+v", rows[0][0])
			}
			if rows[1][0].Text != tt.head || len(rows[1]) != 7 {
				t.Errorf("weekday header %+v, want %q first", rows[1], tt.head)
			}
			if got := rows[2][tt.firstCol].Text; got != tt.firstDay {
				t.Errorf("day 1 in column %d: %q, want %q", tt.firstCol, got, tt.firstDay)
			}
			for i := 0; i < tt.firstCol; i++ {
				if rows[2][i].Text != " " {
					t.Errorf("blank before day 1: %+v", rows[2][i])
				}
			}
			// Past days are not selectable; today is.
			for _, row := range rows[2:] {
				for _, b := range row {
					if b.Text == "·" && b.CallbackData != cb(actPickNoop) {
						t.Errorf("past day selectable: %+v", b)
					}
				}
			}
			// Pick the last day shown, then 14:00.
			var day string
			for _, row := range rows {
				for _, b := range row {
					if strings.HasPrefix(b.CallbackData, actPickDay+":") {
						day = b.CallbackData
					}
				}
			}
			hours := h.press(rep.user, 1, day)
			h.press(rep.user, 1, button(t, hours, cb(actPickHour, n, strings.Split(day, ":")[2], "14")))
			due := scalar[time.Time](h, `SELECT due_at FROM follow_ups WHERE customer_id = $1`, cid)
			loc, _ := time.LoadLocation(memberTZ[tt.lang])
			if due.In(loc).Hour() != 14 || !due.After(h.now) {
				t.Errorf("picked due %v", due.In(loc))
			}
		})
	}
}

func TestMonthGridNavigates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "fa", 0)
	cid := h.customer("Ali", rep.id)
	_, n := h.logCall(rep, cid, "reached")
	rows := grid(t, h.press(rep.user, 1, cb(actNextStep, n, nsPick)))
	next := rows[0][2].CallbackData
	if next != cb(actPickMonth, n, "1405", "10") {
		t.Fatalf("next month button %q", next)
	}
	rows = grid(t, h.press(rep.user, 1, next))
	if rows[0][1].Text != "دی ۱۴۰۵" || rows[0][0].CallbackData != cb(actPickMonth, n, "1405", "9") {
		t.Fatalf("Dey: %+v", rows[0])
	}
	// 1 Dey 1405 = 2026-12-22, a Tuesday: the fourth column from Saturday.
	if rows[2][3].Text != "۱" {
		t.Errorf("1 Dey in %+v", rows[2])
	}
}
