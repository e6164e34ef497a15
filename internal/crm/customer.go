package crm

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Customer is a person or company the sales team works with.
type Customer struct {
	ID                int64
	Name              string
	Phones            []string // E.164, the primary first
	Company           string
	JobTitle          string
	Industry          string
	City              string
	Source            string
	OwnerID           int64 // 0: the unassigned pool
	OwnerTeamID       int64 // the owner's team, filled by the store for access checks
	OwnerName         string
	StageID           int64
	Tags              []string
	PersonalityType   string // one of the 16 types, e.g. "ENTJ"; optional
	RelationshipLevel int    // 1 basic … 5 partnership; 0 unset
	Notes             string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	LastContactAt     time.Time // zero: never
	DeletedAt         time.Time // zero: not deleted
	Chat              CustomerChat
}

// CustomerChat is a customer's own Telegram link to the bot (migrations
// 009 and 010): who they are there, the language they read, and whether
// they agreed to be messaged.
type CustomerChat struct {
	TelegramUserID int64     // 0: not linked
	LinkedAt       time.Time // zero: not linked
	Locale         string    // "en", "fa", "ar"; empty: not chosen yet
	TimeZone       string    // IANA zone; empty: the owner's, else the organisation's
	ConsentAt      time.Time // zero: no consent (yet)
	ConsentVersion string    // the wording they agreed to
	OptedOutAt     time.Time // zero: not opted out (/stop)
	UnreachableAt  time.Time // zero: reachable (they did not block the bot)
}

// Messageable reports whether the bot may message the customer on its own
// initiative (surveys, greetings, campaigns): linked, consenting, not
// opted out and not unreachable. A deleted customer never is.
func (c Customer) Messageable() bool {
	ch := c.Chat
	return c.DeletedAt.IsZero() && ch.TelegramUserID != 0 && !ch.ConsentAt.IsZero() &&
		ch.OptedOutAt.IsZero() && ch.UnreachableAt.IsZero()
}

// Field limits keep cards readable within Telegram's message size.
const (
	MaxNameLen    = 200
	MaxFieldLen   = 200
	MaxTags       = 30
	MaxTagLen     = 40
	MaxNoteLen    = 20000
	MaxReasonLen  = 500
	MaxCustomerPh = 5
)

// Validate checks a customer before it is stored.
func (c *Customer) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	switch {
	case c.Name == "":
		return Errorf(EInvalid, "name is empty")
	case utf8.RuneCountInString(c.Name) > MaxNameLen:
		return Errorf(EInvalid, "name is too long")
	case len(c.Phones) > MaxCustomerPh:
		return Errorf(EInvalid, "too many phones")
	case len(c.Tags) > MaxTags:
		return Errorf(EInvalid, "too many tags")
	case c.RelationshipLevel < 0 || c.RelationshipLevel > 5:
		return Errorf(EInvalid, "relationship level %d", c.RelationshipLevel)
	case c.PersonalityType != "" && !validPersonality(c.PersonalityType):
		return Errorf(EInvalid, "personality type %q", c.PersonalityType)
	}
	for _, f := range []string{c.Company, c.JobTitle, c.Industry, c.City, c.Source} {
		if utf8.RuneCountInString(f) > MaxFieldLen {
			return Errorf(EInvalid, "field is too long")
		}
	}
	for _, t := range c.Tags {
		if t == "" || utf8.RuneCountInString(t) > MaxTagLen {
			return Errorf(EInvalid, "tag %q", t)
		}
	}
	return nil
}

func validPersonality(p string) bool {
	if len(p) != 4 {
		return false
	}
	pairs := [4]string{"EI", "SN", "TF", "JP"}
	for i := range 4 {
		if !strings.ContainsRune(pairs[i], rune(p[i])) {
			return false
		}
	}
	return true
}

// Deleted reports whether the customer was soft-deleted.
func (c Customer) Deleted() bool { return !c.DeletedAt.IsZero() }

// CardInfo is what a customer's card shows besides the customer: the
// earliest open follow-up (zero ID: none), the important dates, what was
// recorded when they were qualified (zero: never), their interests, and
// whether they have a value row (bought or were quoted something: only
// then has the card value lines).
type CardInfo struct {
	Next          FollowUp
	Dates         []ImportantDate
	Qualification Qualification
	Interests     []Interest
	HasValue      bool
}
