package bot

// StageStore is what the stages feature asks of the database.
type StageStore interface{}

// routesStages registers the stages feature. (Placeholder until it lands.)
func (b *Bot) routesStages() {}
