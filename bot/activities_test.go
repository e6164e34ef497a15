package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

func TestLogCallWithVoiceNoteAndDurationKeepsTheSendersTime(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rep := h.member(100, "Sara", "rep", lang, 0)
			cid := h.customer("Ali Karimi", rep.id)
			pressed := h.now
			got, n := h.logCall(rep, cid, "reached")
			if !strings.Contains(texts(got), h.tr(lang, "outcome.reached", nil)) {
				t.Fatalf("the summary does not show the outcome: %s", dump(got))
			}
			// The phone had no signal: the voice note recorded a minute
			// later reaches us an hour later, then the rep types "۱۵" minutes.
			h.now = pressed.Add(time.Hour)
			voice := h.msgUpdate(rep.user, pressed.Add(time.Minute), func(m *models.Message) {
				m.Voice = &models.Voice{FileID: "voice-file-1", Duration: 42}
			})
			h.handle(voice)
			dur := h.msgUpdate(rep.user, h.now, func(m *models.Message) { m.Text = "۱۵" })
			h.handle(dur)
			// A text becomes a note only once the bot asked for one.
			h.press(rep.user, 1, cb(actLogNote, n))
			note := h.msgUpdate(rep.user, h.now, func(m *models.Message) { m.Text = "Wants the catalogue" })
			h.handle(note)

			// Replays change nothing.
			h.handle(h.pressUpdate(rep.user, cb(actOutcome, n, "reached")))
			h.handle(note)
			h.handle(voice)

			if c := scalar[int](h, `SELECT count(*) FROM activities WHERE customer_id = $1`, cid); c != 1 {
				t.Fatalf("got %d activities, want 1", c)
			}
			var at time.Time
			var file, text string
			var secs, voiceSecs int
			if err := h.db.Pool.QueryRow(t.Context(), `SELECT occurred_at, voice_file_id, voice_duration, duration_seconds, note
				FROM activities WHERE customer_id = $1`, cid).Scan(&at, &file, &voiceSecs, &secs, &text); err != nil {
				t.Fatal(err)
			}
			if !at.Equal(pressed) {
				t.Errorf("occurred_at = %v, want the time the rep logged it %v (server now %v)", at, pressed, h.now)
			}
			if file != "voice-file-1" || voiceSecs != 42 || secs != 15*60 || text != "Wants the catalogue" {
				t.Errorf("stored voice %q %ds, duration %ds, note %q", file, voiceSecs, secs, text)
			}
			last := scalar[time.Time](h, `SELECT last_contact_at FROM customers WHERE id = $1`, cid)
			if !last.Equal(pressed) {
				t.Errorf("last_contact_at = %v, want %v", last, pressed)
			}
		})
	}
}

func TestNoteQueuedOfflineKeepsTheMessageDate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "fa", 0)
	cid := h.customer("مریم رضایی", rep.id)
	h.press(rep.user, 1, cb(actNote, id(cid)))
	written := h.now.Add(-3 * time.Hour) // typed in a basement, delivered now
	long := strings.Repeat("یادداشت بلند ", 800)
	u := h.msgUpdate(rep.user, written, func(m *models.Message) { m.Text = long })
	h.handle(u)
	h.handle(u) // replay
	var at time.Time
	var note string
	if err := h.db.Pool.QueryRow(t.Context(), `SELECT occurred_at, note FROM activities WHERE customer_id = $1`, cid).Scan(&at, &note); err != nil {
		t.Fatal(err)
	}
	if !at.Equal(written) {
		t.Errorf("occurred_at = %v, want the message's date %v", at, written)
	}
	if note != strings.TrimSpace(long) {
		t.Errorf("the note was not stored whole: %d of %d runes", len([]rune(note)), len([]rune(long)))
	}
	if c := scalar[int](h, `SELECT count(*) FROM activities`); c != 1 {
		t.Errorf("replay doubled the note: %d activities", c)
	}
}

func TestFollowUpTypedInTheUsersLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang, text, tz string
	}{
		{"fa", "فردا ساعت ۱۰", "Asia/Tehran"},
		{"ar", "غداً الساعة ١٠", "Asia/Dubai"},
		{"en", "tomorrow 10am", "UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rep := h.member(100, "Sara", "rep", tt.lang, 0)
			cid := h.customer("Ali", rep.id)
			h.logCall(rep, cid, "no_answer")
			got := h.text(rep.user, tt.text)
			loc, _ := time.LoadLocation(tt.tz)
			want := time.Date(2026, 11, 23, 10, 0, 0, 0, loc)
			due := scalar[time.Time](h, `SELECT due_at FROM follow_ups WHERE customer_id = $1 AND status = 'open'`, cid)
			if !due.Equal(want) {
				t.Fatalf("due %v, want %v; replies: %s", due.In(loc), want, dump(got))
			}
			ns := h.takeNotes()
			if len(ns) != 1 || ns[0].Kind != "reminder" || ns[0].ChatID != rep.user.ID || ns[0].StaffID != rep.id ||
				!ns[0].Due.Equal(want) || !ns[0].QuietHours || !strings.HasPrefix(ns[0].DedupKey, "reminder:") {
				t.Fatalf("scheduled %+v", ns)
			}
			if st, _ := h.db.LoadState(t.Context(), rep.user.ID); st != nil {
				t.Errorf("the flow should be over, state %+v", st)
			}
		})
	}
}

