package bot

import (
	"strings"
	"unicode"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// routesCore registers what every flow relies on: /cancel, /help and /menu.
func (b *Bot) routesCore() {
	b.command("cancel", func(r *req) error {
		if err := r.clearState(); err != nil {
			return err
		}
		return r.send(r.t("common.cancelled", nil), r.mainKeyboard())
	})
	b.command("help", func(r *req) error { return r.send(r.help(), r.mainKeyboard()) })
	b.command("menu", func(r *req) error { return r.send(r.t("core.menu", nil), r.mainKeyboard()) })
}

// mainKeyboard is the persistent reply keyboard with the main actions.
func (r *req) mainKeyboard() *models.ReplyKeyboardMarkup {
	var rows [][]models.KeyboardButton
	var row []models.KeyboardButton
	for _, k := range r.b.mainKeys {
		if k.forLeads && r.staff.Role == crm.RoleRep {
			continue
		}
		row = append(row, models.KeyboardButton{Text: r.t(k.id, nil)})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return &models.ReplyKeyboardMarkup{Keyboard: rows, IsPersistent: true, ResizeKeyboard: true}
}

func replyKeyboardRemove() *models.ReplyKeyboardRemove {
	return &models.ReplyKeyboardRemove{RemoveKeyboard: true}
}

// freeInput handles a message that is no command, flow step or main key:
// a greeting is answered with the help, and customers.go turns a phone
// number into its card and anything else into a search.
func (b *Bot) freeInput(r *req) error {
	if r.msg != nil && isGreeting(r.msg.Text) {
		return r.send(r.t("core.greeting_reply", map[string]any{"Name": esc(r.staff.DisplayName)})+"\n\n"+r.help(), r.mainKeyboard())
	}
	return b.findFromText(r)
}

// help is /help for the user's role: reps, managers and admins each see
// the commands they can use.
func (r *req) help() string {
	switch r.staff.Role {
	case crm.RoleAdmin:
		return r.t("core.help_admin", nil)
	case crm.RoleManager:
		return r.t("core.help_manager", nil)
	}
	return r.t("core.help", nil)
}

// greetings are the hellos people type to a bot, folded (textnorm.Fold).
var greetings = func() map[string]bool {
	m := map[string]bool{}
	for _, g := range []string{"سلام", "سلام علیکم", "درود", "salam", "hello", "hi", "hey", "hello there", "good morning",
		"مرحبا", "مرحباً", "أهلا", "اهلا", "أهلاً", "السلام عليكم", "صباح الخير", "صبح بخیر", "وقت بخیر"} {
		m[textnorm.Fold(g)] = true
	}
	return m
}()

// isGreeting reports whether text is only a hello (with punctuation).
func isGreeting(text string) bool {
	t := strings.TrimFunc(textnorm.Fold(text), func(c rune) bool { return !unicode.IsLetter(c) })
	return t != "" && greetings[t]
}

// firstContact welcomes a staff member's first message: onboarding when
// they never finished it, else the welcome, the main keyboard and a short
// help. done says the message was answered; a command still runs after
// the welcome.
func (b *Bot) firstContact(r *req) (done bool, err error) {
	if err := b.people.MarkWelcomed(r.ctx, r.staff.ID, r.now()); err != nil {
		return true, err
	}
	r.staff.WelcomedAt = r.now()
	cmd, _, isCmd := parseCommand(r.msg, b.d.BotUsername)
	if isCmd && cmd == "start" {
		return false, nil // /start welcomes by itself
	}
	if !r.staff.Onboarded {
		return true, b.askLang(r, "o", false)
	}
	text := r.t("core.first_contact", map[string]any{"Name": esc(r.staff.DisplayName)}) + "\n\n" + r.help()
	if err := r.send(text, r.mainKeyboard()); err != nil {
		return true, err
	}
	return !isCmd, nil
}
