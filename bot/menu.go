package bot

import (
	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/outbound"
)

// Telegram's Menu button lists the bot's commands. Who sees which list:
//
//   - everyone who is not working staff (strangers, staff still onboarding,
//     later linked customers) sees the default scope's menu: /start and
//     /help, the two commands that answer them (see Bot.stranger);
//   - each onboarded, active staff member has a menu of their own in their
//     chat's scope, in the language they chose in the bot, listing exactly
//     what their role may use. It is queued with the change that alters it
//     (onboarding done, language, role) and deleted when they are
//     deactivated; `crmbot run` publishes every one again at start.
//
// A chat's menu is set without a language_code: Telegram would show a
// menu set for "fa" only to a client whose own language is Persian, while
// the staff member's language is the one they picked here.

// publicMenu is the default scope's menu; each command is described at
// "menu.public.<command>".
var publicMenu = []string{"start", "help"}

// roleMenus are each role's commands, in menu order; each is described at
// "menu.cmd.<command>". A command belongs here only if the role may use it
// (crm policy: /team and /invite are for managers and admins, /staff,
// /teams and /pipeline for admins); TestMenusListWhatEachRoleMayUse holds
// this to the handlers.
var roleMenus = map[crm.Role][]string{
	crm.RoleRep:     {"today", "new", "find", "insights", "settings", "menu", "help", "cancel", "import", "export", "campaigns"},
	crm.RoleManager: {"today", "new", "find", "team", "digest", "insights", "surveys", "invite", "settings", "menu", "help", "cancel", "import", "export", "campaigns"},
	crm.RoleAdmin:   {"today", "new", "find", "team", "digest", "insights", "surveys", "invite", "staff", "teams", "pipeline", "policy", "settings", "menu", "help", "cancel", "orgname", "import", "export", "campaigns"},
}

// DefaultMenus returns the menu of everyone who is not working staff, by
// setMyCommands language_code: one per supported language and, at "", the
// fallback for any other language, in the default locale.
func (b *Bot) DefaultMenus() map[string][]models.BotCommand {
	out := map[string][]models.BotCommand{}
	for _, l := range append([]string{""}, i18n.Supported()...) {
		lang := l
		if lang == "" {
			lang = b.defaultLang()
		}
		out[l] = b.commandList(lang, "menu.public.", publicMenu)
	}
	return out
}

// StaffMenu returns s's own menu: their role's commands in their language.
func (b *Bot) StaffMenu(s crm.Staff) []models.BotCommand {
	return b.commandList(s.Locale, "menu.cmd.", roleMenus[s.Role])
}

// MenuUpdate is the Bot API call that brings s's chat menu up to date:
// their own menu while they are active and onboarded, else none (the
// default menu shows).
func (b *Bot) MenuUpdate(s crm.Staff) outbound.Message {
	m := outbound.Message{ChatID: s.TelegramUserID, Scope: outbound.ChatScope(s.TelegramUserID)}
	if cmds := b.StaffMenu(s); s.Active && s.Onboarded && len(cmds) > 0 {
		m.Method, m.Commands = "setMyCommands", cmds
	} else {
		m.Method = "deleteMyCommands"
	}
	return m
}

// syncMenu queues, in the update's transaction, the menu update of staff
// member staffID as the database now has them.
func (b *Bot) syncMenu(r *req, staffID int64) error {
	s, err := b.people.StaffByID(r.ctx, staffID)
	if err != nil {
		return err
	}
	return b.d.Out.Reply(r.ctx, b.MenuUpdate(s))
}

func (b *Bot) commandList(lang, prefix string, names []string) []models.BotCommand {
	loc := b.d.I18n.For(b.d.I18n.Match(lang))
	out := make([]models.BotCommand, 0, len(names))
	for _, c := range names {
		out = append(out, models.BotCommand{Command: c, Description: loc.T(prefix+c, nil)})
	}
	return out
}

// Description is the bot's profile text in one language: Description is
// shown in an empty chat with the bot (at most 512 characters), Short on
// its profile and with shared links (at most 120).
type Description struct {
	Description, Short string
}

// Descriptions returns the bot's descriptions by setMyDescription
// language_code, with the fallback for other languages at "" in the
// default locale.
func (b *Bot) Descriptions() map[string]Description {
	out := map[string]Description{}
	for _, l := range append([]string{""}, i18n.Supported()...) {
		lang := l
		if lang == "" {
			lang = b.defaultLang()
		}
		loc := b.d.I18n.For(lang)
		out[l] = Description{Description: loc.T("bot.description", nil), Short: loc.T("bot.short_description", nil)}
	}
	return out
}

// defaultLang is the configured default locale (CRM_DEFAULT_LOCALE).
func (b *Bot) defaultLang() string {
	if b.d.DefaultLocale != "" {
		return b.d.I18n.Match(b.d.DefaultLocale)
	}
	return b.d.I18n.Default()
}
