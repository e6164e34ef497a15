package bot

// routesToday registers /today ("my day"). (Placeholder until it lands.)
func (b *Bot) routesToday() {}
