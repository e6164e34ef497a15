package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/outbound"
)

// altButton returns the text and data of the "yes, that date" button in msgs.
func altButton(t *testing.T, msgs []outbound.Message) (string, string) {
	t.Helper()
	data := button(t, msgs, actNextStepAlt+":")
	for _, m := range msgs {
		if kb, ok := m.ReplyMarkup.(*models.InlineKeyboardMarkup); ok && kb != nil {
			for _, row := range kb.InlineKeyboard {
				for _, b := range row {
					if b.CallbackData == data {
						return b.Text, data
					}
				}
			}
		}
	}
	return "", data
}

// openDue is the due time of the customer's open follow-up, or zero.
func (h *harness) openDue(cid int64) time.Time {
	h.t.Helper()
	return scalar[time.Time](h, `SELECT coalesce(max(due_at), 'epoch') FROM follow_ups WHERE customer_id = $1 AND status = 'open'`, cid)
}

// The bot's own example «۱۰ آذر ساعت ۱۴:۳۰», typed four days after 10
// Azar, is asked about instead of being booked a year ahead; the button
// books next year's; forged and stale presses change nothing.
func TestPassedDayAndMonthIsAskedAbout(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		lang, text string
		cal        calendar.Calendar
	}{
		{"fa", "۱۰ آذر ساعت ۱۴:۳۰", calendar.Jalali},
		{"ar", "١ ديسمبر الساعة ١٤:٣٠", calendar.Gregorian},
		{"en", "dec 1 14:30", calendar.Gregorian},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.now = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC) // 14 Azar 1405
			rep := h.member(100, "Sara", "rep", tt.lang, 0)
			other := h.member(101, "Reza", "rep", tt.lang, 0)
			cid := h.customer("Ali", rep.id)
			_, n := h.logCall(rep, cid, "reached")
			loc, _ := time.LoadLocation(memberTZ[tt.lang])
			alt := time.Date(2027, 12, 1, 14, 30, 0, 0, loc) // 10 Azar 1406

			got := h.text(rep.user, tt.text)
			when := h.tr(tt.lang, "followup.when", map[string]any{
				"Day":  format.RelativeDay(tt.lang, tt.cal, alt, h.now.In(loc)),
				"Time": format.Time(tt.lang, alt),
			})
			if want := h.tr(tt.lang, "when.error.year_passed", map[string]any{"When": when}); texts(got) != want {
				t.Fatalf("typed %q: got %s\nwant the question %q", tt.text, dump(got), want)
			}
			label, data := altButton(t, got)
			if want := cb(actNextStepAlt, n, id(alt.Unix())); data != want {
				t.Errorf("button data %q, want %q", data, want)
			}
			if want := h.tr(tt.lang, "when.ask.yes", map[string]any{"Date": format.Date(tt.lang, tt.cal, alt)}); label != want {
				t.Errorf("button %q, want %q", label, want)
			}
			if due := h.openDue(cid); !due.Equal(time.Unix(0, 0)) {
				t.Fatalf("a question booked a follow-up at %v", due)
			}

			// Presses that are not the question's own change nothing.
			stale := h.tr(tt.lang, "error.stale_button", nil)
			before := h.fuSnapshot()
			for _, forged := range []struct {
				who  member
				data string
			}{
				{rep, cb(actNextStepAlt, n, id(alt.Unix()+86400))}, // another instant than the one asked about
				{rep, cb(actNextStepAlt, id(12345), id(alt.Unix()))},
				{rep, cb(actNextStepAlt, n)},
				{rep, cb(actNextStepAlt, n, "-zz")},
				{other, data}, // someone else's chat has no such flow
			} {
				got := h.press(forged.who.user, 1, forged.data)
				if len(got) != 1 || got[0].Method != "answerCallbackQuery" || got[0].Text != stale {
					t.Errorf("forged %s: %s; want the stale-button toast", forged.data, dump(got))
				}
			}
			if after := h.fuSnapshot(); after != before {
				t.Fatalf("a forged press changed the database:\nbefore %s\nafter  %s", before, after)
			}

			got = h.press(rep.user, 1, data)
			if due := h.openDue(cid); !due.Equal(alt) {
				t.Fatalf("yes: due %v, want %v; replies %s", due.In(loc), alt, dump(got))
			}
			if !strings.Contains(texts(got), format.Time(tt.lang, alt)) {
				t.Errorf("the confirmation does not show the time: %s", dump(got))
			}
			if st, _ := h.db.LoadState(t.Context(), rep.user.ID); st != nil {
				t.Errorf("the flow should be over, state %+v", st)
			}
			got = h.press(rep.user, 1, data) // a second tap
			if len(got) != 1 || got[0].Text != stale {
				t.Errorf("second tap: %s", dump(got))
			}
			if c := scalar[int](h, `SELECT count(*) FROM follow_ups WHERE customer_id = $1`, cid); c != 1 {
				t.Errorf("got %d follow-ups, want 1", c)
			}
		})
	}
}

