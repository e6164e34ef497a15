package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/schedule"
)

// surveyOrg is an org whose customer (rep A's) linked the bot in lang and
// agreed to be messaged a month ago.
type surveyOrg struct {
	*org
	me   models.User // the customer on Telegram
	lang string
}

func newSurveyOrg(t *testing.T, lang string) *surveyOrg {
	t.Helper()
	o := newOrg(t, lang)
	o.h.exec(`UPDATE customers SET telegram_user_id = 900, telegram_linked_at = now(), consent_at = $2, consent_version = '1',
		chat_locale = $3 WHERE id = $1`, o.customer, o.h.now.Add(-30*24*time.Hour), lang)
	return &surveyOrg{org: o, me: models.User{ID: 900, FirstName: "Ali", LanguageCode: lang}, lang: lang}
}

// dispatch runs survey dispatch at the harness's clock and returns the
// notifications it planned.
func (o *surveyOrg) dispatch() []outbound.Notification {
	o.h.t.Helper()
	teh, _ := time.LoadLocation("Asia/Tehran")
	if _, err := (schedule.Surveys{Store: o.h.db, Notify: o.h.notes, Org: teh, DefaultLocale: "fa"}).RunOnce(context.Background(), o.h.now); err != nil {
		o.h.t.Fatal(err)
	}
	return o.h.takeNotes()
}

// sentSurvey dispatches and renders the one survey that goes out.
func (o *surveyOrg) sentSurvey(trigger crm.SurveyTrigger) (outbound.Message, int64) {
	o.h.t.Helper()
	ns := o.dispatch()
	if len(ns) != 1 || ns[0].Kind != schedule.KindSurvey || ns[0].ChatID != 900 || ns[0].StaffID != 0 {
		o.h.t.Fatalf("dispatch planned %+v, want one survey to the customer", ns)
	}
	m, skip := o.h.render(ns[0])
	if skip {
		o.h.t.Fatal("the survey's renderer skipped it")
	}
	intro := o.h.tr(o.lang, "survey.intro."+string(trigger), map[string]any{"Name": "علی کریمی"})
	if !strings.HasPrefix(m.Text, intro) || m.ChatID != 900 {
		o.h.t.Fatalf("survey to chat %d: %q, want it to open with %q", m.ChatID, m.Text, intro)
	}
	return m, ns[0].RefID
}

func (o *surveyOrg) invoice(daysAgo float64) {
	o.h.exec(`INSERT INTO purchases (customer_id, kind, amount, currency, status, issued_at) VALUES ($1, 'invoice', 100, 'IRR', 'sent', $2)`,
		o.customer, o.h.now.Add(-time.Duration(daysAgo*24)*time.Hour))
}

func scoreButtons(m outbound.Message) []string {
	var out []string
	if kb, ok := m.ReplyMarkup.(*models.InlineKeyboardMarkup); ok {
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				out = append(out, b.CallbackData)
			}
		}
	}
	return out
}

