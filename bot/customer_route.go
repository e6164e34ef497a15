package bot

// The customer-side route. A customer who linked their Telegram account
// (through their rep's link) reaches these handlers and nothing else: no
// staff command, no staff button, no search, and only their own record
// (r.customer). Surveys and the relay to their rep register here as they
// come: customer commands in customerRoute, buttons with customerAction.

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
// invite link still lets them join the staff.
func (b *Bot) customerRoute(r *req) error {
	if handled, err := b.surveyCustomerText(r); handled {
		return err
	}
	if r.cb != nil {
		code, args, err := decodeCallback(r.cb.Data)
		if h := b.customerActions[code]; err == nil && h != nil {
			return h(r, args)
		}
		return r.toast(r.t("error.stale_button", nil), false)
	}
	cmd, arg, isCmd := parseCommand(r.msg, b.d.BotUsername)
	if isCmd && cmd == "start" && arg != "" {
		return b.stranger(r) // an invite to the staff
	}
	rep := r.customer.OwnerName
	if rep == "" {
		rep = r.t("customer.our_team", nil)
	}
	data := map[string]any{"Name": esc(r.customer.Name), "Rep": esc(rep)}
	if isCmd {
		return r.send(r.t("customer.hello", data), replyKeyboardRemove())
	}
	return r.send(r.t("customer.message_received", data), nil)
}
