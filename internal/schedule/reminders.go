package schedule

import (
	"strconv"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// Reminder is the reminder of follow-up f, due at its due time in the
// assignee's working hours. Its key carries the due time, so a follow-up
// moved (snoozed, rescheduled, reopened) gets a reminder of its own while
// the old one skips itself when it comes up (the bot's renderer checks the
// follow-up is still open and due then): moving one never cancels a job.
func Reminder(f crm.FollowUp, assignee crm.Staff) outbound.Notification {
	return outbound.Notification{
		Kind: outbound.KindReminder, ChatID: assignee.TelegramUserID, StaffID: assignee.ID, RefID: f.ID,
		Due: f.DueAt, QuietHours: true, DedupKey: "reminder:" + strconv.FormatInt(f.ID, 10) + ":" + strconv.FormatInt(f.DueAt.Unix(), 10),
	}
}
