package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// The defects a new rep met in the first hour (issue 8), each pinned.

func TestMyDayWithNothingDueIsAnsweredAndNamesWhatIsNext(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rep := h.member(100, "Sara", "rep", lang, 0)
			// Nothing at all: a friendly line, and no keyboard Telegram refuses
			// (the harness holds every reply to the Bot API's rules).
			got := h.text(rep.user, "/today")
			if len(got) != 1 || !strings.Contains(got[0].Text, h.tr(lang, "today.empty", nil)) {
				t.Fatalf("empty day: %s", dump(got))
			}
			// A follow-up next week is named.
			cid := h.customer("Next Week Co", rep.id)
			h.exec(`INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3)`, cid, rep.id, h.now.AddDate(0, 0, 7))
			got = h.text(rep.user, "/today")
			if !strings.Contains(texts(got), "Next Week Co") || strings.Contains(texts(got), h.tr(lang, "today.empty", nil)) {
				t.Fatalf("empty day with a follow-up coming up: %s", dump(got))
			}
		})
	}
}

func TestTickingTheLastItemOfMyDayEditsItInPlace(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "en", 0)
	cid := h.customer("Only One", rep.id)
	h.exec(`INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3)`, cid, rep.id, h.now.Add(-time.Hour))
	got := h.text(rep.user, "/today")
	got = h.press(rep.user, 7, button(t, got, actFUDone+":"))
	n := strings.Split(button(t, got, actNextStep+":"), ":")[1]
	got = h.press(rep.user, 7, cb(actNextStep, n, nsNone))
	var edit bool
	for _, m := range got {
		if m.Method == "editMessageText" && m.MessageID == 7 {
			edit = true
			if hasButton([]outbound.Message{m}, actFUDone+":") || strings.Contains(m.Text, h.bot.d.I18n.For("en").N("today.overdue_header", 1, nil)) {
				t.Errorf("the done item is still listed: %s", dump(got))
			}
		}
		if m.Method == "sendMessage" {
			t.Errorf("a new message instead of the list edited in place: %s", dump(got))
		}
	}
	if !edit {
		t.Fatalf("my day was not edited: %s", dump(got))
	}
	// Undo brings it back, open and due when it was.
	got = h.press(rep.user, 7, button(t, got, actFUUndo+":"))
	if st := scalar[string](h, `SELECT status FROM follow_ups WHERE customer_id = $1`, cid); st != "open" {
		t.Fatalf("undo: status %s: %s", st, dump(got))
	}
	if !hasButton(got, actFUDone+":") {
		t.Errorf("after undo the item is not back on my day: %s", dump(got))
	}
	// The history tells the story.
	got = h.press(rep.user, 7, cb(actHistory, id(cid), "0"))
	text := texts(got)
	for _, frag := range []string{"completed the follow-up", "chose no next step", "reopened the follow-up"} {
		if !strings.Contains(text, frag) {
			t.Errorf("history lacks %q: %s", frag, text)
		}
	}
}

func TestTextAfterACallOutcomeIsASearchNotANote(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "fa", 0)
	first := h.customer("علی کریمی", rep.id)
	h.customer("مریم احمدی", rep.id)
	h.logCall(rep, first, "reached")
	got := h.text(rep.user, "مریم")
	if note := scalar[string](h, `SELECT coalesce(note, '') FROM activities WHERE customer_id = $1`, first); note != "" {
		t.Fatalf("the search text became the call's note %q", note)
	}
	if !strings.Contains(texts(got), "مریم احمدی") {
		t.Fatalf("the text was not a search: %s", dump(got))
	}
}

