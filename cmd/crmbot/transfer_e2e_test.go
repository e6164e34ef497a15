package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// newStaff makes an active staff member of role (in team, when named) who
// has opened the bot before.
func newStaff(t *testing.T, db *postgres.DB, tgID int64, name, lang string, role crm.Role, team string) crm.Staff {
	t.Helper()
	ctx := context.Background()
	token, err := db.CreateInvite(ctx, postgres.InviteRequest{Role: role, TeamName: team})
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.RedeemInvite(ctx, token, postgres.TelegramUser{ID: tgID, FirstName: name, LanguageCode: lang}, lang)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.MarkWelcomed(ctx, s.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if s, err = db.StaffByID(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	return s
}

// download fetches url's bytes.
func download(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return b
}

// upload sends a document and returns the bot's messages after it.
func (u *user) upload(name string, data []byte) []sandbox.Entry {
	u.e.t.Helper()
	s, err := u.e.sb.SendDocument(u.id, name, data, "", u.opts())
	if err != nil {
		u.e.t.Fatalf("send %s: %v", name, err)
	}
	return u.settle(s.Seq)
}

// forge taps data on message msgID without the message offering it (a
// button gone, or one never shown) and returns what the bot answered.
func (u *user) forge(msgID int64, data string) []sandbox.Entry {
	u.e.t.Helper()
	_, msgs := u.forgeAnswer(msgID, data)
	return msgs
}

// forgeAnswer is forge, with the text the bot answered this very press
// with (answerCallbackQuery for its callback_query_id).
func (u *user) forgeAnswer(msgID int64, data string) (string, []sandbox.Entry) {
	u.e.t.Helper()
	s, err := u.e.sb.Tap(u.id, msgID, data, true)
	if err != nil {
		u.e.t.Fatalf("tap %q: %v", data, err)
	}
	// Every press is answered (answers go ahead of the chat's queue), then
	// the chat stays quiet once the edits and messages are in.
	var answer string
	waitUntil(u.e.t, "the answer to "+data, 20*time.Second, func() (bool, string) {
		for _, c := range u.e.sb.Calls(sandbox.CallFilter{Method: "answerCallbackQuery"}) {
			if c.Params["callback_query_id"] == s.CallbackQueryID {
				answer = c.Params["text"]
				return true, ""
			}
		}
		return false, "no answer yet"
	})
	last, quiet := u.e.sb.Transcript(u.id).String(), time.Now()
	for deadline := time.Now().Add(10 * time.Second); time.Since(quiet) < 500*time.Millisecond && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		if now := u.e.sb.Transcript(u.id).String(); now != last {
			last, quiet = now, time.Now()
		}
	}
	return answer, botMessages(u.e.sb, u.id)
}

// buttonData is the data of msg's first button starting with prefix.
func buttonData(t *testing.T, m sandbox.Entry, prefix string) string {
	t.Helper()
	for _, b := range m.Buttons() {
		if strings.HasPrefix(b.CallbackData, prefix) {
			return b.CallbackData
		}
	}
	t.Fatalf("no %q button on %q", prefix, m.Text)
	return ""
}

// withText is the first entry whose text or caption contains s.
func withText(t *testing.T, es []sandbox.Entry, s string) sandbox.Entry {
	t.Helper()
	for _, e := range es {
		if strings.Contains(e.Text, s) || strings.Contains(e.Caption, s) {
			return e
		}
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Text+e.Caption)
	}
	t.Fatalf("no message with %q in:\n%s", s, strings.Join(got, "\n---\n"))
	return sandbox.Entry{}
}

// n is plural message id for count in lang, as the chat shows it.
func n(t *testing.T, lang, id string, count int) string {
	t.Helper()
	return stripTags(i18nFor(t, lang).N(id, count, nil))
}

// header is an import file's header row in lang.
var importHeader = map[string]string{"fa": "نام,تلفن,شرکت,شهر", "ar": "الاسم,الهاتف,الشركة,المدينة", "en": "name,phone,company,city"}

