package sandbox

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestControlUserActions(t *testing.T) {
	sb := NewTest(t, fast())
	var sent Sent
	code := control(t, sb, http.MethodPost, "/sandbox/users/42/messages",
		map[string]any{"text": "سلام /start@crm_sandbox_bot", "first_name": "Ali", "language_code": "fa", "date": 1700000000}, &sent)
	if code != 200 || sent.UpdateID == 0 || sent.MessageID != 1 {
		t.Fatalf("POST messages = %d %+v", code, sent)
	}
	us := updatesOf(t, callJSON(t, sb, "getUpdates", nil))
	m := us[0].Message
	if m.Date != 1700000000 || m.From.LanguageCode != "fa" || m.From.FirstName != "Ali" || len(m.Entities) != 1 ||
		m.Entities[0].Offset != 5 || m.Entities[0].Length != 22 || m.Entities[0].Type != "bot_command" {
		t.Errorf("message = %+v entities %+v", m, m.Entities)
	}

	var errResp map[string]string
	if code := control(t, sb, http.MethodPost, "/sandbox/users/42/messages", map[string]any{"text": ""}, &errResp); code != 400 || errResp["error"] == "" {
		t.Errorf("empty text = %d %v", code, errResp)
	}
	if code := control(t, sb, http.MethodPost, "/sandbox/users/42/messages", map[string]any{"txt": "typo"}, &errResp); code != 400 ||
		!strings.Contains(errResp["error"], "unknown field") {
		t.Errorf("unknown field = %d %v", code, errResp)
	}

	// Buttons: a tap needs a button unless forged.
	bm := mustMessage(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "Choose",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "A", "callback_data": "a"}}}}}))
	if code := control(t, sb, http.MethodPost, "/sandbox/users/42/callbacks", map[string]any{"message_id": bm.MessageID, "data": "b"}, &errResp); code != 400 ||
		!strings.Contains(errResp["error"], `no inline button with callback_data "b"`) {
		t.Errorf("tap without button = %d %v", code, errResp)
	}
	if code := control(t, sb, http.MethodPost, "/sandbox/users/42/callbacks", map[string]any{"message_id": 99, "data": "a"}, &errResp); code != 404 {
		t.Errorf("tap on a missing message = %d", code)
	}
	for _, body := range []map[string]any{{"message_id": bm.MessageID, "data": "a"}, {"message_id": bm.MessageID, "data": "b", "forge": true}} {
		var tap Sent
		if code := control(t, sb, http.MethodPost, "/sandbox/users/42/callbacks", body, &tap); code != 200 || tap.CallbackQueryID == "" || tap.UpdateID == 0 {
			t.Errorf("tap %v = %d %+v", body, code, tap)
		}
	}

	for path, body := range map[string]any{
		"contact":  map[string]any{"phone_number": "+989121234567", "first_name": "Ali"},
		"location": map[string]any{"latitude": 35.7, "longitude": 51.4},
		"voice":    map[string]any{"duration": 2},
	} {
		if code := control(t, sb, http.MethodPost, "/sandbox/users/42/"+path, body, &sent); code != 200 || sent.MessageID == 0 {
			t.Errorf("POST %s = %d %+v", path, code, sent)
		}
	}
	if code := control(t, sb, http.MethodPost, "/sandbox/users/42/location", map[string]any{"latitude": 1}, &errResp); code != 400 {
		t.Errorf("location without longitude = %d", code)
	}

	// Blocking sends my_chat_member, and the user cannot write until unblocked.
	control(t, sb, http.MethodPost, "/sandbox/users/42/block", nil, &sent)
	if code := control(t, sb, http.MethodPost, "/sandbox/users/42/messages", map[string]any{"text": "hi"}, &errResp); code != 409 {
		t.Errorf("message while blocked = %d", code)
	}
	control(t, sb, http.MethodPost, "/sandbox/users/42/unblock", nil, &sent)
	var statuses []string
	for _, u := range sb.Updates() {
		if u.Kind == "my_chat_member" {
			statuses = append(statuses, gjsonStatus(string(u.Update)))
		}
	}
	if strings.Join(statuses, ",") != "kicked,member" {
		t.Errorf("my_chat_member statuses = %v", statuses)
	}

	tr := sb.Transcript(42)
	var kinds []string
	for _, e := range tr.Messages {
		switch {
		case e.Contact != nil:
			kinds = append(kinds, "contact")
		case e.Location != nil:
			kinds = append(kinds, "location")
		case e.Voice != nil:
			kinds = append(kinds, "voice")
		}
	}
	if len(kinds) != 3 {
		t.Errorf("media in transcript = %v", kinds)
	}
}