// In each language: an invoice's CSAT reaches the customer two days
// later in their language, with five faces; a tap answers, a double tap
// counts once, another tap changes the answer, the comment is kept, and
// the answer shows on the customer's card history.
func TestSurveyAfterAnInvoiceIsAnsweredInTheCustomersLanguage(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			o := newSurveyOrg(t, lang)
			h := o.h
			o.invoice(2.1)
			m, sid := o.sentSurvey(crm.TriggerInvoice)
			if !strings.Contains(m.Text, h.tr(lang, "survey.question.csat", nil)) {
				t.Errorf("no CSAT question in %q", m.Text)
			}
			btns := scoreButtons(m)
			if len(btns) != 5 || btns[0] != cb(actSurveyScore, id(sid), "1") || btns[4] != cb(actSurveyScore, id(sid), "5") {
				t.Fatalf("CSAT buttons %v", btns)
			}
			got := h.press(o.me, 7, btns[3])
			if !strings.Contains(texts(got), h.tr(lang, "survey.your_answer", map[string]any{"Score": 4, "Max": 5})) ||
				!hasButton(got, cb(actSurveySkip, id(sid))) {
				t.Fatalf("after a tap: %s", dump(got))
			}
			if got := h.press(o.me, 7, btns[3]); !onlyToast(got, h.tr(lang, "survey.already", nil)) {
				t.Errorf("a double tap: %s", dump(got))
			}
			got = h.press(o.me, 7, btns[4])
			if !strings.Contains(texts(got), h.tr(lang, "survey.changed", nil)) || hasButton(got, cb(actSurveySkip, id(sid))) {
				t.Errorf("a change: %s", dump(got))
			}
			got = h.text(o.me, "Very good service, thank you")
			if texts(got) != h.tr(lang, "survey.comment_thanks", nil) {
				t.Errorf("the comment: %s", dump(got))
			}
			if n := scalar[int](h, `SELECT count(*) FROM survey_responses WHERE request_id = $1 AND score = 5
				AND comment = 'Very good service, thank you'`, sid); n != 1 {
				t.Errorf("%d answers stored, want one with score 5 and the comment", n)
			}
			hist := h.press(o.a.user, 1, cb(actHistory, id(o.customer), "0"))
			if !strings.Contains(texts(hist), h.tr(lang, "survey.kind.csat", nil)) || !strings.Contains(texts(hist), "Very good service, thank you") {
				t.Errorf("the answer is not on the customer's history: %s", dump(hist))
			}
			if n := scalar[int](h, `SELECT count(*) FROM survey_alerts`); n != 0 {
				t.Errorf("a good score raised %d alerts", n)
			}
			// Later text is the customer's own message again, not the survey's.
			h.now = h.now.Add(time.Hour)
			if got := h.text(o.me, "hello"); strings.Contains(texts(got), h.tr(lang, "survey.comment_added", nil)) {
				t.Errorf("an hour later, text still went to the comment: %s", dump(got))
			}
		})
	}
}