func TestUnparsableOrPastDateIsExplainedAndTheCallKept(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ lang, past string }{
		{"fa", "امروز ساعت ۸"}, {"ar", "اليوم الساعة ٨"}, {"en", "today 8am"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rep := h.member(100, "Sara", "rep", tt.lang, 0)
			cid := h.customer("Ali", rep.id)
			_, n := h.logCall(rep, cid, "reached")
			got := h.text(rep.user, tt.past)
			if texts(got) != h.tr(tt.lang, "when.error.past", nil) {
				t.Fatalf("past date: got %s", dump(got))
			}
			h.press(rep.user, 1, cb(actNextStep, n, nsPick))
			got = h.text(rep.user, "qwerty zz")
			if texts(got) != h.tr(tt.lang, "when.error.unparsable", nil) {
				t.Fatalf("unparsable date: got %s", dump(got))
			}
			if c := scalar[int](h, `SELECT count(*) FROM activities WHERE customer_id = $1`, cid); c != 1 {
				t.Fatalf("the call must be kept: %d activities", c)
			}
			if c := scalar[int](h, `SELECT count(*) FROM follow_ups`); c != 0 {
				t.Fatalf("no follow-up should exist yet: %d", c)
			}
			// The flow is still there: a good date now works.
			h.text(rep.user, map[string]string{"fa": "پس‌فردا", "ar": "بعد ٣ أيام", "en": "in 3 days"}[tt.lang])
			if c := scalar[int](h, `SELECT count(*) FROM follow_ups WHERE customer_id = $1`, cid); c != 1 {
				t.Fatalf("follow-up after a good date: %d", c)
			}
		})
	}
}

func TestCallBackLaterInsistsOnADate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "fa", 0)
	cid := h.customer("Ali", rep.id)
	got, n := h.logCall(rep, cid, "call_back_later")
	if hasButton(got, cb(actNextStep, n, nsNone)) {
		t.Fatalf("\"no follow-up\" offered after call back later: %s", dump(got))
	}
	got = h.press(rep.user, 1, cb(actNextStep, n, nsNone)) // forged
	if len(got) != 1 || got[0].Method != "answerCallbackQuery" || got[0].Text != h.tr("fa", "nextstep.need_date", nil) {
		t.Fatalf("forged none: %s", dump(got))
	}
	if st, _ := h.db.LoadState(t.Context(), rep.user.ID); st == nil || st.Flow != flowLog {
		t.Fatalf("the flow must go on, state %+v", st)
	}
	h.press(rep.user, 1, cb(actNextStep, n, nsTomorrow))
	// Tomorrow is Monday: 10:00 in Tehran, within working hours.
	teh, _ := time.LoadLocation("Asia/Tehran")
	due := scalar[time.Time](h, `SELECT due_at FROM follow_ups WHERE customer_id = $1`, cid)
	if want := time.Date(2026, 11, 23, 10, 0, 0, 0, teh); !due.Equal(want) {
		t.Fatalf("tomorrow: due %v, want %v", due.In(teh), want)
	}
	// The flow is over: its buttons are stale and change nothing.
	got = h.press(rep.user, 1, cb(actNextStep, n, ns3Days))
	if len(got) != 1 || got[0].Text != h.tr("fa", "error.stale_button", nil) {
		t.Fatalf("second tap: %s", dump(got))
	}
	if c := scalar[int](h, `SELECT count(*) FROM follow_ups`); c != 1 {
		t.Fatalf("a stale tap created a follow-up: %d", c)
	}
}

func TestCancelMakesTheFlowsButtonsStale(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "en", 0)
	cid := h.customer("Ali", rep.id)
	got := h.press(rep.user, 1, cb(actLogCall, id(cid)))
	data := button(t, got, actOutcome+":")
	h.text(rep.user, "/cancel")
	got = h.press(rep.user, 1, data)
	if len(got) != 1 || got[0].Text != h.tr("en", "error.stale_button", nil) {
		t.Fatalf("after /cancel: %s", dump(got))
	}
	if c := scalar[int](h, `SELECT count(*) FROM activities`); c != 0 {
		t.Fatalf("a stale tap logged a call")
	}
}

