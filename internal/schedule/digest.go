package schedule

import (
	"context"
	"strconv"
	"time"

	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/outbound"
)

// DigestStore is what the digest sweep reads and marks.
type DigestStore interface {
	Tx
	// DigestRecipients are the active managers and admins with their
	// schedules.
	DigestRecipients(ctx context.Context) ([]digest.Recipient, error)
	// ClaimDigestRun records the digest of a staff member's local date and
	// reports false when it was already recorded.
	ClaimDigestRun(ctx context.Context, staffID int64, localDate string, at time.Time) (bool, error)
}

// Digests sends each manager their scheduled digest.
type Digests struct {
	Store  DigestStore
	Notify Planner
}

// RunOnce plans the digest of every manager whose schedule has fired
// today in their zone by now (digest.Schedule.Due: their hour on their
// working days, never on a day off, nothing while off or paused), once
// per manager and local date: the run is claimed (digest_runs) in the
// same transaction as its two notifications, the text and the chart
// (keys "digest:<staff>:<date>" and "digest_chart:<staff>:<date>"), so
// restarts, repeated sweeps and replicas plan it once. Run it every
// minute; a sweep that comes late (the bot was down at 08:00) still sends
// that day's digest. It reports how many digests it planned.
func (d Digests) RunOnce(ctx context.Context, now time.Time) (n int, err error) {
	err = d.Store.InTx(ctx, func(ctx context.Context) error {
		rs, err := d.Store.DigestRecipients(ctx)
		if err != nil {
			return err
		}
		for _, r := range rs {
			date, _, due := r.Schedule.Due(r.Staff, now)
			if !due || r.Staff.TelegramUserID == 0 {
				continue
			}
			ok, err := d.Store.ClaimDigestRun(ctx, r.Staff.ID, date, now)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			n++
			for _, no := range DigestNotifications(r.Staff.ID, r.Staff.TelegramUserID, date, now) {
				if err := d.Notify.Schedule(ctx, no); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return n, err
}

// DigestNotifications are the two messages of one scheduled digest: the
// text and the chart, both due at once. They are sent at the hour chosen,
// not held for working hours.
func DigestNotifications(staffID, chatID int64, date string, now time.Time) []outbound.Notification {
	key := strconv.FormatInt(staffID, 10) + ":" + date
	return []outbound.Notification{
		{Kind: outbound.KindDigest, ChatID: chatID, StaffID: staffID, RefID: staffID, Due: now, DedupKey: "digest:" + key},
		{Kind: outbound.KindDigestChart, ChatID: chatID, StaffID: staffID, RefID: staffID, Due: now, DedupKey: "digest_chart:" + key},
	}
}