// A low score alerts the rep and the manager at once, with the comment
// when it comes, and plans a call back due within one working day (a real
// follow-up, escalated when left overdue); the rep keeps the call's
// outcome, once, and a recovered customer is surveyed again 21 days later.
func TestALowScoreClosesTheLoop(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			o := newSurveyOrg(t, lang)
			h := o.h
			// The rep sends a survey from the card.
			card := h.press(o.a.user, 1, cb(actCard, id(o.customer)))
			send := button(t, card, actSurveySend+":")
			if got := h.press(o.a.user, 1, send); !onlyToast(got, h.tr(lang, "survey.requested", map[string]any{"Name": "علی کریمی"})) {
				t.Fatalf("send survey: %s", dump(got))
			}
			if got := h.press(o.a.user, 1, send); !onlyToast(got, h.tr(lang, "survey.open_already", map[string]any{"Name": "علی کریمی"})) {
				t.Errorf("send survey twice: %s", dump(got))
			}
			m, sid := o.sentSurvey(crm.TriggerManual)
			h.press(o.me, 7, scoreButtons(m)[0])
			ns := h.takeNotes()
			alerts := map[int64]outbound.Notification{}
			reminders := 0
			for _, n := range ns {
				switch n.Kind {
				case kindSurveyAlert:
					alerts[n.StaffID] = n
				case outbound.KindReminder:
					reminders++
				}
			}
			if len(alerts) != 2 || alerts[o.a.id].ChatID != o.a.user.ID || alerts[o.manager.id].ChatID != o.manager.user.ID || reminders != 1 {
				t.Fatalf("after a score of 1: %+v, want an alert to the rep and the manager and the call back's reminder", ns)
			}
			fu := scalar[int64](h, `SELECT follow_up_id FROM survey_alerts WHERE request_id = $1`, sid)
			due := scalar[time.Time](h, `SELECT due_at FROM follow_ups WHERE id = $1 AND status = 'open'`, fu)
			if !due.After(h.now) || due.Sub(h.now) > 4*24*time.Hour {
				t.Errorf("call back due %v, now %v", due, h.now)
			}
			// The comment follows the alert.
			h.text(o.me, "The delivery was two weeks late")
			ns = h.takeNotes()
			if len(ns) != 2 || ns[0].Kind != kindSurveyAlert {
				t.Fatalf("after the comment: %+v", ns)
			}
			am, skip := h.render(ns[0])
			if skip || !strings.Contains(am.Text, "The delivery was two weeks late") || !hasButton([]outbound.Message{am}, actSurveyOutcome+":") ||
				!hasButton([]outbound.Message{am}, cb(actLogCall, id(o.customer))) {
				t.Fatalf("the alert: %s (skip %v)", dump([]outbound.Message{am}), skip)
			}
			// Unhandled, the call back escalates like any overdue follow-up.
			h.now = due.Add(25 * time.Hour)
			if err := h.sweepEscalations(context.Background()); err != nil {
				t.Fatal(err)
			}
			if esc := h.takeNotes(); len(esc) != 1 || esc[0].Kind != outbound.KindEscalation || esc[0].StaffID != o.manager.id {
				t.Errorf("escalation of the call back: %+v", esc)
			}
			// Rep B may not keep the outcome of rep A's customer.
			outcome := button(t, []outbound.Message{am}, cb(actSurveyOutcome, id(scalar[int64](h, `SELECT id FROM survey_alerts`)), "r"))
			before := h.fingerprint()
			if got := h.press(o.b.user, 1, outcome); !onlyToast(got, h.tr(lang, "error.forbidden", nil)) || h.fingerprint() != before {
				t.Errorf("rep B kept an outcome: %s", dump(got))
			}
			got := h.press(o.a.user, 1, outcome)
			if !strings.Contains(texts(got), h.tr(lang, "survey.outcome.recovered", nil)) {
				t.Fatalf("outcome: %s", dump(got))
			}
			if got := h.press(o.manager.user, 1, outcome); !onlyToast(got, h.tr(lang, "survey.outcome_already", nil)) {
				t.Errorf("a second outcome: %s", dump(got))
			}
			if st := scalar[string](h, `SELECT status FROM follow_ups WHERE id = $1`, fu); st != "done" {
				t.Errorf("the call back is %s after its outcome, want done", st)
			}
			// Re-surveyed 21 days after the outcome, throttle or not.
			kept := h.now
			h.now = kept.Add(20 * 24 * time.Hour)
			if ns := o.dispatch(); len(ns) != 0 {
				t.Fatalf("re-surveyed early: %+v", ns)
			}
			h.now = kept.Add(21*24*time.Hour + time.Minute)
			o.sentSurvey(crm.TriggerRecovery)
		})
	}
}

