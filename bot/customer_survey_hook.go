package bot

// surveyCustomerText is where the surveys take a linked customer's message
// first (a comment on an answer); this stand-in takes none. The surveys'
// branch replaces it.
func (b *Bot) surveyCustomerText(r *req) (handled bool, err error) { return false, nil }
