package bot

import (
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/format"
)

// ib is one inline button.
func ib(text, data string) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: text, CallbackData: data}
}

// ikm is an inline keyboard of rows. Empty rows are dropped; with none
// left the keyboard is empty, never null (Telegram refuses
// "inline_keyboard": null and the user sees nothing). An empty keyboard on
// an edit takes the old buttons away.
func ikm(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}}
	for _, row := range rows {
		if len(row) > 0 {
			kb.InlineKeyboard = append(kb.InlineKeyboard, row)
		}
	}
	return kb
}

// inlineRows lays buttons out n per row.
func inlineRows(n int, btns ...models.InlineKeyboardButton) [][]models.InlineKeyboardButton {
	var rows [][]models.InlineKeyboardButton
	for len(btns) > 0 {
		k := min(n, len(btns))
		rows = append(rows, btns[:k])
		btns = btns[k:]
	}
	return rows
}

// phoneText shows an E.164 number as Telegram links it (Latin digits, so
// a tap dials it), kept left-to-right inside Persian or Arabic text.
func phoneText(e164 string) string { return format.LTR(e164) }

// mark prefixes the current choice of a list with a check mark, in the
// localizer so that a Latin label keeps a right-to-left line intact.
func (r *req) mark(label string, current bool) string {
	if current {
		return r.t("common.current_choice", map[string]any{"Label": label})
	}
	return label
}

// clipRunes shortens s to at most n runes, ending in "…" when cut.
func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}
