package bot

// DateStore is what the dates feature asks of the database.
type DateStore interface{}

// routesDates registers the dates feature. (Placeholder until it lands.)
func (b *Bot) routesDates() {}
