package bot

import (
	"strings"
	"testing"

	"github.com/telecrm/crmbot/internal/i18n"
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
			if got := h.tr(lang, "transfer.code."+code, withFormat(nil)); strings.HasPrefix(got, "transfer.") {
				t.Errorf("%s: no sentence for code %s", lang, code)
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
		got[0].Text != h.tr("ar", "transfer.export.too_large", map[string]any{"File": "customers.csv", "Limit": 0}) {
		t.Fatalf("an export over the limit: %s", dump(got))
	}
	h.bot.exportMax = 1 << 20
	got = h.text(admin.user, "/export")
	if len(got) != 3 || got[1].Method != "sendDocument" || got[1].FileName != "customers.csv" ||
		got[1].Text != h.bot.d.I18n.For("ar").N("transfer.export.customers", 20, nil) {
		t.Fatalf("an export within the limit: %s", dump(got))
	}
}
