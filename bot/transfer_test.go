package bot

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/sandbox"
	"github.com/telecrm/crmbot/internal/transfer"
)

// Every code internal/transfer reports reads as a sentence in every
// language, and every column name /import shows is a header the importer
// accepts: a file written with the header the help names imports.
func TestTransferMessagesAndHeaders(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, lang := range i18n.Supported() {
		for _, code := range append(append([]string{}, transfer.FileCodes...), transfer.RowCodes...) {
			// A missing translation falls back to English: fa and ar must
			// differ from it, English from the message id.
			got, en := h.tr(lang, "transfer.code."+code, withFormat(nil)), h.tr("en", "transfer.code."+code, withFormat(nil))
			if strings.HasPrefix(en, "transfer.") || (lang != "en" && got == en) {
				t.Errorf("%s: no sentence for code %s (got %q)", lang, code, got)
			}
		}
		var header []string
		for _, c := range transfer.Columns {
			header = append(header, stripBidi(h.tr(lang, "transfer.col."+c, nil)))
		}
		recs, _, err := transfer.Records([]byte(strings.Join(header, ",") + "\n" + "Sara,09121234567,Co,Job,Ind,City,Src,vip,,,note\n"))
		if err != nil || len(recs) != 1 || recs[0].Cells[transfer.ColNotes] != "note" || recs[0].Cells[transfer.ColPhone] != "09121234567" {
			t.Errorf("%s: the header /import shows (%v) does not import: %v %v", lang, header, recs, err)
		}
	}
}

// An export larger than one Telegram upload is answered in words, and
// sends no document.
func TestExportOverTheUploadLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.member(300, "Ali", "admin", "ar", 0)
	for i := 0; i < 20; i++ {
		h.customer("Customer with a long enough name", 0)
	}
	h.bot.exportMax = 500
	got := h.text(admin.user, "/export")
	if len(got) != 1 || got[0].Method != "sendMessage" ||
		!strings.Contains(stripBidi(got[0].Text), "٠٫٥ كيلوبايت") {
		t.Fatalf("an export over the limit (500 bytes: ٠٫٥ كيلوبايت): %s", dump(got))
	}
	for n, want := range map[int]string{500: "0.5 KB", 1 << 20: "1 MB", maxExportBytes: "20 MB", 1536 << 10: "1.5 MB"} {
		if got := (&req{loc: h.bot.d.I18n.For("en")}).fileSize(n); stripBidi(got) != want {
			t.Errorf("fileSize(%d) = %q, want %q", n, got, want)
		}
	}
	h.bot.exportMax = 1 << 20
	got = h.text(admin.user, "/export")
	if len(got) != 3 || got[1].Method != "sendDocument" || got[1].FileName != "customers.csv" ||
		got[1].Text != h.bot.d.I18n.For("ar").N("transfer.export.customers", 20, nil) {
		t.Fatalf("an export within the limit: %s", dump(got))
	}
}

// The file Import applies must be the one checked: when the checked
// file's hash in the state no longer matches what Telegram serves for its
// file_id (a state from another file), Import refuses politely, imports
// nothing and ends the flow, so the button is stale afterwards. The file
// really travels: the sandbox serves it and the delivery client fetches it.
func TestImportRefusesAChangedFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sb := sandbox.NewTest(t, sandbox.Options{RateLimits: sandbox.RateLimits{Disabled: true}})
	h.bot.files = delivery.NewClient(sb.BotAPIURL(), sb.Token(), nil)
	admin := h.member(302, "Ali", "admin", "fa", 0)
	data := []byte("name,phone\nسارا,09121234567\n")
	if _, err := sb.SendDocument(admin.user.ID, "list.csv", data, "", sandbox.MsgOpts{}); err != nil {
		t.Fatal(err)
	}
	doc := sb.Transcript(admin.user.ID).Messages[0].Document
	h.seq++
	got := h.handle(&models.Update{ID: h.seq, Message: &models.Message{ID: int(h.seq), From: &admin.user,
		Chat: models.Chat{ID: admin.user.ID, Type: models.ChatTypePrivate}, Date: int(h.now.Unix()),
		Document: &models.Document{FileID: doc.FileID, FileUniqueID: "u", FileName: "list.csv", MimeType: "text/csv", FileSize: doc.FileSize}}})
	run := button(t, got, actImportRun+":")
	h.exec(`UPDATE conversation_state SET data = jsonb_set(data, '{sha}', to_jsonb(repeat('0', 64))) WHERE chat_id = $1`, admin.user.ID)
	got = h.press(admin.user, 1, run)
	if !strings.Contains(texts(got), h.tr("fa", "transfer.import.changed", map[string]any{"File": "list.csv"})) {
		t.Fatalf("a changed file: %s", dump(got))
	}
	got = h.press(admin.user, 1, run)
	if texts(got) != h.tr("fa", "error.stale_button", nil) || scalar[int](h, `SELECT count(*) FROM customers`) != 0 {
		t.Errorf("after the refusal: %s, %d customers", dump(got), scalar[int](h, `SELECT count(*) FROM customers`))
	}
}

