package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/sandbox"
	"github.com/telecrm/crmbot/internal/schedule"
)

// A campaign end to end through the sandbox with the real wiring (the
// bot, the dispatch job, River, the renderer, the sender): a manager
// builds an audience with buttons (a tag, a typed city), writes the text
// in Persian, Arabic and English, previews it as an Arabic-reading
// customer, and sends it. Each linked customer gets it in their own
// language with their name and their rep's; the one never linked becomes
// a call task for the rep; the opted-out one gets nothing; the one who
// blocked the bot is reported blocked on the card; a customer's reply
// counts as replied. Another team's manager's forged taps and the
// author's stale builder buttons change nothing.
func TestCampaignEndToEnd(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			campaignEndToEnd(t, lang)
		})
	}
}

// campaignEndToEnd is the story with a manager who reads the bot in lang.
func campaignEndToEnd(t *testing.T, lang string) {
	teh, _ := time.LoadLocation("Asia/Tehran")
	e := startE2E(t, time.Date(2026, 11, 22, 12, 30, 0, 0, teh)) // Sunday, daytime
	ctx := context.Background()
	bundle, err := i18n.New("fa")
	if err != nil {
		t.Fatal(err)
	}
	tr := func(id string, data map[string]any) string { return bundle.For(lang).T(id, data) }
	q := func(dst *int64, sql string, args ...any) {
		t.Helper()
		if err := e.db.Pool.QueryRow(ctx, sql, args...).Scan(dst); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	var north, south, rep, mgr int64
	q(&north, `INSERT INTO teams (name) VALUES ('North') RETURNING id`)
	q(&south, `INSERT INTO teams (name) VALUES ('South') RETURNING id`)
	q(&rep, `INSERT INTO staff (telegram_user_id, display_name, role, team_id, locale, time_zone, onboarded, welcomed_at)
		VALUES (7201, 'سارا', 'rep', $1, 'fa', 'Asia/Tehran', true, now()) RETURNING id`, north)
	q(&mgr, `INSERT INTO staff (telegram_user_id, display_name, role, team_id, locale, time_zone, onboarded, welcomed_at)
		VALUES (7202, 'مریم', 'manager', $1, $2, 'Asia/Tehran', true, now()) RETURNING id`, north, lang)
	var other int64
	q(&other, `INSERT INTO staff (telegram_user_id, display_name, role, team_id, locale, time_zone, onboarded, welcomed_at)
		VALUES (7203, 'Omid', 'manager', $1, 'en', 'Asia/Tehran', true, now()) RETURNING id`, south)
	customer := func(name string, tg int64, lang, tags string) int64 {
		var id int64
		var tgArg any
		if tg != 0 {
			tgArg = tg
		}
		q(&id, `INSERT INTO customers (name, name_norm, owner_id, stage_id, city, tags, telegram_user_id, telegram_linked_at, consent_at, consent_version, chat_locale)
			VALUES ($1, lower($1), $2, (SELECT min(id) FROM stages), 'Tehran', $3::text[], $4,
				CASE WHEN $4::bigint IS NOT NULL THEN now() END, CASE WHEN $4::bigint IS NOT NULL THEN now() END, '1', nullif($5, ''))
			RETURNING id`, name, rep, "{"+tags+"}", tgArg, lang)
		return id
	}
	ali := customer("علی کریمی", 9101, "fa", "cheese")
	layla := customer("ليلى حسن", 9102, "ar", "cheese")
	john := customer("John Smith", 9103, "en", "cheese")
	reza := customer("رضا نوری", 0, "", "cheese")
	customer("Nima Opted", 9104, "fa", "cheese")
	customer("Hadi Blocked", 9105, "fa", "cheese")
	customer("Kaveh Wine", 9106, "fa", "wine") // not in the audience
	for _, tg := range []int64{9101, 9102, 9103, 9104, 9105, 9106} {
		e.user(tg, "C", "").say("/start") // each opened the bot once
	}
	if _, err := e.db.Pool.Exec(ctx, `UPDATE customers SET opted_out_at = now() WHERE telegram_user_id = 9104`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sb.Block(9105); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the block to mark Hadi unreachable", 10*time.Second, func() (bool, string) {
		un, err := e.db.Unreachable(ctx, 9105)
		return un, fmt.Sprint(un, err)
	})

	m := e.user(7202, "Maryam", lang)
	m.say("/campaigns")
	m.tap("mn")
	var cid int64
	q(&cid, `SELECT max(id) FROM campaigns`)
	c := strconv.FormatInt(cid, 36)
	m.tap("mp:" + c + ":t")
	m.tap("mf:" + c + ":t:1") // cheese, the most used tag
	m.tap("mb:" + c)
	m.tap("mf:" + c + ":c")
	count := tr("campaign.count", map[string]any{"Total": 6, "Messages": 3, "Tasks": 1, "Reps": 1, "Skipped": 2})
	city, err := e.sb.SendText(7202, "TEHRAN", m.opts())
	if err != nil {
		t.Fatal(err)
	}
	builder := m.wait(city.Seq, sandbox.TextContains(count))
	if !strings.Contains(builder.Text, "علی کریمی") || strings.Contains(builder.Text, "Kaveh") {
		t.Fatalf("the builder after tag and city:\n%s\nwant the count\n%s", builder.Text, count)
	}

	texts := map[string]string{
		"fa": "سلام {name}، {rep} هستم. پنیر تازه رسید.",
		"ar": "مرحباً {name}، معك {rep}. وصل الجبن الطازج.",
		"en": "Hello {name}, {rep} here. Fresh cheese is in.",
	}
	m.tap("mt:" + c) // the author's own language first
	typo, err := e.sb.SendText(7202, "سلام {nmae}", m.opts())
	if err != nil {
		t.Fatal(err)
	}
	m.wait(typo.Seq, sandbox.TextContains(tr("campaign.bad_placeholder", map[string]any{"Placeholder": "{nmae}"})))
	m.say(texts[lang])
	for _, l := range []string{"fa", "ar", "en"} {
		if l != lang {
			m.tap("mt:" + c + ":" + l)
			m.say(texts[l])
		}
	}
	m.tap("mv:" + c)
	tapUntil(m, "mv:"+c+":"+strconv.FormatInt(layla, 36), crm.Render(texts["ar"], crm.TemplateValues{Name: "ليلى حسن", Rep: "سارا"}))
	m.tap("mc:" + c)
	staleMsg := lastWithButton(e, 7202, "mb:"+c).MessageID
	tapUntil(m, "ms:"+c, stripTags(tr("campaign.card.title", map[string]any{"ID": cid, "Author": "مریم"})))

	// A stale builder button and another team's forged taps.
	if got := forgedTap(t, e, 7202, staleMsg, "mf:"+c+":r"); got != tr("campaign.already_started", nil) {
		t.Fatalf("a stale builder button answered %q", got)
	}
	o := e.user(7203, "Omid", "en")
	list := o.say("/campaigns")
	if strings.Contains(list.Text, "#"+strconv.FormatInt(cid, 10)) {
		t.Fatalf("another team's manager lists the campaign: %q", list.Text)
	}
	unavailable := bundle.For("en").T("campaign.unavailable", nil)
	for _, data := range []string{"mr:" + c, "ms:" + c, "mf:" + c + ":x:all", "mr:zzzz"} {
		if got := forgedTap(t, e, 7203, list.MessageID, data); got != unavailable {
			t.Fatalf("forged %q answered %q, want %q", data, got, unavailable)
		}
	}

	jobs := schedule.Campaigns{Store: e.app.db, Notify: e.app.scheduler, Org: teh, DefaultLocale: "fa", TaskNote: e.app.bot.CampaignTaskNote}
	if rep, err := jobs.RunOnce(ctx, e.clock.Now()); err != nil || rep.Sent != 3 || rep.Tasks != 1 {
		t.Fatalf("dispatch %+v (%v), want 3 sent and 1 task", rep, err)
	}
	for tg, want := range map[int64]string{
		9101: crm.Render(texts["fa"], crm.TemplateValues{Name: "علی کریمی", Rep: "سارا"}),
		9102: crm.Render(texts["ar"], crm.TemplateValues{Name: "ليلى حسن", Rep: "سارا"}),
		9103: crm.Render(texts["en"], crm.TemplateValues{Name: "John Smith", Rep: "سارا"}),
	} {
		e.user(tg, "", "").wait(0, sandbox.TextContains(want))
	}
	var note string
	if err := e.db.Pool.QueryRow(ctx, `SELECT f.note FROM follow_ups f WHERE f.customer_id = $1 AND f.assignee_id = $2`, reza, rep).Scan(&note); err != nil ||
		!strings.Contains(note, crm.Render(texts["fa"], crm.TemplateValues{Name: "رضا نوری", Rep: "سارا"})) {
		t.Fatalf("Reza's call task for Sara: %q (%v)", note, err)
	}
	waitUntil(t, "three deliveries", 20*time.Second, func() (bool, string) {
		f, err := e.db.CampaignFigures(ctx, cid)
		return f.Delivered == 3, fmt.Sprintf("%+v %v", f, err)
	})
	e.user(9102, "Layla", "ar").say("شكراً، أريد كيلوين")
	waitUntil(t, "Layla's reply to count", 20*time.Second, func() (bool, string) {
		f, err := e.db.CampaignFigures(ctx, cid)
		return f.Replied == 1, fmt.Sprintf("%+v %v", f, err)
	})
	figures := tr("campaign.card.figures", map[string]any{"Recipients": 6, "Delivered": 3, "Replied": 1, "Blocked": 1, "Skipped": 1, "Queued": 0})
	tasks := tr("campaign.card.tasks", map[string]any{"Tasks": 1, "Reps": 1})
	card := tapUntil(m, "mr:"+c, figures)
	if !strings.Contains(card.Text, tasks) {
		t.Fatalf("the refreshed card:\n%s\nwant\n%s", card.Text, tasks)
	}
	for _, tg := range []int64{9104, 9105, 9106} {
		for _, en := range e.sb.Transcript(tg).Messages {
			if en.From == "bot" && strings.Contains(en.Text, "پنیر") {
				t.Fatalf("customer %d got the campaign: %q", tg, en.Text)
			}
		}
	}
	h, _, err := e.db.History(ctx, ali, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) == 0 || h[0].Campaign == nil || h[0].Campaign.Status != crm.RecipientDelivered || !strings.Contains(h[0].Campaign.Text, "علی کریمی") {
		t.Fatalf("Ali's history does not show the campaign's message first: %+v", h)
	}
	_ = john
}

