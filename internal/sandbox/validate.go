package sandbox

import "fmt"

// RefusedError is a Bot API call Telegram would refuse before looking at
// any chat: a text too long or empty, markup that does not parse, callback
// data over 64 bytes. Description is Telegram's own wording.
type RefusedError struct {
	Method      string
	Code        int
	Description string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s refused: %d Bad Request: %s", e.Method, e.Code, e.Description)
}

// Validate checks one Bot API call, given as its JSON body, with the same
// rules the server applies, and returns a *RefusedError when Telegram
// would refuse it. Only what can be judged without the chat is checked
// (not whether the chat exists or a message is there to edit), so a test
// that collects a bot's replies in memory can still hold each to the Bot
// API's rules.
func Validate(method string, body []byte) error {
	p := params{v: map[string]string{}, files: map[string]upload{}}
	if aerr := p.addJSON(body); aerr != nil {
		return refused(method, aerr)
	}
	if aerr := validateCall(method, p); aerr != nil {
		return refused(method, aerr)
	}
	return nil
}

func refused(method string, aerr *apiError) error {
	return &RefusedError{Method: method, Code: aerr.Code, Description: aerr.Description}
}

// validateCall is the stateless part of each method's checks.
func validateCall(method string, p params) *apiError {
	switch method {
	case "sendMessage":
		if _, aerr := textParam(p); aerr != nil {
			return aerr
		}
		_, aerr := parseReplyMarkup(p.str("reply_markup"))
		return aerr
	case "editMessageText":
		if _, aerr := textParam(p); aerr != nil {
			return aerr
		}
		_, aerr := editMarkup(p)
		return aerr
	case "editMessageReplyMarkup":
		_, aerr := editMarkup(p)
		return aerr
	case "sendVoice", "sendPhoto", "sendDocument", "editMessageCaption":
		if _, aerr := captionParam(p); aerr != nil {
			return aerr
		}
		_, aerr := parseReplyMarkup(p.str("reply_markup"))
		return aerr
	case "sendLocation", "sendContact":
		_, aerr := parseReplyMarkup(p.str("reply_markup"))
		return aerr
	case "answerCallbackQuery":
		if len([]rune(p.str("text"))) > 200 {
			return badRequest("MESSAGE_TOO_LONG")
		}
	case "setMyCommands":
		_, _, aerr := parseCommands(p)
		return aerr
	}
	return nil
}
