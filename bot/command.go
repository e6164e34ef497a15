package bot

import (
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// parseCommand finds a bot command at the start of the message, using the
// entity's UTF-16 offsets as Telegram sends them (go-telegram/bot's matcher
// reads them as byte offsets and misses commands after Persian text). It
// strips "@botname" when it names this bot and returns the rest as arg.
func parseCommand(m *models.Message, username string) (cmd, arg string, ok bool) {
	if m == nil {
		return "", "", false
	}
	for _, e := range m.Entities {
		if e.Type != models.MessageEntityTypeBotCommand || e.Offset != 0 {
			continue
		}
		u := utf16.Encode([]rune(m.Text))
		if e.Length > len(u) {
			return "", "", false
		}
		word := string(utf16.Decode(u[1:e.Length]))
		rest := string(utf16.Decode(u[e.Length:]))
		if at := strings.IndexByte(word, '@'); at >= 0 {
			if !strings.EqualFold(word[at+1:], username) {
				return "", "", false
			}
			word = word[:at]
		}
		return strings.ToLower(word), strings.TrimSpace(rest), true
	}
	return "", "", false
}
