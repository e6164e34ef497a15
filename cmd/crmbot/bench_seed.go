package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/textnorm"
)

// The mix's data: teams of ten reps under a manager, an admin, and each
// rep's customers with Persian, Arabic or Latin names and a phone, plus a
// few follow-ups due today each so that /today has work. Rows go in with
// COPY, not one INSERT per row through the store.

// Telegram user ids of the seeded staff: rep i (from 1) is firstRepTG+i.
const (
	firstRepTG     int64 = 700_000_000
	firstManagerTG int64 = 800_000_000
	adminBenchTG   int64 = 900_000_000
	teamSize             = 10
	followUpsEach        = 10
)

// names are the first names, surnames, company words and cities of a
// language.
type names struct {
	first, last, company, brand, city []string
}

var mixNames = map[string]names{
	"fa": {
		first: []string{"علی", "محمد", "رضا", "حسین", "مهدی", "امیر", "سارا", "مریم", "زهرا", "فاطمه", "نرگس", "لیلا",
			"حمید", "کاوه", "بابک", "نسرین", "شیرین", "پرویز", "داریوش", "مهسا", "الناز", "یاسمن", "آرش", "سیاوش"},
		last: []string{"کریمی", "رضایی", "محمدی", "حسینی", "احمدی", "صالحی", "فتحی", "نیک‌نام", "جعفری", "موسوی", "کاظمی", "رحیمی",
			"حسین‌زاده", "قاسمی", "اکبری", "یزدانی", "تهرانی", "شیرازی", "اصفهانی", "نوری", "امینی", "طاهری", "باقری", "صادقی"},
		company: []string{"کافه", "هتل", "بازرگانی", "فروشگاه", "شیرینی‌سرای", "رستوران"},
		brand:   []string{"نارنج", "دُرنا", "گلپر", "کوهستان", "آفتاب", "پارس", "البرز", "سپید", "مهر", "آرین", "ستاره", "باران"},
		city:    []string{"تهران", "اصفهان", "شیراز", "مشهد", "تبریز", "کرج"},
	},
	"ar": {
		first: []string{"محمد", "أحمد", "عبدالله", "خالد", "فهد", "سعود", "عمر", "يوسف", "فاطمة", "عائشة", "نورة", "سارة",
			"مريم", "هند", "ريم", "لطيفة", "سلطان", "ناصر", "حمد", "علي"},
		last: []string{"الشهري", "القحطاني", "العتيبي", "الغامدي", "الزهراني", "الدوسري", "الحربي", "المطيري", "العنزي", "الشمري",
			"السبيعي", "الهاشمي", "المالكي", "البلوشي", "النعيمي", "الكعبي", "المنصوري", "الظاهري", "الفلاسي", "السويدي"},
		company: []string{"مؤسسة", "شركة", "مقهى", "فندق", "مطعم"},
		brand:   []string{"الريان", "النخبة", "الواحة", "الصفوة", "الأفق", "البستان", "الندى", "السلام", "الفجر", "المرجان"},
		city:    []string{"الرياض", "جدة", "الدمام", "مكة", "المدينة"},
	},
	"en": {
		first: []string{"James", "Priya", "Aisha", "Daniel", "Sofia", "Omar", "Chen", "Maria", "Ravi", "Elena",
			"Tom", "Fatima", "Lucas", "Nadia", "Arjun", "Hannah", "Ivan", "Leila", "Marco", "Zara"},
		last: []string{"Nair", "Smith", "Patel", "Fernandes", "Kim", "Johnson", "Khan", "Garcia", "Novak", "Rossi",
			"Schmidt", "Dubois", "Silva", "Okafor", "Tanaka", "Müller", "Kowalski", "Haddad", "O'Brien", "Costa"},
		company: []string{"Trading", "Hotels", "Coffee", "Foods", "Catering"},
		brand:   []string{"Blue Harbor", "Desert Rose", "Palm", "Marina", "Oasis", "Falcon", "Pearl", "Cedar", "Summit", "Golden Sands"},
		city:    []string{"Dubai", "Abu Dhabi", "Sharjah", "Muscat", "Doha"},
	},
}

// localeOf is rep i's language: half Persian, three in ten Arabic, the rest
// English.
func localeOf(i int) string {
	switch i % 10 {
	case 0, 1, 2, 3, 4:
		return "fa"
	case 5, 6, 7:
		return "ar"
	}
	return "en"
}

// staffDefaults are a language's calendar and time zone.
var staffDefaults = map[string][2]string{
	"fa": {"jalali", "Asia/Tehran"}, "ar": {"hijri", "Asia/Riyadh"}, "en": {"gregorian", "Asia/Dubai"},
}

// phoneOf is customer k's phone in E.164, unique per k.
func phoneOf(lang string, k int) string {
	switch lang {
	case "fa":
		return fmt.Sprintf("+98912%07d", 1_000_000+k)
	case "ar":
		return fmt.Sprintf("+9665%08d", 10_000_000+k)
	}
	return fmt.Sprintf("+9715%08d", 10_000_000+k)
}