// refusingFiles is a file source whose download Telegram answers with an
// HTTP status (a file_path that expired: 404).
type refusingFiles struct{ code int }

func (f refusingFiles) OpenFile(context.Context, string) (io.ReadCloser, error) {
	return nil, &delivery.APIError{Method: "file", Code: f.code, Description: http.StatusText(f.code)}
}

// Any 4xx from the file download (not only getFile's 400) is a file
// Telegram will not hand over: the user is told at once, in their
// language, instead of the update being retried until it is parked; a 429
// is worth waiting for.
func TestImportOfAFileTelegramRefuses(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(303, "Sara", "rep", "fa", 0)
	doc := func() *models.Update {
		h.seq++
		return &models.Update{ID: h.seq, Message: &models.Message{ID: int(h.seq), From: &rep.user,
			Chat: models.Chat{ID: rep.user.ID, Type: models.ChatTypePrivate}, Date: int(h.now.Unix()),
			Document: &models.Document{FileID: "f1", FileUniqueID: "u1", FileName: "list.csv", MimeType: "text/csv", FileSize: 100}}}
	}
	for _, code := range []int{400, 403, 404} {
		h.bot.files = refusingFiles{code}
		got := h.handle(doc())
		if want := h.tr("fa", "transfer.import.unavailable", map[string]any{"File": "list.csv"}); texts(got) != want {
			t.Errorf("a %d from the download: %s, want %q", code, dump(got), want)
		}
	}
	if !refusedFile(&delivery.APIError{Code: 404}) || refusedFile(&delivery.APIError{Code: 429}) || refusedFile(&delivery.APIError{Code: 502}) {
		t.Error("refusedFile: want 404 refused, 429 and 502 retried")
	}
}

// sendCSV is m sending data as list.csv: the sandbox keeps the file (the
// bot fetches it through the delivery client) and the bot handles the
// message.
func (h *harness) sendCSV(sb *sandbox.Server, m member, data []byte) []outbound.Message {
	h.t.Helper()
	h.bot.files = delivery.NewClient(sb.BotAPIURL(), sb.Token(), nil)
	if _, err := sb.SendDocument(m.user.ID, "list.csv", data, "", sandbox.MsgOpts{}); err != nil {
		h.t.Fatal(err)
	}
	msgs := sb.Transcript(m.user.ID).Messages
	doc := msgs[len(msgs)-1].Document
	h.seq++
	return h.handle(&models.Update{ID: h.seq, Message: &models.Message{ID: int(h.seq), From: &m.user,
		Chat: models.Chat{ID: m.user.ID, Type: models.ChatTypePrivate}, Date: int(h.now.Unix()),
		Document: &models.Document{FileID: doc.FileID, FileUniqueID: "u" + doc.FileID, FileName: "list.csv", MimeType: "text/csv", FileSize: doc.FileSize}}})
}

// csvWith is a file of good rows (new customers) and rows whose phones
// are those given.
func csvWith(good int, phones ...string) []byte {
	var b strings.Builder
	b.WriteString("name,phone\n")
	for i := 0; i < good; i++ {
		fmt.Fprintf(&b, "New %d,0912555%04d\n", i, i)
	}
	for i, p := range phones {
		fmt.Fprintf(&b, "Known %d,%s\n", i, p)
	}
	return []byte(b.String())
}

// A rep's check does not list which lines hold phones of other reps'
// customers (that would tell the rep, in bulk, who owns which phone): it
// says only how many, in the message and in the rejected-rows file; an
// admin's check of the same kind of file lists them.
func TestImportCheckHidesWhoOwnsAPhoneFromReps(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sb := sandbox.NewTest(t, sandbox.Options{RateLimits: sandbox.RateLimits{Disabled: true}})
	rep := h.member(304, "Sara", "rep", "en", 0)
	other := h.member(305, "Reza", "rep", "en", 0)
	var phones []string
	for i := 0; i < 12; i++ {
		c := h.customer("Theirs", other.id)
		p := fmt.Sprintf("0912777%04d", i)
		h.exec(`INSERT INTO customer_phones (e164, customer_id, is_primary) VALUES ($1, $2, true)`, "+98"+p[1:], c)
		phones = append(phones, p)
	}
	got := h.sendCSV(sb, rep, csvWith(1, phones...))
	all := texts(got)
	notYours := h.tr("en", "transfer.code.not_yours", withFormat(nil))
	if want := h.bot.d.I18n.For("en").N("transfer.report.not_yours", 12, nil); !strings.Contains(all, want) {
		t.Errorf("the rep's check does not say %q: %s", want, dump(got))
	}
	if strings.Contains(all, notYours) || strings.Contains(all, "0912777") || strings.Contains(all, "777000") {
		t.Errorf("the rep's check names the lines or phones of other reps' customers: %s", dump(got))
	}
	for _, m := range got {
		if m.Method == "sendDocument" {
			t.Errorf("the rep got a rejected-rows file: %s", m.File)
		}
	}
	admin := h.member(306, "Ali", "admin", "en", 0)
	if got := texts(h.sendCSV(sb, admin, csvWith(1, phones...))); strings.Contains(got, "not change") {
		t.Errorf("an admin may change every customer, yet: %s", got)
	}
}

