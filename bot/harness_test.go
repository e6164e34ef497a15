package bot

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
	"github.com/telecrm/crmbot/internal/schedule"
)

// The handler-level harness: a real database and real locales, with the
// replies collected in memory instead of sent. End-to-end tests through the
// sandbox live in e2e_test.go.

type outbox struct {
	t    testing.TB
	mu   sync.Mutex
	msgs []outbound.Message
}

// Reply collects m after holding it to the Bot API's rules, as the
// sandbox (and Telegram) would: a reply Telegram refuses is a user who
// sees nothing, so it fails the test here.
func (o *outbox) Reply(_ context.Context, m outbound.Message) error {
	o.t.Helper()
	checkBotAPI(o.t, m)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	return nil
}

// checkBotAPI fails the test when Telegram would refuse m.
func checkBotAPI(t testing.TB, m outbound.Message) {
	t.Helper()
	if err := m.Validate(); err != nil {
		t.Errorf("reply the sender would refuse: %v", err)
		return
	}
	if m.Method == "answerCallbackQuery" && m.ChatID == 0 {
		// Without its chat the answer waits in no chat's queue (the sweeper
		// finds it a second later) instead of going first in the pressed chat.
		t.Errorf("answerCallbackQuery without the chat it answers in: %+v", m)
	}
	body, err := m.Body()
	if err != nil {
		t.Errorf("encode %s: %v", m.Method, err)
		return
	}
	if err := sandbox.Validate(m.Method, body); err != nil {
		t.Errorf("reply Telegram would refuse: %v\nbody: %s", err, body)
	}
}

// take returns and forgets the collected replies.
func (o *outbox) take() []outbound.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.msgs
	o.msgs = nil
	return m
}

type notifier struct {
	mu sync.Mutex
	ns []outbound.Notification
}

func (n *notifier) Schedule(_ context.Context, x outbound.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ns = append(n.ns, x)
	return nil
}

type harness struct {
	t     *testing.T
	db    *postgres.DB
	bot   *Bot
	out   *outbox
	notes *notifier
	now   time.Time
	seq   int64
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, out: &outbox{t: t}, notes: &notifier{}, now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return h.now }
	h.db = postgres.New(pgtest.DB(t), postgres.WithClock(clock))
	bundle, err := i18n.New("fa")
	if err != nil {
		t.Fatal(err)
	}
	teh, _ := time.LoadLocation("Asia/Tehran")
	h.bot = New(Deps{Store: h.db, Out: h.out, Notify: h.notes, I18n: bundle, Now: clock, BotUsername: "crm_test_bot", DefaultLocale: "fa", PhoneRegion: "IR", OrgLocation: teh})
	return h
}

// text delivers a private text message from user and returns the replies.
func (h *harness) text(user models.User, text string) []outbound.Message {
	h.t.Helper()
	h.seq++
	msg := &models.Message{ID: int(h.seq), From: &user, Chat: models.Chat{ID: user.ID, Type: models.ChatTypePrivate}, Date: int(h.now.Unix()), Text: text}
	if len(text) > 0 && text[0] == '/' {
		end := len(text)
		for i, r := range text {
			if r == ' ' {
				end = i
				break
			}
		}
		msg.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len([]rune(text[:end]))}}
	}
	return h.handle(&models.Update{ID: h.seq, Message: msg})
}

// press delivers a button press on message msgID with data.
func (h *harness) press(user models.User, msgID int, data string) []outbound.Message {
	h.t.Helper()
	h.seq++
	q := &models.CallbackQuery{ID: "cq" + id(h.seq), From: user, Data: data, Message: models.MaybeInaccessibleMessage{
		Type: models.MaybeInaccessibleMessageTypeMessage, Message: &models.Message{ID: msgID, Chat: models.Chat{ID: user.ID, Type: models.ChatTypePrivate}}}}
	return h.handle(&models.Update{ID: h.seq, CallbackQuery: q})
}

func (h *harness) handle(u *models.Update) []outbound.Message {
	h.t.Helper()
	err := h.db.InTx(context.Background(), func(ctx context.Context) error { return h.bot.Handle(ctx, u) })
	if err != nil {
		h.t.Fatalf("handle update %d: %v", u.ID, err)
	}
	return h.out.take()
}

// sweepEscalations runs the escalation job as its periodic trigger would,
// at the harness's clock.
func (h *harness) sweepEscalations(ctx context.Context) error {
	_, err := schedule.Escalations{Store: h.db, Notify: h.notes}.RunOnce(ctx, h.now)
	return err
}

// scanDates runs the important-dates job at the harness's clock.
func (h *harness) scanDates(ctx context.Context) error {
	_, err := schedule.ImportantDates{Store: h.db, Notify: h.notes}.RunOnce(ctx, h.now)
	return err
}