func TestQuickChoicesFollowWorkingHours(t *testing.T) {
	t.Parallel()
	teh, _ := time.LoadLocation("Asia/Tehran")
	rep := crmStaff("fa", "Asia/Tehran")
	// Wednesday 2026-11-25 15:00 Tehran: tomorrow is Thursday (08–13), so
	// 10:00 works; in 3 days is Saturday 10:00.
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, teh)
	for _, tt := range []struct {
		choice string
		want   time.Time
	}{
		{nsTomorrow, time.Date(2026, 11, 26, 10, 0, 0, 0, teh)},
		{ns3Days, time.Date(2026, 11, 28, 10, 0, 0, 0, teh)},
		{nsNextWeek, time.Date(2026, 12, 2, 10, 0, 0, 0, teh)},
		{nsLaterToday, time.Date(2026, 11, 25, 17, 30, 0, 0, teh)},
	} {
		got, ok := quickDue(tt.choice, now, rep, teh)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("%s: got %v %v, want %v", tt.choice, got.In(teh), ok, tt.want)
		}
	}
	// Thursday 12:00: tomorrow is Friday, a day off: Saturday 08:00.
	thu := time.Date(2026, 11, 26, 12, 0, 0, 0, teh)
	if got, _ := quickDue(nsTomorrow, thu, rep, teh); !got.Equal(time.Date(2026, 11, 28, 8, 0, 0, 0, teh)) {
		t.Errorf("tomorrow from Thursday: %v", got.In(teh))
	}
	if _, ok := quickDue(nsLaterToday, thu, rep, teh); ok {
		t.Errorf("later today offered after Thursday's working hours end")
	}
}

func TestLogCallFromTheMainKeyboard(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "fa", 0)
	other := h.member(101, "Reza", "rep", "fa", 0)
	mine := h.customer("علی کریمی", rep.id)
	h.customer("علی احمدی", other.id)
	got := h.text(rep.user, h.tr("fa", "menu.log_call", nil))
	if !hasButton(got, cb(actLogCall, id(mine))) {
		t.Fatalf("recent customers: %s", dump(got))
	}
	got = h.text(rep.user, "علي") // Arabic ي finds Persian ی
	if !hasButton(got, cb(actLogCall, id(mine))) || strings.Count(dump(got), actLogCall+":") != 1 {
		t.Fatalf("search shows only my customer: %s", dump(got))
	}
}

func TestVisitWithLocation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "ar", 0)
	cid := h.customer("Ali", rep.id)
	got := h.press(rep.user, 1, cb(actLogVisit, id(cid)))
	if hasButton(got, cb(actOutcome, strings.Split(button(t, got, actOutcome+":"), ":")[1], "no_answer")) {
		t.Errorf("a visit offers \"no answer\": %s", dump(got))
	}
	n := strings.Split(button(t, got, actOutcome+":"), ":")[1]
	got = h.press(rep.user, 1, cb(actOutcome, n, "reached"))
	var asks bool
	for _, m := range got {
		if kb, ok := m.ReplyMarkup.(*models.ReplyKeyboardMarkup); ok && len(kb.Keyboard) > 0 && kb.Keyboard[0][0].RequestLocation {
			asks = true
		}
	}
	if !asks {
		t.Fatalf("no request_location button: %s", dump(got))
	}
	h.press(rep.user, 1, cb(actLogNote, n))
	first := h.msgUpdate(rep.user, h.now, func(m *models.Message) { m.Text = "met the buyer" })
	h.handle(first)
	h.handle(h.msgUpdate(rep.user, h.now, func(m *models.Message) { m.Location = &models.Location{Latitude: 25.2, Longitude: 55.27} }))
	h.handle(first) // an older update replayed: not appended again
	var lat, lon float64
	var note string
	if err := h.db.Pool.QueryRow(t.Context(), `SELECT latitude, longitude, note FROM activities WHERE customer_id = $1 AND kind = 'visit'`, cid).Scan(&lat, &lon, &note); err != nil {
		t.Fatal(err)
	}
	if lat != 25.2 || lon != 55.27 || note != "met the buyer" {
		t.Fatalf("visit stored %v %v %q", lat, lon, note)
	}
	got = h.press(rep.user, 1, cb(actNextStep, n, nsNone))
	restored := false
	for _, m := range got {
		if _, ok := m.ReplyMarkup.(*models.ReplyKeyboardMarkup); ok {
			restored = true
		}
	}
	if !restored {
		t.Errorf("the main keyboard is not restored after a visit: %s", dump(got))
	}
}
