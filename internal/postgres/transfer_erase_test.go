package postgres_test

import (
	"context"
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
		{"the name anywhere", `SELECT (SELECT count(*) FROM customers WHERE id = $1 AND row_to_json(customers)::text LIKE '%Maryam%')
			+ (SELECT count(*) FROM activities a WHERE customer_id = $1 AND row_to_json(a)::text LIKE '%Maryam%')`},
	} {
		var n int
		if err := f.db.Pool.QueryRow(ctx, q.sql, c.ID).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q.what, err)
		}
		if n != 0 {
			t.Errorf("%s: %d left after the erasure", q.what, n)
		}
	}
	var score, qty int
	var amount, sku string
	f.db.Pool.QueryRow(ctx, `SELECT score FROM survey_responses WHERE customer_id = $1`, c.ID).Scan(&score)
	f.db.Pool.QueryRow(ctx, `SELECT amount::text, items->0->>'sku', (items->0->>'qty')::int FROM purchases WHERE customer_id = $1`, c.ID).Scan(&amount, &sku, &qty)
	if score != 9 || amount != "100.00" || sku != "C1" || qty != 2 {
		t.Errorf("kept: score %d, amount %s, sku %q, qty %d; want 9, 100.00, C1, 2", score, amount, sku, qty)
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
