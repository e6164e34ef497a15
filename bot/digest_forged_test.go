package bot

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/outbound"
)

// Callback data is untrusted: another team's digest, the whole company's
// for a manager, someone else's schedule, or malformed data get a polite
// notice and change nothing; an admin may see the company and set a
// manager's schedule.
func TestDigestForgedButtons(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	north := h.digestTeam("en", 9300)
	south := h.digestTeam("en", 9400)
	admin := h.member(9500, "Ali", "admin", "en", 0)
	notAllowed := h.tr("en", "digest.not_allowed", nil)
	refused := func(who member, data string) {
		t.Helper()
		got := h.press(who.user, 7, data)
		for _, m := range got {
			if m.Method != "answerCallbackQuery" {
				t.Errorf("%s: %s after a forged button: %s", data, m.Method, dump(got))
			}
		}
		if len(got) != 1 || (got[0].Text != notAllowed && got[0].Text != h.tr("en", "error.stale_button", nil)) {
			t.Errorf("%s: answered %s, want a notice", data, dump(got))
		}
	}
	for _, data := range []string{
		cb(actDigest, "t", id(south.team)), cb(actDigest, "t", "a"), cb(actDigest, "z", id(north.team)), cb(actDigest),
		cb(actDigestDetail, "r", "t", id(south.team), "0"), cb(actDigestDetail, "o", "m", "a", "0"), cb(actDigestDetail, "q", "t", id(north.team), "0"),
		cb(actDigestSetting, id(south.manager.id)), cb(actDigestSet, id(south.manager.id), "9"), cb(actDigestSet, id(north.manager.id), "13"),
		cb(actDigestPeople),
	} {
		refused(north.manager, data)
	}
	if s, err := h.db.DigestSchedule(context.Background(), mustStaff(t, h, south.manager.id)); err != nil || s != digest.DefaultSchedule("manager") {
		t.Errorf("the other manager's schedule became %+v (%v)", s, err)
	}
	// The rep may not reach the digest by a button either.
	refused(north.rep, cb(actDigest, "t", id(north.team)))
	refused(north.rep, cb(actDigestSetting))

	// A manager sets their own; an admin sets another's and sees the company.
	got := h.press(north.manager.user, 7, cb(actDigestSet, id(north.manager.id), "17"))
	if !hasButtonText(got, h.tr("en", "common.current_choice", map[string]any{"Label": "17:00"})) {
		t.Errorf("17:00 not marked after choosing it: %s", dump(got))
	}
	h.press(north.manager.user, 7, cb(actDigestSet, id(north.manager.id), "pause"))
	if s, _ := h.db.DigestSchedule(context.Background(), mustStaff(t, h, north.manager.id)); s != (digest.Schedule{Hour: 17, Paused: true}) {
		t.Errorf("north's schedule %+v, want 17:00 paused", s)
	}
	h.press(admin.user, 7, cb(actDigestSet, id(south.manager.id), "7"))
	if s, _ := h.db.DigestSchedule(context.Background(), mustStaff(t, h, south.manager.id)); s != (digest.Schedule{Hour: 7}) {
		t.Errorf("south's schedule set by the admin %+v, want 07:00", s)
	}
	got = h.text(admin.user, "/digest")
	if !strings.Contains(texts(got), h.tr("en", "digest.scope_all", nil)) || strings.Count(texts(got), "👤 <b>Reza</b>") != 2 {
		t.Errorf("the admin's digest is not the whole company's (both teams' Reza):\n%s", texts(got))
	}
}

func mustStaff(t *testing.T, h *harness, sid int64) crm.Staff {
	t.Helper()
	s, err := h.db.StaffByID(context.Background(), sid)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The scheduled digest's two notifications render as the digest's text
// (within Telegram's limit, whatever the team's size) and a PNG chart.
func TestDigestRenderers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := h.digestTeam("fa", 9600)
	for i := range 40 { // a large team: details go behind buttons
		r := h.member(int64(9700+i), "کارشناس شمارهٔ "+itoa(i), "rep", "fa", d.team)
		c := h.customer("مشتری "+itoa(i), r.id)
		h.exec(`INSERT INTO activities (customer_id, staff_id, kind, outcome, occurred_at) VALUES ($1, $2, 'call', 'reached', $3)`, c, r.id, h.now.Add(-3*time.Hour))
	}
	rs := h.bot.Renderers()
	n := outbound.Notification{Kind: outbound.KindDigest, ChatID: d.manager.user.ID, StaffID: d.manager.id, RefID: d.manager.id, Due: h.now}
	msg, skip, err := rs[outbound.KindDigest](context.Background(), n)
	if err != nil || skip {
		t.Fatalf("render: %v, skip %v", err, skip)
	}
	checkBotAPI(t, msg)
	if l := textLen(msg.Text); l > 4096 || !strings.Contains(msg.Text, h.bot.d.I18n.For("fa").N("digest.reps.more", 31, nil)) {
		t.Errorf("digest of %d characters, or without the rest of the reps behind a button:\n%s", l, msg.Text)
	}
	n.Kind = outbound.KindDigestChart
	photo, skip, err := rs[outbound.KindDigestChart](context.Background(), n)
	if err != nil || skip {
		t.Fatalf("render chart: %v, skip %v", err, skip)
	}
	checkBotAPI(t, photo)
	if photo.Method != "sendPhoto" || !bytes.HasPrefix(photo.File, []byte("\x89PNG")) {
		t.Errorf("chart: %s with %d bytes, want a PNG photo", photo.Method, len(photo.File))
	}
	// A manager who left is skipped.
	h.exec(`UPDATE staff SET active = false, deactivated_at = now() WHERE id = $1`, d.manager.id)
	if _, skip, err := rs[outbound.KindDigest](context.Background(), n); err != nil || !skip {
		t.Errorf("a deactivated manager's digest: skip %v, %v", skip, err)
	}
}