// TestImportFromChat: through the real wiring and the sandbox, in fa, ar
// and en, an admin sends a CSV (BOM, Persian and Arabic text, a duplicate
// phone, a phone of an existing customer, a bad phone): the report says
// what would happen and nothing is written until Import; Import creates,
// merges and updates, a second tap imports nothing twice. A non-UTF-8
// file, a wrong header, a formula cell, a 50 MB file and a spreadsheet that
// is not CSV each get a clear answer and import nothing (the 50 MB one is
// never downloaded); a stale Import and a forged one are refused. A rep's
// file may only give customers to the rep: rows for others are rejected
// with their reasons, and with more than ten the full list comes as a file.
func TestImportFromChat(t *testing.T) {
	t.Parallel()
	teh, _ := time.LoadLocation("Asia/Tehran")
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, teh)
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			e := startE2E(t, start)
			ctx := context.Background()
			admin := newStaff(t, e.db, 8101, "Ali", lang, crm.RoleAdmin, "")
			rep := newStaff(t, e.db, 8102, "Sara", lang, crm.RoleRep, "North")
			other := newStaff(t, e.db, 8103, "Reza", lang, crm.RoleRep, "South")
			old, err := e.db.CreateCustomer(ctx, crm.Customer{Name: "مریم احمدی", Phones: []string{"+989121111111"}, OwnerID: other.ID}, other.ID)
			if err != nil {
				t.Fatal(err)
			}
			customers := func() int { return count(t, e, `SELECT count(*) FROM customers`) }
			u := e.user(admin.TelegramUserID, "Ali", lang)

			help := u.say("/import")
			if !strings.Contains(help.Text, tr(t, lang, "transfer.col.phone", nil)) || !strings.Contains(help.Text, "name, phone, company") {
				t.Errorf("/import does not list the columns:\n%s", help.Text)
			}

			good := []byte("\uFEFF" + importHeader[lang] + "\n" +
				"علی کریمی,۰۹۱۲ ۳۴۵ ۶۷۸۹,نارنج,تهران\n" +
				"علي كريمي,+98 912 345 6789,,شیراز\n" +
				"مریم,09121111111,پرتقال,اصفهان\n" +
				"سارا,12,,\n")
			got := u.upload("customers.csv", good)
			report := withText(t, got, n(t, lang, "transfer.report.created", 1))
			for _, want := range []string{n(t, lang, "transfer.report.rows", 4), n(t, lang, "transfer.report.updated", 1),
				n(t, lang, "transfer.report.merged", 1), n(t, lang, "transfer.report.rejected", 1),
				stripTags(tr(t, lang, "transfer.issue.line_column", map[string]any{"Line": 5, "Column": tr(t, lang, "transfer.col.phone", nil),
					"Reason": tr(t, lang, "transfer.code.phone_invalid", nil)}))} {
				if !strings.Contains(report.Text, want) {
					t.Errorf("the report lacks %q:\n%s", want, report.Text)
				}
			}
			if customers() != 1 {
				t.Fatalf("the check wrote customers: %d", customers())
			}
			run := buttonData(t, report, "xi:")
			done := u.tap("xi:")
			if !strings.Contains(done.Text, stripTags(tr(t, lang, "transfer.report.done", map[string]any{"File": "customers.csv"}))) {
				t.Errorf("after Import: %s", done.Text)
			}
			ali, err := e.db.CustomerByPhone(ctx, "+989123456789")
			if err != nil {
				t.Fatal(err)
			}
			if ali.Name != "علی کریمی" || ali.City != "تهران" || ali.OwnerID != 0 || customers() != 2 {
				t.Errorf("merged customer %+v (an admin's rows go to the pool), %d customers", ali, customers())
			}
			if got := e.customer(old.ID); got.Company != "پرتقال" || got.Name != "مریم احمدی" || got.OwnerID != other.ID {
				t.Errorf("the existing customer: %+v", got)
			}
			if got, _ := u.forgeAnswer(report.MessageID, run); got != tr(t, lang, "transfer.import.already", nil) || customers() != 2 {
				t.Errorf("a second Import: answered %q, not that it was imported, or %d customers", got, customers())
			}

			// Stale and forged buttons.
			first := withText(t, u.upload("customers.csv", good), n(t, lang, "transfer.report.updated", 2))
			second := withText(t, u.upload("customers.csv", good), n(t, lang, "transfer.report.updated", 2))
			if _, err := e.sb.Tap(u.id, first.MessageID, buttonData(t, first, "xi:"), false); err != nil {
				t.Fatal(err)
			}
			u.forge(second.MessageID, "xi:zzzz")
			waitUntil(t, "stale answers", 10*time.Second, func() (bool, string) {
				n := 0
				for _, c := range e.sb.Calls(sandbox.CallFilter{Method: "answerCallbackQuery"}) {
					if c.Params["text"] == tr(t, lang, "error.stale_button", nil) {
						n++
					}
				}
				return n == 2, "stale answers: " + strconv.Itoa(n)
			})
			cancelled := u.tap("xc:")
			if !strings.Contains(cancelled.Text, stripTags(tr(t, lang, "transfer.import.cancelled", map[string]any{"File": "customers.csv"}))) {
				t.Errorf("cancel: %s", cancelled.Text)
			}
			if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'import.file'`); n != 1 || customers() != 2 {
				t.Errorf("stale, forged and cancelled imports wrote: %d imports, %d customers", n, customers())
			}

			// Files refused whole.
			gets := len(e.sb.Calls(sandbox.CallFilter{Method: "getFile"}))
			big := bytes.Repeat([]byte("a,b\n"), 50<<20/4)
			for _, f := range []struct {
				name string
				data []byte
				want string
			}{
				{"latin1.csv", []byte("name,phone\nJos\xe9,09121234500\n"), tr(t, lang, "transfer.code.not_utf8", map[string]any{"Encoding": "UTF-8"})},
				{"header.csv", []byte("name,fone\nA,09121234500\n"), tr(t, lang, "transfer.refused.column", map[string]any{"Column": "fone"})},
				{"formula.csv", []byte("name,phone\nA,09121234500\n=cmd|' /C calc'!A0,09121234501\n"), tr(t, lang, "transfer.code.formula", nil)},
				{"big.csv", big, tr(t, lang, "transfer.import.too_large", map[string]any{"File": "big.csv", "Size": format.Fixed(lang, 50, 1), "Limit": 10})},
				{"sheet.xlsx", []byte("PK\x03\x04 not a csv"), tr(t, lang, "transfer.import.not_csv", map[string]any{"File": "sheet.xlsx", "Format": "CSV UTF-8"})},
			} {
				got := u.upload(f.name, f.data)
				withText(t, got, stripTags(f.want))
				if customers() != 2 {
					t.Errorf("%s imported something: %d customers", f.name, customers())
				}
			}
			formula := withText(t, botMessages(e.sb, u.id), stripTags(tr(t, lang, "transfer.code.formula", nil)))
			if !strings.Contains(formula.Text, stripTags(tr(t, lang, "transfer.issue.line_column", map[string]any{"Line": 3,
				"Column": tr(t, lang, "transfer.col.name", nil), "Reason": tr(t, lang, "transfer.code.formula", nil)}))) {
				t.Errorf("the formula cell's line is not named:\n%s", formula.Text)
			}
			if n := len(e.sb.Calls(sandbox.CallFilter{Method: "getFile"})) - gets; n != 3 {
				t.Errorf("%d files fetched, want 3 (neither the 50 MB file nor the spreadsheet)", n)
			}

			// A rep imports only for themselves.
			r := e.user(rep.TelegramUserID, "Sara", lang)
			var rows strings.Builder
			rows.WriteString("name,phone,owner\nMine,09120000010,\n")
			rows.WriteString("Gift,09120000011," + strconv.FormatInt(admin.ID, 10) + "\n")
			rows.WriteString("Steal,09121111111,\n")
			for i := 0; i < 10; i++ {
				rows.WriteString("Bad" + strconv.Itoa(i) + ",1" + strconv.Itoa(i) + "\n")
			}
			got = r.upload("mine.csv", []byte(rows.String()))
			report = withText(t, got, n(t, lang, "transfer.report.rejected", 12))
			if !strings.Contains(report.Text, stripTags(tr(t, lang, "transfer.code.owner_forbidden", nil))) {
				t.Errorf("the rep's report lacks owner_forbidden:\n%s", report.Text)
			}
			// Another rep's phone is counted, never listed with its line.
			if !strings.Contains(report.Text, stripTags(n(t, lang, "transfer.report.not_yours", 1))) ||
				strings.Contains(report.Text, stripTags(tr(t, lang, "transfer.code.not_yours", nil))) {
				t.Errorf("the rep's report lists the line of another rep's phone, or does not count it:\n%s", report.Text)
			}
			list := withText(t, got, n(t, lang, "transfer.report.issues_file", 11))
			if list.Document == nil || list.Document.FileName != "rejected-rows.csv" {
				t.Fatalf("the rejected rows did not come as a file: %+v", list)
			}
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(download(t, e.sb.BotAPIURL()+list.Document.URL), []byte("\uFEFF")))).ReadAll()
			if err != nil || len(recs) != 12 || recs[1][0] != "3" || recs[1][3] != "owner_forbidden" {
				t.Errorf("rejected-rows.csv: %v %v", recs, err)
			}
			for _, rec := range recs {
				if rec[3] == "not_yours" || rec[0] == "4" {
					t.Errorf("rejected-rows.csv names another rep's phone: %q", rec)
				}
			}
			r.tap("xi:")
			mine, err := e.db.CustomerByPhone(ctx, "+989120000010")
			if err != nil || mine.OwnerID != rep.ID || customers() != 3 {
				t.Errorf("the rep's row: %+v %v, %d customers", mine, err, customers())
			}
		})
	}
}

// exported downloads a CSV document the bot sent and returns its rows
// (header first), checking it opens in Excel as written: a UTF-8 BOM and
// CRLF line ends.
func exported(t *testing.T, e *e2e, m sandbox.Entry) [][]string {
	t.Helper()
	if m.Document == nil {
		t.Fatalf("not a document: %+v", m)
	}
	raw := download(t, e.sb.BotAPIURL()+m.Document.URL)
	if !bytes.HasPrefix(raw, []byte("\uFEFF")) || !bytes.Contains(raw, []byte("\r\n")) {
		t.Errorf("%s is not Excel-friendly (BOM, CRLF): %q", m.Document.FileName, raw[:min(len(raw), 40)])
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestExportAndEraseFromChat: through the real wiring and the sandbox, in
// fa, ar and en, /export sends customers.csv and activities.csv with the
// count of each: a rep gets their own customers, a manager their team's,
// an admin all, and cells a spreadsheet would run are escaped. Only an
// admin's card has 🗑; a rep's forged erase changes nothing; the admin's
// confirmed erase leaves the customer's number, the kept counts and an
// audit row, and the card then shows the customer erased.
func TestExportAndEraseFromChat(t *testing.T) {
	t.Parallel()
	teh, _ := time.LoadLocation("Asia/Tehran")
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, teh)
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			e := startE2E(t, start)
			ctx := context.Background()
			admin := newStaff(t, e.db, 8201, "Ali", lang, crm.RoleAdmin, "")
			manager := newStaff(t, e.db, 8202, "Mina", lang, crm.RoleManager, "North")
			rep := newStaff(t, e.db, 8203, "Sara", lang, crm.RoleRep, "North")
			south := newStaff(t, e.db, 8204, "Reza", lang, crm.RoleRep, "South")
			mine, err := e.db.CreateCustomer(ctx, crm.Customer{Name: "علی کریمی", Company: "=cmd|' /C calc'!A0", Phones: []string{"+989121112233"},
				OwnerID: rep.ID}, rep.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.db.LogActivity(ctx, crm.Activity{CustomerID: mine.ID, StaffID: rep.ID, Kind: crm.ActivityCall, Note: "@SUM(1+1)",
				VoiceFileID: "voice-1", OccurredAt: start.Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			for _, c := range []crm.Customer{{Name: "Dara South", OwnerID: south.ID}, {Name: "Pool"}} {
				if _, err := e.db.CreateCustomer(ctx, c, admin.ID); err != nil {
					t.Fatal(err)
				}
			}
			for _, tt := range []struct {
				who                   crm.Staff
				title                 string
				customers, activities int
			}{{rep, "transfer.export.title_own", 1, 1}, {manager, "transfer.export.title_team", 1, 1}, {admin, "transfer.export.title_all", 3, 1}} {
				u := e.user(tt.who.TelegramUserID, tt.who.DisplayName, lang)
				s, err := e.sb.SendText(u.id, "/export", u.opts())
				if err != nil {
					t.Fatal(err)
				}
				var got []sandbox.Entry
				waitUntil(t, "two documents", 20*time.Second, func() (bool, string) {
					got = u.settle(s.Seq)
					return len(got) >= 3, "messages: " + strconv.Itoa(len(got))
				})
				withText(t, got, stripTags(tr(t, lang, tt.title, nil)))
				cust := exported(t, e, withText(t, got, n(t, lang, "transfer.export.customers", tt.customers)))
				acts := exported(t, e, withText(t, got, n(t, lang, "transfer.export.activities", tt.activities)))
				if len(cust) != tt.customers+1 || len(acts) != tt.activities+1 {
					t.Fatalf("%s: %d customer rows, %d activity rows; want %d and %d", tt.who.Role, len(cust)-1, len(acts)-1, tt.customers, tt.activities)
				}
				row := cust[1]
				if row[1] != "علی کریمی" || row[2] != "'+989121112233" || row[3] != "'=cmd|' /C calc'!A0" || acts[1][7] != "'@SUM(1+1)" {
					t.Errorf("%s: formula cells not escaped or wrong rows: %q / %q", tt.who.Role, row, acts[1])
				}
				if tt.who.Role != crm.RoleAdmin {
					for _, r := range cust[1:] {
						if r[1] == "Dara South" || r[1] == "Pool" {
							t.Errorf("%s exported %q, which is not theirs to see", tt.who.Role, r[1])
						}
					}
				}
			}

			// Erasure: the rep has no 🗑 and a forged one is refused.
			cid := strconv.FormatInt(mine.ID, 36)
			r := e.user(rep.TelegramUserID, "Sara", lang)
			card := r.say("علی کریمی")
			if hasData(card, "xe:") || hasData(card, "xy:") {
				t.Errorf("a rep's card offers erasure: %v", card.Buttons())
			}
			forbidden := tr(t, lang, "error.forbidden", nil)
			for _, data := range []string{"xe:" + cid, "xy:" + cid, "xy:" + cid + ":1"} {
				if got, _ := r.forgeAnswer(card.MessageID, data); got != forbidden || e.customer(mine.ID).Name != "علی کریمی" {
					t.Fatalf("a rep's forged %s was answered %q (want %q), and the customer is %q", data, got, forbidden, e.customer(mine.ID).Name)
				}
			}
			// Nor may the customer's manager erase it.
			m := e.user(manager.TelegramUserID, "Mina", lang)
			mcard := m.say("علی کریمی")
			if hasData(mcard, "xe:") {
				t.Errorf("a manager's card offers erasure: %v", mcard.Buttons())
			}
			for _, data := range []string{"xe:" + cid, "xy:" + cid} {
				if got, _ := m.forgeAnswer(mcard.MessageID, data); got != forbidden || e.customer(mine.ID).Name != "علی کریمی" {
					t.Fatalf("a manager's forged %s was answered %q (want %q), and the customer is %q", data, got, forbidden, e.customer(mine.ID).Name)
				}
			}

			// An admin's confirm that skips the question is a stale button.
			a := e.user(admin.TelegramUserID, "Ali", lang)
			acard := a.say("علی کریمی")
			if got, _ := a.forgeAnswer(acard.MessageID, "xy:"+cid); got != tr(t, lang, "error.stale_button", nil) || e.customer(mine.ID).Name != "علی کریمی" {
				t.Fatalf("an admin's confirm without the question was answered %q, and the customer is %q", got, e.customer(mine.ID).Name)
			}
			a.say("علی کریمی")
			confirm := a.tap("xe:")
			if !strings.Contains(confirm.Text, "علی کریمی") || !hasData(confirm, "xy:") {
				t.Fatalf("no confirmation naming the customer: %s", confirm.Text)
			}
			done := a.tap("xy:")
			for _, want := range []string{n(t, lang, "transfer.erase.kept_activities", 1), n(t, lang, "transfer.erase.kept_stage_moves", 1),
				n(t, lang, "transfer.erase.kept_purchases", 0)} {
				if !strings.Contains(done.Text, want) {
					t.Errorf("the erasure's answer lacks %q:\n%s", want, done.Text)
				}
			}
			got := e.customer(mine.ID)
			if got.Name != crm.ErasedName(mine.ID) || len(got.Phones) != 0 || got.Company != "" || !got.Deleted() {
				t.Errorf("after erasure: %+v", got)
			}
			if n := count(t, e, `SELECT count(*) FROM activities WHERE note IS NOT NULL OR voice_file_id IS NOT NULL`); n != 0 {
				t.Errorf("%d activities keep their note or voice", n)
			}
			if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'customer.erase' AND actor_staff_id = `+strconv.FormatInt(admin.ID, 10)); n != 1 {
				t.Errorf("%d audit rows of the erasure, want 1", n)
			}
			cal, err := calendar.Parse(admin.Calendar)
			if err != nil {
				t.Fatal(err)
			}
			a.forge(done.MessageID, "cc:"+cid)
			want := stripTags(tr(t, lang, "transfer.erased_card", map[string]any{"Number": format.Digits(lang, crm.ErasedName(mine.ID)),
				"Date": format.Date(lang, cal, start.In(admin.Location()))}))
			waitUntil(t, "the erased customer's card", 20*time.Second, func() (bool, string) {
				erased := botMessages(e.sb, a.id)
				last := erased[len(erased)-1].Text
				return strings.Contains(last, want) && !strings.Contains(last, "علی") && !strings.Contains(last, "2233"), last
			})
		})
	}
}
