package crm

import "time"

// Conversation is where a chat stands within a multi-message flow (creating
// a customer, logging a call, ...). It is kept in the database, so a restart
// or another replica continues the flow where the user left it.
type Conversation struct {
	ChatID    int64
	UserID    int64
	Flow      string
	Step      string
	Data      map[string]string
	ExpiresAt time.Time
}
