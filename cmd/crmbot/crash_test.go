package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestKillNineMidBurstResumesWithinSeconds kills the real `crmbot run`
// (the real handlers, polling mode, Telegram's one message per second per
// chat) with SIGKILL in the middle of a burst of 20 chats × 15 messages,
// starts it again, and checks that nothing is lost or doubled and that the
// replies resume at once: the last of the 300 is sent within 25 s of the
// restart, which is what one message per second per chat allows once the
// dead process's leases have run out (the chat that was mid-send waits for
// one lease, then probes before it resends).
func TestKillNineMidBurstResumesWithinSeconds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := pgtest.URL(t)
	pool, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := postgres.New(pool)
	const chats, burst = 20, 15
	const firstChat = 93000
	for c := int64(firstChat); c < firstChat+chats; c++ {
		newRep(t, db, c, "Rep", "en")
	}
	sb := sandbox.NewTest(t, sandbox.Options{BotUsername: "crm_crash_bot"})
	cfg := config.Config{BotToken: sb.Token(), DatabaseURL: dbURL, APIURL: sb.BotAPIURL(), ListenAddr: "127.0.0.1:0",
		DefaultLocale: "en", TimeZone: "Asia/Tehran", GlobalRate: 30, LogLevel: "info"}
	spec := replicaSpec{Config: cfg, PeriodicEvery: time.Second, ChatInterval: time.Second}
	first := startReplicas(t, spec)[0]

	for i := 0; i < burst; i++ {
		for c := int64(firstChat); c < firstChat+chats; c++ {
			if _, err := sb.SendText(c, searchQuery(c, i), sandbox.MsgOpts{FirstName: "Rep", LanguageCode: "en"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	total := func() int {
		n := 0
		for c := int64(firstChat); c < firstChat+chats; c++ {
			n += len(botMessages(sb, c))
		}
		return n
	}
	// Kill it once replies are flowing, with sends in flight in every chat.
	waitUntil(t, "the first replies", 30*time.Second, func() (bool, string) {
		n := total()
		return n >= 2*chats, fmt.Sprintf("%d replies", n)
	})
	first.kill(t)
	before := total()
	restarted := time.Now()
	startReplicas(t, spec)
	waitUntil(t, "every reply after the restart", 60*time.Second, func() (bool, string) {
		n := total()
		return n >= chats*burst, fmt.Sprintf("%d of %d replies", n, chats*burst)
	})
	resumed := time.Since(restarted)
	time.Sleep(1500 * time.Millisecond) // a double would show up now
	t.Logf("killed after %d replies; the other %d came within %v of the restart", before, chats*burst-before, resumed.Round(time.Millisecond))
	for c := int64(firstChat); c < firstChat+chats; c++ {
		checkReplies(t, sb, c, burst)
	}
	if resumed > 25*time.Second {
		t.Errorf("the last reply came %v after the restart, want within 25 s", resumed.Round(time.Millisecond))
	}
	for _, c := range sb.Calls(sandbox.CallFilter{}) {
		if !c.OK && c.ErrorCode != 400 { // a probe's "message is not modified" is expected
			t.Errorf("the sandbox refused %s: %d %s", c.Method, c.ErrorCode, c.Description)
		}
	}
}
