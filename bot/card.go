package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/i18n"
)

// maxCardDates bounds the important dates a card lists.
const maxCardDates = 8

// maxCardRunes keeps a card under Telegram's 4096 characters. Every field
// is clipped on its own, so this only guards against surprises.
const maxCardRunes = 3900

// joinWithin joins lines with new lines, dropping whole lines from the end
// past max runes (each line is balanced HTML, so the result stays valid).
func joinWithin(lines []string, max int) string {
	n := 0
	for i, l := range lines {
		n += utf8.RuneCountInString(l) + 1
		if n > max {
			return strings.Join(append(lines[:i:i], "…"), "\n")
		}
	}
	return strings.Join(lines, "\n")
}

// cal is the user's calendar (Gregorian when unset or unknown).
func (r *req) cal() calendar.Calendar {
	if c, err := calendar.Parse(r.staff.Calendar); err == nil {
		return c
	}
	return calendar.Gregorian
}

// showCard renders customer c's card; edit replaces the message the
// pressed button is on. The caller has checked that the user may see c.
func (b *Bot) showCard(r *req, c crm.Customer, edit bool) error {
	text, err := b.cardText(r, c)
	if err != nil {
		return err
	}
	kb := cardKeyboard(r, c)
	if edit {
		return r.edit(text, kb)
	}
	return r.send(text, kb)
}

// cardText is the card's body, in the user's language, calendar and digits.
func (b *Bot) cardText(r *req, c crm.Customer) (string, error) {
	info, err := b.customers.CustomerCardInfo(r.ctx, c.ID)
	if err != nil {
		return "", err
	}
	stage, err := b.customers.Stage(r.ctx, c.StageID)
	if err != nil {
		return "", err
	}
	lines := []string{r.t("card.title", map[string]any{"Name": esc(clipRunes(c.Name, 120))})}
	add := func(id, value string) {
		if value != "" {
			lines = append(lines, r.t(id, map[string]any{"Value": esc(clipRunes(value, 120))}))
		}
	}
	add("card.company", c.Company)
	add("card.job_title", c.JobTitle)
	for _, p := range c.Phones {
		lines = append(lines, r.t("card.phone", map[string]any{"Phone": phoneText(p)}))
	}
	add("card.industry", c.Industry)
	add("card.city", c.City)
	add("card.source", c.Source)
	lines = append(lines, "", r.t("card.stage", map[string]any{"Stage": esc(stage.Name(r.lang()))}))
	if c.OwnerID == 0 {
		lines = append(lines, r.t("card.pool", nil))
	} else {
		lines = append(lines, r.t("card.owner", map[string]any{"Owner": esc(c.OwnerName)}))
	}
	lines = append(lines, r.chatStatusLine(c))
	lines = append(lines, r.contactLines(c, info.Next, stage)...)
	if len(c.Tags) > 0 {
		// Each tag is isolated (a Latin tag keeps its own direction), and the
		// list is cut between tags, never inside an escaped one.
		var tags []string
		size := 0
		for _, tag := range c.Tags {
			tag = clipRunes(tag, 60)
			if size += utf8.RuneCountInString(tag) + 2; size > 400 {
				tags = append(tags, "…")
				break
			}
			tags = append(tags, i18n.Isolate(r.lang(), esc(tag)))
		}
		lines = append(lines, r.t("card.tags", map[string]any{"Tags": strings.Join(tags, r.t("card.list_sep", nil))}))
	}
	if c.PersonalityType != "" {
		lines = append(lines, r.t("card.personality", map[string]any{"Type": c.PersonalityType}))
	}
	if c.RelationshipLevel > 0 {
		lines = append(lines, r.t("card.relationship", map[string]any{"Level": r.t("card.level."+strconv.Itoa(c.RelationshipLevel), nil)}))
	}
	if info.HasValue {
		value, err := b.valueLines(r, c)
		if err != nil {
			return "", err
		}
		lines = append(lines, value...)
	}
	lines = append(lines, r.profileLines(info)...)
	lines = append(lines, r.dateLines(info.Dates)...)
	return joinWithin(lines, maxCardRunes), nil
}

