package crm

import "time"

// Campaigns (issue 14): one personalised message to the customers of an
// audience, each in their own language, only to those who may be messaged
// (Messageable); the ones never linked become call tasks for their reps.
// Each recipient's send is kept, so the campaign shows what was delivered,
// blocked and replied to.

// CampaignStatus is where a campaign stands.
type CampaignStatus string

// The life of a campaign: written and previewed as a draft, sending once
// started (its recipients are fixed then), done when every recipient was
// handled.
const (
	CampaignDraft   CampaignStatus = "draft"
	CampaignSending CampaignStatus = "sending"
	CampaignDone    CampaignStatus = "done"
)

// CampaignScope is whose customers a campaign reaches: its author's access
// when it was made.
type CampaignScope string

// The scopes of a campaign, by its author's role.
const (
	ScopeAll  CampaignScope = "all"  // an admin's: every customer
	ScopeTeam CampaignScope = "team" // a manager's: their team's, their own and the pool
	ScopeOwn  CampaignScope = "own"  // a rep's: their own customers
)

// ScopeOf is the scope of a campaign made by s.
func ScopeOf(s Staff) CampaignScope {
	switch s.Role {
	case RoleAdmin:
		return ScopeAll
	case RoleManager:
		return ScopeTeam
	}
	return ScopeOwn
}

// Campaign is one message to an audience.
type Campaign struct {
	ID            int64
	AuthorID      int64
	AuthorName    string
	TeamID        int64 // the author's team when it was made: its manager sees it
	Scope         CampaignScope
	Audience      Audience
	Texts         Template
	DefaultLocale string // the author's language: the text of a reader without their own
	Status        CampaignStatus
	CreatedAt     time.Time
	StartedAt     time.Time // zero: a draft
	DoneAt        time.Time
}

// CanCampaign reports whether s may make campaigns: any active staff
// member, to the customers they may change (a rep: their own).
func CanCampaign(s Staff) bool { return s.Active && s.Role.Valid() }

// CanSeeCampaign reports whether actor may see (and, while a draft, change
// and start) campaign c: its author, an admin, or the manager of the team
// it was made in.
func CanSeeCampaign(actor Staff, c Campaign) bool {
	if !actor.Active {
		return false
	}
	switch {
	case c.AuthorID == actor.ID || actor.Role == RoleAdmin:
		return true
	case actor.Role == RoleManager:
		return actor.TeamID != 0 && c.TeamID == actor.TeamID && c.Scope != ScopeAll
	}
	return false
}

// Channel is how a recipient is reached.
type Channel string

// The channels of a campaign.
const (
	ChannelMessage Channel = "message" // the bot writes to the customer
	ChannelTask    Channel = "task"    // a call task for their rep (never linked)
)

// RecipientStatus is where one customer of a campaign stands.
type RecipientStatus string

// The statuses of a campaign's recipient.
const (
	RecipientQueued    RecipientStatus = "queued"    // waiting for its turn (or the customer's daytime)
	RecipientSending   RecipientStatus = "sending"   // handed to the rate-limited delivery
	RecipientDelivered RecipientStatus = "delivered" // Telegram took the message
	RecipientReplied   RecipientStatus = "replied"   // delivered, and the customer wrote back within CampaignReplyWindow
	RecipientBlocked   RecipientStatus = "blocked"   // the customer blocked the bot (known at start, or a 403 on the send)
	RecipientSkipped   RecipientStatus = "skipped"   // may not be messaged: opted out, no consent (or no one to call)
	RecipientFailed    RecipientStatus = "failed"    // Telegram refused the message (a bug of ours)
	RecipientTask      RecipientStatus = "task"      // the call task was created for their rep
)

// CampaignReplyWindow is how long after a delivered campaign message a
// customer's message counts as a reply to it.
const CampaignReplyWindow = 7 * 24 * time.Hour

// PlanRecipient is how a campaign reaches c when it starts: a message to
// a customer who may be messaged, a call task for one who never linked,
// blocked for one who blocked the bot, and nothing (skipped) for one who
// opted out or gave no consent. The store does the same in SQL for all
// recipients at once (postgres.StartCampaign); this is its rule.
func PlanRecipient(c Customer) (Channel, RecipientStatus) {
	ch := c.Chat
	switch {
	case c.Messageable():
		return ChannelMessage, RecipientQueued
	case ch.TelegramUserID == 0:
		return ChannelTask, RecipientQueued
	case !ch.UnreachableAt.IsZero() && ch.OptedOutAt.IsZero():
		return ChannelMessage, RecipientBlocked
	}
	return ChannelMessage, RecipientSkipped
}

// CampaignFigures count a campaign's recipients by what came of them.
type CampaignFigures struct {
	Recipients int // everyone in the audience when it started
	Queued     int // not sent yet (queued or sending)
	Delivered  int // delivered, replied included
	Replied    int
	Blocked    int
	Skipped    int // skipped and failed
	Tasks      int // call tasks created
	TaskReps   int // reps the tasks went to
}

// AudienceCount is the size of an audience as the builder shows it, before
// it starts: how many get a message, how many become call tasks and for
// how many reps, and how many are skipped.
type AudienceCount struct {
	Total    int
	Messages int // linked, consenting, reachable
	Tasks    int // never linked
	TaskReps int // distinct reps of those tasks (the pool counts as the author)
	Skipped  int // opted out, no consent, or blocked
}

// CampaignSend is one customer's message of a campaign as their timeline
// shows it.
type CampaignSend struct {
	CampaignID int64
	AuthorName string
	Status     RecipientStatus
	Text       string
	At         time.Time
}

// CampaignRecipient is one customer of a started campaign as dispatch and
// the message's renderer see it.
type CampaignRecipient struct {
	CampaignID int64
	Customer   Customer
	OwnerZone  string // the owner's time zone ("" none)
	Channel    Channel
	Status     RecipientStatus
	Locale     string // the language it was written in, once sent
	Body       string // the message as sent, or the task's note
}
