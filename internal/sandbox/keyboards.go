package sandbox

import (
	"bytes"
	"encoding/json"
)

// reply_markup: inline keyboards, reply keyboards, remove_keyboard and
// force_reply, validated as Telegram validates them.

// inlineButton is one button of an inline keyboard, as far as a tap needs.
type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// markup is a parsed reply_markup.
type markup struct {
	kind    string          // inline_keyboard, keyboard, remove_keyboard or force_reply
	raw     json.RawMessage // normalized JSON, as stored and compared
	buttons []inlineButton  // inline keyboards only
	oneTime bool
}

func (m *markup) inline() bool { return m != nil && m.kind == "inline_keyboard" }

// inlineActions are the fields of which an inline button needs one.
func inlineActions() []string {
	return []string{"url", "callback_data", "web_app", "login_url", "switch_inline_query",
		"switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay"}
}

func errMarkupJSON() *apiError { return badRequest("can't parse reply keyboard markup JSON object") }

// parseReplyMarkup validates a reply_markup parameter; "" is no markup.
func parseReplyMarkup(raw string) (*markup, *apiError) {
	if raw == "" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, errMarkupJSON()
	}
	m := &markup{}
	switch {
	case obj["inline_keyboard"] != nil:
		m.kind = "inline_keyboard"
		rows, ok := arrayOfArrays(obj["inline_keyboard"])
		if !ok {
			return nil, badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays")
		}
		for _, row := range rows {
			for _, b := range row {
				btn, aerr := parseInlineButton(b)
				if aerr != nil {
					return nil, aerr
				}
				m.buttons = append(m.buttons, btn)
			}
		}
	case obj["keyboard"] != nil:
		m.kind = "keyboard"
		rows, ok := arrayOfArrays(obj["keyboard"])
		if !ok {
			return nil, badRequest("field \"keyboard\" of the ReplyKeyboardMarkup should be an Array of Arrays")
		}
		for _, row := range rows {
			for j, b := range row {
				switch v := b.(type) {
				case string: // a bare string is a text button
					row[j] = map[string]any{"text": v}
				case map[string]any:
					if _, ok := v["text"].(string); !ok {
						return nil, badRequest("can't parse keyboard button: Field \"text\" must be of type String")
					}
				default:
					return nil, badRequest("can't parse keyboard button: KeyboardButton must be a String or an Object")
				}
			}
		}
		if ph, ok := obj["input_field_placeholder"].(string); ok && len([]rune(ph)) > 64 {
			return nil, badRequest("INPUT_PLACEHOLDER_INVALID")
		}
		m.oneTime = obj["one_time_keyboard"] == true
	case obj["remove_keyboard"] != nil:
		if obj["remove_keyboard"] != true {
			return nil, errMarkupJSON()
		}
		m.kind = "remove_keyboard"
	case obj["force_reply"] != nil:
		if obj["force_reply"] != true {
			return nil, errMarkupJSON()
		}
		m.kind = "force_reply"
	default:
		return nil, errMarkupJSON()
	}
	norm, err := json.Marshal(obj)
	if err != nil {
		return nil, errMarkupJSON()
	}
	m.raw = norm
	return m, nil
}

func arrayOfArrays(v any) ([][]any, bool) {
	rows, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([][]any, 0, len(rows))
	for _, r := range rows {
		row, ok := r.([]any)
		if !ok {
			return nil, false
		}
		out = append(out, row)
	}
	return out, true
}

func parseInlineButton(v any) (inlineButton, *apiError) {
	obj, ok := v.(map[string]any)
	if !ok {
		return inlineButton{}, badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
	}
	text, ok := obj["text"].(string)
	if !ok {
		return inlineButton{}, badRequest("can't parse inline keyboard button: Field \"text\" must be of type String")
	}
	actions := 0
	for _, a := range inlineActions() {
		if _, ok := obj[a]; ok {
			actions++
		}
	}
	if actions == 0 {
		return inlineButton{}, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	}
	btn := inlineButton{Text: text}
	if cd, ok := obj["callback_data"]; ok {
		s, isStr := cd.(string)
		if !isStr || len(s) < 1 || len(s) > 64 {
			return inlineButton{}, badRequest("BUTTON_DATA_INVALID")
		}
		btn.CallbackData = s
	}
	if u, ok := obj["url"]; ok {
		s, isStr := u.(string)
		if !isStr || normalizeURL(s) == "" {
			return inlineButton{}, badRequest("BUTTON_URL_INVALID")
		}
		btn.URL = s
	}
	return btn, nil
}
