package bot

import (
	"slices"
	"strings"
	"testing"
)

// myCodes are the callback codes this feature set registers.
func myCodes() map[string]bool {
	b := &Bot{commands: map[string]handlerFunc{}, actions: map[string]actionFunc{}, flows: map[string]flowFunc{}}
	b.routesActivities()
	b.routesFollowUps()
	b.routesDates()
	b.routesToday()
	out := map[string]bool{}
	for c := range b.actions {
		out[c] = true
	}
	return out
}

func TestCallbackCodesDoNotCollide(t *testing.T) {
	t.Parallel()
	b := &Bot{commands: map[string]handlerFunc{}, actions: map[string]actionFunc{}, flows: map[string]flowFunc{}}
	b.routesCore()
	b.routesOnboarding()
	b.routesCustomers()
	b.routesStages()
	b.routesTeam()
	for c := range myCodes() {
		if b.actions[c] != nil {
			t.Errorf("callback code %q is registered twice", c)
		}
	}
}

// snapshot is everything a forged press could change.
func (h *harness) fuSnapshot() string {
	h.t.Helper()
	return scalar[string](h, `SELECT concat_ws(' | ',
		(SELECT count(*) FROM activities), (SELECT string_agg(concat(note, voice_file_id, duration_seconds, occurred_at), ',' ORDER BY id) FROM activities),
		(SELECT string_agg(concat(id, status, due_at, snooze_count, escalated_at), ',' ORDER BY id) FROM follow_ups),
		(SELECT string_agg(concat(id, kind, month, day), ',' ORDER BY id) FROM important_dates),
		(SELECT string_agg(concat(chat_id, flow, step, data), ',' ORDER BY chat_id) FROM conversation_state),
		(SELECT string_agg(concat(id, owner_id, last_contact_at), ',' ORDER BY id) FROM customers))`)
}

func TestForgedCallbacksChangeNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	team := h.team("North")
	a := h.member(100, "Sara", "rep", "fa", team)
	b := h.member(101, "Reza", "rep", "fa", team)
	x := h.member(102, "Gone", "rep", "en", team)
	cid := h.customer("Secret Customer", a.id)
	cx := h.customer("Former Customer", x.id)
	fid, n := h.plannedFollowUp(a, cid, "secret note "+strings.Repeat("x ", 400))
	aid := scalar[int64](h, `INSERT INTO activities (customer_id, staff_id, kind, voice_file_id, voice_duration, note, occurred_at)
		VALUES ($1, $2, 'note', 'vf', 3, $3, now()) RETURNING id`, cid, a.id, strings.Repeat("long ", 200))
	doneID := scalar[int64](h, `INSERT INTO follow_ups (customer_id, assignee_id, due_at, status, done_at)
		VALUES ($1, $2, now(), 'done', now()) RETURNING id`, cid, a.id)
	did := scalar[int64](h, `INSERT INTO important_dates (customer_id, kind, calendar, month, day) VALUES ($1, 'birthday', 'jalali', 12, 30) RETURNING id`, cid)
	h.exec(`UPDATE staff SET active = false, deactivated_at = now() WHERE id = $1`, x.id)
	// A is in the middle of logging a call: its nonce is live in A's chat.
	got := h.press(a.user, 1, cb(actLogCall, id(cid)))
	nonce := strings.Split(button(t, got, actOutcome+":"), ":")[1]
	h.takeNotes()

	due := id(n.Due.Unix())
	args := map[string][]string{
		actLogCall: {id(cid)}, actLogVisit: {id(cid)}, actNote: {id(cid)}, actFollowUp: {id(cid)}, actDates: {id(cid)},
		actDateAdd: {id(cid)}, actHistory: {id(cid), "0"}, actHistoryVoice: {id(aid)}, actHistoryNote: {id(aid)},
		actDateDelete: {id(did)}, actFUDone: {id(fid), due}, actFUSnooze: {id(fid), due}, actFUTomorrow: {id(fid), due},
		actFUReschedule: {id(fid), due}, actOutcome: {nonce, "reached"}, actDuration: {nonce, "5"}, actFlowCancel: {nonce},
		actNextStep: {nonce, nsTomorrow}, actNextStepAlt: {nonce, due}, actPickMonth: {nonce, "1405", "10"}, actPickDay: {nonce, "14050910"},
		actPickHour: {nonce, "14050910", "10"}, actDateKind: {nonce, "0"}, actDateCalendar: {nonce, "g"},
		actDateMonth: {nonce, "g", "2"}, actDateDay: {nonce, "g", "2", "29"}, actPickNoop: {},
		actFUUndo: {id(doneID), "0"}, actFUBack: {nonce}, actLogNote: {nonce}, actNoteUndo: {nonce, id(aid), "0"},
	}
	codes := myCodes()
	for c := range codes {
		if _, ok := args[c]; !ok {
			t.Errorf("no forged-callback case for action %q", c)
		}
	}
	forbidden, stale := h.tr("fa", "error.forbidden", nil), h.tr("fa", "error.stale_button", nil)
	notStaff := h.tr("en", "access.not_staff", nil)
	for _, code := range slices.Sorted(func(yield func(string) bool) {
		for c := range codes {
			if !yield(c) {
				return
			}
		}
	}) {
		data := cb(code, args[code]...)
		t.Run(code, func(t *testing.T) {
			before := h.fuSnapshot()
			got := h.press(b.user, 1, data)
			if len(got) != 1 || got[0].Method != "answerCallbackQuery" {
				t.Fatalf("rep B %s: %s", data, dump(got))
			}
			want := []string{forbidden, stale}
			if code == actPickNoop {
				want = []string{""}
			}
			if !slices.Contains(want, got[0].Text) {
				t.Errorf("rep B %s: toast %q, want forbidden or stale", data, got[0].Text)
			}
			if strings.Contains(dump(got), "Secret") {
				t.Errorf("rep B saw rep A's customer: %s", dump(got))
			}
			for _, d := range []string{data, cb(code, strings.ReplaceAll(strings.Join(args[code], ":"), id(cid), id(cx)))} {
				got = h.press(x.user, 1, strings.TrimSuffix(d, ":"))
				if len(got) != 1 || got[0].Text != notStaff {
					t.Errorf("ex-staff %s: %s", d, dump(got))
				}
			}
			if after := h.fuSnapshot(); after != before {
				t.Errorf("%s changed the database:\nbefore %s\nafter  %s", data, before, after)
			}
			if ns := h.takeNotes(); len(ns) != 0 {
				t.Errorf("%s scheduled %+v", data, ns)
			}
		})
	}
}
