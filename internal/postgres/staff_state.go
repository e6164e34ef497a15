package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// StaffAndState returns the staff member with that Telegram user id
// (active or not) and the conversation state of the chat, in one
// statement: every update of a staff member needs the one and often the
// other. The state is nil when the chat is in no flow; expired state is
// returned as is (as LoadState). crm.ENotFound when there is no such staff
// member; the state is then not looked up.
func (db *DB) StaffAndState(ctx context.Context, tgID, chatID int64) (s crm.Staff, c *crm.Conversation, err error) {
	defer wrap(&err, "staff and conversation")
	var (
		user       *int64
		flow, step *string
		data       []byte
		expires    *time.Time
	)
	row := db.q(ctx).QueryRow(ctx, `SELECT `+staffColumns+`, cs.user_id, cs.flow, cs.step, cs.data, cs.expires_at
		  FROM staff s LEFT JOIN conversation_state cs ON cs.chat_id = $2
		 WHERE s.telegram_user_id = $1`, tgID, chatID)
	s, err = scanStaff(extraScan{Row: row, extra: []any{&user, &flow, &step, &data, &expires}})
	if err != nil || user == nil {
		return s, nil, err
	}
	c = &crm.Conversation{ChatID: chatID, UserID: *user, Flow: *flow, Step: *step, ExpiresAt: *expires}
	return s, c, json.Unmarshal(data, &c.Data)
}

// extraScan is a row whose Scan also fills extra destinations after the
// ones it is given, so that a scanner of a fixed column list (scanStaff)
// reads a row with more columns after those.
type extraScan struct {
	pgx.Row
	extra []any
}

func (e extraScan) Scan(dest ...any) error { return e.Row.Scan(append(dest, e.extra...)...) }
