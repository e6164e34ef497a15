package sandbox

import "testing"

// A persona marked Started has opened the chat before (the demo's staff), so
// the bot may write first; an unstarted one gets Telegram's 403.
func TestStartedPersonaCanBeWrittenFirst(t *testing.T) {
	sb := NewTest(t, fast())
	if err := sb.SetPersonas([]Persona{
		{UserID: 1002, Name: "Nasrin Kazemi", Role: "manager", LanguageCode: "fa", Started: true},
		{UserID: 2001, Name: "Maryam", Role: "customer", LanguageCode: "fa"},
	}); err != nil {
		t.Fatal(err)
	}
	wantOK(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 1002, "text": "escalation"}))
	wantErr(t, callJSON(t, sb, "sendMessage", map[string]any{"chat_id": 2001, "text": "hi"}), 403, "Forbidden: bot can't initiate conversation with a user")
}
