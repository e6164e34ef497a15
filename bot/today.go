package bot

import (
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// "My day": overdue follow-ups first, then today's, then today's important
// dates of the rep's customers; each one tap from done or the card.

// todayLimit bounds the follow-ups listed; the rest are counted.
const todayLimit = 15

// routesToday registers /today and its main key.
func (b *Bot) routesToday() {
	b.command("today", func(r *req) error { return b.showToday(r, false) })
	b.mainKey("menu.today", func(r *req) error { return b.showToday(r, false) })
}

// showToday writes the user's day; edit replaces the pressed message.
func (b *Bot) showToday(r *req, edit bool) error {
	loc := r.userLoc()
	now := r.now()
	local := now.In(loc)
	tomorrow := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	fs, err := b.d.Store.FollowUpsDueBy(r.ctx, r.staff.ID, tomorrow, todayLimit+1)
	if err != nil {
		return err
	}
	more := 0
	if len(fs) > todayLimit {
		fs, more = fs[:todayLimit], 1
	}
	ds, err := b.d.Store.DatesOwnedBy(r.ctx, r.staff.ID)
	if err != nil {
		return err
	}
	var dates []crm.CustomerDate
	for _, d := range ds {
		if occ := nextOccurrence(d.ImportantDate, now, loc); !occ.IsZero() && format.DaysBetween(local, occ) == 0 {
			dates = append(dates, d)
		}
	}
	var overdue, due []crm.FollowUp
	for _, f := range fs {
		if f.DueAt.Before(now) {
			overdue = append(overdue, f)
		} else {
			due = append(due, f)
		}
	}
	text := r.t("today.title", map[string]any{"Date": format.Date(r.lang(), r.staffCal(), local)})
	var rows [][]models.InlineKeyboardButton
	if len(overdue)+len(due)+len(dates) == 0 {
		text += "\n\n" + r.t("today.empty", nil)
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
	if more > 0 {
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
	if edit {
		return r.edit(text, ikm(rows...))
	}
	return r.send(text, ikm(rows...))
}
