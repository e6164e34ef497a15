package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/postgres"
)

// syncBuffer is a log sink for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The personal data of the updates below: none of it may reach a log at
// info level or above.
var personal = []string{
	"Shirin", "Ebadi-Moghaddam", "shirin_em", // the sender
	"Kourosh", "Farahani", "+989121234567", // a shared contact
	"0912 765 4321", "7654321", "Niavaran", "شیرین", // in the text
	"رنگ سبز", // button data
}

// A failing update is logged by its id, kind and cause, never with its
// text, its sender's name or a phone, even when the handler's error quotes
// them (retried, parked, or a panic); an unreadable update is logged by its
// size, not its JSON.
func TestFailuresLogNoPersonalData(t *testing.T) {
	ctx := context.Background()
	_, db := setup(t)
	from := `"from":{"id":7,"is_bot":false,"first_name":"Shirin","last_name":"Ebadi-Moghaddam","username":"shirin_em","language_code":"fa"}`
	chat := `"chat":{"id":7,"type":"private","first_name":"Shirin","last_name":"Ebadi-Moghaddam","username":"shirin_em"}`
	raws := []string{
		`{"update_id":101,"message":{"message_id":1,"date":1,` + from + `,` + chat + `,"text":"شیرین: call me on 0912 765 4321, office in Niavaran"}}`,
		`{"update_id":102,"message":{"message_id":2,"date":1,` + from + `,` + chat + `,"contact":{"phone_number":"+989121234567","first_name":"Kourosh","last_name":"Farahani"}}}`,
		`{"update_id":103,"callback_query":{"id":"q1",` + from + `,"chat_instance":"1","data":"رنگ سبز","message":{"message_id":3,"date":1,` + chat + `}}}`,
	}
	var ups []postgres.InboxUpdate
	for _, raw := range raws {
		u, err := inbox.ParseUpdate([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		ups = append(ups, u)
	}
	if _, err := db.InsertUpdates(ctx, ups); err != nil {
		t.Fatal(err)
	}
	// The handler's errors quote everything an update holds.
	h := inbox.HandlerFunc(func(ctx context.Context, u *models.Update) error {
		switch {
		case u.Message != nil && u.Message.Contact != nil:
			c := u.Message.Contact
			return fmt.Errorf("store contact %s %s %q of %s %s", c.FirstName, c.LastName, c.PhoneNumber, u.Message.From.FirstName, u.Message.From.LastName)
		case u.Message != nil:
			return fmt.Errorf("cannot read %q from @%s", u.Message.Text, u.Message.From.Username)
		case u.CallbackQuery != nil:
			panic("bad button " + u.CallbackQuery.Data + " from " + u.CallbackQuery.From.FirstName)
		}
		return errors.New("unexpected update")
	})
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	d := inbox.NewDispatcher(db, h, nil, inbox.DispatcherOptions{MaxAttempts: 2, Backoff: time.Millisecond, Logger: log})
	parked := func() int {
		_, _, n, err := db.InboxCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i := 0; parked() < len(ups); i++ {
		if i > 50 {
			t.Fatalf("only %d of %d updates parked", parked(), len(ups))
		}
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // the retry comes due
	}

	// The poller drops an update it cannot read.
	unreadable := `{"update_id":"104","message":{"text":"Shirin Ebadi-Moghaddam 0912 765 4321"}}`
	api := fakeUpdates{raws: []json.RawMessage{json.RawMessage(unreadable), json.RawMessage(raws[0])}}
	p := inbox.NewPoller(api, db, nil, inbox.PollerOptions{Logger: log})
	if _, err := p.PollOnce(ctx, 0); err != nil {
		t.Fatal(err)
	}

	out := logs.String()
	for _, want := range []string{"update_id=101", "update_id=102", "update_id=103", "kind=callback_query", "handler panic", "dropping an unreadable update"} {
		if !strings.Contains(out, want) {
			t.Errorf("the logs lack %q:\n%s", want, out)
		}
	}
	for _, s := range personal {
		if strings.Contains(out, s) {
			t.Errorf("the logs hold %q:\n%s", s, out)
		}
	}
}

// fakeUpdates answers getUpdates with raws.
type fakeUpdates struct{ raws []json.RawMessage }

func (f fakeUpdates) Call(_ context.Context, method string, _, result any) error {
	if method != "getUpdates" {
		return fmt.Errorf("unexpected %s", method)
	}
	*result.(*[]json.RawMessage) = f.raws
	return nil
}
