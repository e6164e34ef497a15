package postgres

import (
	"context"
	"strings"
	"unicode"
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
// does, then companies alike. Then the same matches with the spaces of
// both sides ignored (textnorm.Compact against customers.name_compact), so
// «احمدی پور» finds «احمدی‌پور» and «محمدرضا» finds «محمد رضا», then names
// or companies containing the query, spaced alike or not, then pg_trgm word
// similarity (typos). Equally good matches list the viewer's own customers
// first, then the most recently contacted, then by name.
//
// A query of digits (in any script, with the separators of
// textnorm.PhoneDigits) matches phone numbers: its leading zeros and "+"
// are dropped, so the national "0912…" and the international "0098912…"
// both find "+98912…".
func (db *DB) SearchCustomers(ctx context.Context, viewer crm.Staff, query string, limit, offset int) (cs []crm.Customer, total int, err error) {
	defer wrap(&err, "search customers")
	text, digits := searchTerms(query)
	if text == "" && digits == "" {
		return nil, 0, nil
	}
	if !viewer.Active {
		return nil, 0, nil
	}
	compact := strings.ReplaceAll(text, " ", "") // textnorm.Compact of the folded text
	rows, err := db.q(ctx).Query(ctx, `SELECT `+customerColumns+`, count(*) OVER ()`+customerFrom+`
		CROSS JOIN LATERAL (SELECT
			CASE WHEN @text = '' THEN 0
				WHEN c.name_norm = @text THEN 4
				WHEN c.name_norm LIKE @like || '%' THEN 3
				WHEN c.name_norm LIKE '% ' || @like || '%' THEN 2.8
				WHEN coalesce(c.company_norm, '') LIKE @like || '%' THEN 2.5
				WHEN coalesce(c.company_norm, '') LIKE '% ' || @like || '%' THEN 2.2
				WHEN c.name_compact = @compact THEN 2.1
				WHEN c.name_compact LIKE @compact_like || '%' THEN 2
				WHEN c.name_compact LIKE '%' || @compact_like || '%' AND c.name_norm ~ @word_re THEN 1.9
				WHEN coalesce(c.company_compact, '') LIKE @compact_like || '%' THEN 1.8
				WHEN coalesce(c.company_compact, '') LIKE '%' || @compact_like || '%' AND c.company_norm ~ @word_re THEN 1.7
				WHEN c.name_norm LIKE '%' || @like || '%' OR coalesce(c.company_norm, '') LIKE '%' || @like || '%' THEN 1.5
				WHEN c.name_compact LIKE '%' || @compact_like || '%'
					OR coalesce(c.company_compact, '') LIKE '%' || @compact_like || '%' THEN 1.4
				ELSE greatest(word_similarity(@text, c.name_norm), word_similarity(@text, coalesce(c.company_norm, '')))
			END AS text_rank,
			CASE WHEN @digits = '' THEN 0 ELSE coalesce((SELECT 3 - min(strpos(p.e164, @digits)) / 100.0
				FROM customer_phones p WHERE p.customer_id = c.id AND strpos(p.e164, @digits) > 0), 0) END AS phone_rank
		) m
		WHERE c.deleted_at IS NULL
			AND (@role = 'admin' OR c.owner_id IS NULL OR c.owner_id = @viewer
				OR (@role = 'manager' AND @team <> 0 AND o.team_id = @team))
			AND ((@text <> '' AND (c.name_compact LIKE '%' || @compact_like || '%'
					OR c.company_compact LIKE '%' || @compact_like || '%'
					OR @text <% c.name_norm OR @text <% c.company_norm))
				OR m.phone_rank > 0)
		ORDER BY greatest(m.text_rank, m.phone_rank) DESC, c.owner_id IS NOT DISTINCT FROM @viewer DESC,
			c.last_contact_at DESC NULLS LAST, c.name_norm, c.id
		LIMIT @limit OFFSET @offset`,
		pgx.NamedArgs{
			"text": text, "like": likeEscape(text), "compact": compact, "compact_like": likeEscape(compact),
			"word_re": wordStartRegexp(compact), "digits": digits,
			"role": string(viewer.Role), "viewer": viewer.ID, "team": viewer.TeamID,
			"limit": limit, "offset": offset,
		})
	if err != nil {
		return nil, 0, err
	}
	cs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Customer, error) {
		return scanCustomer(row, &total)
	})
	return cs, total, err
}

// searchTerms splits a query into folded text and phone digits; a query of
// digits and phone separators only is a phone search.
func searchTerms(query string) (text, digits string) {
	f := textnorm.Fold(query)
	if f == "" {
		return "", ""
	}
	if d, ok := textnorm.PhoneDigits(f); ok {
		if d = strings.TrimLeft(d, "0"); len(d) >= 3 {
			return "", d
		}
		return "", ""
	}
	if utf8.RuneCountInString(f) < MinSearchLen {
		return "", ""
	}
	return f, ""
}

// wordStartRegexp returns a PostgreSQL regular expression that finds the
// compact query compact at the start of a later word of a folded text,
// with or without a space between any two of its letters: for "محمدرضا",
// " م ?ح ?م ?د ?ر ?ض ?ا" matches "علی محمد رضایی".
func wordStartRegexp(compact string) string {
	var b strings.Builder
	b.WriteByte(' ')
	for i, r := range compact {
		if i > 0 {
			b.WriteString(" ?")
		}
		if r < utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			b.WriteByte('\\') // a backslash before ASCII punctuation makes it literal
		}
		b.WriteRune(r)
	}
	return b.String()
}

// likeEscape escapes LIKE's wildcards in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
