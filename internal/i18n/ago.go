package i18n

import (
	"time"

	"github.com/telecrm/crmbot/internal/format"
)

// Ago says how long before now t was, in the reader's words: "just now",
// "5 minutes ago" and "3 hours ago" on the same day, then by calendar days,
// "yesterday" (fa «دیروز», ar «أمس»), "3 days ago". Days are counted between
// the dates of t and now read in t's location, so pass t in the reader's
// time zone. A t after now reads "just now".
func (l *Localizer) Ago(t, now time.Time) string {
	d := now.Sub(t)
	switch days := format.DaysBetween(t, now.In(t.Location())); {
	case days >= 1:
		return l.N("time.ago.days", days, nil)
	case d < time.Minute:
		return l.T("time.ago.now", nil)
	case d < time.Hour:
		return l.N("time.ago.minutes", int(d/time.Minute), nil)
	default:
		return l.N("time.ago.hours", int(d/time.Hour), nil)
	}
}