// tapUntil presses the button whose data starts with prefix on the newest
// bot message that has one, and returns the first bot message or edit
// after it that contains want.
func tapUntil(u *user, prefix, want string) sandbox.Entry {
	u.e.t.Helper()
	msg := lastWithButton(u.e, u.id, prefix)
	for _, b := range msg.Buttons() {
		if strings.HasPrefix(b.CallbackData, prefix) {
			s, err := u.e.sb.Tap(u.id, msg.MessageID, b.CallbackData, false)
			if err != nil {
				u.e.t.Fatal(err)
			}
			return u.wait(s.Seq, sandbox.TextContains(want))
		}
	}
	return sandbox.Entry{}
}

// forgedTap sends callback data on a message whether or not it has that
// button, and returns the toast the bot answered with.
func forgedTap(t *testing.T, e *e2e, userID, messageID int64, data string) string {
	t.Helper()
	calls := e.sb.Calls(sandbox.CallFilter{})
	since := calls[len(calls)-1].Seq
	if _, err := e.sb.Tap(userID, messageID, data, true); err != nil {
		t.Fatal(err)
	}
	var text string
	waitUntil(t, "the answer to "+data, 10*time.Second, func() (bool, string) {
		for _, c := range e.sb.Calls(sandbox.CallFilter{Method: "answerCallbackQuery", Since: since}) {
			text = c.Params["text"]
			return true, ""
		}
		return false, "no answer"
	})
	return text
}
