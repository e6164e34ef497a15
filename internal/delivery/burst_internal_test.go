package delivery

import (
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// A notification is never part of a reply's burst: two notifications to
// one chat go a ChatInterval apart even with ReplyBurst 3.
func TestNotificationsDoNotBurst(t *testing.T) {
	sb := sandbox.NewTest(t, sandbox.Options{})
	s := NewSender(NewClient(sb.BotAPIURL(), sb.Token(), nil), pgtest.DB(t), SenderOptions{ReplyBurst: 3})
	if _, err := sb.SendText(1, "/start", sandbox.MsgOpts{}); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"first", "second"} {
		if _, err := s.send(t.Context(), Message{Method: "sendMessage", ChatID: 1, Text: text}, true, false); err != nil {
			t.Fatal(err)
		}
	}
	var times []time.Time
	for _, c := range sb.Calls(sandbox.CallFilter{Method: "sendMessage"}) {
		if c.OK {
			times = append(times, c.Time)
		}
	}
	if len(times) != 2 {
		t.Fatalf("the chat got %d notifications, want 2", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < 950*time.Millisecond {
		t.Errorf("two notifications reached the chat %v apart, want a ChatInterval (1 s)", gap)
	}
}
