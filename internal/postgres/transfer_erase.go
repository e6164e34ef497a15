package postgres

import (
	"context"

	"github.com/telecrm/crmbot/internal/crm"
)

// EraseCustomer erases a customer's personal data for good and keeps the
// anonymous counts: its name becomes its number; company, job, industry,
// city, source, notes, tags, personality, Telegram link, language, zone and
// consent are cleared; phones, important dates, chat links and invites are
// deleted, and so are the qualification answers (with any shared
// location) and the interests; activities keep kind, outcome, duration and time but lose their
// note, voice and location, and the copies of notes typed in the chat
// (note_messages) go; stage moves lose their free-text reason;
// follow-ups lose their note (open ones are cancelled); survey answers lose
// their comment and free answers (the score stays); messages the customer
// sent lose the Telegram name they came with, and the relays that tied
// them to the staff's chats go; purchases keep kind, amounts, status and
// dates but lose their number and item names (free text that can name the
// person; SKU, quantity and price stay); the delivery path forgets that
// their Telegram chat was unreachable. Earlier audit rows lose any phone
// they named. The customer is marked deleted, and the erasure audited with
// its counts. crm.ENotFound if there is no live customer id.
func (db *DB) EraseCustomer(ctx context.Context, id, by int64) (e crm.Erasure, err error) {
	defer wrap(&err, "erase customer")
	e.CustomerID = id
	now := db.now()
	err = db.InTx(ctx, func(ctx context.Context) error {
		tx := db.q(ctx)
		var tgID *int64
		if err := tx.QueryRow(ctx, `SELECT id, telegram_user_id FROM customers WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, id).
			Scan(&e.CustomerID, &tgID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM activities WHERE customer_id = $1),
			(SELECT count(*) FROM stage_history WHERE customer_id = $1), (SELECT count(*) FROM purchases WHERE customer_id = $1)`, id).
			Scan(&e.Activities, &e.StageMoves, &e.Purchases); err != nil {
			return err
		}
		name := crm.ErasedName(id)
		for _, st := range []statement{
			{`UPDATE customers SET name = $2, name_norm = $2, company = NULL, company_norm = NULL, job_title = NULL, industry = NULL,
				city = NULL, source = NULL, tags = '{}', personality_type = NULL, notes = NULL, telegram_user_id = NULL,
				telegram_linked_at = NULL, chat_locale = NULL, time_zone = NULL, consent_at = NULL, consent_version = NULL,
				opted_out_at = NULL, unreachable_at = NULL, updated_at = $3, deleted_at = $3 WHERE id = $1`, []any{id, name, now}},
			{`DELETE FROM customer_phones WHERE customer_id = $1`, []any{id}},
			{`DELETE FROM important_dates WHERE customer_id = $1`, []any{id}},
			{`DELETE FROM customer_links WHERE customer_id = $1`, []any{id}},
			{`DELETE FROM customer_invites WHERE customer_id = $1`, []any{id}},
			{`DELETE FROM unreachable_chats WHERE chat_id = $1`, []any{tgID}},
			{`DELETE FROM note_messages WHERE activity_id IN (SELECT id FROM activities WHERE customer_id = $1)`, []any{id}},
			{`UPDATE activities SET note = NULL, voice_file_id = NULL, latitude = NULL, longitude = NULL, from_name = NULL WHERE customer_id = $1`, []any{id}},
			{`DELETE FROM customer_relays WHERE customer_id = $1`, []any{id}},
			{`DELETE FROM customer_qualifications WHERE customer_id = $1`, []any{id}},
			{`DELETE FROM customer_interests WHERE customer_id = $1`, []any{id}},
			{`UPDATE purchases SET number = NULL, items = (SELECT coalesce(jsonb_agg(i - 'name' ORDER BY n), '[]') FROM jsonb_array_elements(items) WITH ORDINALITY x(i, n))
				WHERE customer_id = $1`, []any{id}},
			{`UPDATE stage_history SET reason_text = NULL WHERE customer_id = $1`, []any{id}},
			{`UPDATE follow_ups SET note = NULL, status = CASE WHEN status = 'open' THEN 'cancelled' ELSE status END, updated_at = $2
				WHERE customer_id = $1`, []any{id, now}},
			{`UPDATE survey_responses SET comment = NULL, answers = '{}' WHERE customer_id = $1`, []any{id}},
			{`UPDATE audit_log SET details = details - 'phone' WHERE entity = 'customer' AND entity_id = $1 AND details ? 'phone'`, []any{id}},
		} {
			if _, err := tx.Exec(ctx, st.sql, st.args...); err != nil {
				return err
			}
		}
		return audit(ctx, tx, by, "customer.erase", "customer", id, map[string]any{
			"activities": e.Activities, "stage_moves": e.StageMoves, "purchases": e.Purchases})
	})
	return e, err
}
