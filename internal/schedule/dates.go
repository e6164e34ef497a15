package schedule

import (
	"context"
	"strconv"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/outbound"
)

// DateStore is what the important-dates scan reads.
type DateStore interface {
	Tx
	// DatesToRemind lists the dates of live customers with an active owner.
	DatesToRemind(ctx context.Context) ([]crm.CustomerDate, error)
	StaffByID(ctx context.Context, id int64) (crm.Staff, error)
}

// ImportantDates reminds owners of their customers' important dates.
type ImportantDates struct {
	Store  DateStore
	Notify Planner
}

// RunOnce plans the reminders of every important date whose next
// occurrence is today or tomorrow in its owner's time zone: the owner
// hears the day before and on the day, at the start of their working
// hours. A date a year lacks falls on that month's last day (30 Esfand on
// 29 Esfand in a common year, 29 February on 28 February). Idempotent (key
// "date:<id>:<occurrence YYYY-MM-DD>:<before|day>"): run it at least daily.
// It reports how many reminders it planned (repeats included).
func (d ImportantDates) RunOnce(ctx context.Context, now time.Time) (n int, err error) {
	err = d.Store.InTx(ctx, func(ctx context.Context) error {
		ds, err := d.Store.DatesToRemind(ctx)
		if err != nil {
			return err
		}
		owners := map[int64]crm.Staff{}
		for _, cd := range ds {
			s, ok := owners[cd.OwnerID]
			if !ok {
				if s, err = d.Store.StaffByID(ctx, cd.OwnerID); err != nil {
					return err
				}
				owners[cd.OwnerID] = s
			}
			for _, no := range DateReminders(cd, s, now) {
				if err := d.Notify.Schedule(ctx, no); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// DateReminders are the reminders of d's next occurrence that fall today
// or tomorrow in the owner's time zone.
func DateReminders(d crm.CustomerDate, owner crm.Staff, now time.Time) []outbound.Notification {
	loc := owner.Location()
	occ := NextOccurrence(d.ImportantDate, now, loc)
	if occ.IsZero() {
		return nil
	}
	var out []outbound.Notification
	add := func(when string, day time.Time) {
		out = append(out, outbound.Notification{Kind: outbound.KindDateGreeting, ChatID: owner.TelegramUserID, StaffID: owner.ID,
			RefID: d.ID, Due: crm.WorkStart(owner, day, now), QuietHours: true,
			DedupKey: "date:" + strconv.FormatInt(d.ID, 10) + ":" + occ.Format("2006-01-02") + ":" + when})
	}
	switch format.DaysBetween(now.In(loc), occ) {
	case 0:
		add("day", occ)
	case 1:
		add("before", occ.AddDate(0, 0, -1))
		add("day", occ)
	}
	return out
}

// NextOccurrence is local midnight (in loc) of the first occurrence of d
// on or after now's day, in d's own calendar; zero when d cannot occur.
func NextOccurrence(d crm.ImportantDate, now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	return calendar.NextOccurrence(calendar.Calendar(d.Calendar), d.Month, d.Day, midnight.Add(-time.Nanosecond), loc)
}
