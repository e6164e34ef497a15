package sandbox

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
)

// A user's document reaches the bot with its name, type and size; the bot
// downloads it through getFile and file_path, and a file over the bots'
// 20 MB download limit is refused by getFile, as Telegram refuses it.
func TestUserDocumentIsDownloadable(t *testing.T) {
	sb := NewTest(t, fast())
	b := newBot(t, sb)
	ctx := ctxT(t)
	csv := []byte("\ufeffname,phone\nعلی,09121234567\n")
	sent, err := sb.SendDocument(42, "customers.csv", csv, "my list", MsgOpts{})
	if err != nil {
		t.Fatal(err)
	}
	big, err := sb.SendDocument(42, "big.csv", bytes.Repeat([]byte("a,b\n"), BotDownloadLimit/4+1), "", MsgOpts{})
	if err != nil {
		t.Fatal(err)
	}
	var doc, bigDoc *Document
	for _, u := range updatesOf(t, callJSON(t, sb, "getUpdates", nil)) {
		switch u.UpdateID {
		case sent.UpdateID:
			doc = u.Message.Document
			if u.Message.Caption != "my list" {
				t.Errorf("caption %q", u.Message.Caption)
			}
		case big.UpdateID:
			bigDoc = u.Message.Document
		}
	}
	if doc == nil || doc.FileName != "customers.csv" || doc.FileSize != int64(len(csv)) || doc.FileID == "" || doc.FileUniqueID == "" ||
		!strings.HasPrefix(doc.MimeType, "text/") {
		t.Fatalf("document = %+v", doc)
	}
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: doc.FileID})
	if err != nil {
		t.Fatal(err)
	}
	if got := download(t, b.FileDownloadLink(f)); !bytes.Equal(got, csv) {
		t.Errorf("downloaded %q, want %q", got, csv)
	}
	if bigDoc == nil || bigDoc.FileSize <= BotDownloadLimit {
		t.Fatalf("big document = %+v", bigDoc)
	}
	wantErr(t, callJSON(t, sb, "getFile", map[string]any{"file_id": bigDoc.FileID}), 400, "Bad Request: file is too big")
	if _, err := sb.SendDocument(42, "empty.csv", nil, "", MsgOpts{}); err == nil {
		t.Error("an empty document was sent")
	}
}
