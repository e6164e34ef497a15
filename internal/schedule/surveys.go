package schedule

import (
	"context"
	"strconv"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// SurveyStore is what survey dispatch reads and marks.
type SurveyStore interface {
	Tx
	// SurveySettings are the admin's triggers and throttle.
	SurveySettings(ctx context.Context) (crm.SurveySettings, error)
	// PlanSurveys plans what the triggers ask for at now.
	PlanSurveys(ctx context.Context, now time.Time, s crm.SurveySettings, limit int) (int, error)
	// SurveysToSend locks planned surveys due at now.
	SurveysToSend(ctx context.Context, now time.Time, limit int) ([]crm.SurveyCandidate, error)
	// SurveysToRemind locks open, unanswered surveys due a reminder.
	SurveysToRemind(ctx context.Context, now time.Time, limit int) ([]crm.SurveyCandidate, error)
	MarkSurveySent(ctx context.Context, id int64, now time.Time, locale string, version int) error
	DeferSurvey(ctx context.Context, id int64, due time.Time) error
	DropSurvey(ctx context.Context, id int64, reason string, now time.Time) error
	MarkSurveyReminded(ctx context.Context, id int64, now time.Time) error
	// CloseSurveys closes the surveys whose week is over.
	CloseSurveys(ctx context.Context, now time.Time) (int, error)
	// SurveyWording is an admin's latest question (crm.ENotFound: none).
	SurveyWording(ctx context.Context, kind crm.SurveyKind, locale string) (string, int, error)
}

// Notification kinds of surveys (rendered by the bot in the customer's
// language at send time; RefID is the survey).
const (
	KindSurvey         = "survey"          // the question and its buttons
	KindSurveyReminder = "survey_reminder" // the one gentle reminder
)

// SurveyBatch bounds each step of one run; the next run takes the rest.
const SurveyBatch = 200

// SurveyReport counts what one run did.
type SurveyReport struct {
	Planned, Sent, Deferred, Dropped, Reminded, Closed int
}

// Surveys is survey dispatch: it plans the surveys the triggers ask for,
// sends the due ones to customers who may be messaged (in their daytime,
// at most one per throttle period), reminds once after 48 h and closes
// them after a week.
type Surveys struct {
	Store  SurveyStore
	Notify Planner
	// Org is the organisation's time zone (a customer and owner without
	// one live there); DefaultLocale the language of a customer who chose
	// none.
	Org           *time.Location
	DefaultLocale string
}

// RunOnce does one round of survey dispatch at now, in one transaction:
// every survey it sends or reminds is marked in the transaction that
// schedules its notification (key "survey:<id>", "survey_reminder:<id>"),
// so a crash or a concurrent run never sends one twice.
func (s Surveys) RunOnce(ctx context.Context, now time.Time) (rep SurveyReport, err error) {
	err = s.Store.InTx(ctx, func(ctx context.Context) error {
		rep = SurveyReport{}
		set, err := s.Store.SurveySettings(ctx)
		if err != nil {
			return err
		}
		if rep.Planned, err = s.Store.PlanSurveys(ctx, now, set, SurveyBatch); err != nil {
			return err
		}
		if err := s.send(ctx, now, set, &rep); err != nil {
			return err
		}
		if err := s.remind(ctx, now, &rep); err != nil {
			return err
		}
		rep.Closed, err = s.Store.CloseSurveys(ctx, now)
		return err
	})
	return rep, err
}

func (s Surveys) send(ctx context.Context, now time.Time, set crm.SurveySettings, rep *SurveyReport) error {
	cs, err := s.Store.SurveysToSend(ctx, now, SurveyBatch)
	if err != nil {
		return err
	}
	sentNow := map[int64]bool{}  // customers surveyed in this run
	versions := map[string]int{} // wording version per kind and language, read once a run
	for _, c := range cs {
		sc := crm.SurveyContext{Customer: c.Customer, Skipped: c.Skipped, LastSentAt: c.LastSentAt,
			Location: crm.SurveyZone(c.Customer.Chat.TimeZone, c.OwnerZone, s.Org), ThrottleDays: set.ThrottleDays}
		if sentNow[c.Customer.ID] {
			sc.LastSentAt = now
		}
		decision, at, reason := crm.DecideSurvey(c.Survey, sc, now)
		switch decision {
		case crm.WaitSurvey:
			rep.Deferred++
			err = s.Store.DeferSurvey(ctx, c.Survey.ID, at)
		case crm.DropSurvey, crm.ExpireSurvey:
			rep.Dropped++
			err = s.Store.DropSurvey(ctx, c.Survey.ID, reason, now)
		case crm.SendSurvey:
			rep.Sent++
			sentNow[c.Customer.ID] = true
			err = s.sendOne(ctx, c, now, versions)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sendOne marks a survey sent in the customer's language with the wording
// of then, and schedules its message. versions memoizes the wording's
// version per kind and language for the run (one transaction, so it
// cannot change under it).
func (s Surveys) sendOne(ctx context.Context, c crm.SurveyCandidate, now time.Time, versions map[string]int) error {
	lang := c.Customer.ChatLocale(s.DefaultLocale)
	key := string(c.Survey.Kind) + ":" + lang
	version, known := versions[key]
	if !known {
		var err error
		if _, version, err = s.Store.SurveyWording(ctx, c.Survey.Kind, lang); err != nil && !crm.IsCode(err, crm.ENotFound) {
			return err
		}
		versions[key] = version
	}
	if err := s.Store.MarkSurveySent(ctx, c.Survey.ID, now, lang, version); err != nil {
		return err
	}
	return s.Notify.Schedule(ctx, outbound.Notification{Kind: KindSurvey, ChatID: c.Customer.Chat.TelegramUserID,
		RefID: c.Survey.ID, Due: now, DedupKey: "survey:" + strconv.FormatInt(c.Survey.ID, 10)})
}

// remind sends the one reminder of each survey left unanswered for 48 h,
// in the customer's daytime, while they may still be messaged.
func (s Surveys) remind(ctx context.Context, now time.Time, rep *SurveyReport) error {
	cs, err := s.Store.SurveysToRemind(ctx, now, SurveyBatch)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if !c.Customer.Messageable() || !crm.Daytime(now, crm.SurveyZone(c.Customer.Chat.TimeZone, c.OwnerZone, s.Org)) {
			continue
		}
		if err := s.Store.MarkSurveyReminded(ctx, c.Survey.ID, now); err != nil {
			return err
		}
		rep.Reminded++
		if err := s.Notify.Schedule(ctx, outbound.Notification{Kind: KindSurveyReminder, ChatID: c.Customer.Chat.TelegramUserID,
			RefID: c.Survey.ID, Due: now, DedupKey: "survey_reminder:" + strconv.FormatInt(c.Survey.ID, 10)}); err != nil {
			return err
		}
	}
	return nil
}