func TestANoteAskedForEditsTheSummaryInPlaceAndCanBeUndone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "en", 0)
	cid := h.customer("Dana Trading", rep.id)
	_, n := h.logCall(rep, cid, "reached")
	got := h.press(rep.user, 1, cb(actLogNote, n))
	if len(got) != 2 || !strings.Contains(got[1].Text, "Dana Trading") {
		t.Fatalf("asking for the note: %s", dump(got))
	}
	got = h.text(rep.user, "Wants the catalogue")
	var edited, confirmed bool
	for _, m := range got {
		switch {
		case m.Method == "editMessageText" && m.Ref == logRef(n):
			edited = strings.Contains(m.Text, "Wants the catalogue")
		case m.Method == "sendMessage":
			confirmed = strings.Contains(m.Text, "Dana Trading") && hasButton([]outbound.Message{m}, actNoteUndo+":")
			if strings.Contains(m.Text, h.tr("en", "log.hint", nil)) {
				t.Errorf("the whole summary was sent again: %s", dump(got))
			}
		}
	}
	if !edited || !confirmed {
		t.Fatalf("note: summary edited %v, confirmed with undo %v: %s", edited, confirmed, dump(got))
	}
	// The next text is not a note any more.
	h.text(rep.user, "Dana")
	if note := scalar[string](h, `SELECT note FROM activities WHERE customer_id = $1`, cid); note != "Wants the catalogue" {
		t.Fatalf("note %q", note)
	}
	// A second note strips the first confirmation's buttons.
	h.press(rep.user, 1, cb(actLogNote, n))
	got = h.text(rep.user, "Call back about prices")
	stripped := false
	for _, m := range got {
		stripped = stripped || m.Method == "editMessageReplyMarkup" && m.Ref == logAckRef(n)
		if m.Method == "sendMessage" && !stripped {
			break
		}
	}
	if !stripped {
		t.Errorf("the older confirmation keeps its buttons: %s", dump(got))
	}
	got = h.press(rep.user, 9, button(t, got, actNoteUndo+":"))
	if note := scalar[string](h, `SELECT note FROM activities WHERE customer_id = $1`, cid); note != "Wants the catalogue" {
		t.Fatalf("after undo: note %q: %s", note, dump(got))
	}
}

func TestACallLeavesTheFollowUpOpenUntilTheNextStepIsChosen(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "ar", 0)
	cid := h.customer("Ali", rep.id)
	h.exec(`INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3)`, cid, rep.id, h.now.Add(time.Hour))
	got, _ := h.logCall(rep, cid, "reached")
	if !strings.Contains(texts(got), strings.SplitN(h.tr("ar", "log.closes_followup", map[string]any{"When": "|"}), "|", 2)[0]) {
		t.Errorf("the summary does not say the open follow-up will close: %s", dump(got))
	}
	h.text(rep.user, "/cancel")
	if st := scalar[string](h, `SELECT status FROM follow_ups WHERE customer_id = $1`, cid); st != "open" {
		t.Fatalf("a call without a next step closed the follow-up: %s", st)
	}
	_, n := h.logCall(rep, cid, "reached")
	h.press(rep.user, 1, cb(actNextStep, n, nsTomorrow))
	if c := scalar[string](h, `SELECT string_agg(status, ',' ORDER BY id) FROM follow_ups WHERE customer_id = $1`, cid); c != "done,open" {
		t.Fatalf("after choosing tomorrow: follow-ups %s", c)
	}
}

func TestTheCardFlagsAnOpenDealWithNoNextStep(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "fa", 0)
	cid := h.customer("Ali", rep.id)
	got := h.press(rep.user, 1, cb(actCard, id(cid)))
	if !strings.Contains(texts(got), h.tr("fa", "card.no_next_step", nil)) {
		t.Fatalf("card of a suspect with nothing planned: %s", dump(got))
	}
	h.exec(`UPDATE customers SET stage_id = (SELECT id FROM stages WHERE template = 'ladder' AND key = 'lost') WHERE id = $1`, cid)
	got = h.press(rep.user, 1, cb(actCard, id(cid)))
	if strings.Contains(texts(got), h.tr("fa", "card.no_next_step", nil)) {
		t.Fatalf("a lost customer is flagged: %s", dump(got))
	}
}

