package bot

import "github.com/go-telegram/bot/models"

// routesCore registers what every flow relies on: /cancel, /help and /menu.
func (b *Bot) routesCore() {
	b.command("cancel", func(r *req) error {
		if err := r.clearState(); err != nil {
			return err
		}
		return r.send(r.t("common.cancelled", nil), r.mainKeyboard())
	})
	b.command("help", func(r *req) error { return r.send(r.t("core.help", nil), r.mainKeyboard()) })
	b.command("menu", func(r *req) error { return r.send(r.t("core.menu", nil), r.mainKeyboard()) })
}

// mainKeyboard is the persistent reply keyboard with the main actions.
func (r *req) mainKeyboard() *models.ReplyKeyboardMarkup {
	var rows [][]models.KeyboardButton
	var row []models.KeyboardButton
	for _, k := range r.b.mainKeys {
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
// customers.go turns a phone number into its card and anything else into
// a search.
func (b *Bot) freeInput(r *req) error { return b.findFromText(r) }
