package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/transfer"
)

// TestEraseForgetsChatSurveyAndPurchaseText: what the customer chat,
// surveys and purchases added (migrations 010–013) is erased too: the
// Telegram name a relayed message came with, the relays, the unreachable
// mark of their chat, survey comments and free answers, and purchase
// numbers and item names; scores, amounts, SKUs and the customer's value
// row stay.
func TestEraseForgetsChatSurveyAndPurchaseText(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.customer(t, f.repA, "Maryam Karimi", "", "+989121111111")
	a, err := f.db.LogActivity(ctx, crm.Activity{CustomerID: c.ID, Kind: crm.ActivityMessage, Note: "hi, it's Maryam",
		OccurredAt: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE customers SET telegram_user_id = 777001, telegram_linked_at = now() WHERE id = $1`, []any{c.ID}},
		{`UPDATE activities SET from_name = 'Maryam K' WHERE id = $1`, []any{a.ID}},
		{`INSERT INTO customer_relays (customer_id, staff_id, chat_id, activity_id, telegram_message_id) VALUES ($1, $2, 3, $3, 99)`, []any{c.ID, f.repA.ID, a.ID}},
		{`INSERT INTO unreachable_chats (chat_id, reason) VALUES (777001, 'blocked')`, nil},
		{`INSERT INTO survey_responses (customer_id, score, answers, comment, answered_at) VALUES ($1, 9, '{"why": "Maryam loves it"}', 'ask for Maryam', now())`, []any{c.ID}},
		{`INSERT INTO purchases (customer_id, kind, number, amount, currency, items, status, issued_at)
			VALUES ($1, 'invoice', 'INV-MARYAM-7', 100, 'IRR', '[{"sku": "C1", "name": "Cake for Maryam", "qty": 2, "unit_price": 50}]', 'paid', now())`, []any{c.ID}},
	} {
		if _, err := f.db.Pool.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	if _, err := f.db.EraseCustomer(ctx, c.ID, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct{ what, sql string }{
		{"a relayed message's Telegram name", `SELECT count(*) FROM activities WHERE customer_id = $1 AND from_name IS NOT NULL`},
		{"relays", `SELECT count(*) FROM customer_relays WHERE customer_id = $1`},
		{"the chat's unreachable mark", `SELECT count(*) FROM unreachable_chats WHERE chat_id = 777001 AND $1 > 0`},
		{"the Telegram account", `SELECT count(*) FROM customers WHERE id = $1 AND telegram_user_id IS NOT NULL`},
		{"survey comments and answers", `SELECT count(*) FROM survey_responses WHERE customer_id = $1 AND (comment IS NOT NULL OR answers <> '{}')`},
		{"purchase numbers and item names", `SELECT count(*) FROM purchases WHERE customer_id = $1 AND (number IS NOT NULL OR items::text LIKE '%Maryam%')`},
	} {
		var n int
		if err := f.db.Pool.QueryRow(ctx, q.sql, c.ID).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q.what, err)
		}
		if n != 0 {
			t.Errorf("%s: %d left after the erasure", q.what, n)
		}
	}
	assertNowhere(t, f, "Maryam", "9121111111")
	var score, qty int
	var amount, sku string
	f.db.Pool.QueryRow(ctx, `SELECT score FROM survey_responses WHERE customer_id = $1`, c.ID).Scan(&score)
	f.db.Pool.QueryRow(ctx, `SELECT amount::text, items->0->>'sku', (items->0->>'qty')::int FROM purchases WHERE customer_id = $1`, c.ID).Scan(&amount, &sku, &qty)
	if score != 9 || amount != "100.00" || sku != "C1" || qty != 2 {
		t.Errorf("kept: score %d, amount %s, sku %q, qty %d; want 9, 100.00, C1, 2", score, amount, sku, qty)
	}
}

// TestEraseForgetsNotesTypedInTheChat: a note typed in the chat is kept
// twice, in its activity and in note_messages (so an edit of the message
// edits the note); the erasure leaves neither.
func TestEraseForgetsNotesTypedInTheChat(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.customer(t, f.repA, "Shirin Tavakoli", "", "+989127654321")
	note := "Shirin wants the blue sofa, call her husband Dariush"
	a, err := f.db.LogActivity(ctx, crm.Activity{CustomerID: c.ID, Kind: crm.ActivityNote, Note: note,
		OccurredAt: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.RecordNoteMessage(ctx, 3, 501, a.ID, note); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.EraseCustomer(ctx, c.ID, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.NoteMessage(ctx, 3, 501); !crm.IsCode(err, crm.ENotFound) {
		t.Errorf("the note message after the erasure: %v, want not found", err)
	}
	assertNowhere(t, f, "Shirin", "Tavakoli", "Dariush", "7654321")
}

// assertNowhere fails for each table of the schema with a row that holds
// one of needles in any column, so no table, old or new, can keep what an
// erasure should have removed.
func assertNowhere(t *testing.T, f *fixture, needles ...string) {
	t.Helper()
	ctx := context.Background()
	rows, err := f.db.Pool.Query(ctx, `SELECT quote_ident(table_name) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if rows.Err() != nil || len(tables) < 10 {
		t.Fatalf("tables of the schema: %v (%v)", tables, rows.Err())
	}
	for _, tbl := range tables {
		for _, needle := range needles {
			var n int
			q := fmt.Sprintf(`SELECT count(*) FROM %s t WHERE strpos(lower(row_to_json(t)::text), lower($1)) > 0`, tbl)
			if err := f.db.Pool.QueryRow(ctx, q, needle).Scan(&n); err != nil {
				t.Fatalf("%s: %v", tbl, err)
			}
			if n != 0 {
				t.Errorf("%s: %d rows still hold %q after the erasure", tbl, n, needle)
			}
		}
	}
}

// TestImportOnceAppliesAFileOnce: a second ImportOnce with the same key
// imports nothing and returns the first run's counts; another key is
// another import; a refused file leaves no mark, so it may be tried again.
func TestImportOnceAppliesAFileOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	file := []byte("name,phone\nA,09121234567\nB,09121234568\n")
	im := transfer.Importer{Staff: f.repA, DefaultOwner: f.repA.ID}
	r, already, err := f.db.ImportOnce(ctx, "k1", file, "IR", im)
	if err != nil || already || r.Created != 2 {
		t.Fatalf("first: %+v %v %v", r, already, err)
	}
	r, already, err = f.db.ImportOnce(ctx, "k1", file, "IR", im)
	if err != nil || !already || r.Created != 2 {
		t.Fatalf("second: %+v %v %v", r, already, err)
	}
	var n int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM customers`).Scan(&n)
	if n != 2 {
		t.Errorf("%d customers after two runs, want 2", n)
	}
	if _, found, err := f.db.ImportedFile(ctx, "k2"); err != nil || found {
		t.Errorf("an unknown key was found: %v %v", found, err)
	}
	if _, _, err := f.db.ImportOnce(ctx, "k3", []byte("name\n=1+1\n"), "IR", im); err == nil || !strings.Contains(err.Error(), "formula") {
		t.Errorf("a formula file: %v", err)
	}
	if _, found, _ := f.db.ImportedFile(ctx, "k3"); found {
		t.Error("a refused file was recorded as imported")
	}
}

// TestImportDuringAnEraseWritesNothingBack: an import planned while an
// erasure of one of its customers is under way (the plan still sees the
// customer alive) waits for the erasure, finds the customer changed and is
// refused with a conflict, instead of writing the file's city and note
// onto the erased customer.
func TestImportDuringAnEraseWritesNothingBack(t *testing.T) {
	f := newFixture(t)
	c := f.customer(t, f.repA, "Leila Ahmadi", "", "+989125550001")
	err := importDuring(t, f, "Leila Ahmadi,09125550001", transfer.Importer{Staff: f.admin, DefaultOwner: f.repA.ID},
		func(ctx context.Context) error {
			_, err := f.db.EraseCustomer(ctx, c.ID, f.admin.ID)
			return err
		})
	if !crm.IsCode(err, crm.EConflict) {
		t.Errorf("the import: %v, want a conflict", err)
	}
	var city, notes *string
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT city, notes FROM customers WHERE id = $1`, c.ID).Scan(&city, &notes); err != nil {
		t.Fatal(err)
	}
	if city != nil || notes != nil {
		t.Errorf("the erased customer got city %v, notes %v from the import", deref(city), deref(notes))
	}
	assertNowhere(t, f, "Leila", "5550001")
}

