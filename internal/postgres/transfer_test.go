package postgres_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/transfer"
)

func cli() transfer.Importer { return transfer.Importer{CLI: true} }

// TestImportCreatesMergesAndKeepsSearchColumns imports a file with a
// duplicate inside it and a row matching an existing customer: one new
// customer per phone, the existing one filled but not overwritten, and the
// new ones found by search with other letter forms and spacing.
func TestImportCreatesMergesAndKeepsSearchColumns(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old := f.customer(t, f.repA, "مریم احمدی", "", "+989121111111")
	file := "\uFEFFname,phone,company,city,tags,notes\n" +
		"علی کریمی,۰۹۱۲ ۳۴۵ ۶۷۸۹,نارنج,تهران,vip,first\n" +
		"Ali Karimi,+98 912 345 6789,Other Co,Shiraz,wholesale,second\n" +
		"مریم,09121111111,پرتقال,اصفهان,,called\n" +
		",09350000000,,,,\n"
	rep, err := f.db.Import(ctx, []byte(file), "IR", cli(), false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 4 || rep.Created != 1 || rep.Updated != 1 || rep.Merged != 1 || rep.Rejected != 1 {
		t.Fatalf("report %+v", rep)
	}
	if rep.Issues[0].Line != 5 || rep.Issues[0].Code != transfer.CodeNameMissing {
		t.Errorf("issues %+v", rep.Issues)
	}
	c, err := f.db.CustomerByPhone(ctx, "+989123456789")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "علی کریمی" || c.Company != "نارنج" || c.City != "تهران" || strings.Join(c.Tags, ",") != "vip,wholesale" || c.OwnerID != 0 {
		t.Errorf("merged row: %+v", c)
	}
	var notes string
	f.db.Pool.QueryRow(ctx, `SELECT notes FROM customers WHERE id = $1`, c.ID).Scan(&notes)
	if notes != "first\nsecond" {
		t.Errorf("notes %q", notes)
	}
	got, err := f.db.Customer(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "مریم احمدی" || got.Company != "پرتقال" || got.City != "اصفهان" || got.OwnerID != f.repA.ID {
		t.Errorf("existing customer: name, owner must stay and blanks fill: %+v", got)
	}
	if names := f.search(t, "علي كريمي"); len(names) != 1 || names[0] != "علی کریمی" {
		t.Errorf("search with Arabic letters: %v", names)
	}
	if names := f.search(t, "نار نج"); len(names) != 1 {
		t.Errorf("company search with a space: %v", names)
	}
	var history, audits int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM stage_history WHERE customer_id = $1`, c.ID).Scan(&history)
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action IN ('import', 'customer.import', 'customer.import_merge')`).Scan(&audits)
	if history != 1 || audits != 3 {
		t.Errorf("stage history %d, audit rows %d", history, audits)
	}
}

// TestImportDryRunAndRefusalsWriteNothing: a dry run, a formula cell and
// a failure half way leave the database as it was.
func TestImportDryRunAndRefusalsWriteNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	count := func() (n int) {
		f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM customers`).Scan(&n)
		return n
	}
	good := "name,phone\nA,09121234567\nB,09121234568\n"
	rep, err := f.db.Import(ctx, []byte(good), "IR", cli(), true)
	if err != nil || rep.Created != 2 || count() != 0 {
		t.Fatalf("dry run: %+v %v, %d customers", rep, err, count())
	}
	_, err = f.db.Import(ctx, []byte(good+"=cmd|' /C calc'!A0,09121234569\n"), "IR", cli(), false)
	var fe *transfer.FileError
	if !errors.As(err, &fe) || fe.Code != transfer.CodeFormula || fe.Issues[0].Line != 4 || count() != 0 {
		t.Fatalf("formula: %v, %d customers", err, count())
	}
	// A phone taken between the plan and the write: the whole import
	// rolls back.
	p, err := f.db.PlanImport(ctx, []byte(good), "IR", cli())
	if err != nil {
		t.Fatal(err)
	}
	f.customer(t, f.repA, "Late", "", "+989121234568")
	if err := f.db.ApplyImport(ctx, p, 0); err == nil || count() != 1 {
		t.Fatalf("a conflicting apply must fail and leave nothing: %v, %d customers", err, count())
	}
}

// TestImportOwnersStagesAndAccess: owners by username or id, stages by
// key or localized name, and a rep may neither give customers to others nor
// change another rep's customer.
func TestImportOwnersStagesAndAccess(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.db.Pool.Exec(ctx, `UPDATE staff SET username = 'rep_b' WHERE id = $1`, f.repB.ID); err != nil {
		t.Fatal(err)
	}
	f.customer(t, f.otherTeam, "Theirs", "", "+989129999999")
	file := "name,phone,owner,stage\n" +
		"One,09120000001,@rep_b,prospect\n" +
		"Two,09120000002," + strconv.FormatInt(f.repA.ID, 10) + ",مشتری بالقوه\n" +
		"Three,09120000003,nobody,\n" +
		"Four,09120000004,,no such stage\n" +
		"Five,09129999999,,\n"
	rep, err := f.db.Import(ctx, []byte(file), "IR", cli(), false)
	if err != nil {
		t.Fatal(err)
	}
	codes := rep.Codes()
	if rep.Created != 2 || rep.Updated != 1 || codes[transfer.CodeOwnerUnknown] != 1 || codes[transfer.CodeStageUnknown] != 1 {
		t.Fatalf("admin import: %+v", rep)
	}
	one, _ := f.db.CustomerByPhone(ctx, "+989120000001")
	two, _ := f.db.CustomerByPhone(ctx, "+989120000002")
	st1, _ := f.db.Stage(ctx, one.StageID)
	st2, _ := f.db.Stage(ctx, two.StageID)
	if one.OwnerID != f.repB.ID || two.OwnerID != f.repA.ID || st1.Key != "prospect" || st2.Key != "prospect" {
		t.Errorf("owners %d %d, stages %s %s", one.OwnerID, two.OwnerID, st1.Key, st2.Key)
	}

	asRep := transfer.Importer{Staff: f.repA, DefaultOwner: f.repA.ID}
	file = "name,phone,owner\nMine,09120000010,\nGift,09120000011,@rep_b\nSteal,09129999999,\n"
	rep, err = f.db.Import(ctx, []byte(file), "IR", asRep, false)
	if err != nil {
		t.Fatal(err)
	}
	codes = rep.Codes()
	if rep.Created != 1 || codes[transfer.CodeOwnerForbidden] != 1 || codes[transfer.CodeNotYours] != 1 {
		t.Fatalf("rep import: %+v", rep)
	}
	mine, _ := f.db.CustomerByPhone(ctx, "+989120000010")
	if mine.OwnerID != f.repA.ID {
		t.Errorf("a rep's rows are theirs: owner %d", mine.OwnerID)
	}
}

// TestExportRespectsAccessAndEscapes: a rep's export has only their
// customers, a manager's their team's, an admin's all; formula-looking
// cells are escaped and the file opens in Excel (BOM, CRLF).
func TestExportRespectsAccessAndEscapes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.customer(t, f.repA, "=HYPERLINK(\"http://x\")", "@evil", "+989121111111")
	f.customer(t, f.repB, "B's", "", "+989122222222")
	f.customer(t, f.otherTeam, "South", "", "+989123333333")
	f.customer(t, crm.Staff{}, "Pool", "")
	if _, err := f.db.LogActivity(ctx, crm.Activity{CustomerID: a.ID, StaffID: f.repA.ID, Kind: crm.ActivityCall, Note: "-2+3", OccurredAt: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	export := func(s crm.Staff) (string, []string) {
		var buf bytes.Buffer
		if _, err := f.db.ExportCustomers(ctx, transfer.ScopeFor(s), "en", transfer.NewWriter(&buf)); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range recs[1:] {
			names = append(names, r[1])
		}
		return out, names
	}
	out, names := export(f.repA)
	if !strings.HasPrefix(out, "\uFEFFid,name,phone") || !strings.Contains(out, "\r\n") {
		t.Errorf("not Excel-friendly: %q", out[:40])
	}
	if len(names) != 1 || names[0] != "'=HYPERLINK(\"http://x\")" || !strings.Contains(out, ",'@evil,") || !strings.Contains(out, ",'+989121111111,") {
		t.Errorf("rep export: %v\n%s", names, out)
	}
	if _, names := export(f.manager); strings.Join(names, "|") != "'=HYPERLINK(\"http://x\")|B's" {
		t.Errorf("manager export: %v", names)
	}
	if _, names := export(f.admin); len(names) != 4 {
		t.Errorf("admin export: %v", names)
	}
	var buf bytes.Buffer
	for _, s := range []crm.Staff{f.repB, f.repA} {
		buf.Reset()
		n, err := f.db.ExportActivities(ctx, transfer.ScopeFor(s), transfer.NewWriter(&buf))
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int64]int{f.repA.ID: 1, f.repB.ID: 0}[s.ID]; n != want {
			t.Errorf("staff %d exports %d activities, want %d", s.ID, n, want)
		}
	}
	if !strings.Contains(buf.String(), ",'-2+3,") {
		t.Errorf("activity note not escaped: %s", buf.String())
	}
	// The export imports back: every row matches its customer by phone.
	out, _ = export(f.admin)
	rep, err := f.db.Import(ctx, []byte(out), "IR", cli(), true)
	if err != nil || rep.Updated != 3 || rep.Created != 1 || rep.Rejected != 0 {
		t.Errorf("round trip: %+v %v", rep, err)
	}
}

// TestEraseKeepsCountsAndForgetsThePerson.
func TestEraseKeepsCountsAndForgetsThePerson(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.customer(t, f.repA, "Secret Person", "Their Co", "+989121111111")
	if err := f.db.AddCustomerPhone(ctx, c.ID, "+989122222222", f.repA.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.LogActivity(ctx, crm.Activity{CustomerID: c.ID, StaffID: f.repA.ID, Kind: crm.ActivityCall, Note: "lives at 5 Elm St",
		VoiceFileID: "voice-1", OccurredAt: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO important_dates (customer_id, kind, label, calendar, month, day) VALUES ($1, 'other', 'son Reza', 'jalali', 1, 2)`,
		`INSERT INTO purchases (customer_id, kind, amount, currency, status, issued_at) VALUES ($1, 'invoice', 100, 'IRR', 'paid', now())`,
	} {
		if _, err := f.db.Pool.Exec(ctx, q, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	e, err := f.db.EraseCustomer(ctx, c.ID, f.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Activities != 1 || e.StageMoves != 1 || e.Purchases != 1 {
		t.Errorf("counts %+v", e)
	}
	var leaks int
	f.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM customers WHERE id = $1 AND (name <> $2 OR company IS NOT NULL OR deleted_at IS NULL))
		+ (SELECT count(*) FROM customer_phones WHERE customer_id = $1)
		+ (SELECT count(*) FROM important_dates WHERE customer_id = $1)
		+ (SELECT count(*) FROM activities WHERE customer_id = $1 AND (note IS NOT NULL OR voice_file_id IS NOT NULL))
		+ (SELECT count(*) FROM audit_log WHERE entity_id = $1 AND details::text LIKE '%98912%')`, c.ID, crm.ErasedName(c.ID)).Scan(&leaks)
	if leaks != 0 {
		t.Errorf("%d traces of the person remain", leaks)
	}
	var kept, purchases int
	var details string
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM activities WHERE customer_id = $1 AND kind = 'call'`, c.ID).Scan(&kept)
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM purchases WHERE customer_id = $1`, c.ID).Scan(&purchases)
	f.db.Pool.QueryRow(ctx, `SELECT details::text FROM audit_log WHERE action = 'customer.erase' AND entity_id = $1 AND actor_staff_id = $2`, c.ID, f.admin.ID).Scan(&details)
	if kept != 1 || purchases != 1 || !strings.Contains(details, `"activities": 1`) {
		t.Errorf("kept %d activities, %d purchases, audit %q", kept, purchases, details)
	}
	if _, err := f.db.EraseCustomer(ctx, c.ID, f.admin.ID); !crm.IsCode(err, crm.ENotFound) {
		t.Errorf("a second erasure: %v", err)
	}
}