// gjsonStatus pulls new_chat_member.status out of a my_chat_member update.
func gjsonStatus(update string) string {
	_, rest, _ := strings.Cut(update, `"new_chat_member":{"status":"`)
	status, _, _ := strings.Cut(rest, `"`)
	return status
}

func TestControlTranscriptSinceAndText(t *testing.T) {
	sb := NewTest(t, fast())
	start(t, sb, 42)
	m := mustMessage(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "first"}))
	var tr Transcript
	control(t, sb, http.MethodGet, "/sandbox/chats/42/transcript", nil, &tr)
	if len(tr.Messages) != 2 || tr.Messages[0].From != "user" || tr.Messages[1].From != "bot" || tr.Seq != tr.Messages[1].Seq {
		t.Fatalf("transcript = %+v", tr)
	}
	seq := tr.Seq
	callJSON(t, sb, "editMessageText", map[string]any{"chat_id": 42, "message_id": m.MessageID, "text": "second"})
	control(t, sb, http.MethodGet, "/sandbox/chats/42/transcript?since_seq="+strconv.FormatInt(seq, 10), nil, &tr)
	if len(tr.Messages) != 1 || tr.Messages[0].Text != "second" || !tr.Messages[0].Edited || tr.Messages[0].Seq <= seq {
		t.Errorf("since_seq = %+v", tr.Messages)
	}

	res, err := http.Get(sb.BotAPIURL() + "/sandbox/chats/42/transcript?format=text")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{"chat 42 (private Test)", "#1 ", "user: /start", "bot: second (edited x1)"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("text transcript lacks %q:\n%s", want, body)
		}
	}

	var calls struct{ Calls []Call }
	control(t, sb, http.MethodGet, "/sandbox/calls?method=editMessageText", nil, &calls)
	if len(calls.Calls) != 1 || calls.Calls[0].Params["text"] != "second" {
		t.Errorf("calls = %+v", calls.Calls)
	}
	var chats struct{ Chats []ChatInfo }
	control(t, sb, http.MethodGet, "/sandbox/chats", nil, &chats)
	if len(chats.Chats) != 1 || chats.Chats[0].Messages != 2 {
		t.Errorf("chats = %+v", chats)
	}
	if code := control(t, sb, http.MethodGet, "/sandbox/chats/x/transcript", nil, nil); code != 400 {
		t.Errorf("bad chat id = %d", code)
	}
	if code := control(t, sb, http.MethodGet, "/sandbox/nothing", nil, nil); code != 404 {
		t.Errorf("unknown route = %d", code)
	}
}

