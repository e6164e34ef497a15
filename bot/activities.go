package bot

// ActivityStore is what the activities feature asks of the database.
type ActivityStore interface{}

// routesActivities registers the activities feature. (Placeholder until it lands.)
func (b *Bot) routesActivities() {}