// Only the latest question's button counts, and a later date this year is
// booked without a question.
func TestPassedDayAndMonthOldQuestionIsStale(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.now = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC) // 14 Azar 1405
	rep := h.member(100, "Sara", "rep", "fa", 0)
	cid := h.customer("Ali", rep.id)
	h.press(rep.user, 1, cb(actFollowUp, id(cid)))
	_, first := altButton(t, h.text(rep.user, "۱۰ آذر"))
	_, second := altButton(t, h.text(rep.user, "۱۲ آذر"))
	if first == second {
		t.Fatalf("two questions, one button %q", first)
	}
	if got := h.press(rep.user, 1, first); len(got) != 1 || got[0].Text != h.tr("fa", "error.stale_button", nil) {
		t.Fatalf("the first question's button after a second question: %s", dump(got))
	}
	if c := scalar[int](h, `SELECT count(*) FROM follow_ups`); c != 0 {
		t.Fatalf("a stale button booked %d follow-ups", c)
	}
	teh, _ := time.LoadLocation("Asia/Tehran")
	got := h.text(rep.user, "۲۰ آذر ساعت ۱۱") // later this month: no question
	if due, want := h.openDue(cid), time.Date(2026, 12, 11, 11, 0, 0, 0, teh); !due.Equal(want) {
		t.Fatalf("due %v, want %v; replies %s", due.In(teh), want, dump(got))
	}
}

// The customer taken away between the question and the press: the press
// is refused like any change to someone else's customer.
func TestPassedDayAndMonthButtonRechecksRights(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.now = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	rep := h.member(100, "Sara", "rep", "en", 0)
	other := h.member(101, "Reza", "rep", "en", 0)
	cid := h.customer("Ali", rep.id)
	h.logCall(rep, cid, "reached")
	_, data := altButton(t, h.text(rep.user, "dec 1"))
	h.exec(`UPDATE customers SET owner_id = $1 WHERE id = $2`, other.id, cid)
	got := h.press(rep.user, 1, data)
	if len(got) != 1 || got[0].Method != "answerCallbackQuery" || got[0].Text != h.tr("en", "error.forbidden", nil) {
		t.Fatalf("press on a customer no longer ours: %s", dump(got))
	}
	if c := scalar[int](h, `SELECT count(*) FROM follow_ups`); c != 0 {
		t.Fatalf("booked %d follow-ups on someone else's customer", c)
	}
}

// A year-first date only plausible in the other of Jalali and Hijri says
// how it was read and offers the other reading.
func TestOtherCalendarIsOffered(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		lang, userCal, text string
		read, alt           calendar.Calendar
		msg                 string
		want                time.Time // in the user's zone, see memberTZ
	}{
		{"ar", "hijri", "١٤٠٥/٩/١٠", calendar.Hijri, calendar.Jalali, "when.error.other_calendar.past", time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)},
		{"fa", "jalali", "۱۴۴۸/۶/۲۰", calendar.Jalali, calendar.Hijri, "when.error.other_calendar.far", time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)},
		{"en", "gregorian", "1448/6/20 14:30", calendar.Jalali, calendar.Hijri, "when.error.other_calendar.far", time.Date(2026, 11, 30, 14, 30, 0, 0, time.UTC)},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rep := h.member(100, "Sara", "rep", tt.lang, 0)
			h.exec(`UPDATE staff SET calendar = $1 WHERE id = $2`, tt.userCal, rep.id)
			cid := h.customer("Ali", rep.id)
			loc, _ := time.LoadLocation(memberTZ[tt.lang])
			want := time.Date(tt.want.Year(), tt.want.Month(), tt.want.Day(), tt.want.Hour(), tt.want.Minute(), 0, 0, loc)
			d := calendar.FromTime(tt.alt, want)
			read, err := d.Time(tt.read, loc, want.Hour(), want.Minute())
			if err != nil {
				t.Fatal(err)
			}

			h.press(rep.user, 1, cb(actFollowUp, id(cid)))
			got := h.text(rep.user, tt.text)
			question := h.tr(tt.lang, tt.msg, map[string]any{
				"Calendar":    h.tr(tt.lang, "dates.calendar."+string(tt.read), nil),
				"Read":        format.Date(tt.lang, tt.read, read),
				"AltCalendar": h.tr(tt.lang, "dates.calendar."+string(tt.alt), nil),
				"When":        format.DateTime(tt.lang, tt.alt, want),
			})
			if texts(got) != question {
				t.Fatalf("typed %q: got %s\nwant %q", tt.text, dump(got), question)
			}
			label, data := altButton(t, got)
			if l := h.tr(tt.lang, "when.ask.yes", map[string]any{"Date": format.Date(tt.lang, tt.alt, want)}); label != l {
				t.Errorf("button %q, want %q", label, l)
			}
			if c := scalar[int](h, `SELECT count(*) FROM follow_ups`); c != 0 {
				t.Fatalf("a question booked %d follow-ups", c)
			}
			before := h.fuSnapshot()
			forged := cb(actNextStepAlt, strings.Split(data, ":")[1], id(read.Unix()))
			if got := h.press(rep.user, 1, forged); len(got) != 1 || got[0].Text != h.tr(tt.lang, "error.stale_button", nil) {
				t.Errorf("forged %s: %s", forged, dump(got))
			}
			if after := h.fuSnapshot(); after != before {
				t.Fatalf("a forged press changed the database:\nbefore %s\nafter  %s", before, after)
			}
			got = h.press(rep.user, 1, data)
			if due := h.openDue(cid); !due.Equal(want) {
				t.Fatalf("yes: due %v, want %v; replies %s", due.In(loc), want, dump(got))
			}
		})
	}
}
