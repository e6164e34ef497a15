package bot

import (
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// CustomerNotification is how any feature (surveys, greetings, campaigns)
// writes to a customer on the bot's own initiative: m goes to c's chat at
// due, once per key, only while c.Messageable() (linked, consenting, not
// opted out, not unreachable, not deleted); ok is false otherwise and
// nothing must be sent. Write m in b.CustomerLocalizer(c). A renderer that
// builds the message at send time should check Messageable again then.
func (b *Bot) CustomerNotification(c crm.Customer, kind, key string, due time.Time, m outbound.Message) (n outbound.Notification, ok bool) {
	if !c.Messageable() {
		return n, false
	}
	m.ChatID = c.Chat.TelegramUserID
	return outbound.Notification{Kind: kind, ChatID: c.Chat.TelegramUserID, DedupKey: key, Due: due, Message: &m}, true
}
