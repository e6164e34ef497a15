package postgres_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// Names for seeding many customers: common Persian first names and
// surnames, some written with a ZWNJ or a space inside.
var (
	seedFirstNames = []string{"علی", "محمد", "محمد رضا", "محمدرضا", "حسین", "رضا", "مهدی", "امیر", "سارا", "مریم",
		"فاطمه", "زهرا", "نیلوفر", "امیرحسین", "ابوالفضل", "سید علی", "مهسا", "نرگس", "حمید", "سعید",
		"عبد الله", "یوسف", "Ali", "Sara", "جواد", "کاظم", "الهام", "شیرین", "پویا", "آرش"}
	seedSurnames = []string{"کریمی", "احمدی", "احمدی\u200cپور", "پاکزاد", "محمدی", "حسینی", "رضایی", "موسوی", "جعفری", "کاظمی",
		"عبدالله\u200cزاده", "حسین\u200cزاده", "نوری", "صادقی", "قاسمی", "رحیمی", "اکبری", "طاهری", "یزدانی", "شریفی",
		"میرزایی", "باقری", "عباسی", "سلطانی", "پاک نژاد", "خسروی", "فرهادی", "مرادی", "نجفی", "زارعی",
		"قربانی", "کامرانی", "نیک\u200cآفرین", "Karimi", "Alavi", "بهرامی", "امینی", "رستمی", "شکوهی", "وحیدی"}
	seedCompanies = []string{"پخش البرز", "صنایع غذایی مهرآیین", "نیک\u200cآفرین", "بازرگانی پارس", "گروه صنعتی سپهر",
		"کیش تجارت", "Pars Trading", "آرین پخش", "فروشگاه زنجیره\u200cای رفاه", "توزیع سراسری کوثر"}
)

