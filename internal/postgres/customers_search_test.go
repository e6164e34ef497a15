package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// search runs SearchCustomers as the admin and fails the test on error.
func (f *fixture) search(t *testing.T, query string) []string {
	t.Helper()
	got, total, err := f.db.SearchCustomers(context.Background(), f.admin, query, 20, 0)
	if err != nil {
		t.Fatalf("%q: %v", query, err)
	}
	if total != len(got) {
		t.Fatalf("%q: total %d, %d results", query, total, len(got))
	}
	return names(got)
}

func TestSearchIgnoresSpacingInsideNames(t *testing.T) {
	f := newFixture(t)
	f.customer(t, f.admin, "علی احمدی\u200cپور", "") // ZWNJ
	f.customer(t, f.admin, "سارا پاکزاد", "")        // written together
	f.customer(t, f.admin, "محمدرضا کریمی", "")      // together
	f.customer(t, f.admin, "محمد رضا نوری", "")      // apart
	f.customer(t, f.admin, "مهدی عبدالله زاده", "")  // apart
	f.customer(t, f.admin, "عبد الله السعيد", "")    // Arabic, apart
	f.customer(t, f.admin, "Nima", "نیک\u200cآفرین") // the company
	f.customer(t, f.admin, "Dr. (Ali) Reza+", "")    // punctuation in the pattern
	f.customer(t, f.admin, "رضا محمدی", "")          // similar letters (pg_trgm)

	tests := []struct {
		query string
		want  []string // in this order, exactly
	}{
		{"احمدی پور", []string{"علی احمدی\u200cپور"}},
		{"احمدیپور", []string{"علی احمدی\u200cپور"}},
		{"احمدی\u200cپور", []string{"علی احمدی\u200cپور"}},
		{"پاک زاد", []string{"سارا پاکزاد"}},
		{"پاک\u200cزاد", []string{"سارا پاکزاد"}},
		// Written apart and together: the spelling typed comes first, and
		// a merely similar name (pg_trgm) after both.
		{"محمد رضا", []string{"محمد رضا نوری", "محمدرضا کریمی", "رضا محمدی"}},
		{"محمدرضا", []string{"محمدرضا کریمی", "محمد رضا نوری", "رضا محمدی"}},
		{"عبدالله\u200cزاده", []string{"مهدی عبدالله زاده"}},
		{"عبدالله زاده", []string{"مهدی عبدالله زاده"}},
		{"عبداللهزاده", []string{"مهدی عبدالله زاده"}},
		// A match as spaced ranks above one only with the spaces ignored.
		{"عبدالله", []string{"مهدی عبدالله زاده", "عبد الله السعيد"}},
		{"نیک آفرین", []string{"Nima"}},
		{"نیکافرین", []string{"Nima"}},
		{"(ali)reza+", []string{"Dr. (Ali) Reza+"}},
	}
	for _, tt := range tests {
		if got := f.search(t, tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestSearchRanksExactNameFirst(t *testing.T) {
	f := newFixture(t)
	f.customer(t, f.admin, "محمد رضا", "")
	f.customer(t, f.admin, "محمدرضا", "")
	f.customer(t, f.admin, "محمدرضا کریمی", "")
	f.customer(t, f.admin, "علی", "محمدرضا و پسران") // a company only
	f.customer(t, f.admin, "علی محمدرضایی", "")      // a later word
	for _, tt := range []struct {
		query string
		want  []string
	}{
		// The other spacing ranks below every exact and prefix match.
		{"محمدرضا", []string{"محمدرضا", "محمدرضا کریمی", "علی محمدرضایی", "علی", "محمد رضا"}},
		{"محمد رضا", []string{"محمد رضا", "محمدرضا", "محمدرضا کریمی", "علی محمدرضایی", "علی"}},
	} {
		if got := f.search(t, tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestSearchPrefersOwnThenRecentlyContacted(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	day := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	contacted := func(name string, ago int) {
		t.Helper()
		if _, err := f.db.Pool.Exec(ctx, `UPDATE customers SET last_contact_at = $2 WHERE name = $1`,
			name, day.AddDate(0, 0, -ago)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name  string
		owner int64
		ago   int // days since the last contact; -1: never
	}{
		{"Karimi 1", 0, 1},            // the pool, yesterday
		{"Karimi 2", f.repA.ID, 30},   // own, a month ago
		{"Karimi 3", f.repA.ID, -1},   // own, never
		{"Karimi 4", f.repA.ID, 2},    // own, recently
		{"Karimi 5", 0, -1},           // the pool, never
		{"Karimi 6", f.repB.ID, 0},    // a teammate's, today
		{"Karimi 7", f.manager.ID, 5}, // the manager's
	} {
		if _, err := f.db.CreateCustomer(ctx, crm.Customer{Name: c.name, OwnerID: c.owner}, f.admin.ID); err != nil {
			t.Fatal(err)
		}
		if c.ago >= 0 {
			contacted(c.name, c.ago)
		}
	}
	for _, tt := range []struct {
		who  string
		want []string
	}{
		{"rep", []string{"Karimi 4", "Karimi 2", "Karimi 3", "Karimi 1", "Karimi 5"}},
		{"manager", []string{"Karimi 7", "Karimi 6", "Karimi 1", "Karimi 4", "Karimi 2", "Karimi 3", "Karimi 5"}},
		{"admin", []string{"Karimi 6", "Karimi 1", "Karimi 4", "Karimi 7", "Karimi 2", "Karimi 3", "Karimi 5"}},
	} {
		viewer := map[string]crm.Staff{"rep": f.repA, "manager": f.manager, "admin": f.admin}[tt.who]
		got, _, err := f.db.SearchCustomers(ctx, viewer, "karimi", 20, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(names(got), tt.want) {
			t.Errorf("%s: got %q, want %q", tt.who, names(got), tt.want)
		}
	}
}

func TestSearchFindsPhonesTypedWithDots(t *testing.T) {
	f := newFixture(t)
	f.customer(t, f.admin, "علی کریمی", "", "+989121234567")
	f.customer(t, f.admin, "Sara", "", "+971501234567")
	for _, q := range []string{"0912.123.4567", "۰۹۱۲.۱۲۳.۴۵۶۷", "+98.912.123.4567", "0098.912.123.4567",
		"0912.123", "(0912) 123-4567", "912.123.4567"} {
		if got := f.search(t, q); !slices.Equal(got, []string{"علی کریمی"}) {
			t.Errorf("%q: got %q, want [علی کریمی]", q, got)
		}
	}
}

func TestSearchLooksForTyposOnlyWhenFewMatch(t *testing.T) {
	f := newFixture(t)
	f.customer(t, f.admin, "حسین کریمی", "") // similar to «علی کریمی» (pg_trgm)
	for range 9 {
		f.customer(t, f.admin, "علی کریمی", "")
	}
	got := f.search(t, "علی کریمی")
	if len(got) != 10 || got[9] != "حسین کریمی" {
		t.Fatalf("nine matches: got %q, want nine «علی کریمی» and the similar «حسین کریمی» last", got)
	}
	f.customer(t, f.admin, "علی کریمی", "")
	if got := f.search(t, "علی کریمی"); len(got) != 10 || slices.Contains(got, "حسین کریمی") {
		t.Fatalf("ten matches: got %q, want only the ten «علی کریمی»", got)
	}
	if got := f.search(t, "علی کریمو"); len(got) != 10 || got[0] != "علی کریمی" {
		t.Fatalf("a typo: got %q, want the ten «علی کریمی»", got)
	}
}

// A two-letter query by someone who sees every customer finds the names
// and companies with a word starting with it, whatever script; the words
// that merely contain the two letters are left out (over 100,000
// customers they would be thousands). A rep, who sees few, still gets
// those too, ranked after.
func TestSearchTwoLettersFindsWordStarts(t *testing.T) {
	f := newFixture(t)
	f.customer(t, f.repA, "Karimi", "")
	f.customer(t, f.repA, "Ali Kamali", "")
	f.customer(t, f.repA, "Makan", "")       // contains "ka"
	f.customer(t, f.repA, "Sara", "Kala Co") // a company
	f.customer(t, f.repA, "رضا محمدی", "")   // Persian
	f.customer(t, f.repA, "مرتضی رضایی", "") // a later word
	f.customer(t, f.repA, "فرضی", "")        // contains «رض»
	for _, tt := range []struct {
		who   crm.Staff
		query string
		want  []string
	}{
		{f.admin, "ka", []string{"Karimi", "Ali Kamali", "Sara"}},
		{f.admin, "رض", []string{"رضا محمدی", "مرتضی رضایی"}},
		{f.repA, "ka", []string{"Karimi", "Ali Kamali", "Sara", "Makan"}},
		{f.repA, "رض", []string{"رضا محمدی", "مرتضی رضایی", "فرضی"}},
	} {
		got, total, err := f.db.SearchCustomers(context.Background(), tt.who, tt.query, 20, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(names(got), tt.want) || total != len(tt.want) {
			t.Errorf("%s %q: got %q (total %d), want %q", tt.who.Role, tt.query, names(got), total, tt.want)
		}
	}
}
