package sandbox

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestTokenAndMethodRouting(t *testing.T) {
	sb := NewTest(t, fast())
	get := func(path string) apiResp {
		req, _ := http.NewRequest(http.MethodGet, sb.BotAPIURL()+path, nil)
		return doReq(t, req)
	}
	r := get("/bot" + sb.Token() + "/getMe")
	wantOK(t, r)
	if !strings.Contains(string(r.Result), `"username":"crm_sandbox_bot"`) || !strings.Contains(string(r.Result), `"id":7000000001`) {
		t.Errorf("getMe = %s", r.Result)
	}
	r = get("/bot42:other-bot/test/GETME") // any well-formed token, test env, any case
	wantOK(t, r)
	if !strings.Contains(string(r.Result), `"id":42`) {
		t.Errorf("getMe for token 42 = %s", r.Result)
	}
	wantErr(t, get("/botnot-a-token/getMe"), 404, "Not Found")
	wantErr(t, get("/bot"+sb.Token()+"/sendSticker"), 404, "Not Found")

	strict := NewTest(t, Options{Token: "1:right"})
	req, _ := http.NewRequest(http.MethodGet, strict.BotAPIURL()+"/bot1:wrong/getMe", nil)
	wantErr(t, doReq(t, req), 401, "Unauthorized")
}

func TestSendMessageStrictRules(t *testing.T) {
	sb := NewTest(t, fast())
	start(t, sb, 42)
	if err := sb.AddUser(43, MsgOpts{FirstName: "Never wrote"}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("😀", 2049) // 4098 UTF-16 units, 2049 runes
	cases := []struct {
		name   string
		params map[string]any
		code   int
		desc   string
	}{
		{"empty text", map[string]any{"chat_id": 42, "text": ""}, 400, "Bad Request: message text is empty"},
		{"blank text", map[string]any{"chat_id": 42, "text": " \n "}, 400, "Bad Request: message text is empty"},
		{"empty after markup", map[string]any{"chat_id": 42, "text": "<b></b>", "parse_mode": "HTML"}, 400, "Bad Request: message text is empty"},
		{"too long in UTF-16", map[string]any{"chat_id": 42, "text": long}, 400, "Bad Request: message is too long"},
		{"no chat_id", map[string]any{"text": "hi"}, 400, "Bad Request: chat_id is empty"},
		{"unknown chat", map[string]any{"chat_id": 999, "text": "hi"}, 400, "Bad Request: chat not found"},
		{"user never wrote", map[string]any{"chat_id": 43, "text": "hi"}, 403, "Forbidden: bot can't initiate conversation with a user"},
		{"bad parse_mode", map[string]any{"chat_id": 42, "text": "hi", "parse_mode": "BBCode"}, 400, "Bad Request: unsupported parse_mode"},
		{"html error", map[string]any{"chat_id": 42, "text": "a <p>b</p>", "parse_mode": "HTML"}, 400,
			`Bad Request: can't parse entities: Unsupported start tag "p" at byte offset 2`},
		{"markdownv2 error", map[string]any{"chat_id": 42, "text": "Version 1.0", "parse_mode": "MarkdownV2"}, 400,
			`Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\'`},
		{"callback_data over 64 bytes", map[string]any{"chat_id": 42, "text": "x", "reply_markup": map[string]any{
			"inline_keyboard": [][]map[string]any{{{"text": "b", "callback_data": strings.Repeat("ж", 33)}}}}}, 400, "Bad Request: BUTTON_DATA_INVALID"},
		{"text-only inline button", map[string]any{"chat_id": 42, "text": "x", "reply_markup": map[string]any{
			"inline_keyboard": [][]map[string]any{{{"text": "b"}}}}}, 400,
			"Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"inline keyboard not rows", map[string]any{"chat_id": 42, "text": "x", "reply_markup": map[string]any{
			"inline_keyboard": []map[string]any{{"text": "b", "callback_data": "x"}}}}, 400,
			`Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays`},
		{"markup not JSON", map[string]any{"chat_id": 42, "text": "x", "reply_markup": "{"}, 400,
			"Bad Request: can't parse reply keyboard markup JSON object"},
		{"reply to missing", map[string]any{"chat_id": 42, "text": "x", "reply_parameters": map[string]any{"message_id": 99}}, 400,
			"Bad Request: message to be replied not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, callJSON(t, sb, "sendMessage", tc.params), tc.code, tc.desc)
		})
	}

	// Exactly 4096 UTF-16 units passes; so does a missing reply allowed.
	m := mustMessage(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": strings.Repeat("😀", 2048)}))
	if utf16Len(m.Text) != 4096 {
		t.Errorf("stored text has %d UTF-16 units", utf16Len(m.Text))
	}
	mustMessage(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "x",
		"reply_parameters": map[string]any{"message_id": 99, "allow_sending_without_reply": true}}))

	if _, err := sb.Block(42); err != nil {
		t.Fatal(err)
	}
	wantErr(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "hi"}), 403, "Forbidden: bot was blocked by the user")
	wantErr(t, callJSON(t, sb, "sendChatAction", map[string]any{"chat_id": 42, "action": "typing"}), 403, "Forbidden: bot was blocked by the user")
}

