package bot

import (
	"context"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// Updates that are not a message or a button press: a rep edits a message
// that became a note (the note follows), or a user blocks or unblocks the
// bot (the chat is marked unreachable at once, or reachable again).

// NoteMessageStore remembers which chat messages became notes.
type NoteMessageStore interface {
	RecordNoteMessage(ctx context.Context, chatID, messageID, activityID int64, text string) error
	// NoteMessage returns crm.ENotFound when the message made no note.
	NoteMessage(ctx context.Context, chatID, messageID int64) (activityID int64, text string, err error)
	UpdateNoteMessage(ctx context.Context, chatID, messageID int64, text string) error
}

// ReachStore keeps whether the bot may write to a chat.
type ReachStore interface {
	MarkUnreachable(ctx context.Context, chatID int64, reason string) error
	ClearUnreachable(ctx context.Context, chatID int64) error
}

// handleOther handles the update kinds newReq does not; ok is false when u
// is none of them.
func (b *Bot) handleOther(ctx context.Context, u *models.Update) (ok bool, err error) {
	switch {
	case u.MyChatMember != nil:
		return true, b.chatMemberChanged(ctx, u.MyChatMember)
	case u.EditedMessage != nil:
		return true, b.messageEdited(ctx, u)
	}
	return false, nil
}

// chatMemberChanged marks a private chat unreachable when the user blocks
// the bot ("kicked"), so nothing more is tried there, and reachable again
// when they unblock it.
func (b *Bot) chatMemberChanged(ctx context.Context, m *models.ChatMemberUpdated) error {
	if m.Chat.Type != models.ChatTypePrivate {
		return nil
	}
	switch m.NewChatMember.Type {
	case models.ChatMemberTypeBanned:
		return b.activities.MarkUnreachable(ctx, m.Chat.ID, "the user blocked the bot")
	case models.ChatMemberTypeMember:
		return b.activities.ClearUnreachable(ctx, m.Chat.ID)
	}
	return nil
}

// messageEdited carries a rep's edit of a message that became a note into
// the note, and says so; an edit of any other message changes nothing.
func (b *Bot) messageEdited(ctx context.Context, u *models.Update) error {
	m := u.EditedMessage
	if m.From == nil || m.Chat.Type != models.ChatTypePrivate {
		return nil
	}
	r, ok := b.newReq(ctx, &models.Update{ID: u.ID, Message: m})
	if !ok || r.staff.ID == 0 || !r.staff.Active {
		return nil
	}
	aid, old, err := b.activities.NoteMessage(ctx, m.Chat.ID, int64(m.ID))
	if crm.IsCode(err, crm.ENotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	text := strings.TrimSpace(m.Text)
	if text == "" || text == old {
		return nil
	}
	a, err := b.activities.Activity(ctx, aid)
	if err != nil {
		return err
	}
	c, err := r.loadEditable(a.CustomerID)
	if err != nil || a.StaffID != r.staff.ID {
		return nil // no longer theirs to change: the edit stays in the chat only
	}
	i := strings.LastIndex(a.Note, old)
	if i < 0 {
		return nil // the note was changed since (an undo): leave it
	}
	a.Note = a.Note[:i] + text + a.Note[i+len(old):]
	if err := b.activities.AmendActivity(ctx, a); err != nil {
		return err
	}
	if err := b.activities.UpdateNoteMessage(ctx, m.Chat.ID, int64(m.ID), text); err != nil {
		return err
	}
	return r.send(r.t("log.note_edited", map[string]any{"Name": esc(c.Name), "When": r.dateTime(a.OccurredAt)}), nil)
}
