package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/outbound"
)

// plannedFollowUp logs a call with a note and plans tomorrow's follow-up;
// it returns the follow-up's id and its reminder.
func (h *harness) plannedFollowUp(rep member, cid int64, note string) (int64, outbound.Notification) {
	h.t.Helper()
	_, n := h.logCall(rep, cid, "reached")
	h.press(rep.user, 1, cb(actLogNote, n))
	h.text(rep.user, note)
	h.press(rep.user, 1, cb(actNextStep, n, nsTomorrow))
	ns := h.takeNotes()
	if len(ns) != 1 {
		h.t.Fatalf("scheduled %+v, want one reminder", ns)
	}
	return ns[0].RefID, ns[0]
}

func (h *harness) render(n outbound.Notification) (outbound.Message, bool) {
	h.t.Helper()
	m, skip, err := h.bot.Renderers()[n.Kind](context.Background(), n)
	if err != nil {
		h.t.Fatalf("render %s: %v", n.DedupKey, err)
	}
	if !skip {
		checkBotAPI(h.t, m)
	}
	return m, skip
}

func TestReminderShowsNameLastNoteAndButtons(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rep := h.member(100, "Sara", "rep", lang, 0)
			cid := h.customer("Dana Trading", rep.id)
			fid, n := h.plannedFollowUp(rep, cid, "Send the price list <first>")
			if n.DedupKey != "reminder:"+itoa(int(fid))+":"+itoa(int(n.Due.Unix())) {
				t.Errorf("dedup key %q", n.DedupKey)
			}
			m, skip := h.render(n)
			if skip {
				t.Fatal("a fresh reminder was skipped")
			}
			if m.ChatID != rep.user.ID || !strings.Contains(m.Text, "Dana Trading") || !strings.Contains(m.Text, "Send the price list &lt;first&gt;") {
				t.Fatalf("reminder text: %s", dump([]outbound.Message{m}))
			}
			for _, code := range []string{actFUDone, actFUSnooze, actFUTomorrow, actFUReschedule, actCard} {
				if !hasButton([]outbound.Message{m}, code+":") {
					t.Errorf("no %s button: %s", code, dump([]outbound.Message{m}))
				}
			}
			s, err := h.db.StaffByID(t.Context(), rep.id)
			if err != nil {
				t.Fatal(err)
			}
			want := h.tr(lang, "reminder.text", map[string]any{"Name": "Dana Trading", "When": h.bot.staffReq(t.Context(), s).dueText(n.Due)})
			if !strings.HasPrefix(m.Text, want) {
				t.Errorf("got %q, want it to start with %q", m.Text, want)
			}
			if scalar[*time.Time](h, `SELECT reminded_at FROM follow_ups WHERE id = $1`, fid) == nil {
				t.Error("reminded_at not set")
			}
		})
	}
}

