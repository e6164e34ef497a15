package postgres

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// MinSearchLen is the shortest folded query SearchCustomers looks for.
const MinSearchLen = 2

// SearchCustomers finds the customers viewer may see whose name, company
// or phone matches query, best matches first, and returns one page of them
// with the total count.
//
// Text is compared after textnorm.Fold, so Arabic and Persian letter forms,
// digits of any script, diacritics and ZWNJ do not matter: an exact name
// ranks first, then names starting with the query or with a word that
// does, then companies alike, then names or companies containing it, then
// pg_trgm word similarity (typos). A query
// of digits (in any script, with separators) matches phone numbers: its
// leading zeros and "+" are dropped, so the national "0912…" and the
// international "0098912…" both find "+98912…".
func (db *DB) SearchCustomers(ctx context.Context, viewer crm.Staff, query string, limit, offset int) (cs []crm.Customer, total int, err error) {
	defer wrap(&err, "search customers")
	text, digits := searchTerms(query)
	if text == "" && digits == "" {
		return nil, 0, nil
	}
	if !viewer.Active {
		return nil, 0, nil
	}
	rows, err := db.q(ctx).Query(ctx, `SELECT `+customerColumns+`, count(*) OVER ()`+customerFrom+`
		CROSS JOIN LATERAL (SELECT
			CASE WHEN $1 = '' THEN 0
				WHEN c.name_norm = $1 THEN 4
				WHEN c.name_norm LIKE $2 || '%' THEN 3
				WHEN c.name_norm LIKE '% ' || $2 || '%' THEN 2.8
				WHEN coalesce(c.company_norm, '') LIKE $2 || '%' THEN 2.5
				WHEN coalesce(c.company_norm, '') LIKE '% ' || $2 || '%' THEN 2.2
				WHEN c.name_norm LIKE '%' || $2 || '%' OR coalesce(c.company_norm, '') LIKE '%' || $2 || '%' THEN 1.5
				ELSE greatest(word_similarity($1, c.name_norm), word_similarity($1, coalesce(c.company_norm, '')))
			END AS text_rank,
			CASE WHEN $3 = '' THEN 0 ELSE coalesce((SELECT 3 - min(strpos(p.e164, $3)) / 100.0
				FROM customer_phones p WHERE p.customer_id = c.id AND strpos(p.e164, $3) > 0), 0) END AS phone_rank
		) m
		WHERE c.deleted_at IS NULL
			AND ($4 = 'admin' OR c.owner_id IS NULL OR c.owner_id = $5
				OR ($4 = 'manager' AND $6 <> 0 AND o.team_id = $6))
			AND (($1 <> '' AND (c.name_norm LIKE '%' || $2 || '%' OR c.company_norm LIKE '%' || $2 || '%'
					OR $1 <% c.name_norm OR $1 <% c.company_norm))
				OR m.phone_rank > 0)
		ORDER BY greatest(m.text_rank, m.phone_rank) DESC, c.name_norm, c.id
		LIMIT $7 OFFSET $8`,
		text, likeEscape(text), digits, string(viewer.Role), viewer.ID, viewer.TeamID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	cs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Customer, error) {
		return scanCustomer(row, &total)
	})
	return cs, total, err
}

// searchTerms splits a query into folded text and phone digits; a query of
// digits and phone punctuation only is a phone search.
func searchTerms(query string) (text, digits string) {
	f := textnorm.Fold(query)
	if f == "" {
		return "", ""
	}
	if strings.Trim(f, "0123456789+-() ") == "" {
		d := strings.TrimLeft(textnorm.Digits(f), "0")
		if len(d) >= 3 {
			return "", d
		}
		return "", ""
	}
	if utf8.RuneCountInString(f) < MinSearchLen {
		return "", ""
	}
	return f, ""
}

// likeEscape escapes LIKE's wildcards in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
