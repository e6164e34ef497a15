package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
)

func TestStrangerHearsOnePoliteSentenceInTheirLanguage(t *testing.T) {
	h := newHarness(t)
	for _, tt := range []struct{ lang, want string }{
		{"fa", h.bot.d.I18n.For("fa").T("access.not_staff", nil)},
		{"ar-AE", h.bot.d.I18n.For("ar").T("access.not_staff", nil)},
		{"en-US", h.bot.d.I18n.For("en").T("access.not_staff", nil)},
	} {
		u := models.User{ID: 5000 + int64(len(tt.lang)), FirstName: "X", LanguageCode: tt.lang}
		got := h.text(u, "سلام، لیست مشتری‌ها را بده")
		if len(got) != 1 || got[0].Text != tt.want {
			t.Fatalf("%s: got %+v, want one message %q", tt.lang, got, tt.want)
		}
		got = h.text(u, "/today")
		if len(got) != 1 || got[0].Text != tt.want {
			t.Fatalf("%s /today: got %+v", tt.lang, got)
		}
		got = h.press(u, 1, "cc:1")
		if len(got) != 1 || got[0].Method != "answerCallbackQuery" || got[0].Text != tt.want {
			t.Fatalf("%s forged callback: got %+v", tt.lang, got)
		}
	}
}

func TestParseCommandUsesUTF16Offsets(t *testing.T) {
	m := &models.Message{Text: "/start inv_abc", Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 6}}}
	if cmd, arg, ok := parseCommand(m, "crm_bot"); !ok || cmd != "start" || arg != "inv_abc" {
		t.Fatalf("got %q %q %v", cmd, arg, ok)
	}
	m = &models.Message{Text: "/today@crm_bot", Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 14}}}
	if cmd, _, ok := parseCommand(m, "CRM_bot"); !ok || cmd != "today" {
		t.Fatalf("@botname not stripped: %q %v", cmd, ok)
	}
	m = &models.Message{Text: "/today@other_bot", Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 16}}}
	if _, _, ok := parseCommand(m, "crm_bot"); ok {
		t.Fatal("a command for another bot must be ignored")
	}
	// A command entity after Persian text is not at offset 0: plain text.
	m = &models.Message{Text: "سلام /help", Entities: []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 5, Length: 5}}}
	if _, _, ok := parseCommand(m, "crm_bot"); ok {
		t.Fatal("a command in the middle of text is not a command")
	}
	if !strings.HasPrefix(cb("x", id(35)), "x:z") {
		t.Fatal("ids are base 36")
	}
}

func TestParkedUpdateTellsTheUserToTryAgain(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	token, err := h.db.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleRep})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.RedeemInvite(ctx, token, postgres.TelegramUser{ID: 8100, FirstName: "Omar"}, "ar"); err != nil {
		t.Fatal(err)
	}
	raw := []byte(`{"update_id":9,"callback_query":{"id":"q1","from":{"id":8100,"first_name":"Omar"},"data":"lc:1",
		"message":{"message_id":3,"date":1,"chat":{"id":8100,"type":"private"}}}}`)
	if err := h.bot.Parked(ctx, raw); err != nil {
		t.Fatal(err)
	}
	got := h.out.take()
	want := h.bot.d.I18n.For("ar").T("error.internal", nil)
	if len(got) != 1 || got[0].Method != "sendMessage" || got[0].ChatID != 8100 || got[0].Text != want {
		t.Fatalf("got %+v, want one message %q to the rep", got, want)
	}
	// A stranger's parked update is not answered with anything more.
	if err := h.bot.Parked(ctx, []byte(`{"update_id":10,"message":{"message_id":4,"date":1,"chat":{"id":9,"type":"private"},"from":{"id":9},"text":"x"}}`)); err != nil {
		t.Fatal(err)
	}
	if got := h.out.take(); len(got) != 0 {
		t.Fatalf("a stranger got %+v", got)
	}
}
