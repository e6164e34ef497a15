package postgres

import (
	"context"

	"github.com/telecrm/crmbot/internal/crm"
)

// RelayRecipients are the staff members a linked customer's message goes
// to: their rep while the rep is active; else (an unassigned customer, or
// a rep who left) the managers of the rep's team; else every active admin.
func (db *DB) RelayRecipients(ctx context.Context, c crm.Customer) (out []crm.Staff, err error) {
	defer wrap(&err, "relay recipients")
	rows, err := db.q(ctx).Query(ctx, `
		WITH owner AS (SELECT s.id FROM staff s WHERE s.id = $1 AND s.active),
		managers AS (SELECT s.id FROM staff s JOIN teams t ON t.manager_id = s.id
			WHERE t.id = $2 AND s.active AND NOT EXISTS (SELECT 1 FROM owner)),
		admins AS (SELECT s.id FROM staff s WHERE s.role = 'admin' AND s.active
			AND NOT EXISTS (SELECT 1 FROM owner) AND NOT EXISTS (SELECT 1 FROM managers))
		SELECT `+staffColumns+` FROM staff s
		WHERE s.id IN (SELECT id FROM owner UNION SELECT id FROM managers UNION SELECT id FROM admins)
		ORDER BY s.id`, c.OwnerID, c.OwnerTeamID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// LogCustomerMessage records what a linked customer wrote as an activity of
// kind 'message' without a staff member, from the customer by name (the
// history shows it), once per Telegram update: a replay returns the first
// activity. a.Kind and a.StaffID are set here.
func (db *DB) LogCustomerMessage(ctx context.Context, a crm.Activity, fromName string) (out crm.Activity, err error) {
	defer wrap(&err, "log customer message")
	a.Kind, a.StaffID = crm.ActivityMessage, 0
	if err := a.Validate(); err != nil {
		return out, err
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		if out, err = logActivity(ctx, tx, a, db.now()); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE activities SET from_name = $2 WHERE id = $1`, out.ID, fromName)
		out.StaffName = fromName
		return err
	})
	return out, err
}

// RecordRelay remembers that a customer's message (activity activityID) is
// relayed to staff member staffID in chat chatID, and returns the relay's
// id: its notification's dedup key is "relay:<id>", and the message id
// Telegram gives it is filled in when it is sent (migration 010's trigger
// on sends), so that a reply to it reaches the customer.
func (db *DB) RecordRelay(ctx context.Context, customerID, staffID, chatID, activityID int64) (id int64, err error) {
	defer wrap(&err, "record relay")
	err = db.q(ctx).QueryRow(ctx, `INSERT INTO customer_relays (customer_id, staff_id, chat_id, activity_id, created_at)
		VALUES ($1, $2, $3, nullif($4, 0::bigint), $5) RETURNING id`, customerID, staffID, chatID, activityID, db.now()).Scan(&id)
	return id, err
}

// RelayCustomer returns the customer whose relayed message is message
// messageID of staff chat chatID. crm.ENotFound when it is no relayed
// message (or not sent yet).
func (db *DB) RelayCustomer(ctx context.Context, chatID, messageID int64) (customerID int64, err error) {
	defer wrap(&err, "relay customer")
	err = db.q(ctx).QueryRow(ctx, `SELECT customer_id FROM customer_relays
		WHERE chat_id = $1 AND telegram_message_id = $2 ORDER BY id DESC LIMIT 1`, chatID, messageID).Scan(&customerID)
	return customerID, err
}
