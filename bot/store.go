package bot

import (
	"context"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// Store is everything the bot asks of the database. internal/postgres
// implements it. Each feature declares the few methods it needs in a small
// interface of its own and its handlers reach only that (the Bot's field of
// that feature: b.customers, b.followups, …), so a feature's handlers can
// be tested on a fake of just that; Store composes them for New.
type Store interface {
	StaffStore
	StateStore
	OnboardingStore
	CustomerStore
	StageStore
	TeamStore
	TodayStore
	NoteMessageStore
	ReachStore
	ActivityStore
	FollowUpStore
	DateStore
	CustomerLinkStore
	RelayStore
	SurveyStore
	SurveyStageStore
	DigestStore
	PurchaseStore
	PolicyStore
	ProductNewsStore
	QualifyStore
	InterestStore
	InsightStore
	TransferStore
	CampaignStore
}

// StaffStore finds staff members.
type StaffStore interface {
	// StaffByTelegramID returns crm.ENotFound for strangers.
	StaffByTelegramID(ctx context.Context, tgID int64) (crm.Staff, error)
	StaffByID(ctx context.Context, id int64) (crm.Staff, error)
	// CustomerByTelegramID returns crm.ENotFound unless a live customer
	// linked that Telegram account.
	CustomerByTelegramID(ctx context.Context, tgID int64) (crm.Customer, error)
	// MarkWelcomed records the bot's first answer to a staff member.
	MarkWelcomed(ctx context.Context, staffID int64, at time.Time) error
}

// StateStore keeps conversation state per chat.
type StateStore interface {
	// LoadState returns crm.ENotFound when the chat is in no flow.
	LoadState(ctx context.Context, chatID int64) (*State, error)
	SaveState(ctx context.Context, st State) error
	ClearState(ctx context.Context, chatID int64) error
}