// The final report of an import with more rejected rows than it lists
// says the full list came with the check; it does not announce a file
// "below", since none follows the import.
func TestImportReportPointsToTheCheckedList(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sb := sandbox.NewTest(t, sandbox.Options{RateLimits: sandbox.RateLimits{Disabled: true}})
	admin := h.member(307, "Ali", "admin", "fa", 0)
	var bad []string
	for i := 0; i < 12; i++ {
		bad = append(bad, "12")
	}
	got := h.sendCSV(sb, admin, csvWith(1, bad...))
	loc := h.bot.d.I18n.For("fa")
	if want := loc.N("transfer.report.more", 2, nil); !strings.Contains(texts(got), want) || got[len(got)-1].Method != "sendDocument" {
		t.Fatalf("the check: want %q and the list as a file: %s", want, dump(got))
	}
	got = h.press(admin.user, 1, button(t, got, actImportRun+":"))
	if want := loc.N("transfer.report.more_checked", 2, nil); !strings.Contains(texts(got), want) ||
		strings.Contains(texts(got), loc.N("transfer.report.more", 2, nil)) {
		t.Errorf("the import's report: want %q, not a file below: %s", want, dump(got))
	}
	for _, m := range got {
		if m.Method == "sendDocument" {
			t.Errorf("the import sent a file: %s", dump(got))
		}
	}
}

// Erasing needs the confirmation the 🗑 question offers: a confirm without
// the question's nonce, with another one, or for another customer is a
// stale button and erases nothing; the offered one erases, once.
func TestEraseNeedsItsConfirmation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.member(308, "Ali", "admin", "en", 0)
	c := h.customer("Nima Rad", 0)
	other := h.customer("Other Person", 0)
	stale := h.tr("en", "error.stale_button", nil)
	if got := texts(h.press(admin.user, 1, cb(actEraseDo, id(c)))); got != stale {
		t.Errorf("a confirm without the question: %q, want %q", got, stale)
	}
	got := h.press(admin.user, 1, cb(actEraseAsk, id(c)))
	confirm := button(t, got, actEraseDo+":")
	for _, forged := range []string{cb(actEraseDo, id(c), "zz"), cb(actEraseDo, id(other), strings.Split(confirm, ":")[2])} {
		if got := texts(h.press(admin.user, 1, forged)); got != stale {
			t.Errorf("%s: %q, want %q", forged, got, stale)
		}
	}
	if n := scalar[int](h, `SELECT count(*) FROM customers WHERE deleted_at IS NOT NULL`); n != 0 {
		t.Fatalf("%d customers erased without the confirmation", n)
	}
	h.press(admin.user, 1, confirm)
	if n := scalar[int](h, `SELECT count(*) FROM customers WHERE deleted_at IS NOT NULL AND id = $1`, c); n != 1 {
		t.Errorf("the offered confirm did not erase the customer")
	}
}

// A file sent in the middle of another flow (a customer half entered)
// does not overwrite that flow: the user is told to finish or cancel it
// first, the file is not checked, and the flow goes on where it was.
func TestImportWaitsForTheFlowUnderWay(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sb := sandbox.NewTest(t, sandbox.Options{RateLimits: sandbox.RateLimits{Disabled: true}})
	rep := h.member(309, "Sara", "rep", "ar", 0)
	h.text(rep.user, "/new")
	before := scalar[string](h, `SELECT flow || ':' || step FROM conversation_state WHERE chat_id = $1`, rep.user.ID)
	got := h.sendCSV(sb, rep, csvWith(1))
	if want := h.tr("ar", "transfer.import.busy", map[string]any{"File": "list.csv"}); texts(got) != want {
		t.Errorf("a file during /new: %s, want %q", dump(got), want)
	}
	if after := scalar[string](h, `SELECT flow || ':' || step FROM conversation_state WHERE chat_id = $1`, rep.user.ID); after != before || before != flowNewCustomer+":name" {
		t.Errorf("the flow under way: %q before the file, %q after; want %s:name kept", before, after, flowNewCustomer)
	}
	h.text(rep.user, "/cancel")
	if got := h.sendCSV(sb, rep, csvWith(1)); button(t, got, actImportRun+":") == "" {
		t.Errorf("after /cancel the file is not checked: %s", dump(got))
	}
}
