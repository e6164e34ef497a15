package bot

import (
	"strings"
	"testing"
	"time"
)

func TestMyDayListsOverdueFirst(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rep := h.member(100, "Sara", "rep", lang, 0)
			loc, _ := time.LoadLocation(memberTZ[lang])
			later := h.customer("Later Today", rep.id)
			late := h.customer("Overdue One", rep.id)
			future := h.customer("Next Week", rep.id)
			bday := h.customer("Birthday Girl", rep.id)
			local := h.now.In(loc)
			endOfDay := time.Date(local.Year(), local.Month(), local.Day(), 23, 0, 0, 0, loc)
			for _, f := range []struct {
				c   int64
				due time.Time
			}{{later, endOfDay}, {late, h.now.Add(-26 * time.Hour)}, {future, h.now.AddDate(0, 0, 7)}} {
				h.exec(`INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3)`, f.c, rep.id, f.due)
			}
			d := h.now.In(loc)
			h.exec(`INSERT INTO important_dates (customer_id, kind, calendar, month, day) VALUES ($1, 'birthday', 'gregorian', $2, $3)`,
				bday, int(d.Month()), d.Day())

			got := h.text(rep.user, "/today")
			text := texts(got)
			iLate, iLater := strings.Index(text, "Overdue One"), strings.Index(text, "Later Today")
			if iLate < 0 || iLater < 0 || iLate > iLater || strings.Contains(text, "Next Week") || !strings.Contains(text, "Birthday Girl") {
				t.Fatalf("my day: %s", dump(got))
			}
			for _, id := range []string{"today.overdue_header", "today.due_header", "today.dates_header"} {
				if want := h.bot.d.I18n.For(lang).N(id, 1, nil); !strings.Contains(text, want) {
					t.Errorf("missing %q in %s", want, text)
				}
			}
			// One tap from done: the overdue one is first.
			done := button(t, got, actFUDone+":")
			got = h.press(rep.user, 1, done)
			// Done asks for the next step first; "none" is a choice.
			got = h.press(rep.user, 1, button(t, got, actNextStep+":"+strings.Split(button(t, got, actNextStep+":"), ":")[1]+":"+nsNone))
			if c := scalar[int](h, `SELECT count(*) FROM follow_ups WHERE status = 'done' AND customer_id = $1`, late); c != 1 {
				t.Fatalf("done from my day: %s", dump(got))
			}
			after := texts(got)
			if strings.Contains(after, h.bot.d.I18n.For(lang).N("today.overdue_header", 1, nil)) || !strings.Contains(after, "Later Today") ||
				!strings.Contains(after, h.tr(lang, "followup.done_no_next", map[string]any{"Name": "Overdue One"})) {
				t.Errorf("my day after done: %s", dump(got))
			}
			// With no next step chosen, the customer is flagged, one tap from planning.
			if !hasButton(got, cb(actFollowUp, id(late))) || !strings.Contains(after, h.bot.d.I18n.For(lang).N("today.no_next_header", 2, nil)) {
				t.Errorf("no-next-step warning missing: %s", dump(got))
			}
			// The main key works too.
			got = h.text(rep.user, h.tr(lang, "menu.today", nil))
			if !strings.Contains(texts(got), "Later Today") {
				t.Errorf("main key: %s", dump(got))
			}
		})
	}
}
