package bot

// The customer-side route. A customer who linked their Telegram account
// (through their rep's link, customer_start.go) reaches these handlers and
// nothing else: no staff command, no staff button, no search, and only
// their own record (r.customer), in the language they read the bot in.
// Surveys and the relay register here: customer commands in customerRoute,
// buttons with customerAction.

// customerAction registers a button a linked customer may press; like
// action, a code registered twice stops the bot at start.
func (b *Bot) customerAction(code string, h actionFunc) {
	if _, dup := b.customerActions[code]; dup {
		panic("bot: customer callback code " + code + " registered twice")
	}
	b.customerActions[code] = h
}

// customerRoute answers a linked customer. A button that is not one of
// theirs (a staff button forwarded to them, or forged) is stale; an
// invite link still lets them join the staff, and another customer link
// is answered as opening it would be.
func (b *Bot) customerRoute(r *req) error {
	if r.cb != nil {
		code, args, err := decodeCallback(r.cb.Data)
		if h := b.customerActions[code]; err == nil && h != nil {
			return h(r, args)
		}
		return r.toast(r.t("error.stale_button", nil), false)
	}
	// The surveys take what answers a survey first (a comment).
	if handled, err := b.surveyCustomerText(r); handled {
		return err
	}
	cmd, arg, isCmd := parseCommand(r.msg, b.d.BotUsername)
	if !isCmd {
		return b.relayFromCustomer(r) // customer_relay.go
	}
	r.arg = arg
	switch {
	case cmd == "start" && isCustomerLink(arg):
		return b.openCustomerLink(r)
	case cmd == "start" && arg != "":
		return b.stranger(r) // an invite to the staff
	case cmd == "start":
		return b.customerStart(r)
	case cmd == "stop":
		return b.customerStop(r)
	case cmd == "language":
		return b.customerLanguage(r)
	}
	return b.customerHello(r)
}