// A tap on an expired or another customer's survey, a forged score or a
// staff member pressing a customer's button changes nothing and gets a
// polite notice; text where a score is expected gets the question again
// and a typed number in any digits is the score; a comment longer than a
// Telegram message arrives in parts and is kept whole.
func TestSurveyBadInput(t *testing.T) {
	t.Parallel()
	o := newSurveyOrg(t, "fa")
	h := o.h
	other := h.customer("Other", o.a.id)
	h.exec(`UPDATE customers SET telegram_user_id = 901, telegram_linked_at = now(), consent_at = now(), chat_locale = 'ar' WHERE id = $1`, other)
	them := models.User{ID: 901, FirstName: "Omar", LanguageCode: "ar"}
	o.invoice(2.1)
	m, sid := o.sentSurvey(crm.TriggerInvoice)
	btns := scoreButtons(m)
	before := h.fingerprint() + scalar[string](h, `SELECT count(*)::text FROM survey_responses`)
	for _, data := range []string{btns[0], cb(actSurveyScore, id(sid), "9"), cb(actSurveyScore, "zz!"), cb(actSurveySkip, id(sid)), cb(actSurveyScore)} {
		if got := h.press(them, 3, data); !onlyToast(got, h.tr("ar", "survey.unavailable", nil)) {
			t.Errorf("another customer pressed %q: %s", data, dump(got))
		}
	}
	for _, data := range []string{btns[0], cb(actSurveySkip, id(sid))} {
		if got := h.press(o.a.user, 3, data); !onlyToast(got, h.tr("fa", "error.stale_button", nil)) {
			t.Errorf("the rep pressed the customer's %q: %s", data, dump(got))
		}
	}
	if got := h.press(o.me, 7, cb(actSurveyScore, id(sid), "0")); !onlyToast(got, h.tr("fa", "survey.unavailable", nil)) {
		t.Errorf("a CSAT of 0: %s", dump(got))
	}
	if after := h.fingerprint() + scalar[string](h, `SELECT count(*)::text FROM survey_responses`); after != before {
		t.Fatal("forged presses changed the database")
	}
	got := h.text(o.me, "عالی بود")
	if !strings.HasPrefix(texts(got), h.tr("fa", "survey.score_expected", map[string]any{"Name": "علی کریمی"})) || len(scoreButtons(got[0])) != 5 {
		t.Fatalf("text where a score is expected: %s", dump(got))
	}
	if got := h.text(o.me, "۴"); !hasButton(got, cb(actSurveySkip, id(sid))) {
		t.Fatalf("a typed ۴: %s", dump(got))
	}
	long := strings.Repeat("خیلی خوب بود ولی ", 250) // 4,250 characters: Telegram splits it
	first, rest := string([]rune(long)[:4096]), string([]rune(long)[4096:])
	h.text(o.me, first)
	h.now = h.now.Add(time.Second)
	if got := h.text(o.me, rest); texts(got) != h.tr("fa", "survey.comment_added", nil) {
		t.Errorf("the comment's second part: %s", dump(got))
	}
	if c := scalar[string](h, `SELECT comment FROM survey_responses WHERE request_id = $1`, sid); c != first+"\n"+rest {
		t.Errorf("the comment kept has %d characters, want %d", len([]rune(c)), len([]rune(first+"\n"+rest)))
	}
	// A week on, the survey closes and a tap is told so.
	h.now = h.now.Add(crm.SurveyLifetime)
	o.dispatch()
	if got := h.press(o.me, 7, btns[1]); !onlyToast(got, h.tr("fa", "survey.closed", nil)) {
		t.Errorf("a tap on a closed survey: %s", dump(got))
	}
	if s := scalar[int](h, `SELECT score FROM survey_responses WHERE request_id = $1`, sid); s != 4 {
		t.Errorf("score %d after the survey closed, want 4", s)
	}
}

// The rep's "skip survey" on the card: no survey goes to the customer
// until it is resumed; an opted-out customer is never surveyed.
func TestSkippedOrOptedOutCustomersAreNotSurveyed(t *testing.T) {
	t.Parallel()
	o := newSurveyOrg(t, "ar")
	h := o.h
	card := h.press(o.a.user, 1, cb(actCard, id(o.customer)))
	got := h.press(o.a.user, 1, button(t, card, actSurveySkips+":"))
	got = h.press(o.a.user, 1, button(t, got, cb(actSurveySetSkip, id(o.customer), "1")))
	if !strings.Contains(texts(got), h.tr("ar", "survey.skips_off", map[string]any{"Name": "علی کریمی"})) {
		t.Fatalf("skip: %s", dump(got))
	}
	o.invoice(2.1)
	if ns := o.dispatch(); len(ns) != 0 {
		t.Fatalf("a skipped customer was surveyed: %+v", ns)
	}
	h.press(o.a.user, 1, cb(actSurveySetSkip, id(o.customer), "0"))
	h.exec(`UPDATE customers SET opted_out_at = now() WHERE id = $1`, o.customer)
	h.exec(`INSERT INTO activities (customer_id, staff_id, kind, occurred_at) VALUES ($1, $2, 'visit', $3)`, o.customer, o.a.id, h.now.Add(-50*time.Hour))
	if ns := o.dispatch(); len(ns) != 0 {
		t.Fatalf("an opted-out customer was surveyed: %+v", ns)
	}
	if got := h.press(o.a.user, 1, cb(actSurveySend, id(o.customer))); !onlyToast(got, h.tr("ar", "survey.cannot_send", map[string]any{"Name": "علی کریمی"})) {
		t.Errorf("send survey to an opted-out customer: %s", dump(got))
	}
	if n := scalar[int](h, `SELECT count(*) FROM survey_requests WHERE status IN ('pending', 'sent')`); n != 0 {
		t.Errorf("%d surveys planned or sent", n)
	}
}

