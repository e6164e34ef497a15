package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// What campaign dispatch (internal/schedule.Campaigns) reads and marks,
// and the outcome of what it sent: delivered and blocked come from sends
// (migration 014's trigger), replied from the customer's next message.

// CampaignRecipientsDue locks up to limit queued recipients of sending
// campaigns due at now, skipping those another run holds.
func (db *DB) CampaignRecipientsDue(ctx context.Context, now time.Time, limit int) (rs []crm.CampaignRecipient, err error) {
	defer wrap(&err, "campaign recipients due")
	rows, err := db.q(ctx).Query(ctx, `WITH due AS (
			SELECT r.campaign_id, r.customer_id, r.channel FROM campaign_recipients r
			JOIN campaigns m ON m.id = r.campaign_id AND m.status = 'sending'
			WHERE r.status = 'queued' AND r.due_at <= $1
			ORDER BY r.due_at, r.campaign_id, r.customer_id LIMIT $2 FOR UPDATE OF r SKIP LOCKED)
		SELECT due.campaign_id, due.channel, coalesce(o.time_zone, ''), `+customerColumns+customerFrom+`
		JOIN due ON due.customer_id = c.id ORDER BY due.campaign_id, c.id`, now, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.CampaignRecipient, error) {
		var r crm.CampaignRecipient
		var cust crm.Customer
		err := scanCustomerAfter(row, &cust, &r.CampaignID, &r.Channel, &r.OwnerZone)
		r.Customer, r.Status = cust, crm.RecipientQueued
		return r, err
	})
}

// scanCustomerAfter scans leading columns into lead, then a customer.
func scanCustomerAfter(row pgx.Row, c *crm.Customer, lead ...any) error {
	var err error
	*c, err = scanCustomer(leadRow{row: row, lead: lead})
	return err
}

// leadRow puts the first len(lead) columns of a row into lead.
type leadRow struct {
	row  pgx.Row
	lead []any
}

func (l leadRow) Scan(dest ...any) error { return l.row.Scan(append(l.lead, dest...)...) }

// MarkRecipientSending records the message handed to delivery for a
// recipient: its language and text.
func (db *DB) MarkRecipientSending(ctx context.Context, campaignID, customerID int64, locale, body string, now time.Time) (err error) {
	defer wrap(&err, "mark campaign recipient sending")
	_, err = db.q(ctx).Exec(ctx, `UPDATE campaign_recipients SET status = 'sending', locale = $3, body = $4, sent_at = $5
		WHERE campaign_id = $1 AND customer_id = $2`, campaignID, customerID, locale, body, now)
	return err
}

// DeferRecipient waits until due (the customer's daytime).
func (db *DB) DeferRecipient(ctx context.Context, campaignID, customerID int64, due time.Time) (err error) {
	defer wrap(&err, "defer campaign recipient")
	_, err = db.q(ctx).Exec(ctx, `UPDATE campaign_recipients SET due_at = $3 WHERE campaign_id = $1 AND customer_id = $2`,
		campaignID, customerID, due)
	return err
}

// SetRecipientStatus ends a queued recipient as status (skipped, blocked).
func (db *DB) SetRecipientStatus(ctx context.Context, campaignID, customerID int64, status crm.RecipientStatus, now time.Time) (err error) {
	defer wrap(&err, "set campaign recipient status")
	_, err = db.q(ctx).Exec(ctx, `UPDATE campaign_recipients SET status = $3,
			blocked_at = CASE WHEN $3 = 'blocked' THEN $4::timestamptz END
		WHERE campaign_id = $1 AND customer_id = $2`, campaignID, customerID, string(status), now)
	return err
}

// RecipientTask records the call task made for a recipient.
func (db *DB) RecipientTask(ctx context.Context, campaignID, customerID, followUpID int64, locale, note string, now time.Time) (err error) {
	defer wrap(&err, "campaign recipient task")
	_, err = db.q(ctx).Exec(ctx, `UPDATE campaign_recipients SET status = 'task', follow_up_id = $3, locale = $4, body = $5, sent_at = $6
		WHERE campaign_id = $1 AND customer_id = $2`, campaignID, customerID, followUpID, locale, note, now)
	return err
}

// FinishCampaigns marks done the sending campaigns with no recipient left
// to send, and returns how many.
func (db *DB) FinishCampaigns(ctx context.Context, now time.Time) (n int, err error) {
	defer wrap(&err, "finish campaigns")
	tag, err := db.q(ctx).Exec(ctx, `UPDATE campaigns m SET status = 'done', done_at = $1
		WHERE m.status = 'sending' AND NOT EXISTS (
			SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = m.id AND r.status IN ('queued', 'sending'))`, now)
	return int(tag.RowsAffected()), err
}

// CampaignRecipient is one recipient with its customer (crm.ENotFound:
// none).
func (db *DB) CampaignRecipient(ctx context.Context, campaignID, customerID int64) (r crm.CampaignRecipient, err error) {
	defer wrap(&err, "campaign recipient")
	var cust crm.Customer
	err = scanCustomerAfter(db.q(ctx).QueryRow(ctx, `SELECT r.campaign_id, r.channel, r.status, coalesce(r.locale, ''), coalesce(r.body, ''), `+
		customerColumns+customerFrom+`JOIN campaign_recipients r ON r.customer_id = c.id
		WHERE r.campaign_id = $1 AND r.customer_id = $2`, campaignID, customerID),
		&cust, &r.CampaignID, &r.Channel, &r.Status, &r.Locale, &r.Body)
	r.Customer = cust
	return r, err
}

// MarkCampaignReplied marks replied the campaign messages delivered to
// customerID within crm.CampaignReplyWindow before at, and returns how
// many.
func (db *DB) MarkCampaignReplied(ctx context.Context, customerID int64, at time.Time) (n int, err error) {
	defer wrap(&err, "mark campaign replied")
	tag, err := db.q(ctx).Exec(ctx, `UPDATE campaign_recipients SET status = 'replied', replied_at = $2
		WHERE customer_id = $1 AND status = 'delivered' AND sent_at IS NOT NULL
			AND delivered_at > $2::timestamptz - make_interval(secs => $3)`,
		customerID, at, crm.CampaignReplyWindow.Seconds())
	return int(tag.RowsAffected()), err
}

// campaignSend is campaign's message to customer as the history shows it.
func campaignSend(ctx context.Context, q Querier, campaign, customer int64) (m crm.CampaignSend, err error) {
	err = q.QueryRow(ctx, `SELECT r.campaign_id, coalesce(a.display_name, ''), r.status, coalesce(r.body, ''), r.sent_at
		FROM campaign_recipients r JOIN campaigns m ON m.id = r.campaign_id LEFT JOIN staff a ON a.id = m.author_id
		WHERE r.campaign_id = $1 AND r.customer_id = $2`, campaign, customer).Scan(&m.CampaignID, &m.AuthorName, &m.Status, &m.Text, &m.At)
	return m, err
}
