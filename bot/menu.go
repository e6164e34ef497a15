package bot

import (
	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/i18n"
)

// menuCommands are the commands of Telegram's menu button, in order; each
// has its description at "menu.cmd.<command>".
var menuCommands = []string{"today", "new", "find", "team", "invite", "settings", "help", "cancel"}

// CommandMenus returns the command menu in each language (key "" is the
// default, Persian), for setMyCommands with language_code.
func (b *Bot) CommandMenus() map[string][]models.BotCommand {
	out := map[string][]models.BotCommand{}
	for _, l := range append([]string{""}, i18n.Supported()...) {
		lang := l
		if lang == "" {
			lang = i18n.Persian
		}
		loc := b.d.I18n.For(lang)
		for _, c := range menuCommands {
			out[l] = append(out[l], models.BotCommand{Command: c, Description: loc.T("menu.cmd."+c, nil)})
		}
	}
	return out
}
