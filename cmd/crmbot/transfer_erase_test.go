package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// TestEraseCommand runs `crmbot erase` as a process on a customer with
// phones, notes, a voice note, a Telegram link and a survey comment: none
// of it can be read afterwards, the anonymous counts stay and the erasure
// is audited; erasing again, an unknown id or no id is a clear error exit.
func TestEraseCommand(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	if err := postgres.Migrate(ctx, url, nil); err != nil {
		t.Fatal(err)
	}
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	db := postgres.New(pool)
	rep := newRep(t, db, 9101, "Sara", "fa")
	c, err := db.CreateCustomer(ctx, crm.Customer{Name: "Maryam Secret", Phones: []string{"+989121110001", "+989121110002"}, OwnerID: rep.ID}, rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LogActivity(ctx, crm.Activity{CustomerID: c.ID, StaffID: rep.ID, Kind: crm.ActivityNote, Note: "Maryam's address",
		VoiceFileID: "voice-secret", OccurredAt: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := db.CreateCustomerLink(ctx, c.ID, rep.ID, time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE customers SET notes = 'Maryam likes tea', telegram_user_id = 5550001, telegram_linked_at = now() WHERE id = $1`,
		`INSERT INTO survey_responses (customer_id, score, comment, answered_at) VALUES ($1, 8, 'Maryam: great service', now())`,
	} {
		if _, err := pool.Exec(ctx, q, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"DATABASE_URL=" + url}
	cid := strconv.FormatInt(c.ID, 10)
	out, errOut, code := runBinary(t, env, "erase", "--customer", cid)
	if code != 0 || !strings.Contains(out, "customer "+cid+" erased; kept 1 activities, 1 stage moves, 0 purchases") {
		t.Fatalf("erase: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	var traces, activities, moves, audits int
	if err := pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM customers c WHERE id = $1 AND (name <> $2 OR notes IS NOT NULL OR telegram_user_id IS NOT NULL
			OR row_to_json(c)::text LIKE '%Maryam%'))
		+ (SELECT count(*) FROM customer_phones WHERE customer_id = $1)
		+ (SELECT count(*) FROM activities WHERE customer_id = $1 AND (note IS NOT NULL OR voice_file_id IS NOT NULL))
		+ (SELECT count(*) FROM customer_invites WHERE customer_id = $1)
		+ (SELECT count(*) FROM customer_links WHERE customer_id = $1)
		+ (SELECT count(*) FROM survey_responses WHERE customer_id = $1 AND comment IS NOT NULL),
		(SELECT count(*) FROM activities WHERE customer_id = $1),
		(SELECT count(*) FROM stage_history WHERE customer_id = $1),
		(SELECT count(*) FROM audit_log WHERE action = 'customer.erase' AND entity_id = $1)`, c.ID, crm.ErasedName(c.ID)).
		Scan(&traces, &activities, &moves, &audits); err != nil {
		t.Fatal(err)
	}
	if traces != 0 || activities != 1 || moves != 1 || audits != 1 {
		t.Errorf("after erase: %d traces of the person, %d activities, %d stage moves, %d audit rows; want 0, 1, 1, 1", traces, activities, moves, audits)
	}
	var scores int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM survey_responses WHERE customer_id = $1 AND score = 8`, c.ID).Scan(&scores); err != nil || scores != 1 {
		t.Errorf("the survey score went with the comment: %d %v", scores, err)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"erase", "--customer", cid}, 1, "no customer " + cid + " to erase"},
		{[]string{"erase", "--customer", "987654"}, 1, "no customer 987654 to erase"},
		{[]string{"erase"}, 2, "--customer must be a customer id"},
	} {
		_, errOut, code := runBinary(t, env, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}
