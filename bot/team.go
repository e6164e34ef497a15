package bot

// TeamStore is what the team feature asks of the database.
type TeamStore interface{}

// routesTeam registers the team feature. (Placeholder until it lands.)
func (b *Bot) routesTeam() {}