func TestSendMessageFormattedAndKeyboards(t *testing.T) {
	sb := NewTest(t, fast())
	start(t, sb, 42)
	b := newBot(t, sb)
	ctx := ctxT(t)

	// The real client sends multipart with reply_markup as a JSON string.
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID: 42, Text: "سلام <b>علی</b> &amp; <a href=\"example.com\">site</a>", ParseMode: models.ParseModeHTML,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "Yes", CallbackData: "yes"}, {Text: "Web", URL: "https://example.com"}},
		}},
		ReplyParameters:    &models.ReplyParameters{MessageID: 1},
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if m.Text != "سلام علی & site" {
		t.Errorf("text = %q", m.Text)
	}
	if len(m.Entities) != 2 || m.Entities[0].Type != "bold" || m.Entities[0].Offset != 5 || m.Entities[0].Length != 3 ||
		m.Entities[1].Type != "text_link" || m.Entities[1].URL != "http://example.com/" {
		t.Errorf("entities = %+v", m.Entities)
	}
	if m.ReplyMarkup == nil || len(m.ReplyMarkup.InlineKeyboard) != 1 || m.ReplyToMessage == nil || m.ReplyToMessage.Text != "/start" {
		t.Errorf("markup %+v reply %+v", m.ReplyMarkup, m.ReplyToMessage)
	}

	// A reply keyboard is not echoed in the message but shows in the chat.
	m2, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "Share your phone",
		ReplyMarkup: &models.ReplyKeyboardMarkup{Keyboard: [][]models.KeyboardButton{
			{{Text: "📱 Phone", RequestContact: true}}, {{Text: "📍 Where", RequestLocation: true}}}, ResizeKeyboard: true}})
	if err != nil {
		t.Fatal(err)
	}
	if m2.ReplyMarkup != nil {
		t.Errorf("reply keyboard echoed: %+v", m2.ReplyMarkup)
	}
	tr := sb.Transcript(42)
	if !strings.Contains(string(tr.Keyboard), `"request_contact":true`) {
		t.Errorf("chat keyboard = %s", tr.Keyboard)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "ok",
		ReplyMarkup: &models.ReplyKeyboardRemove{RemoveKeyboard: true}}); err != nil {
		t.Fatal(err)
	}
	if tr := sb.Transcript(42); tr.Keyboard != nil {
		t.Errorf("keyboard not removed: %s", tr.Keyboard)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "name?",
		ReplyMarkup: &models.ForceReply{ForceReply: true}}); err != nil {
		t.Fatal(err)
	}

	// MarkdownV2 through the client; errors come back as the client's types.
	m3, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "*bold* _it_ 1\\.0", ParseMode: models.ParseModeMarkdown})
	if err != nil || m3.Text != "bold it 1.0" || len(m3.Entities) != 2 {
		t.Errorf("markdownv2: %v %q %+v", err, m3.Text, m3.Entities)
	}
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "*open", ParseMode: models.ParseModeMarkdown})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "Can't find end of Bold entity at byte offset 0") {
		t.Errorf("unclosed bold: %v", err)
	}
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 999, Text: "x"})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "chat not found") {
		t.Errorf("chat not found: %v", err)
	}
}

