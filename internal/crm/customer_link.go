package crm

import "time"

// Linking a customer to the bot. A rep (or the customer's manager, or an
// admin: whoever may change the customer, CanEdit) makes a personal link
// from the card; the customer opening it is linked (Customer.Chat) and
// asked for consent. Consent covers what the bot sends on its own
// initiative (Messageable); the reactive relay (the customer writes, their
// rep answers) needs only a live link (Replyable).

// CustomerLinkPrefix starts every customer link's /start payload; staff
// invites start with "inv_", so the two are told apart before any lookup.
const CustomerLinkPrefix = "c_"

// CustomerLinkTTL is how long a customer's link works by default.
const CustomerLinkTTL = 14 * 24 * time.Hour

// ConsentVersion names the wording of the consent question the bot asks
// now (locale message "link.welcome"). Change it with the wording, so that
// each customer's consent says which text they agreed to.
const ConsentVersion = "link.welcome/1"

// LinkResult is what opening a customer link did.
type LinkResult int

// The outcomes of opening a customer link.
const (
	LinkLinked  LinkResult = iota // the account is now the customer's
	LinkAgain                     // the customer's own account opened their link again
	LinkExpired                   // the link is past its expiry
	LinkRevoked                   // the link was revoked (or replaced by a newer one)
	LinkUsed                      // someone else already used the link
	LinkUnknown                   // no such link (a typo, a made-up token)
	LinkTaken                     // the account is linked to another customer already
)

// Replyable reports whether a staff member's answer may be relayed to the
// customer: linked, not deleted, not opted out, not unreachable. Consent is
// not needed for an answer to what the customer wrote themselves.
func (c Customer) Replyable() bool {
	ch := c.Chat
	return c.DeletedAt.IsZero() && ch.TelegramUserID != 0 && ch.OptedOutAt.IsZero() && ch.UnreachableAt.IsZero()
}

// ChatLocale is the language the customer reads the bot in: the one they
// chose (or their Telegram's, kept when they linked), else def.
func (c Customer) ChatLocale(def string) string {
	if c.Chat.Locale != "" {
		return c.Chat.Locale
	}
	return def
}
