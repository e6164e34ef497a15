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
// or companies containing the query, spaced alike or not. Only when fewer
// than typoBelow customers match so, customers whose name and company are
// similar to the query (pg_trgm word similarity, for typos) follow.
// Equally good matches list the viewer's own customers first, then the
// most recently contacted, then by name. A query of two letters over more
// customers than scanVisibleBelow (an admin's) matches only names and
// companies with a word starting with it.
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
	sql := textSearchSQL
	switch {
	case digits != "":
		sql = phoneSearchSQL
	case viewer.Role == crm.RoleRep || viewer.Role == crm.RoleManager:
		// A rep sees their own customers and the pool, a manager their
		// team's too. When those are few (the usual case: a hundred or so
		// for a rep, a thousand for a team of ten), matching among them is
		// far cheaper than a trigram match over every customer of the
		// company narrowed down afterwards; a large pool takes the indexed
		// path.
		var n int
		if err := db.q(ctx).QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM customers c
			WHERE c.deleted_at IS NULL AND `+visibleCond+` LIMIT @below) v`,
			pgx.NamedArgs{"viewer": viewer.ID, "role": string(viewer.Role), "team": viewer.TeamID, "below": scanVisibleBelow}).Scan(&n); err != nil {
			return nil, 0, err
		}
		switch {
		case n < typoScanBelow:
			sql = visibleTextSearchSQL
		case n < scanVisibleBelow:
			sql = visibleIndexedTyposSQL
		}
	}
	if sql == textSearchSQL && utf8.RuneCountInString(text) < shortBelow {
		sql = shortTextSearchSQL
	}
	compact := textnorm.Compact(text)
	rows, err := db.q(ctx).Query(ctx, sql, pgx.NamedArgs{
		"text": text, "like": likeEscape(text), "compact": compact, "compact_like": likeEscape(compact),
		"word_re": wordStartRegexp(compact), "start_re": textStartRegexp(text), "digits": digits,
		"role": string(viewer.Role), "viewer": viewer.ID, "team": viewer.TeamID,
		"typo_below": typoBelow, "limit": limit, "offset": offset,
	})
	if err != nil {
		return nil, 0, err
	}
	cs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Customer, error) {
		return scanCustomer(row, &total)
	})
	return cs, total, err
}

// typoBelow is how few customers a query must match as typed (spaces
// ignored) before customers with a similar name (pg_trgm word similarity,
// for typos) are looked for too. A query that matches more is no typo, and
// computing the similarity of every «... کریمی» to «علی کریمی» would cost
// most of the search on 100,000 customers.
const typoBelow = 10

// shortBelow is the length in letters under which a query over many
// customers matches at the start of a word only (shortTextSearchSQL).
const shortBelow = 3

// scanVisibleBelow is how many customers a rep or a manager may see at
// most for their search to look among those alone (visibleTextSearchSQL).
const scanVisibleBelow = 2000

// typoScanBelow is how many customers a rep or a manager may see at most
// for the typo step to compare each of them with the query; with more
// (a manager's team) it goes through customers_text_trgm, narrowed to
// theirs: word_similarity costs about 9 µs a customer, 9 ms for a team
// of a thousand, the index about 3 ms whoever asks.
const typoScanBelow = 300

// visibleCond is what a rep or a manager may see of customers c: their
// own, the pool's and, for a manager, their team's. The owners are one
// array (an InitPlan), so the owner index finds them all in one scan.
const visibleCond = `(c.owner_id = ANY(@viewer::bigint || ARRAY(SELECT id FROM staff
			WHERE @role = 'manager' AND @team::bigint <> 0 AND team_id = @team::bigint)) OR c.owner_id IS NULL)`

// A text search runs in steps. matched: the customers whose name or
// company contains the query with the spaces of both ignored (the trigram
// indexes on the compact columns), ranked. alike: only when fewer than
// typoBelow matched, the customers whose name and company together are
// similar to the query (one trigram index on both, so each customer's
// similarity is computed twice, not four times); the gate is an InitPlan,
// so the scan does not run otherwise. page: of those hits, the ones the
// viewer may see, counted, and one page of them, in narrow rows. Then that
// page in full. matched is MATERIALIZED so that the planner never starts
// from the owner index instead: pg_trgm's operators are costed like an
// integer comparison, and a rep's search then ran them on every customer
// the rep may see (40 ms on 20,000 customers). A phone search has only
// matched (phoneSearchSQL).
const (
	searchMatched = `WITH matched AS MATERIALIZED (
		SELECT c.id, c.owner_id, c.last_contact_at, c.name_norm, `
	searchFrom = ` AS rank
		FROM customers c
		WHERE c.deleted_at IS NULL AND `
	searchAlike = `
	), alike AS (
		SELECT c.id, c.owner_id, c.last_contact_at, c.name_norm,
			word_similarity(@text, c.name_norm || ' ' || coalesce(c.company_norm, '')) AS rank
		FROM customers c
		WHERE (SELECT count(*) FROM (SELECT FROM matched LIMIT @typo_below) few) < @typo_below
			AND @text <% (c.name_norm || ' ' || coalesce(c.company_norm, ''))
			AND c.deleted_at IS NULL AND c.id NOT IN (SELECT id FROM matched)
	), hits AS (
		SELECT * FROM matched UNION ALL SELECT * FROM alike`
	searchPage = `
	), page AS (
		SELECT * FROM (
			SELECT h.*, h.owner_id IS NOT DISTINCT FROM @viewer AS own, count(*) OVER () AS total
			FROM hits h
			WHERE @role = 'admin' OR h.owner_id IS NULL OR h.owner_id = @viewer
				OR (@role = 'manager' AND @team <> 0 AND h.owner_id IN (SELECT id FROM staff WHERE team_id = @team))
		) v
		ORDER BY rank DESC, own DESC, last_contact_at DESC NULLS LAST, name_norm, id
		LIMIT @limit OFFSET @offset
	)
	SELECT ` + customerColumns + `, page.total FROM page JOIN customers c ON c.id = page.id
		LEFT JOIN staff o ON o.id = c.owner_id
	ORDER BY page.rank DESC, page.own DESC, page.last_contact_at DESC NULLS LAST, page.name_norm, page.id`

	// textRank ranks a text match: the tiers of SearchCustomers' doc, the
	// compact ones (spaces ignored) below every match as spaced. Whatever
	// matched contains the query compact (1.4).
	textRank = `CASE
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
			ELSE 1.4
		END`
	// textMatch: containing the query as spaced implies containing it compact.
	textMatch     = `(c.name_compact LIKE '%' || @compact_like || '%' OR c.company_compact LIKE '%' || @compact_like || '%')`
	textSearchSQL = searchMatched + textRank + searchFrom + textMatch + searchAlike + searchPage

	// shortTextSearchSQL is textSearchSQL for a query shorter than
	// shortBelow letters over many customers: only names and companies
	// with a word starting with the query match. pg_trgm has no trigram in
	// two letters for LIKE '%..%', so that match read every customer (90
	// ms on 100,000); a regular expression anchored at a word's start
	// gives it the trigram of a word's first two letters (" ab"), which
	// customers_text_trgm holds.
	shortMatch         = `(c.name_norm || ' ' || coalesce(c.company_norm, '')) ~ @start_re`
	shortTextSearchSQL = searchMatched + textRank + searchFrom + shortMatch + searchAlike + searchPage

	// visibleMatchedSQL is the start the two searches among the visible
	// customers share: those the viewer may see, then those of them the
	// text matches; each goes on with its own typo step (alike).
	visibleMatchedSQL = `WITH visible AS MATERIALIZED (
		SELECT c.id, c.owner_id, c.last_contact_at, c.name_norm, c.name_compact, c.company_norm, c.company_compact
		FROM customers c WHERE c.deleted_at IS NULL AND ` + visibleCond + `
	), matched AS MATERIALIZED (
		SELECT c.id, c.owner_id, c.last_contact_at, c.name_norm, ` + textRank + ` AS rank
		FROM visible c
		WHERE ` + textMatch + `
	), alike AS (`

	// visibleTextSearchSQL is textSearchSQL for a rep or a manager who may
	// see fewer than scanVisibleBelow customers: matched and alike are
	// found among those (the owner index, then each row compared, with
	// the columns compared carried in visible: joined back to customers,
	// the planner, not knowing how many owners the array holds, hashed a
	// trigram match over every customer), not through the trigram indexes
	// over every customer of the company.
	visibleTextSearchSQL = visibleMatchedSQL + `
		SELECT c.id, c.owner_id, c.last_contact_at, c.name_norm,
			word_similarity(@text, c.name_norm || ' ' || coalesce(c.company_norm, '')) AS rank
		FROM visible c
		WHERE (SELECT count(*) FROM (SELECT FROM matched LIMIT @typo_below) few) < @typo_below
			AND @text <% (c.name_norm || ' ' || coalesce(c.company_norm, ''))
			AND c.id NOT IN (SELECT id FROM matched)
	), hits AS (
		SELECT * FROM matched UNION ALL SELECT * FROM alike` + searchPage

	// visibleIndexedTyposSQL is visibleTextSearchSQL with the typo step of
	// textSearchSQL (the trigram index over every customer) narrowed to
	// what the viewer may see, for a viewer who sees typoScanBelow or more.
	visibleIndexedTyposSQL = visibleMatchedSQL + `
		SELECT c.id, c.owner_id, c.last_contact_at, c.name_norm,
			word_similarity(@text, c.name_norm || ' ' || coalesce(c.company_norm, '')) AS rank
		FROM customers c
		WHERE (SELECT count(*) FROM (SELECT FROM matched LIMIT @typo_below) few) < @typo_below
			AND @text <% (c.name_norm || ' ' || coalesce(c.company_norm, ''))
			AND c.deleted_at IS NULL AND c.id NOT IN (SELECT id FROM matched) AND ` + visibleCond + `
	), hits AS (
		SELECT * FROM matched UNION ALL SELECT * FROM alike` + searchPage

	// phoneSearchSQL finds the phones through their trigram index and
	// ranks a customer by how early in a number the digits come. The
	// LATERAL ... LIMIT 1 keeps each customer a primary key lookup: joined
	// plainly, the planner preferred hashing every customer (4 ms on 20,000).
	phoneSearchSQL = `WITH matched AS MATERIALIZED (
		SELECT c.id, c.owner_id, c.last_contact_at, c.name_norm, 3 - p.at / 100.0 AS rank
		FROM (SELECT customer_id, min(strpos(e164, @digits)) AS at FROM customer_phones
			WHERE e164 LIKE '%' || @digits || '%' GROUP BY customer_id) p
		CROSS JOIN LATERAL (SELECT id, owner_id, last_contact_at, name_norm FROM customers
			WHERE id = p.customer_id AND deleted_at IS NULL LIMIT 1) c
	), hits AS (
		SELECT * FROM matched` + searchPage
)

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

// textStartRegexp returns a PostgreSQL regular expression that finds text
// at the start of any word of a folded text: "(^| )" and text, its ASCII
// punctuation escaped.
func textStartRegexp(text string) string {
	var b strings.Builder
	b.WriteString("(^| )")
	for _, r := range text {
		if r < utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// likeEscape escapes LIKE's wildcards in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
