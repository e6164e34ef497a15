package bot

import (
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestEditingANoteMessageEditsTheNote(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "fa", 0)
	cid := h.customer("Ali", rep.id)
	_, n := h.logCall(rep, cid, "reached")
	h.press(rep.user, 1, cb(actLogNote, n))
	note := h.msgUpdate(rep.user, h.now, func(m *models.Message) { m.Text = "wants 10 boxes" })
	h.handle(note)
	h.seq++
	edited := *note.Message
	edited.Text = "wants 12 boxes"
	got := h.handle(&models.Update{ID: h.seq, EditedMessage: &edited})
	if n := scalar[string](h, `SELECT note FROM activities WHERE customer_id = $1`, cid); n != "wants 12 boxes" {
		t.Fatalf("note after the edit %q: %s", n, dump(got))
	}
	if !strings.Contains(texts(got), "Ali") {
		t.Errorf("the edit is not confirmed: %s", dump(got))
	}
	// An edit of a message that made no note (a search) changes nothing.
	h.seq++
	search := models.Message{ID: 999, From: &rep.user, Chat: models.Chat{ID: rep.user.ID, Type: models.ChatTypePrivate}, Text: "Ali K"}
	if got := h.handle(&models.Update{ID: h.seq, EditedMessage: &search}); len(got) != 0 {
		t.Errorf("an edited search answered %s", dump(got))
	}
	// Another rep's forged edit of the same message id changes nothing.
	other := h.member(101, "Reza", "rep", "fa", 0)
	h.seq++
	forged := edited
	forged.From, forged.Chat.ID, forged.Text = &other.user, other.user.ID, "hacked"
	h.handle(&models.Update{ID: h.seq, EditedMessage: &forged})
	if n := scalar[string](h, `SELECT note FROM activities WHERE customer_id = $1`, cid); n != "wants 12 boxes" {
		t.Fatalf("a forged edit changed the note to %q", n)
	}
}

func TestBlockingTheBotMarksTheChatUnreachableAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "en", 0)
	event := func(status models.ChatMemberType) *models.Update {
		h.seq++
		chat := models.Chat{ID: rep.user.ID, Type: models.ChatTypePrivate}
		return &models.Update{ID: h.seq, MyChatMember: &models.ChatMemberUpdated{Chat: chat, From: rep.user,
			NewChatMember: models.ChatMember{Type: status}}}
	}
	h.handle(event(models.ChatMemberTypeBanned))
	if n := scalar[int](h, `SELECT count(*) FROM unreachable_chats WHERE chat_id = $1`, rep.user.ID); n != 1 {
		t.Fatalf("blocked: %d unreachable marks", n)
	}
	h.handle(event(models.ChatMemberTypeMember))
	if n := scalar[int](h, `SELECT count(*) FROM unreachable_chats WHERE chat_id = $1`, rep.user.ID); n != 0 {
		t.Fatalf("unblocked: %d unreachable marks", n)
	}
}
