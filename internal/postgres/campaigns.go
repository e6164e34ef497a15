package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

const campaignColumns = `m.id, coalesce(m.author_id, 0), coalesce(a.display_name, ''), coalesce(m.team_id, 0), m.scope,
	m.audience, m.texts, m.default_locale, m.status, m.created_at, m.started_at, m.done_at`

const campaignFrom = ` FROM campaigns m LEFT JOIN staff a ON a.id = m.author_id `

func scanCampaign(row pgx.Row) (crm.Campaign, error) {
	var c crm.Campaign
	var audience, texts []byte
	var started, done *time.Time
	err := row.Scan(&c.ID, &c.AuthorID, &c.AuthorName, &c.TeamID, &c.Scope, &audience, &texts, &c.DefaultLocale,
		&c.Status, &c.CreatedAt, &started, &done)
	if err != nil {
		return c, err
	}
	if started != nil {
		c.StartedAt = *started
	}
	if done != nil {
		c.DoneAt = *done
	}
	if err := json.Unmarshal(audience, &c.Audience); err != nil {
		return c, err
	}
	return c, json.Unmarshal(texts, &c.Texts)
}

// CreateCampaign stores a new draft by author, scoped by their role
// (crm.ScopeOf), written in their language.
func (db *DB) CreateCampaign(ctx context.Context, author crm.Staff, a crm.Audience) (c crm.Campaign, err error) {
	defer wrap(&err, "create campaign")
	if err := a.Validate(); err != nil {
		return c, err
	}
	lang := author.Locale
	if lang == "" {
		lang = "fa"
	}
	var id int64
	if err := db.q(ctx).QueryRow(ctx, `INSERT INTO campaigns (author_id, team_id, scope, audience, default_locale, created_at)
		VALUES ($1, nullif($2, 0::bigint), $3, $4, $5, $6) RETURNING id`,
		author.ID, author.TeamID, crm.ScopeOf(author), a, lang, db.now()).Scan(&id); err != nil {
		return c, err
	}
	return db.Campaign(ctx, id)
}

// Campaign returns a campaign by id (crm.ENotFound: none).
func (db *DB) Campaign(ctx context.Context, id int64) (c crm.Campaign, err error) {
	defer wrap(&err, "campaign")
	return scanCampaign(db.q(ctx).QueryRow(ctx, `SELECT `+campaignColumns+campaignFrom+`WHERE m.id = $1`, id))
}

// SaveCampaignDraft writes a draft's audience and texts; crm.EConflict
// once it started.
func (db *DB) SaveCampaignDraft(ctx context.Context, c crm.Campaign) (err error) {
	defer wrap(&err, "save campaign draft")
	if err := c.Audience.Validate(); err != nil {
		return err
	}
	texts := c.Texts
	if texts == nil {
		texts = crm.Template{}
	}
	tag, err := db.q(ctx).Exec(ctx, `UPDATE campaigns SET audience = $2, texts = $3 WHERE id = $1 AND status = 'draft'`,
		c.ID, c.Audience, texts)
	if err == nil && tag.RowsAffected() == 0 {
		return crm.Errorf(crm.EConflict, "campaign %d is not a draft", c.ID)
	}
	return err
}

// Campaigns lists the campaigns viewer may see (crm.CanSeeCampaign), the
// newest first.
func (db *DB) Campaigns(ctx context.Context, viewer crm.Staff, limit int) (cs []crm.Campaign, err error) {
	defer wrap(&err, "campaigns")
	rows, err := db.q(ctx).Query(ctx, `SELECT `+campaignColumns+campaignFrom+`
		WHERE $2 = 'admin' OR m.author_id = $1 OR ($2 = 'manager' AND $3::bigint <> 0 AND m.team_id = $3 AND m.scope <> 'all')
		ORDER BY m.created_at DESC, m.id DESC LIMIT $4`, viewer.ID, string(viewer.Role), viewer.TeamID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Campaign, error) { return scanCampaign(row) })
}

// CampaignFigures counts a campaign's recipients by outcome.
func (db *DB) CampaignFigures(ctx context.Context, id int64) (f crm.CampaignFigures, err error) {
	defer wrap(&err, "campaign figures")
	err = db.q(ctx).QueryRow(ctx, `SELECT count(*),
			count(*) FILTER (WHERE r.status IN ('queued', 'sending')),
			count(*) FILTER (WHERE r.status IN ('delivered', 'replied')),
			count(*) FILTER (WHERE r.status = 'replied'),
			count(*) FILTER (WHERE r.status = 'blocked'),
			count(*) FILTER (WHERE r.status IN ('skipped', 'failed')),
			count(*) FILTER (WHERE r.status = 'task'),
			count(DISTINCT f.assignee_id)
		FROM campaign_recipients r LEFT JOIN follow_ups f ON f.id = r.follow_up_id
		WHERE r.campaign_id = $1`, id).
		Scan(&f.Recipients, &f.Queued, &f.Delivered, &f.Replied, &f.Blocked, &f.Skipped, &f.Tasks, &f.TaskReps)
	return f, err
}

// StartCampaign fixes the recipients of draft id at now, in one INSERT …
// SELECT of its audience in its author's scope (crm.PlanRecipient's rule
// in SQL), and marks it sending. crm.EConflict when it is not a draft (a
// second tap), crm.EInvalid when its texts do not validate.
func (db *DB) StartCampaign(ctx context.Context, id int64) (n int, err error) {
	defer wrap(&err, "start campaign")
	err = db.InTx(ctx, func(ctx context.Context) error {
		q := db.q(ctx)
		c, err := scanCampaign(q.QueryRow(ctx, `SELECT `+campaignColumns+campaignFrom+`WHERE m.id = $1 FOR UPDATE OF m`, id))
		if err != nil {
			return err
		}
		if c.Status != crm.CampaignDraft {
			return crm.Errorf(crm.EConflict, "campaign %d is %s", id, c.Status)
		}
		if err := c.Texts.Validate(c.DefaultLocale); err != nil {
			return err
		}
		from, args := audienceSQL(audienceScope{scope: c.Scope, staff: c.AuthorID, teamID: c.TeamID}, c.Audience)
		args["campaign"], args["now"] = id, db.now()
		tag, err := q.Exec(ctx, `INSERT INTO campaign_recipients (campaign_id, customer_id, channel, status, due_at, blocked_at)
			SELECT @campaign, c.id,
				CASE WHEN c.telegram_user_id IS NULL THEN 'task' ELSE 'message' END,
				CASE WHEN `+sqlMessageable+` OR c.telegram_user_id IS NULL THEN 'queued'
				     WHEN c.unreachable_at IS NOT NULL AND c.opted_out_at IS NULL THEN 'blocked'
				     ELSE 'skipped' END,
				@now,
				CASE WHEN c.telegram_user_id IS NOT NULL AND c.unreachable_at IS NOT NULL AND c.opted_out_at IS NULL THEN c.unreachable_at END`+
			from, args)
		if err != nil {
			return err
		}
		n = int(tag.RowsAffected())
		_, err = q.Exec(ctx, `UPDATE campaigns SET status = 'sending', started_at = $2 WHERE id = $1`, id, db.now())
		return err
	})
	return n, err
}
