// Package delivery is crmbot's durable outbound path: the replies a handler
// queues inside its update's transaction, and notifications (reminders,
// escalations, greetings, digests, surveys) kept as River jobs inserted in the
// same transaction as the change that causes them. One sender delivers both
// within Telegram's limits. What is sent is described by internal/outbound.
package delivery

import "github.com/telecrm/crmbot/internal/outbound"

// Message and Notification are internal/outbound's, named here too for
// the callers of this package.
type (
	Message      = outbound.Message
	Notification = outbound.Notification
	CommandScope = outbound.CommandScope
)

// ChatScope is outbound.ChatScope.
func ChatScope(chatID int64) *CommandScope { return outbound.ChatScope(chatID) }

// counted reports whether method posts a message (outbound.PostsMessage).
func counted(method string) bool { return outbound.PostsMessage(method) }
