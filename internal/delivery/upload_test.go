package delivery_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// A photo and a document made by the bot (a chart, an export) are uploaded
// through the durable path and reach the user whole, with their caption
// and file name; a photo over the Bot API's limit is refused before any
// call.
func TestUploadsReachTheUserWhole(t *testing.T) {
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{})
	e.start(t, 5)
	n, _ := notifyEnv(t, e, "u1")
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 320, 200))); err != nil {
		t.Fatal(err)
	}
	chart := img.Bytes()
	csv := []byte("\ufeffname,phone\r\nSara,+989121234567\r\n")
	schedule(t, e.db, n, delivery.Notification{Kind: "test", ChatID: 5, DedupKey: "photo", Due: time.Now(),
		Message: &delivery.Message{Method: "sendPhoto", ChatID: 5, Text: "chart", File: chart, FileName: "chart.png"}})
	schedule(t, e.db, n, delivery.Notification{Kind: "test", ChatID: 5, DedupKey: "doc", Due: time.Now(),
		Message: &delivery.Message{Method: "sendDocument", ChatID: 5, Text: "export", File: csv, FileName: "customers.csv"}})
	waitFor(t, "both files sent", 10*time.Second, func() bool {
		return sendsStatus(t, e.pool, "photo") == "sent" && sendsStatus(t, e.pool, "doc") == "sent"
	})
	var photo, doc *sandbox.FileRef
	for _, m := range e.sb.Transcript(5).Messages {
		switch {
		case m.From == "bot" && m.Photo != nil:
			photo = m.Photo
			if m.Caption != "chart" {
				t.Errorf("photo caption = %q, want %q", m.Caption, "chart")
			}
		case m.From == "bot" && m.Document != nil:
			doc = m.Document
		}
	}
	if photo == nil || doc == nil {
		t.Fatalf("photo %v, document %v: want both in the chat", photo, doc)
	}
	if doc.FileName != "customers.csv" {
		t.Errorf("document name = %q, want customers.csv", doc.FileName)
	}
	for _, f := range []struct {
		ref  *sandbox.FileRef
		want []byte
	}{{photo, chart}, {doc, csv}} {
		got := download(t, e.sb.BotAPIURL()+f.ref.URL)
		if !bytes.Equal(got, f.want) {
			t.Errorf("%s: downloaded %d bytes, want the %d uploaded", f.ref.FileID, len(got), len(f.want))
		}
	}
	big := delivery.Message{Method: "sendPhoto", ChatID: 5, File: make([]byte, 10<<20+1)}
	if err := big.Validate(); err == nil {
		t.Error("a photo over 10 MB passed Validate")
	}
}

func download(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A reply that uploads a file (an export) loses the file's bytes from its
// outbox payload as soon as it is sent, not an hour later with the
// retention scrub: the customer list does not sit in the outbox. Its text
// and file name stay until the scrub.
func TestUploadedReplyLeavesNoBytesInTheOutbox(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sandbox.RateLimits{Disabled: true}, delivery.SenderOptions{})
	e.start(t, 6)
	out := delivery.NewOutbox(e.db, e.sender, delivery.OutboxOptions{Logger: quiet()})
	csv := []byte("\ufeffname,phone\r\nSara,+989121234567\r\n")
	m := delivery.Message{Method: "sendDocument", ChatID: 6, Text: "export", File: csv, FileName: "customers.csv"}
	if err := e.db.InTx(ctx, func(ctx context.Context) error { return out.Reply(ctx, m) }); err != nil {
		t.Fatal(err)
	}
	if err := out.Flush(ctx, 6); err != nil {
		t.Fatal(err)
	}
	var status string
	var file, name bool
	if err := e.pool.QueryRow(ctx, `SELECT status, payload ? 'file', payload ? 'file_name' FROM outbox WHERE chat_id = 6`).
		Scan(&status, &file, &name); err != nil {
		t.Fatal(err)
	}
	if status != "sent" || file || !name {
		t.Errorf("after the upload: status %s, file bytes kept %v, file name kept %v; want sent, false, true", status, file, name)
	}
	var doc *sandbox.FileRef
	for _, msg := range e.sb.Transcript(6).Messages {
		if msg.From == "bot" && msg.Document != nil {
			doc = msg.Document
		}
	}
	if doc == nil || !bytes.Equal(download(t, e.sb.BotAPIURL()+doc.URL), csv) {
		t.Errorf("the document did not reach the user whole: %v", doc)
	}
}
