package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestChatImportAndExportOf5000Rows sends a 5,000-row CSV through the
// sandbox and the real wiring, imports it and exports it back, and logs
// how long each step took (the figures in the report to the lead): from the
// upload to the report (fetch, read, plan), from Import to the answer
// (fetch again, apply once), and from /export to both documents.
//
// It takes a while and loads the machine, so it runs only when asked for
// (the import and export e2e tests cover the same paths in every run):
//
//	CRMBOT_TIMINGS=1 go test -count=1 -v -run TestChatImportAndExportOf5000Rows ./cmd/crmbot/
//
// The gate skips nothing else: asked for, it needs PostgreSQL like every
// e2e test and fails (does not skip) without it.
func TestChatImportAndExportOf5000Rows(t *testing.T) {
	if os.Getenv("CRMBOT_TIMINGS") != "1" {
		t.Skip("timings: set CRMBOT_TIMINGS=1 to run the 5,000-row import and export")
	}
	t.Parallel()
	const rows = 5000
	e := startE2E(t, time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC))
	admin := newStaff(t, e.db, 8301, "Ali", "en", crm.RoleAdmin, "")
	u := e.user(admin.TelegramUserID, "Ali", "en")
	var sb strings.Builder
	sb.WriteString("name,phone,company,city,tags,notes\n")
	for i := range rows {
		fmt.Fprintf(&sb, "مشتری %d,+98912%07d,شرکت %d,تهران,vip,یادداشت %d\n", i, i, i%500, i)
	}
	file := []byte(sb.String())
	start := time.Now()
	got := u.upload("big-list.csv", file)
	checked := time.Since(start)
	withText(t, got, n(t, "en", "transfer.report.created", rows))
	start = time.Now()
	done := u.tap("xi:")
	imported := time.Since(start)
	if !strings.Contains(done.Text, "big-list.csv imported") || count(t, e, `SELECT count(*) FROM customers`) != rows {
		t.Fatalf("import: %s", done.Text)
	}
	start = time.Now()
	s, err := e.sb.SendText(u.id, "/export", u.opts())
	if err != nil {
		t.Fatal(err)
	}
	var out []sandbox.Entry
	waitUntil(t, "the export", 60*time.Second, func() (bool, string) {
		out = u.settle(s.Seq)
		return len(out) >= 3, fmt.Sprint(len(out))
	})
	exportedIn := time.Since(start)
	cust := withText(t, out, n(t, "en", "transfer.export.customers", rows))
	if recs := exported(t, e, cust); len(recs) != rows+1 {
		t.Errorf("export: %d rows, want %d", len(recs)-1, rows)
	}
	t.Logf("%d rows, %d KB: checked in %v, imported in %v (the chat's view, sandbox to sandbox); export of %d KB in %v",
		rows, len(file)>>10, checked.Round(time.Millisecond), imported.Round(time.Millisecond), cust.Document.FileSize>>10, exportedIn.Round(time.Millisecond))
}
