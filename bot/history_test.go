package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/outbound"
)

func TestHistoryInterleavesStagesAndPlaysVoice(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "fa", 0)
	cid := h.customer("Ali", rep.id)
	base := h.now.Add(-48 * time.Hour)
	h.exec(`INSERT INTO stage_history (customer_id, from_stage_id, to_stage_id, changed_by, changed_at, reason_code)
		VALUES ($1, NULL, (SELECT id FROM stages WHERE template = 'ladder' AND key = 'suspect'), $2, $3, NULL),
		       ($1, (SELECT id FROM stages WHERE template = 'ladder' AND key = 'suspect'), (SELECT id FROM stages WHERE template = 'ladder' AND key = 'prospect'), $2, $4, 'price')`,
		cid, rep.id, base, base.Add(2*time.Hour))
	long := strings.Repeat("خیلی طولانی ", 1000)
	h.exec(`INSERT INTO activities (customer_id, staff_id, kind, outcome, note, occurred_at) VALUES ($1, $2, 'call', 'reached', $3, $4)`,
		cid, rep.id, long, base.Add(time.Hour))
	h.exec(`INSERT INTO activities (customer_id, staff_id, kind, voice_file_id, voice_duration, occurred_at) VALUES ($1, $2, 'note', 'vf-9', 12, $3)`,
		cid, rep.id, base.Add(3*time.Hour))
	got := h.press(rep.user, 1, cb(actHistory, id(cid), "0"))
	text := texts(got)
	iVoice, iMove, iCall, iFirst := strings.Index(text, "🎙"), strings.Index(text, "مشتری بالقوه"), strings.Index(text, "📞"), strings.LastIndex(text, "🪜")
	if iVoice < 0 || iMove < iVoice || iCall < iMove || iFirst < iCall {
		t.Fatalf("not newest first: %s", text)
	}
	if utf16Len(text) > telegramTextMax || !strings.Contains(text, h.tr("fa", "history.trimmed", nil)) || !strings.Contains(text, "قیمت") {
		t.Fatalf("page text (%d units): %s", utf16Len(text), text)
	}
	got = h.press(rep.user, 1, button(t, got, actHistoryVoice+":"))
	var voice *outbound.Message
	for i := range got {
		if got[i].Method == "sendVoice" {
			voice = &got[i]
		}
	}
	if voice == nil || voice.FileID != "vf-9" || voice.ChatID != rep.user.ID {
		t.Fatalf("play: %s", dump(got))
	}
	got = h.press(rep.user, 1, button(t, h.press(rep.user, 1, cb(actHistory, id(cid), "0")), actHistoryNote+":"))
	var whole strings.Builder
	for _, m := range got {
		if m.Method == "sendMessage" {
			if utf16Len(m.Text) > telegramTextMax {
				t.Errorf("a part is over the limit: %d", utf16Len(m.Text))
			}
			whole.WriteString(m.Text)
		}
	}
	if n := strings.Count(whole.String(), "طولانی"); n != 1000 {
		t.Errorf("full note lost words: %d of 1000", n)
	}
}
