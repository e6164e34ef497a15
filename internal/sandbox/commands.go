package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The command menu (setMyCommands and friends), the menu button and chat
// actions.

type commandScope struct {
	Type   string          `json:"type"`
	ChatID json.RawMessage `json:"chat_id,omitempty"`
	UserID int64           `json:"user_id,omitempty"`
}

func validScope(typ string) bool {
	switch typ {
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat", "chat_administrators", "chat_member":
		return true
	}
	return false
}

// commandsKey names a scope and language: "default", "chat:123|fa", ...
func commandsKey(p params) (string, *apiError) {
	sc := commandScope{Type: "default"}
	if raw := p.str("scope"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &sc); err != nil || !validScope(sc.Type) {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
	}
	key := sc.Type
	if len(sc.ChatID) > 0 {
		key += ":" + strings.Trim(string(sc.ChatID), `"`)
	}
	if sc.UserID != 0 {
		key += fmt.Sprintf(":%d", sc.UserID)
	}
	lang := p.str("language_code")
	if lang != "" {
		if len(lang) != 2 || strings.ToLower(lang) != lang {
			return "", badRequest("invalid language code specified")
		}
		key += "|" + lang
	}
	return key, nil
}

func validCommand(c string) bool {
	if len(c) < 1 || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func (s *Server) setMyCommands(_ context.Context, c *call) (any, *apiError) {
	cmds, key, aerr := parseCommands(c.p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cmds) == 0 {
		delete(s.st.commands, key)
	} else {
		s.st.commands[key] = cmds
	}
	s.notifyLocked()
	return true, nil
}

// parseCommands validates setMyCommands' list and scope as Telegram does
// (Validate checks a call with it too).
func parseCommands(p params) ([]BotCommand, string, *apiError) {
	var cmds []BotCommand
	if err := json.Unmarshal([]byte(p.str("commands")), &cmds); err != nil {
		return nil, "", badRequest("can't parse commands JSON array")
	}
	if len(cmds) > 100 {
		return nil, "", badRequest("too many commands specified")
	}
	for _, cmd := range cmds {
		if !validCommand(cmd.Command) {
			return nil, "", badRequest("BOT_COMMAND_INVALID")
		}
		if n := len([]rune(cmd.Description)); n < 1 || n > 256 {
			return nil, "", badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	key, aerr := commandsKey(p)
	return cmds, key, aerr
}

func (s *Server) getMyCommands(_ context.Context, c *call) (any, *apiError) {
	key, aerr := commandsKey(c.p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds := s.st.commands[key]
	if cmds == nil {
		cmds = []BotCommand{}
	}
	return cmds, nil
}

func (s *Server) deleteMyCommands(_ context.Context, c *call) (any, *apiError) {
	key, aerr := commandsKey(c.p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.st.commands, key)
	s.notifyLocked()
	return true, nil
}

// Commands returns the command menus the bot set, by scope and language:
// "default", "default|fa", "chat:42|en", ...
func (s *Server) Commands() map[string][]BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]BotCommand, len(s.st.commands))
	for k, v := range s.st.commands {
		out[k] = slices.Clone(v)
	}
	return out
}

// MenuFor returns the command menu the user of a private chat sees, in
// their language: the first menu set, in Telegram's order, for the chat's
// own scope, all_private_chats, then default, each in the user's language
// and then without one. It is empty when the bot set none.
func (s *Server) MenuFor(chatID int64) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.menuLocked(chatID))
}

func (s *Server) menuLocked(chatID int64) []BotCommand {
	lang := s.userLangLocked(chatID)
	for _, scope := range []string{fmt.Sprintf("chat:%d", chatID), "all_private_chats", "default"} {
		for _, l := range []string{lang, ""} {
			key := scope
			if l != "" {
				key += "|" + l
			}
			if cmds, ok := s.st.commands[key]; ok {
				return cmds
			}
		}
	}
	return nil
}

// userLangLocked is the two-letter language of a known user, or "".
func (s *Server) userLangLocked(userID int64) string {
	if u := s.st.users[userID]; u != nil {
		return langOf(u.u.LanguageCode)
	}
	return ""
}

// langOf is the two-letter language of a user's IETF language_code
// ("pt-br" → "pt"), as menus and descriptions are keyed; "" if none.
func langOf(code string) string {
	code = strings.ToLower(code)
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	if len(code) != 2 {
		return ""
	}
	return code
}

func (s *Server) setChatMenuButton(_ context.Context, c *call) (any, *apiError) {
	chatID, _, aerr := c.p.int64("chat_id")
	if aerr != nil {
		return nil, aerr
	}
	button := json.RawMessage(`{"type":"default"}`)
	if raw := c.p.str("menu_button"); raw != "" {
		var mb struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(raw), &mb); err != nil || (mb.Type != "default" && mb.Type != "commands" && mb.Type != "web_app") {
			return nil, badRequest("can't parse menu button JSON object")
		}
		button = json.RawMessage(raw)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if chatID != 0 && s.st.chats[chatID] == nil {
		return nil, badRequest("chat not found")
	}
	s.st.menuButtons[chatID] = button
	s.notifyLocked()
	return true, nil
}

func (s *Server) getChatMenuButton(_ context.Context, c *call) (any, *apiError) {
	chatID, _, aerr := c.p.int64("chat_id")
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.st.menuButtons[chatID]; ok {
		return b, nil
	}
	if b, ok := s.st.menuButtons[0]; ok && chatID != 0 {
		return b, nil
	}
	return json.RawMessage(`{"type":"commands"}`), nil
}

func validChatAction(a string) bool {
	switch a {
	case "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
		"upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note":
		return true
	}
	return false
}

func (s *Server) sendChatAction(_ context.Context, c *call) (any, *apiError) {
	action := c.p.str("action")
	if !validChatAction(action) {
		return nil, badRequest("wrong parameter action in request")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chat, aerr := s.targetLocked(c.p)
	if aerr != nil {
		return nil, aerr
	}
	chat.action, chat.actionAt = action, s.now().Unix()
	s.notifyLocked()
	return true, nil
}