func TestControlPersonasAndReset(t *testing.T) {
	sb := NewTest(t, fast())
	var list []Persona
	if code := control(t, sb, http.MethodGet, "/sandbox/personas", nil, &list); code != 200 || list == nil || len(list) != 0 {
		t.Errorf("empty personas = %d %v", code, list)
	}
	want := []Persona{{UserID: 1, Name: "Sara Admin", Role: "admin", LanguageCode: "fa"}, {UserID: 2, Name: "Omar", Role: "customer", LanguageCode: "ar"}}
	if code := control(t, sb, http.MethodPut, "/sandbox/personas", want, &list); code != 200 || len(list) != 2 || list[1].Name != "Omar" {
		t.Errorf("PUT personas = %d %v", code, list)
	}
	var errResp map[string]string
	if code := control(t, sb, http.MethodPut, "/sandbox/personas", []Persona{{UserID: 3, Name: "X", Role: "boss"}}, &errResp); code != 400 {
		t.Errorf("bad role = %d %v", code, errResp)
	}
	// A persona is a known user who has not opened the bot yet.
	wantErr(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 1, "text": "hi"}), 403, "Forbidden: bot can't initiate conversation with a user")

	start(t, sb, 1)
	wantOK(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 1, "text": "hi"}))
	control(t, sb, http.MethodPost, "/sandbox/reset", nil, nil)
	if tr := sb.Transcript(1); len(tr.Messages) != 0 {
		t.Errorf("transcript after reset = %+v", tr.Messages)
	}
	if len(sb.Calls(CallFilter{})) != 0 || len(sb.Updates()) != 0 || len(sb.Personas()) != 0 {
		t.Errorf("state left after reset")
	}
	wantErr(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 1, "text": "hi"}), 400, "Bad Request: chat not found")
}

func TestGroupChat(t *testing.T) {
	sb := NewTest(t, fast())
	if _, err := sb.SendText(5, "hello group", MsgOpts{ChatID: -1001234567890}); err != nil {
		t.Fatal(err)
	}
	m := mustMessage(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": "-1001234567890", "text": "hi all",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "Join", "callback_data": "join"}}}}}))
	if m.Chat.Type != "supergroup" {
		t.Errorf("chat = %+v", m.Chat)
	}
	if _, err := sb.TapIn(-1001234567890, 6, m.MessageID, "join", false); err != nil {
		t.Errorf("tap in group: %v", err)
	}
}

func TestTapLabelOneTimeKeyboardAndLastBotMessage(t *testing.T) {
	sb := NewTest(t, fast())
	start(t, sb, 42)
	callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "Phone?",
		"reply_markup": map[string]any{"keyboard": [][]any{{"Skip", map[string]any{"text": "Share", "request_contact": true}}}, "one_time_keyboard": true}})
	if tr := sb.Transcript(42); !strings.Contains(string(tr.Keyboard), `{"text":"Skip"}`) {
		t.Errorf("string buttons not normalised: %s", tr.Keyboard)
	}
	sb.ShareContact(42, Contact{PhoneNumber: "+15550001"}, MsgOpts{})
	if tr := sb.Transcript(42); tr.Keyboard != nil {
		t.Errorf("one-time keyboard still shown: %s", tr.Keyboard)
	}
	m := mustMessage(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 42, "text": "Stage?",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "Won ✅", "callback_data": "s:won"}}}}}))
	last, ok := sb.LastBotMessage(42)
	if !ok || last.MessageID != m.MessageID {
		t.Fatalf("LastBotMessage = %+v %v", last, ok)
	}
	if data, ok := last.CallbackData("Won ✅"); !ok || data != "s:won" {
		t.Errorf("CallbackData = %q %v", data, ok)
	}
	tap, err := sb.TapLabel(42, m.MessageID, "Won ✅")
	if err != nil || tap.CallbackQueryID == "" {
		t.Fatalf("TapLabel: %+v %v", tap, err)
	}
	if _, err := sb.TapLabel(42, m.MessageID, "Lost"); err == nil {
		t.Errorf("TapLabel on a missing label succeeded")
	}
	found := false
	for _, u := range sb.Updates() {
		if strings.Contains(string(u.Update), `"contact"`) {
			found = true
			if !strings.Contains(string(u.Update), `"user_id":42`) || !strings.Contains(string(u.Update), `"first_name":"Test"`) {
				t.Errorf("own contact = %s", u.Update)
			}
		}
	}
	if !found {
		t.Errorf("no contact update")
	}
}