// seeded is what seedMix made: the reps, with their customers, and which
// stages a move may go to without a reason.
type seeded struct {
	reps  []*rep
	plain map[int64]bool
}

// seedMix fills an empty, migrated database.
func seedMix(ctx context.Context, pool *pgxpool.Pool, staff, perRep int, now time.Time) (*seeded, error) {
	rng := rand.New(rand.NewPCG(10, uint64(staff)))
	out := &seeded{plain: map[int64]bool{}}
	var ladder []int64 // the stages customers start in
	rows, err := pool.Query(ctx, `SELECT id, kind FROM stages WHERE template = 'ladder' AND NOT archived ORDER BY position`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, err
		}
		if kind == "open" || kind == "won" {
			out.plain[id] = true
			ladder = append(ladder, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ladder) == 0 {
		return nil, fmt.Errorf("no ladder stages")
	}
	teams := (staff + teamSize - 1) / teamSize
	if err := seedStaff(ctx, pool, staff, teams, now); err != nil {
		return nil, err
	}
	ids := map[int64]int64{} // Telegram id → staff id
	srows, err := pool.Query(ctx, `SELECT telegram_user_id, id FROM staff`)
	if err != nil {
		return nil, err
	}
	for srows.Next() {
		var tg, id int64
		if err := srows.Scan(&tg, &id); err != nil {
			return nil, err
		}
		ids[tg] = id
	}
	if err := srows.Err(); err != nil {
		return nil, err
	}
	for i := 1; i <= staff; i++ {
		lang := localeOf(i)
		r := &rep{idx: i - 1, tg: firstRepTG + int64(i), lang: lang, first: pickName(rng, mixNames[lang].first),
			stage: map[int64]int64{}, rng: rand.New(rand.NewPCG(uint64(i), 7)), msgs: map[int64]botMsg{},
			replies: make(chan reply, 64), due: make(chan time.Time, 256)}
		out.reps = append(out.reps, r)
	}
	if err := seedCustomers(ctx, pool, out, ids, ladder, perRep, now, rng); err != nil {
		return nil, err
	}
	if err := seedFollowUps(ctx, pool, out, ids, now, rng); err != nil {
		return nil, err
	}
	_, err = pool.Exec(ctx, `ANALYZE`)
	return out, err
}

func pickName(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

// seedStaff inserts the teams, their managers and reps, and an admin, all
// onboarded and welcomed.
func seedStaff(ctx context.Context, pool *pgxpool.Pool, staff, teams int, now time.Time) error {
	rows, err := pool.Query(ctx, `INSERT INTO teams (name) SELECT 'Bench team ' || lpad(g::text, 5, '0')
		FROM generate_series(1, $1::int) g ORDER BY g RETURNING id`, teams)
	if err != nil {
		return err
	}
	teamIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	since := now.AddDate(-1, 0, 0)
	row := func(tg int64, name, role string, team *int64, lang string) []any {
		d := staffDefaults[lang]
		return []any{tg, name, fmt.Sprintf("bench_%d", tg), role, team, lang, d[0], d[1], true, true, now, since}
	}
	var all [][]any
	all = append(all, row(adminBenchTG, "Bench Admin", "admin", nil, "en"))
	for t := range teams {
		all = append(all, row(firstManagerTG+int64(t+1), fmt.Sprintf("مدیر %d", t+1), "manager", &teamIDs[t], "fa"))
	}
	for i := 1; i <= staff; i++ {
		lang := localeOf(i)
		n := mixNames[lang]
		name := n.first[i%len(n.first)] + " " + n.last[(i/len(n.first))%len(n.last)]
		all = append(all, row(firstRepTG+int64(i), name, "rep", &teamIDs[(i-1)/teamSize], lang))
	}
	_, err = pool.CopyFrom(ctx, pgx.Identifier{"staff"}, []string{"telegram_user_id", "display_name", "username", "role",
		"team_id", "locale", "calendar", "time_zone", "onboarded", "active", "welcomed_at", "created_at"}, pgx.CopyFromRows(all))
	if err != nil {
		return fmt.Errorf("copy staff: %w", err)
	}
	_, err = pool.Exec(ctx, `UPDATE teams t SET manager_id = s.id FROM staff s
		WHERE s.role = 'manager' AND t.name = 'Bench team ' || lpad((s.telegram_user_id - $1)::text, 5, '0')`, firstManagerTG)
	if err != nil {
		return err
	}
	// The managers' scheduled digests are off: the managers never open
	// their chats in the sandbox, so a digest coming due during a run was
	// refused ("chat not found", 185 refused calls) and its charts took the
	// bot to 300 MB. The digest has a bench of its own.
	_, err = pool.Exec(ctx, `INSERT INTO digest_schedules (staff_id, off) SELECT id, true FROM staff WHERE role = 'manager'`)
	return err
}

// seedCustomers gives each rep perRep customers, mostly in the rep's own
// language, each with one phone, and records them on the reps.
func seedCustomers(ctx context.Context, pool *pgxpool.Pool, s *seeded, ids map[int64]int64, ladder []int64, perRep int, now time.Time, rng *rand.Rand) error {
	type spec struct {
		r             *rep
		lang          string
		name, surname string
		stage         int64
	}
	langs := []string{"fa", "ar", "en"}
	specs := make([]spec, 0, len(s.reps)*perRep)
	for _, r := range s.reps {
		for range perRep {
			lang := r.lang
			if rng.IntN(10) == 0 {
				lang = langs[rng.IntN(3)]
			}
			n := mixNames[lang]
			first, last := pickName(rng, n.first), pickName(rng, n.last)
			// Earlier stages are the likelier: most customers are still being worked.
			stage := ladder[min(rng.IntN(len(ladder)), rng.IntN(len(ladder)))]
			specs = append(specs, spec{r: r, lang: lang, name: first + " " + last, surname: last, stage: stage})
		}
	}
	i := 0
	_, err := pool.CopyFrom(ctx, pgx.Identifier{"customers"}, []string{"name", "name_norm", "company", "company_norm", "city",
		"owner_id", "stage_id", "created_by", "created_at", "updated_at", "last_contact_at"}, pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(specs) {
			return nil, nil
		}
		sp := specs[i]
		i++
		n := mixNames[sp.lang]
		company := pickName(rng, n.company) + " " + pickName(rng, n.brand)
		if sp.lang == "en" {
			company = pickName(rng, n.brand) + " " + pickName(rng, n.company)
		}
		owner := ids[sp.r.tg]
		created := now.Add(-time.Duration(30+rng.IntN(700)) * 24 * time.Hour)
		var contact *time.Time
		if rng.IntN(5) > 0 {
			t := now.Add(-time.Duration(rng.IntN(60*24)) * time.Hour)
			contact = &t
		}
		return []any{sp.name, textnorm.Fold(sp.name), company, textnorm.Fold(company), pickName(rng, n.city),
			owner, sp.stage, owner, created, created, contact}, nil
	}))
	if err != nil {
		return fmt.Errorf("copy customers: %w", err)
	}
	// COPY numbers the rows in order: the k-th spec is the k-th id.
	rows, err := pool.Query(ctx, `SELECT id, owner_id, name FROM customers ORDER BY id`)
	if err != nil {
		return err
	}
	type got struct {
		id, owner int64
		name      string
	}
	back, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (got, error) {
		var g got
		err := row.Scan(&g.id, &g.owner, &g.name)
		return g, err
	})
	if err != nil {
		return err
	}
	if len(back) != len(specs) {
		return fmt.Errorf("seeded %d customers, read back %d", len(specs), len(back))
	}
	phones := make([][]any, len(specs))
	for k, sp := range specs {
		if back[k].owner != ids[sp.r.tg] || back[k].name != sp.name {
			return fmt.Errorf("customer %d read back out of order", back[k].id)
		}
		sp.r.customers = append(sp.r.customers, mixCustomer{id: back[k].id, name: sp.name, surname: sp.surname})
		sp.r.stage[back[k].id] = sp.stage
		phones[k] = []any{phoneOf(sp.lang, k), back[k].id, "Mobile", true}
	}
	_, err = pool.CopyFrom(ctx, pgx.Identifier{"customer_phones"}, []string{"e164", "customer_id", "label", "is_primary"}, pgx.CopyFromRows(phones))
	if err != nil {
		return fmt.Errorf("copy phones: %w", err)
	}
	return nil
}

// seedFollowUps gives each rep followUpsEach follow-ups on distinct
// customers, due within the last twelve hours: overdue, so on /today
// whatever the hour in the rep's time zone, yet far from the 24 hours after
// which they would be escalated. They have no reminder jobs (those were
// due when they were created).
func seedFollowUps(ctx context.Context, pool *pgxpool.Pool, s *seeded, ids map[int64]int64, now time.Time, rng *rand.Rand) error {
	var all [][]any
	for _, r := range s.reps {
		for _, k := range rng.Perm(len(r.customers))[:min(followUpsEach, len(r.customers))] {
			due := now.Add(-time.Duration(5+rng.IntN(12*60-5)) * time.Minute)
			all = append(all, []any{r.customers[k].id, ids[r.tg], due, ids[r.tg], due.Add(-48 * time.Hour), now})
		}
	}
	_, err := pool.CopyFrom(ctx, pgx.Identifier{"follow_ups"}, []string{"customer_id", "assignee_id", "due_at", "created_by",
		"created_at", "updated_at"}, pgx.CopyFromRows(all))
	if err != nil {
		return fmt.Errorf("copy follow-ups: %w", err)
	}
	return nil
}
