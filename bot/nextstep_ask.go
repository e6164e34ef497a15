package bot

import (
	"errors"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/when"
)

// A typed next-step date that is probably a slip is asked about rather
// than booked or refused: a day and month whose date this year has passed
// ("۱۰ آذر" on 14 Azar: next year's?), or a year-first date read in the
// wrong one of the Jalali and Hijri calendars (a Hijri user's 1405/9/10:
// the Jalali date?). The question offers the alternative on a button; the
// alternative itself is kept in the flow's state, so the button only
// confirms it.

// actNextStepAlt accepts the suggested date: na:<nonce>:<alt unix seconds, base 36>.
const actNextStepAlt = "na"

// explainTyped answers a typed date that Parse refused: with a question
// and a button when it carries a likely meaning, else with the reason.
func (b *Bot) explainTyped(r *req, st *State, err error) error {
	var we *when.Error
	if !errors.As(err, &we) || we.Alt.IsZero() || (we.Code != when.CodeYearPassed && we.Code != when.CodeOtherCalendar) {
		return r.explainDue(err)
	}
	cf := loadFlow[callFlow](st)
	cf.Alt = strconv.FormatInt(we.Alt.Unix(), 10)
	if err := r.setState(st.Flow, st.Step, flowMap(cf)); err != nil {
		return err
	}
	lang, loc := r.lang(), r.userLoc()
	alt := we.Alt.In(loc)
	var text, date string
	switch we.Code {
	case when.CodeYearPassed:
		// In the user's calendar, as the booked follow-up will read.
		text = r.t(we.MessageID(), map[string]any{"When": r.dueText(alt)})
		date = format.Date(lang, r.staffCal(), alt)
	case when.CodeOtherCalendar:
		// In the calendar it was read in: that is the whole question.
		text = r.t(we.MessageID(), map[string]any{
			"Calendar":    r.t("dates.calendar."+string(we.ReadCalendar), nil),
			"Read":        format.Date(lang, we.ReadCalendar, we.Read.In(loc)),
			"AltCalendar": r.t("dates.calendar."+string(we.AltCalendar), nil),
			"When":        format.DateTime(lang, we.AltCalendar, alt),
		})
		date = format.Date(lang, we.AltCalendar, alt)
	}
	yes := ib(r.t("when.ask.yes", map[string]any{"Date": date}), cb(actNextStepAlt, cf.Nonce, id(we.Alt.Unix())))
	return r.send(text, ikm([]models.InlineKeyboardButton{yes}))
}

// onNextStepAlt books the date the question suggested. The press is
// honoured only in the flow that asked, while the state still holds that
// very suggestion; applyDue checks the user's rights on the customer and
// that the date is still ahead.
func (b *Bot) onNextStepAlt(r *req, args []string) error {
	if len(args) < 2 {
		return r.staleButton()
	}
	st, ok, err := r.inFlow(args[0], flowLog, flowFU)
	if err != nil {
		return err
	}
	if !ok || st.Step == "outcome" {
		return r.staleButton()
	}
	alt, ok := argID(args, 1)
	if !ok || loadFlow[callFlow](st).Alt != strconv.FormatInt(alt, 10) {
		return r.staleButton()
	}
	return b.applyDue(r, st, time.Unix(alt, 0))
}
