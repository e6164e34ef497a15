package crm

import "time"

// Role is what a staff member may do.
type Role string

// Roles, from most to least powerful.
const (
	RoleAdmin   Role = "admin"
	RoleManager Role = "manager"
	RoleRep     Role = "rep"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleManager || r == RoleRep }

// Staff is an invited member of the sales organisation.
type Staff struct {
	ID             int64
	TelegramUserID int64
	DisplayName    string
	Username       string
	Role           Role
	TeamID         int64 // 0: no team
	Locale         string
	Calendar       string
	TimeZone       string
	WorkHours      WorkHours // nil: the locale's default
	Onboarded      bool
	Active         bool
	CreatedAt      time.Time
	WelcomedAt     time.Time // zero until the bot first answered them
}

// Location returns the staff member's time zone, UTC when it is unknown.
func (s Staff) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Hours returns the staff member's working hours, or their locale's default.
func (s Staff) Hours() WorkHours {
	if len(s.WorkHours) > 0 {
		return s.WorkHours
	}
	return DefaultWorkHours(s.Locale)
}

// Team is a manager and the reps who report to them.
type Team struct {
	ID        int64
	Name      string
	ManagerID int64 // 0: none yet
}

// LocaleDefaults are the calendar and time zone a new user starts with.
type LocaleDefaults struct {
	Calendar string
	TimeZone string
}

// DefaultsFor returns the onboarding defaults of a locale.
func DefaultsFor(locale string) LocaleDefaults {
	switch locale {
	case "fa":
		return LocaleDefaults{Calendar: "jalali", TimeZone: "Asia/Tehran"}
	case "ar":
		return LocaleDefaults{Calendar: "gregorian", TimeZone: "Asia/Dubai"}
	default:
		return LocaleDefaults{Calendar: "gregorian", TimeZone: "UTC"}
	}
}
