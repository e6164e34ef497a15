package delivery_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// A document a user sent is fetched whole through getFile and its
// file_path; an unknown file and one over the download limit are the Bot
// API's 400s.
func TestOpenFileFetchesWhatTheUserSent(t *testing.T) {
	sb := sandbox.NewTest(t, sandbox.Options{RateLimits: sandbox.RateLimits{Disabled: true}})
	c := delivery.NewClient(sb.BotAPIURL(), sb.Token(), nil)
	ctx := context.Background()
	csv := []byte("\ufeffname,phone\r\nسارا,09121234567\r\n")
	if _, err := sb.SendDocument(5, "list.csv", csv, "", sandbox.MsgOpts{}); err != nil {
		t.Fatal(err)
	}
	var u struct {
		Message struct {
			Document struct {
				FileID string `json:"file_id"`
			} `json:"document"`
		} `json:"message"`
	}
	var ups []json.RawMessage
	if err := c.Call(ctx, "getUpdates", map[string]any{}, &ups); err != nil || len(ups) != 1 {
		t.Fatalf("getUpdates: %v, %d updates", err, len(ups))
	}
	if err := json.Unmarshal(ups[0], &u); err != nil {
		t.Fatal(err)
	}
	rc, err := c.OpenFile(ctx, u.Message.Document.FileID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, csv) {
		t.Errorf("fetched %q, want %q", got, csv)
	}
	var ae *delivery.APIError
	if _, err := c.OpenFile(ctx, "nope"); !errors.As(err, &ae) || ae.Code != 400 {
		t.Errorf("unknown file: %v", err)
	}
	// One byte over what a bot may download: getFile refuses it.
	big := bytes.Repeat([]byte("a"), sandbox.BotDownloadLimit+1)
	if _, err := sb.SendDocument(5, "big.csv", big, "", sandbox.MsgOpts{}); err != nil {
		t.Fatal(err)
	}
	msgs := sb.Transcript(5).Messages
	ae = nil
	if _, err := c.OpenFile(ctx, msgs[len(msgs)-1].Document.FileID); !errors.As(err, &ae) || ae.Code != 400 || ae.Method != "getFile" {
		t.Errorf("a file over the download limit: %v, want getFile's 400", err)
	}
}
