package bot

// FollowUpStore is what the followups feature asks of the database.
type FollowUpStore interface{}

// routesFollowUps registers the followups feature. (Placeholder until it lands.)
func (b *Bot) routesFollowUps() {}
