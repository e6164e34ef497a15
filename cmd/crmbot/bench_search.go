package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
)

// The search benchmark (`crmbot bench -scenario search`): the mix's
// organisation (-staff reps in teams of ten, -customers each, so 100,000
// by default) seeded into a database of its own, then the store's
// SearchCustomers, one page of eight as the bot asks, for reps, managers
// and the admin over queries a user types: full names, surnames, first
// names, the start of a word, two letters, a typo, phone numbers (the end
// of one, a whole national one), in Persian, Arabic and Latin script. It
// prints p50/p95/p99 per viewer and per kind, and the EXPLAIN (ANALYZE,
// BUFFERS) of each kind for each viewer (auto_explain on one connection,
// so the plans are those of the statements the store really runs).

const searchDatabase = "crmbot_bench_search"

// searchBudget is issue 10's: p95 for every kind of viewer.
const searchBudget = 20 * time.Millisecond

// benchQuery is one query a viewer types, named by its kind.
type benchQuery struct {
	kind, text string
}

// searchSubject is a viewer and the queries they type.
type searchSubject struct {
	role    string
	who     crm.Staff
	queries []benchQuery
}

func benchSearch(ctx context.Context, url string, m mixConfig, w io.Writer) error {
	fmt.Fprintf(w, "search: on %s\n", machine())
	dbURL, err := freshDatabase(ctx, url, searchDatabase)
	if err != nil {
		return err
	}
	if err := postgres.Migrate(ctx, dbURL, nil); err != nil {
		return err
	}
	t0 := time.Now()
	if err := seedSearch(ctx, dbURL, m); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	pool, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	fmt.Fprintf(w, "search: seeded %d reps, %d customers in %.1fs\n", m.staff, m.staff*m.customers, time.Since(t0).Seconds())
	db := postgres.New(pool)
	subjects, err := searchSubjects(ctx, db, pool)
	if err != nil {
		return err
	}
	// Warm the cache and the prepared statements, unmeasured.
	for _, s := range subjects {
		for _, q := range s.queries {
			if _, _, err := db.SearchCustomers(ctx, s.who, q.text, 8, 0); err != nil {
				return fmt.Errorf("%s %q: %w", s.role, q.text, err)
			}
		}
	}
	type key struct{ role, kind string }
	took := map[key][]time.Duration{}
	totals := map[key][]int{}
	for range 3 {
		for _, s := range subjects {
			for _, q := range s.queries {
				t := time.Now()
				_, total, err := db.SearchCustomers(ctx, s.who, q.text, 8, 0)
				if err != nil {
					return fmt.Errorf("%s %q: %w", s.role, q.text, err)
				}
				d := time.Since(t)
				for _, k := range []key{{s.role, q.kind}, {s.role, ""}} {
					took[k] = append(took[k], d)
					totals[k] = append(totals[k], total)
				}
			}
		}
	}
	fmt.Fprintf(w, "search: one page of 8 (runs, median results; p50 / p95 / p99 / max), load average %s; budget p95 ≤ %v\n", loadAvg(), searchBudget)
	fmt.Fprintf(w, "%-8s %-10s %5s %7s %9s %9s %9s %9s\n", "viewer", "kind", "runs", "results", "p50", "p95", "p99", "max")
	line := func(k key, label string) time.Duration {
		ds := slices.Sorted(slices.Values(took[k]))
		ts := slices.Sorted(slices.Values(totals[k]))
		fmt.Fprintf(w, "%-8s %-10s %5d %7d %9v %9v %9v %9v\n", k.role, label, len(ds), ts[len(ts)/2],
			pctMicro(ds, 50), pctMicro(ds, 95), pctMicro(ds, 99), ds[len(ds)-1].Round(10*time.Microsecond))
		return pctMicro(ds, 95)
	}
	var summary []string
	for _, role := range []string{"rep", "manager", "admin"} {
		for _, kind := range searchKinds {
			if len(took[key{role, kind}]) > 0 {
				line(key{role, kind}, kind)
			}
		}
		p95 := line(key{role, ""}, "ALL")
		summary = append(summary, fmt.Sprintf("%s_p95_ms=%.2f", role, float64(p95.Microseconds())/1000))
	}
	if err := printSearchPlans(ctx, pool, subjects, w); err != nil {
		return err
	}
	fmt.Fprintln(w, strings.Join(summary, " "))
	return nil
}

// seedSearch seeds the mix's organisation through a pool of its own
// without the store's statement timeout (a loaded machine's COPY of
// 100,000 customers can outlast it).
func seedSearch(ctx context.Context, dbURL string, m mixConfig) error {
	sep := "?"
	if strings.Contains(dbURL, "?") {
		sep = "&"
	}
	pool, err := postgres.Open(ctx, dbURL+sep+"statement_timeout=0")
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := seedMix(ctx, pool, m.staff, m.customers, time.Now()); err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `VACUUM ANALYZE customers, customer_phones, staff`)
	return err
}

// pctMicro is pct rounded to 10 µs.
func pctMicro(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, len(ds)*p/100)].Round(10 * time.Microsecond)
}

// searchKinds are the kinds of query, in the order they are printed.
var searchKinds = []string{"full name", "surname", "first name", "word start", "two letters", "typo", "phone end", "phone", "latin"}

