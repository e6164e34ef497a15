package bot

// OnboardingStore is what the onboarding feature asks of the database.
type OnboardingStore interface{}

// routesOnboarding registers the onboarding feature. (Placeholder until it lands.)
func (b *Bot) routesOnboarding() {}
