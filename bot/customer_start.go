package bot

import (
	"slices"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/outbound"
)

// The customer's side of a link: opening it (/start c_…), the greeting in
// their language with who is contacting them and why, the consent question,
// the language buttons, /stop and /start again, and the customer's own
// command menu.

// customerMenu is a linked customer's command menu, each described at
// "menu.customer.<command>": never a staff command.
var customerMenu = []string{"start", "stop", "language", "help"}

// CustomerMenu is the Bot API call that sets a linked customer's menu in
// their chat, in their language.
func (b *Bot) CustomerMenu(c crm.Customer) outbound.Message {
	chat := c.Chat.TelegramUserID
	return outbound.Message{Method: "setMyCommands", ChatID: chat, Scope: outbound.ChatScope(chat),
		Commands: b.commandList(b.CustomerLocale(c), "menu.customer.", customerMenu)}
}

// CustomerLocale is the language c reads the bot in: the one they chose,
// else the default locale.
func (b *Bot) CustomerLocale(c crm.Customer) string {
	return b.d.I18n.Match(c.ChatLocale(b.defaultLang()))
}

// CustomerLocalizer translates into c's language (surveys, campaigns).
func (b *Bot) CustomerLocalizer(c crm.Customer) *i18n.Localizer {
	return b.d.I18n.For(b.CustomerLocale(c))
}

// openCustomerLink answers /start with a customer link's token: staff are
// told it is meant for a customer (nothing changes), a link that works
// links the account and asks for consent, any other gets a polite
// sentence in the opener's language.
func (b *Bot) openCustomerLink(r *req) error {
	if r.staff.ID != 0 && r.staff.Active {
		return r.send(r.t("link.staff_opened", nil), nil)
	}
	lang := b.d.I18n.Match(r.user.LanguageCode)
	c, res, err := b.links.RedeemCustomerLink(r.ctx, r.arg, r.user.ID, lang)
	if err != nil {
		return err
	}
	switch res {
	case crm.LinkLinked, crm.LinkAgain:
	case crm.LinkExpired:
		return r.send(r.t("link.expired", nil), replyKeyboardRemove())
	case crm.LinkRevoked:
		return r.send(r.t("link.revoked_open", nil), replyKeyboardRemove())
	case crm.LinkUsed:
		return r.send(r.t("link.used", nil), replyKeyboardRemove())
	case crm.LinkTaken:
		return r.send(r.t("link.taken", nil), nil)
	default:
		return r.send(r.t("link.unknown", nil), replyKeyboardRemove())
	}
	r.customer = c
	r.loc = b.CustomerLocalizer(c)
	if err := b.d.Out.Reply(r.ctx, b.CustomerMenu(c)); err != nil {
		return err
	}
	if res == crm.LinkAgain && !c.Chat.ConsentAt.IsZero() && c.Chat.OptedOutAt.IsZero() {
		return b.customerHello(r)
	}
	return b.consentScreen(r, false)
}

// customerData is what the customer-side messages name: the customer, their
// rep (or "our team") and the organisation.
func (b *Bot) customerData(r *req) (map[string]any, error) {
	rep := r.customer.OwnerName
	if rep == "" {
		rep = r.t("customer.our_team", nil)
	}
	org, err := b.links.OrgName(r.ctx)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Name": esc(clipRunes(r.customer.Name, 120)), "Rep": esc(clipRunes(rep, 120)), "Org": esc(clipRunes(org, 120))}, nil
}

// consentScreen greets the customer, says who contacts them and why, and
// asks whether the bot may message them, with the language buttons.
func (b *Bot) consentScreen(r *req, edit bool) error {
	data, err := b.customerData(r)
	if err != nil {
		return err
	}
	msg := "link.welcome"
	if data["Org"] == "" {
		msg = "link.welcome_no_org"
	}
	kb := ikm(
		[]models.InlineKeyboardButton{ib(r.t("link.btn.agree", nil), cb(actConsentYes)), ib(r.t("link.btn.not_now", nil), cb(actConsentNo))},
		b.customerLangRow(r),
	)
	if edit {
		return r.edit(r.t(msg, data), kb)
	}
	return r.send(r.t(msg, data), kb)
}

