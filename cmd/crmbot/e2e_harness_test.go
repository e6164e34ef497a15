package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// The end-to-end harness: the real wiring of `crmbot run` (inbox poller,
// dispatcher, bot, outbox, River) against the sandbox Bot API and a real
// PostgreSQL, with one injected clock shared by the bot, River and the
// sandbox so that reminders can be brought due without sleeping.

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

type e2e struct {
	t     *testing.T
	app   *app
	sb    *sandbox.Server
	db    *postgres.DB
	clock *fakeClock
	ctx   context.Context
}

// checkRefused fails the test on each Bot API call the sandbox refused
// (injected faults aside): a reply Telegram refuses is a user who sees
// nothing. A test that provokes a refusal on purpose (a 403 from a user
// who blocked the bot before the bot heard of it) checks it itself.
func (e *e2e) checkRefused() {
	for _, c := range e.sb.Calls(sandbox.CallFilter{}) {
		if !c.OK && c.Fault == "" {
			e.t.Errorf("the sandbox refused %s (%d %s) with %v", c.Method, c.ErrorCode, c.Description, c.Params)
		}
	}
}

func startE2E(t *testing.T, start time.Time) *e2e {
	t.Helper()
	clock := &fakeClock{t: start}
	sb := sandbox.NewTest(t, sandbox.Options{Now: clock.Now, BotUsername: "crm_e2e_bot", RateLimits: sandbox.RateLimits{Disabled: true}})
	url := pgtest.URL(t)
	cfg := config.Config{BotToken: sb.Token(), DatabaseURL: url, APIURL: sb.BotAPIURL(), DefaultLocale: "fa",
		TimeZone: "Asia/Tehran", PhoneRegion: "IR", GlobalRate: 1000, LogLevel: "warn"}
	a := startApp(t, cfg, appOptions{Now: clock.Now, PollTimeout: time.Second, ChatInterval: 10 * time.Millisecond, SweepInterval: 100 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	e := &e2e{t: t, app: a, sb: sb, db: postgres.New(db, postgres.WithClock(clock.Now)), clock: clock, ctx: ctx}
	t.Cleanup(e.checkRefused)
	return e
}

// user is one person chatting with the bot through the sandbox.
type user struct {
	e    *e2e
	id   int64
	lang string
	name string
}

func (e *e2e) user(id int64, name, lang string) *user {
	return &user{e: e, id: id, lang: lang, name: name}
}

func (u *user) opts() sandbox.MsgOpts {
	return sandbox.MsgOpts{FirstName: u.name, LanguageCode: u.lang}
}

// settle waits until the bot has answered the user's action at seq (at
// least one bot message or edit after it) and then stays quiet for a moment,
// and returns the bot's entries after seq, oldest first.
func (u *user) settle(seq int64) []sandbox.Entry {
	u.e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last int64
	quietSince := time.Now()
	for time.Now().Before(deadline) {
		tr := u.e.sb.TranscriptSince(u.id, seq)
		var bot []sandbox.Entry
		var top int64
		for _, en := range tr.Messages {
			if en.From == "bot" && !en.Deleted {
				bot = append(bot, en)
			}
			top = max(top, en.Seq)
		}
		if top != last {
			last, quietSince = top, time.Now()
		}
		if len(bot) > 0 && time.Since(quietSince) > 300*time.Millisecond {
			return bot
		}
		time.Sleep(20 * time.Millisecond)
	}
	u.e.t.Fatalf("no answer from the bot after seq %d:\n%s", seq, u.e.sb.Transcript(u.id).String())
	return nil
}

// say sends text and returns the bot's last message after it.
func (u *user) say(text string) sandbox.Entry {
	u.e.t.Helper()
	s, err := u.e.sb.SendText(u.id, text, u.opts())
	if err != nil {
		u.e.t.Fatalf("send %q: %v", text, err)
	}
	got := u.settle(s.Seq)
	return got[len(got)-1]
}

// tap presses the button whose callback data starts with prefix on the
// newest bot message that has one, and returns the bot's last message or
// edit after it.
func (u *user) tap(prefix string) sandbox.Entry {
	u.e.t.Helper()
	tr := u.e.sb.Transcript(u.id)
	for i := len(tr.Messages) - 1; i >= 0; i-- {
		m := tr.Messages[i]
		if m.From != "bot" || m.Deleted {
			continue
		}
		for _, b := range m.Buttons() {
			if strings.HasPrefix(b.CallbackData, prefix) {
				s, err := u.e.sb.Tap(u.id, m.MessageID, b.CallbackData, false)
				if err != nil {
					u.e.t.Fatalf("tap %q: %v", b.CallbackData, err)
				}
				got := u.settle(s.Seq)
				return got[len(got)-1]
			}
		}
	}
	u.e.t.Fatalf("no button with data %q in the chat:\n%s", prefix, tr.String())
	return sandbox.Entry{}
}

// voice sends a voice note of seconds and returns the bot's last message.
func (u *user) voice(seconds int) sandbox.Entry {
	u.e.t.Helper()
	s, err := u.e.sb.SendVoice(u.id, seconds, u.opts())
	if err != nil {
		u.e.t.Fatalf("send voice: %v", err)
	}
	got := u.settle(s.Seq)
	return got[len(got)-1]
}

// wait returns the first bot message (new or edited) after seq that matches.
func (u *user) wait(after int64, m sandbox.Match) sandbox.Entry {
	u.e.t.Helper()
	ctx, cancel := context.WithTimeout(u.e.ctx, 20*time.Second)
	defer cancel()
	return u.e.sb.ExpectBotMessage(u.e.t, ctx, u.id, after, m)
}