func TestSnoozeReplacesTheReminder(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "fa", 0)
	cid := h.customer("Ali", rep.id)
	fid, first := h.plannedFollowUp(rep, cid, "note")
	h.now = first.Due // the reminder comes up
	m, _ := h.render(first)
	h.press(rep.user, 1, button(t, []outbound.Message{m}, actFUSnooze+":"))
	ns := h.takeNotes()
	if len(ns) != 1 || ns[0].DedupKey == first.DedupKey || !ns[0].Due.Equal(first.Due.Add(time.Hour)) {
		t.Fatalf("snooze scheduled %+v", ns)
	}
	if _, skip := h.render(first); !skip {
		t.Error("the old reminder must be skipped after a snooze")
	}
	if _, skip := h.render(ns[0]); skip {
		t.Error("the new reminder was skipped")
	}
	if c := scalar[int](h, `SELECT snooze_count FROM follow_ups WHERE id = $1`, fid); c != 1 {
		t.Errorf("snooze_count %d", c)
	}
	// A button of the old reminder is stale now.
	got := h.press(rep.user, 1, button(t, []outbound.Message{m}, actFUDone+":"))
	if texts(got) != h.tr("fa", "error.stale_button", nil) {
		t.Fatalf("old Done: %s", dump(got))
	}
	// Reschedule from the new one: pick "in 3 days".
	m2, _ := h.render(ns[0])
	got = h.press(rep.user, 1, button(t, []outbound.Message{m2}, actFUReschedule+":"))
	if hasButton(got, actNextStep+":") && hasButton(got, cb(actNextStep, strings.Split(button(t, got, actNextStep+":"), ":")[1], nsNone)) {
		t.Fatalf("reschedule offers \"none\": %s", dump(got))
	}
	h.press(rep.user, 1, button(t, got, actNextStep+":"+strings.Split(button(t, got, actNextStep+":"), ":")[1]+":"+ns3Days))
	moved := h.takeNotes()
	if len(moved) != 1 {
		t.Fatalf("reschedule scheduled %+v", moved)
	}
	if _, skip := h.render(ns[0]); !skip {
		t.Error("the snoozed reminder must be skipped after a reschedule")
	}
	// Done: every reminder is skipped.
	m3, _ := h.render(moved[0])
	got = h.press(rep.user, 1, button(t, []outbound.Message{m3}, actFUDone+":"))
	if st := scalar[string](h, `SELECT status FROM follow_ups WHERE id = $1`, fid); st != "open" {
		t.Fatalf("Done closed the follow-up before a next step was chosen: status %s", st)
	}
	h.press(rep.user, 1, button(t, got, actNextStep+":"+strings.Split(button(t, got, actNextStep+":"), ":")[1]+":"+nsNone))
	if st := scalar[string](h, `SELECT status FROM follow_ups WHERE id = $1`, fid); st != "done" {
		t.Fatalf("status %s", st)
	}
	if _, skip := h.render(moved[0]); !skip {
		t.Error("a done follow-up's reminder must be skipped")
	}
}

func TestEscalationOnceToTheManagerAfterTheDelay(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	team := h.team("North")
	mgr := h.member(200, "Maryam", "manager", "ar", team)
	rep := h.member(100, "Sara", "rep", "fa", team)
	admin := h.member(300, "Admin", "admin", "en", 0)
	cid := h.customer("Ali", rep.id)
	fid, n := h.plannedFollowUp(rep, cid, "note")
	ctx := context.Background()

	h.now = n.Due.Add(23 * time.Hour)
	if err := h.sweepEscalations(ctx); err != nil {
		t.Fatal(err)
	}
	if ns := h.takeNotes(); len(ns) != 0 {
		t.Fatalf("escalated before 24 h: %+v", ns)
	}
	h.now = n.Due.Add(25 * time.Hour)
	for range 2 {
		if err := h.sweepEscalations(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ns := h.takeNotes()
	if len(ns) != 1 || ns[0].Kind != "escalation" || ns[0].ChatID != mgr.user.ID || ns[0].StaffID != mgr.id ||
		ns[0].DedupKey != "escalation:"+itoa(int(fid))+":"+itoa(int(n.Due.Unix())) || ns[0].RefID != fid {
		t.Fatalf("escalations %+v", ns)
	}
	m, skip := h.render(ns[0])
	if skip || !strings.Contains(m.Text, "Sara") || !strings.Contains(m.Text, "Ali") || !hasButton([]outbound.Message{m}, actCard+":") {
		t.Fatalf("escalation message (skip %v): %s", skip, dump([]outbound.Message{m}))
	}
	if !strings.Contains(m.Text, "لم تُنجز بعد") {
		t.Errorf("the manager reads Arabic: %s", m.Text)
	}

	// A rep without a manager: the admins hear; the delay is a setting.
	h.exec(`UPDATE settings SET value = '2' WHERE key = 'escalation_delay_hours'`)
	loner := h.member(101, "Reza", "rep", "en", 0)
	cid2 := h.customer("Bita", loner.id)
	h.now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	_, n2 := h.plannedFollowUp(loner, cid2, "note")
	h.now = n2.Due.Add(3 * time.Hour)
	if err := h.sweepEscalations(ctx); err != nil {
		t.Fatal(err)
	}
	ns = h.takeNotes()
	if len(ns) != 1 || ns[0].ChatID != admin.user.ID {
		t.Fatalf("to admins: %+v", ns)
	}
}
