package bot

import (
	"context"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// renderDateGreeting reminds a customer's owner of an important date, the
// day before or on the day (the last part of the DedupKey), with a greeting
// they may send. It skips a date that was removed or a customer that
// changed hands.
func (b *Bot) renderDateGreeting(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
	d, err := b.dates.ImportantDate(ctx, n.RefID)
	if crm.IsCode(err, crm.ENotFound) {
		return outbound.Message{}, true, nil
	}
	if err != nil {
		return outbound.Message{}, false, err
	}
	if d.OwnerID != n.StaffID {
		return outbound.Message{}, true, nil
	}
	r, skip, err := b.recipient(ctx, n)
	if err != nil || skip {
		return outbound.Message{}, skip, err
	}
	which := "day"
	if strings.HasSuffix(n.DedupKey, ":before") {
		which = "before"
	}
	data := map[string]any{"Kind": r.t("dates.kind."+string(d.Kind), nil), "Name": esc(d.CustomerName),
		"Date": dateText(r.lang(), d.ImportantDate)}
	text := r.t("dates.reminder."+which, data) + "\n\n" + r.t("dates.greeting_intro", nil) +
		"\n<blockquote>" + r.t("greeting."+string(d.Kind), map[string]any{"Name": esc(d.CustomerName)}) + "</blockquote>"
	markup := ikm([]models.InlineKeyboardButton{
		ib(r.t("activity.log_call", nil), cb(actLogCall, id(d.CustomerID))),
		ib(r.t("activity.open_card", nil), cb(actCard, id(d.CustomerID))),
	})
	return htmlMessage(n.ChatID, text, markup), false, nil
}
