package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestQuietHoursEndToEnd plans follow-ups through the bot as an fa rep
// (working hours Saturday to Wednesday 08:00–18:00, Thursday to 13:00, in
// Asia/Tehran) and moves the injected clock shared by the bot, River and
// the sandbox: a reminder due outside working hours is held (its job
// snoozed to the next working start) and arrives exactly then.
//
//   - due Sunday 20:00 → sent Monday 08:00, not at 20:00;
//   - due Thursday 15:00 → sent Saturday 08:00 (Friday is off);
//   - after the rep picks the Monday-to-Friday preset in /settings, one
//     due Saturday 10:00 (a working time of the default week) waits for
//     Monday 08:00, and one due Friday 10:00 goes at 10:00.
func TestQuietHoursEndToEnd(t *testing.T) {
	t.Parallel()
	teh, _ := time.LoadLocation("Asia/Tehran")
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, teh) }
	e := startE2E(t, at(22, 12).Add(30*time.Minute)) // Sunday 22 November 2026, 12:30
	rep := newRep(t, e.db, 7301, "Sara", "fa")
	u := e.user(rep.TelegramUserID, "Sara", "fa")
	q := quiet{e: e, u: u, rep: rep}

	q.plan("آرش کاظمی", "امشب", at(22, 20))
	q.expectHeld(at(22, 20), at(23, 8))

	e.clock.Set(at(26, 12)) // Thursday
	q.plan("بهرام نیکو", "ساعت ۱۵", at(26, 15))
	q.expectHeld(at(26, 15), at(28, 8))

	// Saturday 08:00: Monday to Friday from now on.
	u.say("/settings")
	u.tap("os:h")
	u.tap("oh:3")
	s, err := e.db.StaffByID(context.Background(), rep.ID)
	if err != nil || !equalHours(s.WorkHours, crm.DefaultWorkHours("en")) {
		t.Fatalf("working hours after picking the Monday-to-Friday preset: %v (%v)", s.WorkHours, err)
	}
	q.plan("کاوه رستمی", "امروز", at(28, 10))
	q.expectHeld(at(28, 10), at(30, 8))
	q.plan("داریوش پارسا", "جمعه", time.Date(2026, 12, 4, 10, 0, 0, 0, teh))
	q.expectOnTime(time.Date(2026, 12, 4, 10, 0, 0, 0, teh))
}

// quiet drives one rep's follow-ups in TestQuietHoursEndToEnd.
type quiet struct {
	e   *e2e
	u   *user
	rep crm.Staff
	key string // the dedup key of the reminder planned last
	who string // its customer
}

// plan creates customer name for the rep, plans a follow-up by typing
// when on its card, and checks it is due at want.
func (q *quiet) plan(name, when string, want time.Time) {
	t := q.e.t
	t.Helper()
	ctx := context.Background()
	c, err := q.e.db.CreateCustomer(ctx, crm.Customer{Name: name, OwnerID: q.rep.ID}, q.rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	card := q.u.say(name)
	if !hasData(card, "fu:") {
		t.Fatalf("searching %q did not open the card:\n%s", name, card.Text)
	}
	q.u.tap("fu:")
	q.u.say(when)
	var fid int64
	var due time.Time
	if err := q.e.db.Pool.QueryRow(ctx, `SELECT id, due_at FROM follow_ups WHERE customer_id = $1 AND status = 'open'`, c.ID).Scan(&fid, &due); err != nil {
		t.Fatalf("%q: no follow-up planned: %v\n%s", when, err, q.e.sb.Transcript(q.u.id).String())
	}
	if !due.Equal(want) {
		t.Fatalf("%q: follow-up due %s, want %s", when, due, want)
	}
	q.key = fmt.Sprintf("reminder:%d:%d", fid, due.Unix())
	q.who = name
}

// job is the state and schedule of the planned reminder's River job.
func (q *quiet) job() (state string, at time.Time) {
	q.e.t.Helper()
	err := q.e.db.Pool.QueryRow(context.Background(), `SELECT state, scheduled_at FROM river_job
		WHERE kind = 'notification' AND args->>'key' = $1`, q.key).Scan(&state, &at)
	if err != nil {
		q.e.t.Fatalf("the reminder's job %s: %v", q.key, err)
	}
	return state, at
}

// expectHeld brings the clock to due and checks that the reminder is held
// (its job snoozed to hold, nothing sent), then brings the clock to hold
// and checks that it arrives at that time.
func (q *quiet) expectHeld(due, hold time.Time) {
	t := q.e.t
	t.Helper()
	before := q.e.sb.Seq()
	q.e.clock.Set(due)
	waitUntil(t, "the reminder due "+due.String()+" to be held", 20*time.Second, func() (bool, string) {
		state, at := q.job()
		if state == "completed" {
			t.Fatalf("the reminder due %s was sent at once, outside working hours:\n%s", due, q.e.sb.TranscriptSince(q.u.id, before).String())
		}
		return state == "scheduled" && at.Equal(hold), fmt.Sprintf("job %s at %s, want scheduled at %s", state, at, hold)
	})
	if n := q.reminders(before); n != 0 {
		t.Fatalf("a reminder was sent at %s, outside working hours:\n%s", due, q.e.sb.TranscriptSince(q.u.id, before).String())
	}
	q.e.clock.Set(hold)
	q.arrives(before, hold)
}

// expectOnTime brings the clock to due and checks the reminder arrives
// then, never held.
func (q *quiet) expectOnTime(due time.Time) {
	q.e.t.Helper()
	before := q.e.sb.Seq()
	q.e.clock.Set(due)
	q.arrives(before, due)
	if state, at := q.job(); state != "completed" || !at.Equal(due) {
		q.e.t.Fatalf("the reminder's job: %s at %s, want completed as scheduled at %s", state, at, due)
	}
}

// arrives waits for the reminder and checks it was sent at when (the
// sandbox dates messages with the injected clock), and only once.
func (q *quiet) arrives(after int64, when time.Time) {
	t := q.e.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m := q.e.sb.ExpectBotMessage(t, ctx, q.u.id, after, func(e sandbox.Entry) bool {
		return strings.Contains(e.Text, q.who) && hasData(e, "fd:")
	})
	if m.Date != when.Unix() {
		t.Fatalf("reminder for %s sent at %s, want %s", q.who, time.Unix(m.Date, 0).In(when.Location()), when)
	}
	waitUntil(t, "the reminder's send to be recorded", 10*time.Second, func() (bool, string) {
		state, _ := q.job()
		return state == "completed", "job " + state
	})
	if n := q.reminders(after); n != 1 {
		t.Fatalf("%d reminders for %s, want 1:\n%s", n, q.who, q.e.sb.TranscriptSince(q.u.id, after).String())
	}
}

// reminders counts reminders (messages with a Done button) after seq.
func (q *quiet) reminders(after int64) int {
	n := 0
	for _, m := range q.e.sb.TranscriptSince(q.u.id, after).Messages {
		if m.From == "bot" && hasData(m, "fd:") {
			n++
		}
	}
	return n
}

// equalHours reports whether two working weeks are the same.
func equalHours(a, b crm.WorkHours) bool {
	if len(a) != len(b) {
		return false
	}
	for d, spans := range a {
		if fmt.Sprint(spans) != fmt.Sprint(b[d]) {
			return false
		}
	}
	return true
}