func TestTheFirstMessageOfNewStaffGetsTheWelcome(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ lang, hello string }{{"fa", "سلام"}, {"ar", "مرحبا"}, {"en", "hello"}} {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rep := h.newMember(100, "Sara", "rep", tt.lang, 0)
			h.customer("سلامت پخش", rep.id) // a customer whose name the greeting would find
			got := h.text(rep.user, tt.hello)
			if len(got) != 1 || !strings.Contains(got[0].Text, h.tr(tt.lang, "core.help", nil)) {
				t.Fatalf("first message: %s", dump(got))
			}
			if _, ok := got[0].ReplyMarkup.(*models.ReplyKeyboardMarkup); !ok {
				t.Errorf("no main keyboard with the welcome: %s", dump(got))
			}
			// From then on a name is a search, and a greeting is answered kindly.
			got = h.text(rep.user, tt.hello+"!")
			if !strings.Contains(got[0].Text, h.tr(tt.lang, "core.greeting_reply", map[string]any{"Name": "Sara"})) {
				t.Errorf("a later greeting: %s", dump(got))
			}
			got = h.text(rep.user, "سلامت")
			if !strings.Contains(texts(got), "سلامت پخش") {
				t.Errorf("a name after the welcome is not a search: %s", dump(got))
			}
		})
	}
}

func TestAManagerHasATeamKeyAndReachesARepsOverdueWork(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			h.exec(`INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3)`, o.customer, o.a.id, h.now.Add(-3*time.Hour))
			got := h.text(o.manager.user, "/help")
			if !strings.Contains(got[0].Text, "/team") {
				t.Errorf("a manager's help does not mention /team: %s", got[0].Text)
			}
			if !hasKey(got, h.tr(lang, "menu.team", nil)) {
				t.Errorf("a manager's keyboard has no team key: %+v", got[0].ReplyMarkup)
			}
			if rep := h.text(o.b.user, "/help"); hasKey(rep, h.tr(lang, "menu.team", nil)) {
				t.Errorf("a rep's keyboard has the team key")
			}
			got = h.text(o.manager.user, h.tr(lang, "menu.team", nil))
			got = h.press(o.manager.user, 3, button(t, got, cb(actTeamRep, id(o.a.id))))
			if !strings.Contains(texts(got), "علی کریمی") || !hasButton(got, cb(actCard, id(o.customer))) {
				t.Fatalf("the rep's overdue work: %s", dump(got))
			}
			got = h.press(o.manager.user, 3, button(t, got, actTeamRepCustomers+":"))
			if !hasButton(got, cb(actCard, id(o.customer))) {
				t.Fatalf("the rep's customers: %s", dump(got))
			}
			got = h.press(o.manager.user, 3, cb(actCard, id(o.customer)))
			if !strings.Contains(texts(got), "علی کریمی") {
				t.Fatalf("the card from the manager's view: %s", dump(got))
			}
		})
	}
}

// hasKey reports whether a reply carries a main keyboard with label.
func hasKey(msgs []outbound.Message, label string) bool {
	for _, m := range msgs {
		if kb, ok := m.ReplyMarkup.(*models.ReplyKeyboardMarkup); ok {
			for _, row := range kb.Keyboard {
				for _, k := range row {
					if k.Text == label {
						return true
					}
				}
			}
		}
	}
	return false
}

// A deleted customer is "not found" whichever way a button reaches it
// (a call, a note, history), never "forbidden"; its card says it was
// erased (only an erasure deletes), naming nothing of the person.
func TestADeletedCustomerIsNotFoundEverywhere(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "en", 0)
	cid := h.customer("Gone Co", rep.id)
	h.exec(`UPDATE customers SET deleted_at = now() WHERE id = $1`, cid)
	notFound := h.tr("en", "error.not_found", nil)
	if got := texts(h.press(rep.user, 1, cb(actCard, id(cid)))); !strings.Contains(got, crm.ErasedName(cid)) || strings.Contains(got, "Gone Co") {
		t.Errorf("the card of a deleted customer: %q, want it shown erased", got)
	}
	for _, data := range []string{cb(actLogCall, id(cid)), cb(actNote, id(cid)), cb(actHistory, id(cid), "0"), cb(actFollowUp, id(cid))} {
		got := h.press(rep.user, 1, data)
		if len(got) != 1 || got[0].Text != notFound {
			t.Errorf("%s on a deleted customer: %s, want %q", data, dump(got), notFound)
		}
	}
}