// contactLines say when the customer was last contacted and when the next
// follow-up is due, in the user's time zone and calendar. A customer in an
// open stage (a deal being worked) with nothing planned is a warning.
func (r *req) contactLines(c crm.Customer, next crm.FollowUp, stage crm.Stage) []string {
	loc, cal, now := r.userLoc(), r.cal(), r.now()
	var out []string
	if c.LastContactAt.IsZero() {
		out = append(out, r.t("card.no_contact", nil))
	} else {
		out = append(out, r.t("card.last_contact", map[string]any{"When": format.RelativeDay(r.lang(), cal, c.LastContactAt.In(loc), now)}))
	}
	switch {
	case next.ID == 0 && stage.Kind == crm.KindOpen:
		out = append(out, r.t("card.no_next_step", nil))
	case next.ID == 0:
		out = append(out, r.t("card.no_followup", nil))
	case next.DueAt.Before(now):
		out = append(out, r.t("card.followup_overdue", map[string]any{"When": format.DateTime(r.lang(), cal, next.DueAt.In(loc))}))
	default:
		due := next.DueAt.In(loc)
		out = append(out, r.t("card.next_followup", map[string]any{"Day": format.RelativeDay(r.lang(), cal, due, now), "Time": format.Time(r.lang(), due)}))
	}
	return out
}

// dateLines list important dates, each in the calendar it was given in.
func (r *req) dateLines(dates []crm.ImportantDate) []string {
	if len(dates) == 0 {
		return nil
	}
	out := []string{"", r.t("card.dates", nil)}
	for i, d := range dates {
		if i == maxCardDates {
			out = append(out, r.n("card.more_dates", len(dates)-i, nil))
			break
		}
		kind := r.t("card.date_kind."+string(d.Kind), nil)
		if d.Label != "" {
			kind = esc(clipRunes(d.Label, 60))
		}
		out = append(out, r.t("card.date_line", map[string]any{"Kind": kind, "Date": r.yearlyDate(d)}))
	}
	return out
}

// yearlyDate writes an important date in its own calendar: "۱۵ اسفند",
// "15 Esfand 1365".
func (r *req) yearlyDate(d crm.ImportantDate) string {
	cal, err := calendar.Parse(d.Calendar)
	if err != nil {
		cal = calendar.Gregorian
	}
	s := format.Digits(r.lang(), strconv.Itoa(d.Day)) + " " + calendar.MonthName(r.lang(), cal, d.Month)
	if d.Year > 0 {
		s += " " + format.Digits(r.lang(), strconv.Itoa(d.Year))
	}
	return s
}

// cardKeyboard offers what the user may do with c: the day-to-day actions
// when they may change it, claiming when it is in the pool.
func cardKeyboard(r *req, c crm.Customer) *models.InlineKeyboardMarkup {
	cid := id(c.ID)
	history := ib(r.t("card.btn.history", nil), cb(actHistory, cid, "0"))
	if !crm.CanEdit(r.staff, c) {
		var row []models.InlineKeyboardButton
		if crm.CanClaim(r.staff, c) {
			row = append(row, ib(r.t("card.btn.claim", nil), cb(actClaim, cid)))
		}
		return ikm(append(row, history))
	}
	return withEraseRow(r, c, withSurveyRow(r, c, ikm(
		[]models.InlineKeyboardButton{ib(r.t("card.btn.call", nil), cb(actLogCall, cid)), ib(r.t("card.btn.visit", nil), cb(actLogVisit, cid))},
		[]models.InlineKeyboardButton{ib(r.t("card.btn.note", nil), cb(actNote, cid)), ib(r.t("card.btn.followup", nil), cb(actFollowUp, cid))},
		[]models.InlineKeyboardButton{ib(r.t("card.btn.stage", nil), cb(actStageMenu, cid)), history},
		[]models.InlineKeyboardButton{ib(r.t("card.btn.purchases", nil), cb(actPurchases, cid))},
		[]models.InlineKeyboardButton{ib(r.t("card.btn.more", nil), cb(actMore, cid)), linkButton(r, c)},
	)))
}
