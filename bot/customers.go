package bot

// CustomerStore is what the customers feature asks of the database.
type CustomerStore interface{}

// routesCustomers registers the customers feature. (Placeholder until it lands.)
func (b *Bot) routesCustomers() {}

// findFromText opens a card for a typed phone number and searches
// customers for anything else. (Placeholder until it lands.)
func (b *Bot) findFromText(r *req) error { return r.send(r.t("core.help", nil), r.mainKeyboard()) }