// searchSubjects picks ten reps, ten managers and the admin, each with
// queries made from customers they may see.
func searchSubjects(ctx context.Context, db *postgres.DB, pool *pgxpool.Pool) ([]searchSubject, error) {
	rng := rand.New(rand.NewPCG(10, 10))
	var out []searchSubject
	pick := func(role string, tg int64, where string, arg any) error {
		s, err := db.StaffByTelegramID(ctx, tg)
		if err != nil {
			return fmt.Errorf("%s %d: %w", role, tg, err)
		}
		rows, err := pool.Query(ctx, `SELECT c.name, p.e164 FROM customers c JOIN customer_phones p ON p.customer_id = c.id
			WHERE `+where+` ORDER BY c.id`, arg)
		if err != nil {
			return err
		}
		type cust struct{ name, phone string }
		cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (cust, error) {
			var c cust
			return c, r.Scan(&c.name, &c.phone)
		})
		if err != nil || len(cs) == 0 {
			return fmt.Errorf("%s %d: %d customers: %v", role, tg, len(cs), err)
		}
		out = append(out, searchSubject{role: role, who: s, queries: queriesOf(rng, func() (string, string) {
			c := cs[rng.IntN(len(cs))]
			return c.name, c.phone
		})})
		return nil
	}
	for i := range 10 {
		tg := firstRepTG + 1 + int64(i*97)
		if err := pick("rep", tg, `c.owner_id = (SELECT id FROM staff WHERE telegram_user_id = $1)`, tg); err != nil {
			return nil, err
		}
	}
	for i := range 10 {
		tg := firstManagerTG + 1 + int64(i*9)
		if err := pick("manager", tg, `c.owner_id IN (SELECT id FROM staff WHERE team_id =
			(SELECT team_id FROM staff WHERE telegram_user_id = $1))`, tg); err != nil {
			return nil, err
		}
	}
	for range 3 {
		if err := pick("admin", adminBenchTG, `$1::bool`, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// queriesOf makes two queries of each kind from the customers sample
// returns (a name and a phone in E.164).
func queriesOf(rng *rand.Rand, sample func() (name, phone string)) []benchQuery {
	var qs []benchQuery
	latin := func(s string) bool { return s != "" && s[0] < utf8.RuneSelf }
	for range 2 {
		name, phone := sample()
		first, last, _ := strings.Cut(name, " ")
		qs = append(qs, benchQuery{"full name", name}, benchQuery{"surname", last}, benchQuery{"first name", first})
		if r := []rune(last); len(r) >= 4 {
			qs = append(qs, benchQuery{"word start", string(r[:3])})
		}
		qs = append(qs, benchQuery{"two letters", string([]rune(first)[:2])})
		qs = append(qs, benchQuery{"typo", typo(rng, name)})
		digits := strings.TrimPrefix(phone, "+")
		qs = append(qs, benchQuery{"phone end", digits[len(digits)-6:]})
		if strings.HasPrefix(phone, "+98") {
			qs = append(qs, benchQuery{"phone", "0" + phone[3:6] + " " + phone[6:9] + " " + phone[9:]})
		} else {
			qs = append(qs, benchQuery{"phone", phone})
		}
		for range 20 { // a Latin name, if the viewer has one
			if name, _ := sample(); latin(name) {
				qs = append(qs, benchQuery{"latin", strings.ToLower(name)})
				break
			}
		}
	}
	return qs
}

// typo swaps one letter inside the surname of name for its neighbour.
func typo(rng *rand.Rand, name string) string {
	r := []rune(name)
	sp := slices.Index(r, ' ')
	if sp < 0 || len(r)-sp < 4 {
		return name
	}
	i := sp + 2 + rng.IntN(len(r)-sp-3)
	r[i], r[i+1] = r[i+1], r[i]
	return string(r)
}

// printSearchPlans runs one query of each kind for one viewer of each
// role on a connection with auto_explain on and prints the plans logged.
func printSearchPlans(ctx context.Context, pool *pgxpool.Pool, subjects []searchSubject, w io.Writer) error {
	var mu sync.Mutex
	var plans []string
	cfg := pool.Config().Copy()
	cfg.MaxConns, cfg.MinConns = 1, 0
	cfg.ConnConfig.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		if strings.Contains(n.Message, "plan:") {
			mu.Lock()
			plans = append(plans, n.Message)
			mu.Unlock()
		}
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		for _, q := range []string{`LOAD 'auto_explain'`, `SET auto_explain.log_min_duration = 0`, `SET auto_explain.log_analyze = on`,
			`SET auto_explain.log_buffers = on`, `SET auto_explain.log_timing = on`, `SET auto_explain.log_level = notice`} {
			if _, err := c.Exec(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	}
	ep, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer ep.Close()
	if err := ep.Ping(ctx); err != nil {
		fmt.Fprintf(w, "search: no plans (auto_explain needs a superuser): %v\n", err)
		return nil
	}
	db := postgres.New(ep)
	seen := map[string]bool{}
	for _, s := range subjects {
		if seen[s.role] {
			continue
		}
		seen[s.role] = true
		done := map[string]bool{}
		for _, q := range s.queries {
			if done[q.kind] {
				continue
			}
			done[q.kind] = true
			mu.Lock()
			plans = nil
			mu.Unlock()
			if _, _, err := db.SearchCustomers(ctx, s.who, q.text, 8, 0); err != nil {
				return err
			}
			mu.Lock()
			fmt.Fprintf(w, "--- %s, %s %q: EXPLAIN (ANALYZE, BUFFERS)\n%s\n", s.role, q.kind, q.text, strings.Join(plans, "\n"))
			mu.Unlock()
		}
	}
	return nil
}