// The stage trigger (a move into "first-time customer") and the
// relationship NPS each send their survey; /surveys shows the manager the
// figures with their counts, and a rep may not see them.
func TestStageAndRelationshipSurveysAndResults(t *testing.T) {
	t.Parallel()
	o := newSurveyOrg(t, "en")
	h := o.h
	first := h.stageID("ladder", "first_time")
	h.exec(`UPDATE customers SET stage_id = $2 WHERE id = $1`, o.customer, first)
	h.exec(`INSERT INTO stage_history (customer_id, from_stage_id, to_stage_id, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)`,
		o.customer, o.suspect, first, o.a.id, h.now.Add(-49*time.Hour))
	m, _ := o.sentSurvey(crm.TriggerStage)
	h.press(o.me, 7, scoreButtons(m)[4])
	// 31 days on, the relationship NPS: 0–10 in two rows.
	h.now = h.now.Add(31 * 24 * time.Hour)
	m, sid := o.sentSurvey(crm.TriggerRelationship)
	kb := m.ReplyMarkup.(*models.InlineKeyboardMarkup)
	if len(kb.InlineKeyboard) != 2 || len(kb.InlineKeyboard[0])+len(kb.InlineKeyboard[1]) != 11 {
		t.Fatalf("NPS buttons: %s", dump([]outbound.Message{m}))
	}
	h.press(o.me, 7, cb(actSurveyScore, id(sid), "10"))
	got := h.text(o.manager.user, "/surveys")
	if !strings.Contains(texts(got), "Sent: 1 · answered: 1 (100%)") {
		t.Errorf("/surveys of 30 days: %s", dump(got))
	}
	got = h.press(o.manager.user, 5, cb(actSurveyPeriod, "90"))
	for _, want := range []string{"Sent: 2 · answered: 2 (100%)", "CSAT: 5.0 of 5 · answers: 1", "NPS: +100 · answers: 1", "Sara"} {
		if !strings.Contains(texts(got), want) {
			t.Errorf("/surveys lacks %q: %s", want, dump(got))
		}
	}
	if got := h.text(o.a.user, "/surveys"); texts(got) != h.tr("en", "error.forbidden", nil) {
		t.Errorf("a rep's /surveys: %s", dump(got))
	}
}

// A day after the survey came, the customer's text is theirs again (it
// reaches the customer route, not the survey); a number in Arabic digits
// is still not taken for a score then.
func TestTextADayAfterTheSurveyIsTheCustomersOwn(t *testing.T) {
	t.Parallel()
	o := newSurveyOrg(t, "ar")
	h := o.h
	o.invoice(2.1)
	o.sentSurvey(crm.TriggerInvoice)
	h.now = h.now.Add(crm.ScoreExpectedFor)
	got := h.text(o.me, "٤")
	if hasButton(got, actSurveyScore+":") || hasButton(got, actSurveySkip+":") {
		t.Errorf("a day later, text went to the survey: %s", dump(got))
	}
	if n := scalar[int](h, `SELECT count(*) FROM survey_responses`); n != 0 {
		t.Errorf("%d answers from text a day later", n)
	}
	if done := scalar[bool](h, `SELECT comment_done FROM survey_requests`); done {
		t.Error("text on an unanswered survey was taken for its comment")
	}
	// Answered by a tap, with no comment: a day later text is theirs too.
	h.press(o.me, 7, cb(actSurveyScore, id(scalar[int64](h, `SELECT id FROM survey_requests`)), "5"))
	h.now = h.now.Add(crm.ScoreExpectedFor)
	if got := h.text(o.me, "Thanks"); strings.Contains(texts(got), h.tr("ar", "survey.comment_thanks", nil)) {
		t.Errorf("a day after the score, text went to the comment: %s", dump(got))
	}
	if c := scalar[string](h, `SELECT coalesce(comment, '') FROM survey_responses`); c != "" {
		t.Errorf("comment %q stored a day later", c)
	}
}