func TestEntitiesParamAndForms(t *testing.T) {
	sb := NewTest(t, fast())
	start(t, sb, 42)
	// url-encoded body; explicit entities win over parse_mode.
	r := callForm(t, sb, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"<b>x</b> y"}, "parse_mode": {"HTML"},
		"entities": {`[{"type":"italic","offset":0,"length":3}]`}})
	m := mustMessage(t, r)
	if m.Text != "<b>x</b> y" || len(m.Entities) != 1 || m.Entities[0].Type != "italic" {
		t.Errorf("got %q %+v", m.Text, m.Entities)
	}
	// Query string parameters work too (GET).
	req, _ := http.NewRequest(http.MethodGet, sb.BotAPIURL()+"/bot"+sb.Token()+"/sendMessage?chat_id=42&text=hello", nil)
	if m := mustMessage(t, doReq(t, req)); m.Text != "hello" || m.Chat.ID != 42 || m.From == nil || !m.From.IsBot {
		t.Errorf("GET sendMessage = %+v", m)
	}
}

func TestEditsDeletesAndNotModified(t *testing.T) {
	sb := NewTest(t, fast())
	sent := start(t, sb, 42)
	kb := map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "A", "callback_data": "a"}}}}
	m := mustMessage(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "v1", "reply_markup": kb}))

	notModified := "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
	wantErr(t, callJSON(t, sb, "editMessageText", map[string]any{"chat_id": 42, "message_id": m.MessageID, "text": "v1", "reply_markup": kb}), 400, notModified)
	wantErr(t, callJSON(t, sb, "editMessageReplyMarkup", map[string]any{"chat_id": 42, "message_id": m.MessageID, "reply_markup": kb}), 400, notModified)
	wantErr(t, callJSON(t, sb, "editMessageText", map[string]any{"chat_id": 42, "message_id": 999, "text": "x"}), 400, "Bad Request: message to edit not found")
	wantErr(t, callJSON(t, sb, "editMessageText", map[string]any{"chat_id": 42, "message_id": sent.MessageID, "text": "x"}), 400, "Bad Request: message can't be edited")
	wantErr(t, callJSON(t, sb, "editMessageCaption", map[string]any{"chat_id": 42, "message_id": m.MessageID, "caption": "x"}), 400, "Bad Request: there is no caption in the message to edit")

	// Same text without reply_markup removes the keyboard: that is a change.
	e := mustMessage(t, callJSON(t, sb, "editMessageText", map[string]any{"chat_id": 42, "message_id": m.MessageID, "text": "v1"}))
	if e.ReplyMarkup != nil || e.EditDate == 0 {
		t.Errorf("edit kept markup %s or has no edit_date", e.ReplyMarkup)
	}
	mustMessage(t, callJSON(t, sb, "editMessageReplyMarkup", map[string]any{"chat_id": 42, "message_id": m.MessageID, "reply_markup": kb}))
	mustMessage(t, callJSON(t, sb, "editMessageText", map[string]any{"chat_id": 42, "message_id": m.MessageID, "text": "<i>v2</i>", "parse_mode": "HTML", "reply_markup": kb}))
	wantErr(t, callJSON(t, sb, "editMessageReplyMarkup", map[string]any{"chat_id": 42, "message_id": m.MessageID,
		"reply_markup": map[string]any{"keyboard": [][]string{{"x"}}}}), 400, "Bad Request: inline keyboard expected")

	tr := sb.Transcript(42)
	last := tr.Messages[len(tr.Messages)-1]
	if last.Text != "v2" || !last.Edited || last.EditCount != 3 || len(last.Entities) != 1 {
		t.Errorf("transcript entry = %+v", last)
	}

	wantOK(t, callJSON(t, sb, "deleteMessage", map[string]any{"chat_id": 42, "message_id": m.MessageID}))
	wantErr(t, callJSON(t, sb, "deleteMessage", map[string]any{"chat_id": 42, "message_id": m.MessageID}), 400, "Bad Request: message to delete not found")
	wantErr(t, callJSON(t, sb, "editMessageText", map[string]any{"chat_id": 42, "message_id": m.MessageID, "text": "z"}), 400, "Bad Request: message to edit not found")
	if tr := sb.Transcript(42); !tr.Messages[len(tr.Messages)-1].Deleted {
		t.Errorf("deletion not marked")
	}
}