// customerLangRow offers the three languages, their Telegram's first and
// the current one marked.
func (b *Bot) customerLangRow(r *req) []models.InlineKeyboardButton {
	var row []models.InlineKeyboardButton
	for _, l := range b.langOrder(r) {
		row = append(row, ib(r.mark(languageNames[l], l == r.lang()), cb(actCustLang, l)))
	}
	return row
}

// customerHello is the linked customer's greeting (/help, /start when
// they agreed already, any other command).
func (b *Bot) customerHello(r *req) error {
	data, err := b.customerData(r)
	if err != nil {
		return err
	}
	return r.send(r.t("customer.hello", data), replyKeyboardRemove())
}

// customerStart is /start without a link: it opts a customer who stopped
// back in (with the current consent wording), asks one who never answered,
// and greets anyone else.
func (b *Bot) customerStart(r *req) error {
	ch := r.customer.Chat
	switch {
	case !ch.OptedOutAt.IsZero():
		if err := b.links.SetCustomerConsent(r.ctx, r.customer.ID, r.now(), crm.ConsentVersion); err != nil {
			return err
		}
		data, err := b.customerData(r)
		if err != nil {
			return err
		}
		return r.send(r.t("link.resumed", data), replyKeyboardRemove())
	case ch.ConsentAt.IsZero():
		return b.consentScreen(r, false)
	}
	return b.customerHello(r)
}

// customerStop is /stop: the customer gets nothing more on the bot's
// initiative (surveys, greetings, campaigns) until /start, and is told so.
func (b *Bot) customerStop(r *req) error {
	if err := b.links.SetCustomerOptOut(r.ctx, r.customer.ID, r.now()); err != nil {
		return err
	}
	data, err := b.customerData(r)
	if err != nil {
		return err
	}
	return r.send(r.t("link.stopped", data), replyKeyboardRemove())
}

// customerLanguage is /language: the three languages to pick from.
func (b *Bot) customerLanguage(r *req) error {
	return r.send(r.t("link.ask_language", nil), ikm(b.customerLangRow(r)))
}

func (b *Bot) onConsentYes(r *req, _ []string) error {
	if err := b.links.SetCustomerConsent(r.ctx, r.customer.ID, r.now(), crm.ConsentVersion); err != nil {
		return err
	}
	data, err := b.customerData(r)
	if err != nil {
		return err
	}
	return r.edit(r.t("link.consent_given", data), nil)
}

// onConsentNo leaves the customer without consent; pressed on an old
// question after agreeing, it withdraws the consent as /stop does.
func (b *Bot) onConsentNo(r *req, _ []string) error {
	if ch := r.customer.Chat; !ch.ConsentAt.IsZero() && ch.OptedOutAt.IsZero() {
		if err := b.links.SetCustomerOptOut(r.ctx, r.customer.ID, r.now()); err != nil {
			return err
		}
	}
	data, err := b.customerData(r)
	if err != nil {
		return err
	}
	return r.edit(r.t("link.consent_declined", data), nil)
}

// onCustomerLang stores the language the customer picked, sets their menu
// in it, and shows the consent question (while unanswered) or a
// confirmation in that language.
func (b *Bot) onCustomerLang(r *req, args []string) error {
	if len(args) != 1 || !slices.Contains(i18n.Supported(), args[0]) {
		return r.staleButton()
	}
	lang := args[0]
	if err := b.links.SetCustomerChatLocale(r.ctx, r.customer.ID, lang); err != nil {
		return err
	}
	r.customer.Chat.Locale = lang
	r.loc = b.d.I18n.For(lang)
	if err := b.d.Out.Reply(r.ctx, b.CustomerMenu(r.customer)); err != nil {
		return err
	}
	if ch := r.customer.Chat; ch.ConsentAt.IsZero() && ch.OptedOutAt.IsZero() {
		return b.consentScreen(r, true)
	}
	return r.edit(r.t("link.language_set", nil), nil)
}