// TestImportDuringAReassignmentIsRefused: a rep's import of their own
// customer, planned while the customer is being handed to another rep,
// is refused with a conflict once the hand-over commits: the rep may no
// longer change that customer.
func TestImportDuringAReassignmentIsRefused(t *testing.T) {
	f := newFixture(t)
	c := f.customer(t, f.repA, "Omid Sadeghi", "", "+989125550002")
	err := importDuring(t, f, "Omid Sadeghi,09125550002", transfer.StaffImporter(f.repA), func(ctx context.Context) error {
		return f.db.AssignCustomer(ctx, c.ID, f.repA.ID, f.repB.ID, f.manager.ID)
	})
	if !crm.IsCode(err, crm.EConflict) {
		t.Errorf("the import: %v, want a conflict", err)
	}
	var city *string
	var owner int64
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT city, owner_id FROM customers WHERE id = $1`, c.ID).Scan(&city, &owner); err != nil {
		t.Fatal(err)
	}
	if city != nil || owner != f.repB.ID {
		t.Errorf("after the hand-over: city %s, owner %d; want NULL, %d", deref(city), owner, f.repB.ID)
	}
}

// importDuring runs an import of one row (line, then the city Shiraz and
// a note) while change runs in a transaction that stays open until the
// import waits for its row locks; it returns the import's error.
func importDuring(t *testing.T, f *fixture, line string, im transfer.Importer, change func(ctx context.Context) error) error {
	t.Helper()
	ctx := context.Background()
	changed, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- f.db.InTx(ctx, func(ctx context.Context) error {
			if err := change(ctx); err != nil {
				close(changed)
				return err
			}
			close(changed)
			<-release
			return nil
		})
	}()
	<-changed
	imported := make(chan error, 1)
	go func() {
		_, err := f.db.Import(ctx, []byte("name,phone,city,notes\n"+line+",Shiraz,called back\n"), "IR", im, false)
		imported <- err
	}()
	// Until the import waits for the change's row lock.
	for i := 0; ; i++ {
		var waiting int
		if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		select {
		case err := <-imported:
			close(release)
			t.Fatalf("the import did not wait for the change: %v (change: %v)", err, <-done)
		case <-time.After(20 * time.Millisecond):
		}
		if i > 500 {
			t.Fatal("the import never waited for the change")
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return <-imported
}

func deref(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}

// TestEraseForgetsQualificationAndInterests: what qualification (migration
// 015) recorded of a customer — the three answers, the revenue band and a
// shared location — and their interests with quantities go with the
// erasure; the customer keeps none of them.
func TestEraseForgetsQualificationAndInterests(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.customer(t, f.repA, "Parisa Ahmadi", "", "+989123334455")
	lat, lon := 35.7219, 51.3347
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO customer_qualifications (customer_id, can_help, needs_us, ongoing, revenue_band, revenue_currency, latitude, longitude, qualified_at, updated_at)
			VALUES ($1, 'yes', 'yes', 'unsure', 'b3', 'IRR', $2, $3, now(), now())`, []any{c.ID, lat, lon}},
		{`INSERT INTO customer_interests (customer_id, name, name_key, quantity, unit, period, created_at, updated_at)
			VALUES ($1, 'Parisa''s saffron', 'parisa''s saffron', 20, 'boxes', 'month', now(), now())`, []any{c.ID}},
	} {
		if _, err := f.db.Pool.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	if _, err := f.db.EraseCustomer(ctx, c.ID, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct{ what, sql string }{
		{"qualification answers and location", `SELECT count(*) FROM customer_qualifications WHERE customer_id = $1`},
		{"interests", `SELECT count(*) FROM customer_interests WHERE customer_id = $1`},
	} {
		var n int
		if err := f.db.Pool.QueryRow(ctx, q.sql, c.ID).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q.what, err)
		}
		if n != 0 {
			t.Errorf("%s: %d left after the erasure", q.what, n)
		}
	}
	assertNowhere(t, f, "Parisa", "saffron", "3334455")
}
