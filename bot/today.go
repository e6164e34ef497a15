package bot

import (
	"context"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/schedule"
)

// "My day": overdue follow-ups first, then today's, then today's important
// dates of the rep's customers, then the customers in open stages with no
// next step planned; each one tap from done or the card. With nothing due
// it says so, and names the next thing coming up.

// TodayStore is what "my day" reads. Its handlers use only this (b.today),
// so they can be tested on a small fake as well as on the database.
type TodayStore interface {
	// FollowUpsDueBy lists open follow-ups due before until, earliest first.
	FollowUpsDueBy(ctx context.Context, assigneeID int64, until time.Time, limit int) ([]crm.FollowUp, error)
	DatesOwnedBy(ctx context.Context, ownerID int64) ([]crm.CustomerDate, error)
	CustomersWithoutNextStep(ctx context.Context, ownerID int64, limit int) ([]crm.Customer, int, error)
	// NextFollowUp returns crm.ENotFound when nothing is planned from then on.
	NextFollowUp(ctx context.Context, assigneeID int64, from time.Time) (crm.FollowUp, error)
}

// todayLimit bounds the follow-ups listed; the rest are counted.
const todayLimit = 15

// noNextStepLimit bounds the customers without a next step listed.
const noNextStepLimit = 5

// routesToday registers /today and its main key.
func (b *Bot) routesToday() {
	b.command("today", func(r *req) error { return b.showToday(r, false, nil) })
	b.mainKey("menu.today", func(r *req) error { return b.showToday(r, false, nil) })
}

// todayNotice is news shown on top of "my day" after an action on it (a
// follow-up done, and what comes next), with its undo button.
type todayNotice struct {
	text string
	undo string // callback data of the undo button; "" for none
}

// showToday writes the user's day; edit replaces the pressed message.
func (b *Bot) showToday(r *req, edit bool, notice *todayNotice) error {
	loc := r.userLoc()
	now := r.now()
	local := now.In(loc)
	tomorrow := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	fs, err := b.today.FollowUpsDueBy(r.ctx, r.staff.ID, tomorrow, todayLimit+1)
	if err != nil {
		return err
	}
	more := len(fs) > todayLimit
	if more {
		fs = fs[:todayLimit]
	}
	dates, err := b.datesToday(r, now, loc)
	if err != nil {
		return err
	}
	idle, idleTotal, err := b.today.CustomersWithoutNextStep(r.ctx, r.staff.ID, noNextStepLimit)
	if err != nil {
		return err
	}
	var overdue, due []crm.FollowUp
	for _, f := range fs {
		if f.DueAt.Before(now) {
			overdue = append(overdue, f)
		} else {
			due = append(due, f)
		}
	}
	var rows [][]models.InlineKeyboardButton
	text := ""
	if notice != nil {
		text = notice.text + "\n\n"
		if notice.undo != "" {
			rows = append(rows, []models.InlineKeyboardButton{ib(r.t("followup.undo", nil), notice.undo)})
		}
	}
	text += r.t("today.title", map[string]any{"Date": format.Date(r.lang(), r.staffCal(), local)})
	if len(overdue)+len(due)+len(dates) == 0 {
		empty, err := b.nothingDueToday(r, tomorrow)
		if err != nil {
			return err
		}
		text += "\n\n" + empty
	}
	section := func(header string, list []crm.FollowUp, item string) {
		if len(list) == 0 {
			return
		}
		text += "\n\n" + r.n(header, len(list), nil)
		for _, f := range list {
			text += "\n" + r.t(item, map[string]any{"Name": esc(f.CustomerName), "When": r.dueText(f.DueAt),
				"Time": format.Time(r.lang(), f.DueAt.In(loc))})
			rows = append(rows, []models.InlineKeyboardButton{
				ib(r.t("today.done", map[string]any{"Name": clip(f.CustomerName, 30, "…")}), cb(actFUDone, id(f.ID), id(f.DueAt.Unix()), "t")),
				ib(r.t("today.card", nil), cb(actCard, id(f.CustomerID))),
			})
		}
	}
	section("today.overdue_header", overdue, "today.overdue_item")
	section("today.due_header", due, "today.due_item")
	if more {
		text += "\n" + r.t("today.more", nil)
	}
	if len(dates) > 0 {
		text += "\n\n" + r.n("today.dates_header", len(dates), nil)
		for _, d := range dates {
			kind := r.t("dates.kind."+string(d.Kind), nil)
			text += "\n" + r.t("today.date_item", map[string]any{"Kind": kind, "Name": esc(d.CustomerName)})
			rows = append(rows, []models.InlineKeyboardButton{
				ib(r.t("today.date_card", map[string]any{"Kind": kind, "Name": clip(d.CustomerName, 30, "…")}), cb(actCard, id(d.CustomerID))),
			})
		}
	}
	if len(idle) > 0 {
		text += "\n\n" + r.n("today.no_next_header", idleTotal, nil)
		for _, c := range idle {
			text += "\n" + r.t("today.no_next_item", map[string]any{"Name": esc(c.Name), "Last": r.lastContact(c)})
			rows = append(rows, []models.InlineKeyboardButton{
				ib(r.t("today.plan", map[string]any{"Name": clip(c.Name, 30, "…")}), cb(actFollowUp, id(c.ID))),
				ib(r.t("today.card", nil), cb(actCard, id(c.ID))),
			})
		}
		if idleTotal > len(idle) {
			text += "\n" + r.n("today.no_next_more", idleTotal-len(idle), nil)
		}
	}
	var markup any
	if len(rows) > 0 || edit {
		markup = ikm(rows...) // on an edit, an empty keyboard takes the done buttons away
	}
	if edit {
		return r.edit(text, markup)
	}
	return r.send(text, markup)
}

// datesToday are today's important dates of the user's customers.
func (b *Bot) datesToday(r *req, now time.Time, loc *time.Location) ([]crm.CustomerDate, error) {
	ds, err := b.today.DatesOwnedBy(r.ctx, r.staff.ID)
	if err != nil {
		return nil, err
	}
	local := now.In(loc)
	var out []crm.CustomerDate
	for _, d := range ds {
		if occ := schedule.NextOccurrence(d.ImportantDate, now, loc); !occ.IsZero() && format.DaysBetween(local, occ) == 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

// nothingDueToday is the friendly line of an empty day, naming the next
// follow-up coming up when there is one.
func (b *Bot) nothingDueToday(r *req, tomorrow time.Time) (string, error) {
	next, err := b.today.NextFollowUp(r.ctx, r.staff.ID, tomorrow)
	switch {
	case crm.IsCode(err, crm.ENotFound):
		return r.t("today.empty", nil), nil
	case err != nil:
		return "", err
	}
	return r.t("today.empty_next", map[string]any{"Name": esc(next.CustomerName), "When": r.dueText(next.DueAt)}), nil
}

// lastContact says when a customer was last contacted, relative to today.
func (r *req) lastContact(c crm.Customer) string {
	if c.LastContactAt.IsZero() {
		return r.t("today.never_contacted", nil)
	}
	return format.RelativeDay(r.lang(), r.cal(), c.LastContactAt.In(r.userLoc()), r.now())
}
