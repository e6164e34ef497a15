package demo_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/demo"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// tuesday is a working day everywhere: 13:50 in Tehran, 14:20 in Dubai.
var tuesday = time.Date(2025, 11, 18, 10, 20, 0, 0, time.UTC)

func seed(t *testing.T, now time.Time) (*pgxpool.Pool, demo.Personas) {
	t.Helper()
	pool := pgtest.DB(t)
	ps, err := demo.Seed(context.Background(), pool, now)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	return pool, ps
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestSeedCounts(t *testing.T) {
	pool, ps := seed(t, tuesday)
	checks := []struct {
		what string
		sql  string
		min  int
		max  int
	}{
		{"staff", `SELECT count(*) FROM staff WHERE onboarded AND active`, 5, 5},
		{"reps", `SELECT count(*) FROM staff WHERE role = 'rep'`, 3, 3},
		{"teams with a manager", `SELECT count(*) FROM teams WHERE manager_id IS NOT NULL`, 1, 1},
		{"staff locales", `SELECT count(DISTINCT locale) FROM staff`, 3, 3},
		{"staff calendars", `SELECT count(DISTINCT calendar) FROM staff`, 3, 3},
		{"customers", `SELECT count(*) FROM customers`, 45, 60},
		{"stages in use", `SELECT count(DISTINCT stage_id) FROM customers`, 6, 10},
		{"early-stage customers", `SELECT count(*) FROM customers c JOIN stages s ON s.id = c.stage_id WHERE s.key IN ('suspect', 'prospect')`, 20, 30},
		{"won customers", `SELECT count(*) FROM customers c JOIN stages s ON s.id = c.stage_id WHERE s.kind = 'won'`, 15, 25},
		{"disqualified or lost", `SELECT count(*) FROM customers c JOIN stages s ON s.id = c.stage_id WHERE s.kind IN ('side_exit', 'lost')`, 2, 6},
		{"unassigned", `SELECT count(*) FROM customers WHERE owner_id IS NULL`, 3, 8},
		{"reps owning customers", `SELECT count(DISTINCT owner_id) FROM customers`, 3, 3},
		{"customers without a phone", `SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM customer_phones p WHERE p.customer_id = c.id AND p.is_primary)`, 0, 0},
		{"names folded from Arabic ي or ك", `SELECT count(*) FROM customers WHERE name ~ '[يك]' AND name_norm !~ '[يك]'`, 3, 50},
		{"customers with Persian ی or ک", `SELECT count(*) FROM customers WHERE name ~ '[یک]'`, 3, 50},
		{"personality types", `SELECT count(*) FROM customers WHERE personality_type IS NOT NULL`, 10, 50},
		{"relationship levels", `SELECT count(DISTINCT relationship_level) FROM customers`, 4, 5},
		{"customers without history", `SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM stage_history h WHERE h.customer_id = c.id)`, 0, 0},
		{"customers without activities", `SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.customer_id = c.id)`, 0, 0},
		{"activities", `SELECT count(*) FROM activities`, 150, 400},
		{"activity days", `SELECT extract(day FROM max(occurred_at) - min(occurred_at))::int FROM activities`, 55, 65},
		{"activity kinds", `SELECT count(DISTINCT kind) FROM activities`, 4, 4},
		{"call outcomes", `SELECT count(DISTINCT outcome) FROM activities WHERE kind = 'call'`, 4, 6},
		{"visits without a place", `SELECT count(*) FROM activities WHERE kind = 'visit' AND latitude IS NULL`, 0, 0},
		{"open follow-ups", `SELECT count(*) FROM follow_ups WHERE status = 'open'`, 25, 40},
		{"done follow-ups", `SELECT count(*) FROM follow_ups WHERE status = 'done'`, 3, 20},
		{"important dates", `SELECT count(*) FROM important_dates`, 15, 40},
		{"important date calendars", `SELECT count(DISTINCT calendar) FROM important_dates`, 3, 3},
		{"30 Esfand", `SELECT count(*) FROM important_dates WHERE calendar = 'jalali' AND month = 12 AND day = 30`, 1, 1},
		{"29 February", `SELECT count(*) FROM important_dates WHERE calendar = 'gregorian' AND month = 2 AND day = 29`, 1, 1},
		{"purchase currencies", `SELECT count(DISTINCT currency) FROM purchases`, 3, 3},
		{"invoices from quotes", `SELECT count(*) FROM purchases WHERE kind = 'invoice' AND quote_id IS NOT NULL`, 2, 10},
		{"surveys", `SELECT count(*) FROM surveys WHERE key = 'satisfaction' AND title ?& array['en', 'fa', 'ar'] AND jsonb_array_length(questions) = 2`, 1, 1},
		{"consenting links", `SELECT count(*) FROM customers WHERE telegram_user_id IS NOT NULL AND consent_at IS NOT NULL`, 3, 10},
		{"survey requests", `SELECT count(*) FROM survey_requests`, 4, 10},
		{"survey responses", `SELECT count(*) FROM survey_responses WHERE score BETWEEN 0 AND 10 AND comment <> ''`, 3, 10},
	}
	for _, c := range checks {
		if n := count(t, pool, c.sql); n < c.min || n > c.max {
			t.Errorf("%s: got %d, want %d..%d", c.what, n, c.min, c.max)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM activities WHERE occurred_at > $1`, tuesday); n != 0 {
		t.Errorf("activities in the future: got %d, want 0", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM activities WHERE occurred_at > $1::timestamptz - interval '5 hours'`, tuesday); n < 3 {
		t.Errorf("activities earlier today: got %d, want ≥ 3", n)
	}
	checkPersonas(t, pool, ps)
}

// checkPersonas checks the personas: five staff in order, then customers
// linked with consent, every one matching the database.
func checkPersonas(t *testing.T, pool *pgxpool.Pool, ps demo.Personas) {
	t.Helper()
	var roles []string
	for _, p := range ps {
		roles = append(roles, p.Role)
		table := `SELECT count(*) FROM staff WHERE telegram_user_id = $1 AND role = $2 AND locale = $3`
		if p.Role == "customer" {
			table = `SELECT count(*) FROM customers WHERE telegram_user_id = $1 AND $2 = 'customer' AND chat_locale = $3 AND consent_at IS NOT NULL`
		}
		if p.Name == "" || count(t, pool, table, p.UserID, p.Role, p.LanguageCode) != 1 {
			t.Errorf("persona %+v: not in the database as such", p)
		}
	}
	want := []string{"admin", "manager", "rep", "rep", "rep", "customer", "customer", "customer"}
	if !slices.Equal(roles, want) {
		t.Errorf("persona roles: got %v, want %v", roles, want)
	}
}

func TestSeedNormalisesNamesAndPhones(t *testing.T) {
	pool, _ := seed(t, tuesday)
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT name, name_norm, coalesce(company, ''), coalesce(company_norm, '') FROM customers`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, norm, company, companyNorm string
		if err := rows.Scan(&name, &norm, &company, &companyNorm); err != nil {
			t.Fatal(err)
		}
		if norm != textnorm.Fold(name) {
			t.Errorf("%s: name_norm %q, want %q", name, norm, textnorm.Fold(name))
		}
		if companyNorm != textnorm.Fold(company) {
			t.Errorf("%s: company_norm %q, want %q", company, companyNorm, textnorm.Fold(company))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows, err = pool.Query(ctx, `SELECT e164 FROM customer_phones`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		if got, err := textnorm.Phone(p, ""); err != nil || got != p {
			t.Errorf("phone %s: Phone gives %q, %v", p, got, err)
		}
		n++
	}
	if n < 50 {
		t.Errorf("phones: got %d, want ≥ 50", n)
	}
	// Search folding: the Arabic-keyboard spelling is found by the Persian one.
	if got := count(t, pool, `SELECT count(*) FROM customers WHERE name_norm = $1`, textnorm.Fold("علی کریمی")); got != 1 {
		t.Errorf("customers found as علی کریمی: got %d, want 1", got)
	}
}

func TestSeedHistoryEndsInCurrentStage(t *testing.T) {
	pool, _ := seed(t, tuesday)
	bad := count(t, pool, `SELECT count(*) FROM customers c
		WHERE c.stage_id <> (SELECT to_stage_id FROM stage_history h WHERE h.customer_id = c.id ORDER BY changed_at DESC LIMIT 1)
		   OR (SELECT from_stage_id FROM stage_history h WHERE h.customer_id = c.id ORDER BY changed_at LIMIT 1) IS NOT NULL
		   OR c.created_at > (SELECT min(changed_at) FROM stage_history h WHERE h.customer_id = c.id)
		   OR c.created_at > (SELECT min(occurred_at) FROM activities a WHERE a.customer_id = c.id)`)
	if bad != 0 {
		t.Errorf("%d customers whose history does not run from creation to their stage", bad)
	}
	noReason := count(t, pool, `SELECT count(*) FROM stage_history h JOIN stages s ON s.id = h.to_stage_id
		WHERE s.kind IN ('side_exit', 'lost') AND (h.reason_code IS NULL OR h.reason_text IS NULL)`)
	if noReason != 0 {
		t.Errorf("%d moves to a side exit or lost without a reason", noReason)
	}
}

// TestSeedAtAnyHour checks what depends on the hour: activities in the
// reps' working hours and in the past, and each rep's follow-ups overdue
// and due today, whether the demo starts at noon, at midnight or on a
// Friday.
func TestSeedAtAnyHour(t *testing.T) {
	for _, now := range []time.Time{
		tuesday,
		time.Date(2025, 11, 18, 20, 25, 0, 0, time.UTC), // 23:55 in Tehran, 00:25 in Dubai
		time.Date(2026, 3, 20, 5, 0, 0, 0, time.UTC),    // Friday morning, Nowruz
	} {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			pool, _ := seed(t, now)
			checkWorkingHours(t, pool, now)
			checkFollowUps(t, pool, now)
		})
	}
}

func checkWorkingHours(t *testing.T, pool *pgxpool.Pool, now time.Time) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT a.occurred_at, s.locale, s.time_zone FROM activities a JOIN staff s ON s.id = a.staff_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var at time.Time
		var locale, zone string
		if err := rows.Scan(&at, &locale, &zone); err != nil {
			t.Fatal(err)
		}
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		if at.After(now) {
			t.Errorf("activity at %s is after now %s", at, now)
		}
		if next := crm.DefaultWorkHours(locale).NextWorkingTime(at, loc); !next.Equal(at) {
			t.Errorf("activity at %s (%s) is outside %s working hours", at.In(loc), zone, locale)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func checkFollowUps(t *testing.T, pool *pgxpool.Pool, now time.Time) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT s.telegram_user_id, s.time_zone, f.due_at
		FROM follow_ups f JOIN staff s ON s.id = f.assignee_id JOIN customers c ON c.id = f.customer_id
		WHERE f.status = 'open' AND s.role = 'rep' AND c.owner_id = s.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	today, overdue, ahead := map[int64]int{}, map[int64]int{}, map[int64]int{}
	for rows.Next() {
		var tg int64
		var zone string
		var due time.Time
		if err := rows.Scan(&tg, &zone, &due); err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation(zone)
		if due.In(loc).Format(time.DateOnly) == now.In(loc).Format(time.DateOnly) {
			today[tg]++
		}
		if due.Before(now) {
			overdue[tg]++
		}
		if due.After(now) {
			ahead[tg]++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, tg := range []int64{1003, 1004, 1005} {
		if today[tg] < 3 || overdue[tg] < 2 || ahead[tg] < 3 {
			t.Errorf("rep %d: %d follow-ups due today, %d overdue, %d ahead; want ≥ 3, 2, 3", tg, today[tg], overdue[tg], ahead[tg])
		}
	}
}

// rowCounts counts the rows of every table the demo fills.
func rowCounts(t *testing.T, pool *pgxpool.Pool) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, tb := range []string{"settings", "teams", "staff", "customers", "customer_phones", "stage_history",
		"activities", "follow_ups", "important_dates", "purchases", "surveys",
		"survey_requests", "survey_responses"} {
		n[tb] = count(t, pool, `SELECT count(*) FROM `+tb)
	}
	return n
}

func TestSeedTwiceInsertsNothing(t *testing.T) {
	pool, first := seed(t, tuesday)
	before := rowCounts(t, pool)
	second, err := demo.Seed(context.Background(), pool, tuesday.Add(26*time.Hour))
	if err != nil {
		t.Fatalf("second Seed: %v", err)
	}
	if after := rowCounts(t, pool); !maps.Equal(after, before) {
		t.Errorf("rows after the second Seed: %v, before: %v", after, before)
	}
	if !slices.Equal(first, second) {
		t.Errorf("second Seed's personas differ:\n got %v\nwant %v", second, first)
	}
}

// TestSeedConcurrently starts two demos on one fresh database at once:
// one seeds, the other waits and inserts nothing.
func TestSeedConcurrently(t *testing.T) {
	pool := pgtest.DB(t)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := demo.Seed(context.Background(), pool, tuesday)
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("Seed: %v", err)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM staff`); n != 5 {
		t.Errorf("staff after two concurrent Seeds: got %d, want 5", n)
	}
}

// TestSeedOnForeignDataChangesNothing seeds a database that already has a
// staff member with a demo Telegram id: Seed fails and rolls back.
func TestSeedOnForeignDataChangesNothing(t *testing.T) {
	pool := pgtest.DB(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO staff (telegram_user_id, display_name, role) VALUES (1003, 'Someone', 'rep')`); err != nil {
		t.Fatal(err)
	}
	before := rowCounts(t, pool)
	if _, err := demo.Seed(ctx, pool, tuesday); err == nil {
		t.Fatal("Seed on a database with staff 1003: no error")
	}
	if after := rowCounts(t, pool); !maps.Equal(after, before) {
		t.Errorf("rows after a failed Seed: %v, before: %v", after, before)
	}
}

// TestSeedIsDeterministic seeds two databases at the same moment and
// compares what a newcomer would see.
func TestSeedIsDeterministic(t *testing.T) {
	digest := `SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
		SELECT c.name || c.stage_id || coalesce(c.owner_id, 0) || c.created_at AS x FROM customers c
		UNION ALL SELECT a.customer_id || a.kind || a.occurred_at || coalesce(a.note, '') FROM activities a
		UNION ALL SELECT f.customer_id || f.status || f.due_at || coalesce(f.note, '') FROM follow_ups f
		UNION ALL SELECT p.number || p.amount || p.issued_at FROM purchases p) t`
	a, _ := seed(t, tuesday)
	b, _ := seed(t, tuesday)
	var da, db string
	if err := a.QueryRow(context.Background(), digest).Scan(&da); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRow(context.Background(), digest).Scan(&db); err != nil {
		t.Fatal(err)
	}
	if da != db {
		t.Errorf("two seeds at the same moment differ: %s vs %s", da, db)
	}
}
