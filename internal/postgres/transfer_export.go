package postgres

import (
	"context"
	"time"

	"github.com/telecrm/crmbot/internal/transfer"
)

// scopeWhere limits a query over customers c (with owner o) to scope:
// $1 all, $2 the owner, $3 the owner's team (0: none).
const scopeWhere = ` c.deleted_at IS NULL AND ($1 OR c.owner_id = $2 OR ($3 <> 0 AND o.team_id = $3)) `

func scopeArgs(s transfer.Scope) []any { return []any{s.All, s.OwnerID, s.TeamID} }

// ExportCustomers writes the customers of scope to w, header first, in id
// order, with stage names in lang, and returns how many it wrote. Rows are
// streamed: the export is never held in memory here.
func (db *DB) ExportCustomers(ctx context.Context, scope transfer.Scope, lang string, w *transfer.Writer) (n int, err error) {
	defer wrap(&err, "export customers")
	if err := w.Write(transfer.CustomerHeader); err != nil {
		return 0, err
	}
	rows, err := db.q(ctx).Query(ctx, `SELECT c.id, c.name,
		coalesce((SELECT array_agg(p.e164 ORDER BY p.is_primary DESC, p.created_at, p.e164) FROM customer_phones p WHERE p.customer_id = c.id), '{}'),
		coalesce(c.company, ''), coalesce(c.job_title, ''), coalesce(c.industry, ''), coalesce(c.city, ''), coalesce(c.source, ''),
		coalesce(c.notes, ''), c.tags, coalesce(c.owner_id, 0), coalesce(o.username, ''), coalesce(o.display_name, ''), s.key,
		CASE $4 WHEN 'fa' THEN s.name_fa WHEN 'ar' THEN s.name_ar ELSE s.name_en END, c.created_at, c.last_contact_at
		FROM customers c LEFT JOIN staff o ON o.id = c.owner_id JOIN stages s ON s.id = c.stage_id
		WHERE`+scopeWhere+`ORDER BY c.id`, append(scopeArgs(scope), lang)...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var c transfer.ExportCustomer
		var last *time.Time
		if err := rows.Scan(&c.ID, &c.Name, &c.Phones, &c.Company, &c.JobTitle, &c.Industry, &c.City, &c.Source, &c.Notes, &c.Tags,
			&c.OwnerID, &c.OwnerUsername, &c.OwnerName, &c.StageKey, &c.StageName, &c.CreatedAt, &last); err != nil {
			return n, err
		}
		if last != nil {
			c.LastContactAt = *last
		}
		if err := w.Write(c.Cells()); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, w.Flush()
}

// ExportActivities writes the activities on the customers of scope to w,
// header first, oldest first, and returns how many it wrote.
func (db *DB) ExportActivities(ctx context.Context, scope transfer.Scope, w *transfer.Writer) (n int, err error) {
	defer wrap(&err, "export activities")
	if err := w.Write(transfer.ActivityHeader); err != nil {
		return 0, err
	}
	rows, err := db.q(ctx).Query(ctx, `SELECT a.id, a.customer_id, c.name, coalesce(st.display_name, ''), a.kind,
		coalesce(a.outcome, ''), coalesce(a.duration_seconds, 0), coalesce(a.note, ''), a.occurred_at
		FROM activities a JOIN customers c ON c.id = a.customer_id LEFT JOIN staff o ON o.id = c.owner_id
		LEFT JOIN staff st ON st.id = a.staff_id
		WHERE`+scopeWhere+`ORDER BY a.occurred_at, a.id`, scopeArgs(scope)...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var a transfer.ExportActivity
		if err := rows.Scan(&a.ID, &a.CustomerID, &a.CustomerName, &a.Staff, &a.Kind, &a.Outcome, &a.DurationSeconds, &a.Note, &a.OccurredAt); err != nil {
			return n, err
		}
		if err := w.Write(a.Cells()); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, w.Flush()
}