// seedCustomers inserts n customers in one statement, spread over owners
// (0 is the pool), with folded names, a phone each (+98912 and the id in
// seven digits) and a last contact on most, and analyzes the tables.
func seedCustomers(tb testing.TB, db *postgres.DB, n int, owners []int64) {
	tb.Helper()
	ctx := context.Background()
	fold := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = textnorm.Fold(s)
		}
		return out
	}
	_, err := db.Pool.Exec(ctx, `INSERT INTO customers (name, name_norm, company, company_norm, owner_id, stage_id,
			created_at, updated_at, last_contact_at)
		SELECT f.name || ' ' || l.name, f.norm || ' ' || l.norm, co.name, co.norm, nullif((@owners::bigint[])[1 + i % cardinality(@owners::bigint[])], 0),
			(SELECT min(id) FROM stages), now(), now(),
			CASE WHEN i % 5 <> 0 THEN now() - (i % 400) * interval '1 day' - i * interval '1 second' END
		FROM generate_series(1, @n::int) i
		CROSS JOIN LATERAL (SELECT (@first::text[])[1 + i % cardinality(@first)] AS name,
			(@first_norm::text[])[1 + i % cardinality(@first)] AS norm) f
		CROSS JOIN LATERAL (SELECT (@last::text[])[1 + (i / cardinality(@first)) % cardinality(@last)] AS name,
			(@last_norm::text[])[1 + (i / cardinality(@first)) % cardinality(@last)] AS norm) l
		LEFT JOIN LATERAL (SELECT (@company::text[])[1 + i % cardinality(@company)] AS name,
			(@company_norm::text[])[1 + i % cardinality(@company)] AS norm WHERE i % 3 = 0) co ON true`,
		pgx.NamedArgs{"n": n, "owners": owners,
			"first": seedFirstNames, "first_norm": fold(seedFirstNames),
			"last": seedSurnames, "last_norm": fold(seedSurnames),
			"company": seedCompanies, "company_norm": fold(seedCompanies)})
	if err != nil {
		tb.Fatalf("seed customers: %v", err)
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO customer_phones (e164, customer_id, is_primary)
		SELECT '+98912' || lpad(id::text, 7, '0'), id, true FROM customers`); err != nil {
		tb.Fatalf("seed phones: %v", err)
	}
	if _, err := db.Pool.Exec(ctx, `VACUUM ANALYZE customers, customer_phones`); err != nil {
		tb.Fatalf("analyze: %v", err)
	}
}

// planCatcher collects the plans auto_explain sends as notices while on.
type planCatcher struct {
	on    atomic.Bool
	mu    sync.Mutex
	plans []string
}

func (p *planCatcher) notice(_ *pgconn.PgConn, n *pgconn.Notice) {
	if p.on.Load() && strings.Contains(n.Message, "plan:") {
		p.mu.Lock()
		p.plans = append(p.plans, n.Message)
		p.mu.Unlock()
	}
}

// catch returns the plans of the statements fn runs.
func (p *planCatcher) catch(fn func()) []string {
	p.mu.Lock()
	p.plans = nil
	p.mu.Unlock()
	p.on.Store(true)
	fn()
	p.on.Store(false)
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.plans)
}

// explainedDB opens a second store on db's database, on one connection
// that has auto_explain log every statement's EXPLAIN ANALYZE to p. It
// fails the test when auto_explain cannot be loaded (it needs a superuser,
// as the throwaway test cluster is).
func explainedDB(t *testing.T, db *postgres.DB, p *planCatcher) *postgres.DB {
	t.Helper()
	cfg := db.Pool.Config()
	cfg.MaxConns, cfg.MinConns = 1, 0
	cfg.ConnConfig.OnNotice = p.notice
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		for _, q := range []string{`LOAD 'auto_explain'`, `SET auto_explain.log_min_duration = 0`,
			`SET auto_explain.log_analyze = on`, `SET auto_explain.log_buffers = on`,
			`SET auto_explain.log_level = notice`} {
			if _, err := c.Exec(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := pool.Ping(context.Background()); err != nil {
		t.Fatalf("auto_explain: %v", err)
	}
	return postgres.New(pool)
}

// searchCustomersEnv sets how many customers TestSearchPlansOnManyCustomers
// seeds (default 20,000; the benchmark's figure is 100,000).
const searchCustomersEnv = "CRMBOT_SEARCH_CUSTOMERS"

// TestSearchPlansOnManyCustomers seeds many customers, logs the EXPLAIN
// ANALYZE of searches that match only with spacing ignored, of a typo and
// of a phone, and asserts that they use their trigram index rather than
// reading every customer.
// It logs the time of each kind of search for a rep, a manager and an
// admin too (go test -v -run SearchPlans; CRMBOT_SEARCH_CUSTOMERS=100000
// for the benchmark's size).
func TestSearchPlansOnManyCustomers(t *testing.T) {
	n := 20000
	if s := os.Getenv(searchCustomersEnv); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", searchCustomersEnv, s)
		}
	}
	ctx := context.Background()
	f := newFixture(t)
	start := time.Now()
	seedCustomers(t, f.db, n, []int64{0, f.repA.ID, f.repB.ID, f.otherTeam.ID, f.manager.ID, f.repB.ID})
	t.Logf("seeded %d customers in %v", n, time.Since(start).Round(time.Millisecond))

	var p planCatcher
	db := explainedDB(t, f.db, &p)
	viewers := []searchViewer{{"rep", f.repA}, {"manager", f.manager}, {"admin", f.admin}}

	// Each search must find its customers through a trigram index, never
	// by reading every customer. Six runs, so that a prepared statement's
	// generic plan (PostgreSQL tries one from the sixth execution) is seen
	// too.
	for _, tt := range []struct{ query, index string }{
		{"احمدی پور", "customers_name_compact_trgm"}, // only with spacing ignored
		{"پاک زاد", "customers_name_compact_trgm"},
		{"عبداللهزاده", "customers_name_compact_trgm"},
		{"کریمو", "customers_text_trgm"}, // a typo
		{"0912 000 12", "customer_phones_trgm"},
	} {
		for _, v := range viewers {
			var total int
			plans := p.catch(func() {
				for range 6 {
					var err error
					if _, total, err = db.SearchCustomers(ctx, v.who, tt.query, 8, 0); err != nil {
						t.Fatalf("%q: %v", tt.query, err)
					}
				}
			})
			if total == 0 || len(plans) == 0 {
				t.Fatalf("%s %q: %d results, %d plans", v.name, tt.query, total, len(plans))
			}
			if v.name == "admin" {
				t.Logf("%s %q: %d results; EXPLAIN ANALYZE of the last run:\n%s", v.name, tt.query, total, plans[len(plans)-1])
			}
			for i, plan := range plans {
				if strings.Contains(plan, "SELECT count(*) FROM (SELECT 1 FROM customers c") {
					continue // a rep's or a manager's search first counts what they may see (scanVisibleBelow)
				}
				if strings.Contains(plan, "Seq Scan on customer") || !strings.Contains(plan, tt.index) {
					t.Errorf("%s %q run %d: the plan does not use %s:\n%s", v.name, tt.query, i+1, tt.index, plan)
				}
			}
		}
	}
	logSearchTimes(t, f.db, viewers)
}

// searchViewer is someone searching, named for the logs.
type searchViewer struct {
	name string
	who  crm.Staff
}

// logSearchTimes logs the median and worst of 20 runs of a few kinds of
// search for each viewer: a name spaced differently, first names, a
// surname, a full name, a company word, a typo and phone numbers.
func logSearchTimes(t *testing.T, db *postgres.DB, viewers []searchViewer) {
	t.Helper()
	ctx := context.Background()
	queries := []string{"احمدی پور", "محمدرضا", "کریمی", "محمد", "علی کریمی", "پخش", "کریمو", "0912 000 12", "09120001234"}
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %-8s %7s %9s %9s\n", "query", "viewer", "total", "median", "max")
	for _, q := range queries {
		for _, v := range viewers {
			var times []time.Duration
			var total int
			for range 20 {
				start := time.Now()
				var err error
				if _, total, err = db.SearchCustomers(ctx, v.who, q, 8, 0); err != nil {
					t.Fatalf("%q: %v", q, err)
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			fmt.Fprintf(&b, "%-14s %-8s %7d %9v %9v\n", q, v.name, total,
				times[len(times)/2].Round(10*time.Microsecond), times[len(times)-1].Round(10*time.Microsecond))
		}
	}
	t.Logf("search times:\n%s", b.String())
}

// A manager who may see fewer than a couple of thousand customers is
// searched among those, and gets exactly what the admin
// gets of them, in the same order; a two-letter query over all customers
// (the admin's) goes through the word-start trigram of customers_text_trgm
// instead of reading every customer.
func TestSearchPlansOfATeamAndOfTwoLetters(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	// repA and repB (the manager's team) own 2 × 500 of 6,000 customers.
	seedCustomers(t, f.db, 6000, []int64{f.repA.ID, f.otherTeam.ID, f.otherTeam.ID, f.repB.ID, f.otherTeam.ID, f.otherTeam.ID,
		f.otherTeam.ID, f.otherTeam.ID, f.otherTeam.ID, f.otherTeam.ID, f.otherTeam.ID, f.otherTeam.ID})
	var p planCatcher
	db := explainedDB(t, f.db, &p)
	for _, q := range []string{"کریمی", "محمد رضا", "پخش", "احمدیپور", "کریمو"} { // the last a typo
		var got []crm.Customer
		plans := p.catch(func() {
			var err error
			if got, _, err = db.SearchCustomers(ctx, f.manager, q, 10000, 0); err != nil {
				t.Fatal(err)
			}
		})
		all, _, err := f.db.SearchCustomers(ctx, f.admin, q, 10000, 0)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, c := range all {
			if crm.CanView(f.manager, c) {
				want = append(want, fmt.Sprint(c.ID))
			}
		}
		var gotIDs []string
		for _, c := range got {
			if !crm.CanView(f.manager, c) {
				t.Fatalf("%q: the manager got customer %d of another team", q, c.ID)
			}
			gotIDs = append(gotIDs, fmt.Sprint(c.ID))
		}
		if len(want) == 0 || !slices.Equal(gotIDs, want) {
			t.Errorf("%q: the manager got %d customers, want the admin's %d of the team's, in the admin's order", q, len(gotIDs), len(want))
		}
		// The team's customers are read once (the owner index, or a scan
		// of so small a table) and matched there, not through a trigram
		// index over every customer.
		if plan := plans[len(plans)-1]; !strings.Contains(plan, "CTE visible") || strings.Contains(plan, "customers_name_compact_trgm") {
			t.Errorf("%q: the manager's search does not start from the team's customers:\n%s", q, plan)
		}
	}
	plans := p.catch(func() {
		if _, total, err := db.SearchCustomers(ctx, f.admin, "پا", 8, 0); err != nil || total == 0 {
			t.Fatalf("«پا»: %d results, %v", total, err)
		}
	})
	if plan := plans[len(plans)-1]; !strings.Contains(plan, "customers_text_trgm") || strings.Contains(plan, "Seq Scan on customers") {
		t.Errorf("a two-letter search by the admin does not use the word-start trigram:\n%s", plan)
	}
}
