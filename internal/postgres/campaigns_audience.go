package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
)

// An audience (crm.Audience) as SQL: one WHERE clause over customers c
// (and customer_values v when a value filter is set), the scope of whoever
// asks applied first, shared by the builder's count and sample and by the
// INSERT … SELECT that starts a campaign.

// AudienceSampleSize is how many customers the builder shows.
const AudienceSampleSize = 6

// audienceScope is whose customers a query may reach: every customer
// (ScopeAll), a manager's team, their own and the pool (ScopeTeam), or a
// rep's own (ScopeOwn).
type audienceScope struct {
	scope  crm.CampaignScope
	staff  int64
	teamID int64
}

func scopeOf(s crm.Staff) audienceScope {
	return audienceScope{scope: crm.ScopeOf(s), staff: s.ID, teamID: s.TeamID}
}

// sqlMessageable is crm.Customer.Messageable for a live customer c.
const sqlMessageable = `(c.telegram_user_id IS NOT NULL AND c.consent_at IS NOT NULL AND c.opted_out_at IS NULL AND c.unreachable_at IS NULL)`

// audienceSQL is the FROM and WHERE of an audience for scope, with its
// arguments (named, pgx.NamedArgs).
func audienceSQL(sc audienceScope, a crm.Audience) (string, pgx.NamedArgs) {
	args := pgx.NamedArgs{"staff": sc.staff}
	where := []string{"c.deleted_at IS NULL"}
	switch sc.scope {
	case crm.ScopeTeam:
		args["team"] = sc.teamID
		// The team as an array (an InitPlan), so that the owner index
		// finds the team's rows rather than a filter over everyone's.
		where = append(where, `(c.owner_id IS NULL OR c.owner_id = ANY(ARRAY(SELECT id FROM staff WHERE team_id = @team AND @team::bigint <> 0) || @staff::bigint))`)
	case crm.ScopeOwn:
		where = append(where, "c.owner_id = @staff")
	}
	if len(a.Stages) > 0 {
		args["stages"] = a.Stages
		where = append(where, "c.stage_id = ANY(@stages)")
	}
	if len(a.Tags) > 0 {
		args["tags"] = a.Tags
		where = append(where, "c.tags && @tags::text[]")
	}
	if a.City != "" {
		args["city"] = a.City
		where = append(where, "c.city IS NOT NULL AND translate(lower(btrim(c.city)), 'يك', 'یک') = translate(lower(btrim(@city::text)), 'يك', 'یک')")
	}
	switch a.Linked {
	case crm.LinkedYes:
		where = append(where, "c.telegram_user_id IS NOT NULL")
	case crm.LinkedNo:
		where = append(where, "c.telegram_user_id IS NULL")
	}
	from := "customers c"
	if a.Value != crm.SegmentNone || a.AtRisk || !a.BoughtBefore.IsZero() || !a.BoughtAfter.IsZero() {
		from += " JOIN customer_values v ON v.customer_id = c.id"
		if a.Value != crm.SegmentNone {
			args["value"] = string(a.Value)
			where = append(where, "v.segment = @value")
		}
		if a.AtRisk {
			where = append(where, "v.risk <> ''")
		}
		if !a.BoughtBefore.IsZero() {
			args["before"] = a.BoughtBefore
			where = append(where, "v.last_invoice_at < @before")
		}
		if !a.BoughtAfter.IsZero() {
			args["after"] = a.BoughtAfter
			where = append(where, "v.last_invoice_at >= @after")
		}
	}
	return " FROM " + from + " WHERE " + strings.Join(where, " AND "), args
}

// AudienceCount counts the customers of audience a that viewer may reach,
// by what a campaign would do with them.
func (db *DB) AudienceCount(ctx context.Context, viewer crm.Staff, a crm.Audience) (n crm.AudienceCount, err error) {
	defer wrap(&err, "audience count")
	if err := a.Validate(); err != nil {
		return n, err
	}
	sql, args := audienceCountSQL(viewer, a)
	rows, err := db.q(ctx).Query(ctx, sql, args)
	if err != nil {
		return n, err
	}
	var total, messages, tasks int
	_, err = pgx.ForEachRow(rows, []any{&total, &messages, &tasks}, func() error {
		n.Total, n.Messages, n.Tasks = n.Total+total, n.Messages+messages, n.Tasks+tasks
		if tasks > 0 {
			n.TaskReps++
		}
		return nil
	})
	n.Skipped = n.Total - n.Messages - n.Tasks
	return n, err
}

// AudienceSample is a few customers of audience a that viewer may reach
// (AudienceSampleSize), the most recently added first.
func (db *DB) AudienceSample(ctx context.Context, viewer crm.Staff, a crm.Audience) (cs []crm.Customer, err error) {
	defer wrap(&err, "audience sample")
	if err := a.Validate(); err != nil {
		return nil, err
	}
	sql, args := audienceSampleSQL(viewer, a)
	rows, err := db.q(ctx).Query(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Customer, error) { return scanCustomer(row) })
}

// AudienceTags are the tags most used among the customers viewer may
// reach, the most used first (at most limit).
func (db *DB) AudienceTags(ctx context.Context, viewer crm.Staff, limit int) (tags []string, err error) {
	defer wrap(&err, "audience tags")
	from, args := audienceSQL(scopeOf(viewer), crm.Audience{})
	args["limit"] = limit
	rows, err := db.q(ctx).Query(ctx, `SELECT t FROM (SELECT unnest(c.tags) AS t`+from+`) x
		GROUP BY t ORDER BY count(*) DESC, t LIMIT @limit`, args)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// audienceCountSQL is AudienceCount's query: one row per owner (the pool
// counting as the viewer's, who would get its call tasks), so that the
// count is one hash aggregate over the audience, no sort for a distinct.
func audienceCountSQL(viewer crm.Staff, a crm.Audience) (string, pgx.NamedArgs) {
	from, args := audienceSQL(scopeOf(viewer), a)
	return `SELECT count(*), count(*) FILTER (WHERE ` + sqlMessageable + `),
			count(*) FILTER (WHERE c.telegram_user_id IS NULL)` + from + ` GROUP BY coalesce(c.owner_id, @staff)`, args
}

// audienceSampleSQL is AudienceSample's query.
func audienceSampleSQL(viewer crm.Staff, a crm.Audience) (string, pgx.NamedArgs) {
	from, args := audienceSQL(scopeOf(viewer), a)
	args["limit"] = AudienceSampleSize
	return `WITH s AS (SELECT c.id` + from + ` ORDER BY c.id DESC LIMIT @limit)
		SELECT ` + customerColumns + customerFrom + ` JOIN s ON s.id = c.id ORDER BY c.id DESC`, args
}

// AudiencePlans runs EXPLAIN (ANALYZE, BUFFERS) on the count and the
// sample of audience a for viewer (the segments benchmark prints them).
func (db *DB) AudiencePlans(ctx context.Context, viewer crm.Staff, a crm.Audience) (plans []string, err error) {
	defer wrap(&err, "audience plans")
	for _, build := range []func(crm.Staff, crm.Audience) (string, pgx.NamedArgs){audienceCountSQL, audienceSampleSQL} {
		sql, args := build(viewer, a)
		rows, err := db.q(ctx).Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+sql, args)
		if err != nil {
			return nil, err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, err
		}
		plans = append(plans, strings.Join(lines, "\n"))
	}
	return plans, nil
}
