package delivery_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestMenuCallsThroughTheSender sets and deletes a chat's own command
// menu through the sender: the sandbox holds it in the chat's scope, and
// menu calls are not held to the per-chat spacing of messages.
func TestMenuCallsThroughTheSender(t *testing.T) {
	sb := sandbox.NewTest(t, sandbox.Options{})
	c := delivery.NewClient(sb.BotAPIURL(), sb.Token(), nil)
	sender := delivery.NewSender(c, nil, delivery.SenderOptions{ChatInterval: time.Hour, Logger: quiet()})
	const chat = 4242
	if err := sb.AddUser(chat, sandbox.MsgOpts{FirstName: "Rep", LanguageCode: "en"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	menu := []models.BotCommand{{Command: "today", Description: "کارهای امروز"}, {Command: "help", Description: "راهنما"}}
	start := time.Now()
	for i := 0; i < 3; i++ { // three in a row: none waits for the chat's hour
		if _, err := sender.Send(ctx, delivery.Message{Method: "setMyCommands", ChatID: chat, Commands: menu, Scope: delivery.ChatScope(chat)}); err != nil {
			t.Fatalf("setMyCommands: %v", err)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("three menu calls took %s: they must not wait for the per-chat spacing of messages", d)
	}
	if got := sb.Commands()["chat:4242"]; len(got) != 2 || got[0].Command != "today" || got[1].Description != "راهنما" {
		t.Fatalf("chat scope menu = %v, want /today and /help as set", got)
	}
	// Set without a language, the chat's menu shows whatever the Telegram
	// client's language is (here English).
	if got := sb.MenuFor(chat); len(got) != 2 {
		t.Errorf("the user sees %v, want their chat's menu", got)
	}

	if _, err := sender.Send(ctx, delivery.Message{Method: "setMyCommands", Commands: menu[1:], LanguageCode: "fa"}); err != nil {
		t.Fatalf("default setMyCommands: %v", err)
	}
	if got := sb.Commands()["default|fa"]; len(got) != 1 {
		t.Errorf("default|fa = %v", got)
	}
	if _, err := sender.Send(ctx, delivery.Message{Method: "deleteMyCommands", ChatID: chat, Scope: delivery.ChatScope(chat)}); err != nil {
		t.Fatalf("deleteMyCommands: %v", err)
	}
	if _, ok := sb.Commands()["chat:4242"]; ok {
		t.Error("deleteMyCommands left the chat's menu")
	}
}

func TestMenuMessagesValidate(t *testing.T) {
	one := []models.BotCommand{{Command: "help", Description: "Help"}}
	tests := []struct {
		name string
		m    delivery.Message
		ok   bool
		body string // the parameters sent, when checked; chat_id only in the scope
	}{
		{"chat menu", delivery.Message{Method: "setMyCommands", ChatID: 1, Commands: one, Scope: delivery.ChatScope(1)}, true,
			`{"commands":[{"command":"help","description":"Help"}],"scope":{"type":"chat","chat_id":1}}`},
		{"default menu in a language", delivery.Message{Method: "setMyCommands", Commands: one, LanguageCode: "ar"}, true,
			`{"commands":[{"command":"help","description":"Help"}],"language_code":"ar"}`},
		{"delete a chat's menu", delivery.Message{Method: "deleteMyCommands", ChatID: 1, Scope: delivery.ChatScope(1)}, true,
			`{"scope":{"type":"chat","chat_id":1}}`},
		{"no commands", delivery.Message{Method: "setMyCommands", Scope: delivery.ChatScope(1)}, false, ""},
		{"chat scope without a chat", delivery.Message{Method: "deleteMyCommands", Scope: &delivery.CommandScope{Type: "chat"}}, false, ""},
	}
	for _, tt := range tests {
		err := tt.m.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil {
			continue
		}
		body, err := tt.m.Body()
		if err != nil {
			t.Fatal(err)
		}
		if tt.body != "" && string(body) != tt.body {
			t.Errorf("%s: body %s, want %s", tt.name, body, tt.body)
		}
		if err := sandbox.Validate(tt.m.Method, body); err != nil {
			t.Errorf("%s: the Bot API would refuse %s: %v", tt.name, body, err)
		}
	}
}
