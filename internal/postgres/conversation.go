package postgres

import (
	"context"
	"encoding/json"

	"github.com/telecrm/crmbot/internal/crm"
)

// LoadState returns the chat's conversation state; crm.ENotFound if none.
// Expired state is returned as is; the caller decides.
func (db *DB) LoadState(ctx context.Context, chatID int64) (c *crm.Conversation, err error) {
	defer wrap(&err, "load conversation")
	c = &crm.Conversation{ChatID: chatID}
	var data []byte
	err = db.q(ctx).QueryRow(ctx, `SELECT user_id, flow, step, data, expires_at FROM conversation_state WHERE chat_id = $1`, chatID).
		Scan(&c.UserID, &c.Flow, &c.Step, &data, &c.ExpiresAt)
	if err != nil {
		return nil, err
	}
	return c, json.Unmarshal(data, &c.Data)
}

// SaveState stores the chat's conversation state, replacing any.
func (db *DB) SaveState(ctx context.Context, c crm.Conversation) (err error) {
	defer wrap(&err, "save conversation")
	data, err := json.Marshal(c.Data)
	if err != nil {
		return err
	}
	_, err = db.q(ctx).Exec(ctx, `INSERT INTO conversation_state (chat_id, user_id, flow, step, data, updated_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (chat_id) DO UPDATE SET user_id = $2, flow = $3, step = $4, data = $5, updated_at = $6, expires_at = $7`,
		c.ChatID, c.UserID, c.Flow, c.Step, data, db.now(), c.ExpiresAt)
	return err
}

// ClearState ends the chat's flow, if any.
func (db *DB) ClearState(ctx context.Context, chatID int64) (err error) {
	defer wrap(&err, "clear conversation")
	_, err = db.q(ctx).Exec(ctx, `DELETE FROM conversation_state WHERE chat_id = $1`, chatID)
	return err
}