func TestDeleteAfter48Hours(t *testing.T) {
	clock := newFakeClock()
	opts := fast()
	opts.Now = clock.Now
	sb := NewTest(t, opts)
	start(t, sb, 42)
	m := mustMessage(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "old"}))
	clock.Add(49 * 60 * 60 * 1e9)
	wantErr(t, callJSON(t, sb, "deleteMessage", map[string]any{"chat_id": 42, "message_id": m.MessageID}), 400, "Bad Request: message can't be deleted for everyone")
}

func TestCallbackQueries(t *testing.T) {
	clock := newFakeClock()
	opts := fast()
	opts.Now = clock.Now
	opts.CallbackTimeout = 15e9
	sb := NewTest(t, opts)
	start(t, sb, 42)
	kb := map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "Won", "callback_data": "stage:won"}}}}
	m := mustMessage(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "Stage?", "reply_markup": kb}))

	if _, err := sb.Tap(42, m.MessageID, "stage:lost", false); err == nil || !strings.Contains(err.Error(), `"Won"="stage:won"`) {
		t.Errorf("tap on a missing button: %v", err)
	}
	if _, err := sb.Tap(42, m.MessageID, "stage:lost", true); err != nil {
		t.Errorf("forged tap: %v", err)
	}
	tap, err := sb.Tap(42, m.MessageID, "stage:won", false)
	if err != nil {
		t.Fatal(err)
	}
	wantOK(t, callJSON(t, sb, "answerCallbackQuery", map[string]any{"callback_query_id": tap.CallbackQueryID, "text": "Saved", "show_alert": true}))
	tooOld := "Bad Request: query is too old and response timeout expired or query ID is invalid"
	wantErr(t, callJSON(t, sb, "answerCallbackQuery", map[string]any{"callback_query_id": tap.CallbackQueryID}), 400, tooOld)
	wantErr(t, callJSON(t, sb, "answerCallbackQuery", map[string]any{"callback_query_id": "nope"}), 400, tooOld)

	late, _ := sb.Tap(42, m.MessageID, "stage:won", false)
	clock.Add(16e9)
	wantErr(t, callJSON(t, sb, "answerCallbackQuery", map[string]any{"callback_query_id": late.CallbackQueryID}), 400, tooOld)

	tr := sb.Transcript(42)
	if len(tr.Toasts) != 1 || tr.Toasts[0].Text != "Saved" || !tr.Toasts[0].ShowAlert {
		t.Errorf("toasts = %+v", tr.Toasts)
	}
	// The update carries the message as it is now and the data.
	var found bool
	for _, u := range sb.Updates() {
		if u.Kind == "callback_query" && strings.Contains(string(u.Update), `"data":"stage:won"`) &&
			strings.Contains(string(u.Update), `"text":"Stage?"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("no callback_query update with the data and message")
	}
}
