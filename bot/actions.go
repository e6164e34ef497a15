package bot

// Callback action codes, shared by the features whose buttons point at one
// another (the customer card offers logging, follow-ups and history). Keep
// them two or three letters: callback data has 64 bytes.
const (
	// customers.go
	actCard   = "cc" // open a customer's card: cc:<customer>
	actMore   = "cm" // the card's "more" menu: cm:<customer>
	actClaim  = "cl" // take a pool customer: cl:<customer>
	actSearch = "cs" // a page of search results: cs:<page>
	// stages.go
	actStageMenu = "sm" // offer the stages to move to: sm:<customer>
	// activities.go
	actLogCall  = "lc" // log a call: lc:<customer>
	actLogVisit = "lv" // log a visit: lv:<customer>
	actNote     = "ln" // add a note: ln:<customer>
	actHistory  = "hi" // the history page: hi:<customer>:<page>
	// followups.go
	actFollowUp = "fu" // plan a follow-up: fu:<customer>
	// dates.go
	actDates = "da" // important dates of a customer: da:<customer>
)
