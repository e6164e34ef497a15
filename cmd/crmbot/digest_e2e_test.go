package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// startDigestE2E is startE2E with the periodic sweeps every second, and
// replicas apps (the real `crmbot run` wiring) on one database, one
// sandbox and one injected clock.
func startDigestE2E(t *testing.T, start time.Time, replicas int) *e2e {
	t.Helper()
	clock := &fakeClock{t: start}
	sb := sandbox.NewTest(t, sandbox.Options{Now: clock.Now, BotUsername: "crm_digest_bot", RateLimits: sandbox.RateLimits{Disabled: true}})
	url := pgtest.URL(t)
	cfg := config.Config{BotToken: sb.Token(), DatabaseURL: url, APIURL: sb.BotAPIURL(), DefaultLocale: "fa",
		TimeZone: "Asia/Tehran", PhoneRegion: "IR", GlobalRate: 1000, LogLevel: "warn"}
	var a *app
	for range replicas {
		a = startApp(t, cfg, appOptions{Now: clock.Now, PollTimeout: time.Second, ChatInterval: 10 * time.Millisecond,
			SweepInterval: 100 * time.Millisecond, PeriodicEvery: time.Second})
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	e := &e2e{t: t, app: a, sb: sb, db: postgres.New(pool, postgres.WithClock(clock.Now)), clock: clock, ctx: ctx}
	t.Cleanup(e.checkRefused)
	return e
}

// digestPeople makes a manager (lang, zone) of a team with one rep, whose
// customer has a call logged and a follow-up overdue.
func digestPeople(t *testing.T, e *e2e, lang, zone string, tg int64, now time.Time) (manager, rep crm.Staff) {
	t.Helper()
	ctx := context.Background()
	token, err := e.db.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleManager, TeamName: "North"})
	if err != nil {
		t.Fatal(err)
	}
	manager, err = e.db.RedeemInvite(ctx, token, postgres.TelegramUser{ID: tg, FirstName: "Mina", LanguageCode: lang}, lang)
	if err != nil {
		t.Fatal(err)
	}
	rep = newRep(t, e.db, tg+1, "Reza", lang)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := e.db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`UPDATE staff SET time_zone = $2, onboarded = true, welcomed_at = $3 WHERE id = $1`, manager.ID, zone, now)
	exec(`UPDATE staff SET team_id = $2 WHERE id = $1`, rep.ID, manager.TeamID)
	var cust int64
	if err := e.db.Pool.QueryRow(ctx, `INSERT INTO customers (name, name_norm, owner_id, stage_id, created_at)
		VALUES ('Dara', 'dara', $1, (SELECT id FROM stages WHERE template = 'ladder' AND key = 'suspect'), $2) RETURNING id`, rep.ID, now.Add(-30*time.Hour)).Scan(&cust); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO activities (customer_id, staff_id, kind, outcome, occurred_at) VALUES ($1, $2, 'call', 'reached', $3)`, cust, rep.ID, now.Add(-20*time.Hour))
	exec(`INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3)`, cust, rep.ID, now.Add(-26*time.Hour))
	manager, err = e.db.StaffByID(ctx, manager.ID)
	if err != nil {
		t.Fatal(err)
	}
	return manager, rep
}

// digests counts the scheduled digests (text with the title, photos) the
// chat got after seq.
func digests(e *e2e, chat, after int64, title string) (texts, photos int) {
	for _, m := range e.sb.TranscriptSince(chat, after).Messages {
		switch {
		case m.From != "bot":
		case m.Photo != nil:
			photos++
		case strings.Contains(m.Text, title):
			texts++
		}
	}
	return texts, photos
}

// The scheduled digest arrives at 08:00 in the manager's zone on a
// working day, with its chart, and once only (two replicas in fa); none on
// the manager's day off. /digest answers the manager with the periods as
// buttons and refuses the rep.
func TestDigestE2E(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		lang, zone string
		dayOff     time.Time // 08:30 on a day off
		workday    time.Time // 08:00 on the next working day
		replicas   int
	}{
		{"fa", "Asia/Tehran", date(2026, 12, 4, "Asia/Tehran"), date(2026, 12, 5, "Asia/Tehran"), 2},       // Friday, Saturday
		{"ar", "Asia/Riyadh", date(2026, 12, 5, "Asia/Riyadh"), date(2026, 12, 6, "Asia/Riyadh"), 1},       // Saturday, Sunday
		{"en", "Europe/London", date(2026, 12, 6, "Europe/London"), date(2026, 12, 7, "Europe/London"), 1}, // Sunday, Monday
	} {
		t.Run(tt.lang, func(t *testing.T) {
			t.Parallel()
			start := tt.dayOff.Add(8*time.Hour + 30*time.Minute)
			e := startDigestE2E(t, start, tt.replicas)
			m, _ := digestPeople(t, e, tt.lang, tt.zone, 8100, start)
			loc := i18nFor(t, tt.lang)
			title := strings.SplitN(loc.T("digest.title", map[string]any{"Scope": "x", "Period": "y"}), ":", 2)[0]
			title = strings.TrimPrefix(strings.ReplaceAll(title, "<b>", ""), "📊 ")
			u := e.user(m.TelegramUserID, "Mina", tt.lang)
			rep := e.user(8101, "Reza", tt.lang)
			u.say("/help") // both have a chat with the bot
			rep.say("/help")

			// The day off: a few sweeps, nothing.
			seq := e.sb.Seq()
			time.Sleep(3 * time.Second)
			if n, p := digests(e, m.TelegramUserID, seq, title); n+p != 0 {
				t.Fatalf("a digest on the day off:\n%s", e.sb.Transcript(m.TelegramUserID).String())
			}
			// The working day: not at 07:59, then at 08:00.
			e.clock.Set(tt.workday.Add(8*time.Hour - time.Minute))
			time.Sleep(2 * time.Second)
			if n, p := digests(e, m.TelegramUserID, seq, title); n+p != 0 {
				t.Fatalf("a digest before 08:00:\n%s", e.sb.Transcript(m.TelegramUserID).String())
			}
			e.clock.Set(tt.workday.Add(8 * time.Hour))
			got := u.wait(seq, sandbox.TextContains(title))
			if !strings.Contains(got.Text, "Dara") || !strings.Contains(got.Text, "Reza") {
				t.Errorf("the digest lacks the rep or the overdue customer:\n%s", got.Text)
			}
			waitUntil(t, "the chart", 20*time.Second, func() (bool, string) {
				_, p := digests(e, m.TelegramUserID, seq, title)
				return p == 1, e.sb.Transcript(m.TelegramUserID).String()
			})
			// More sweeps that day (and every replica's): still one.
			e.clock.Set(tt.workday.Add(9 * time.Hour))
			time.Sleep(3 * time.Second)
			if n, p := digests(e, m.TelegramUserID, seq, title); n != 1 || p != 1 {
				t.Fatalf("%d digests and %d charts that day, want one of each", n, p)
			}

			// On demand: the periods as buttons, each edits the digest.
			d := u.say("/digest")
			if !strings.Contains(d.Text, title) {
				t.Fatalf("/digest answered %q", d.Text)
			}
			for _, p := range []string{"ed:y:", "ed:w:", "ed:m:", "ed:t:"} {
				ed := u.tap(p)
				if !strings.Contains(ed.Text, title) {
					t.Errorf("%s: %q", p, ed.Text)
				}
			}
			if r := rep.say("/digest"); !strings.Contains(r.Text, loc.T("digest.not_for_you", nil)) || strings.Contains(r.Text, "Dara") {
				t.Errorf("the rep's /digest answered %q", r.Text)
			}
		})
	}
}

func date(y int, m time.Month, d int, zone string) time.Time {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func i18nFor(t *testing.T, lang string) *i18n.Localizer {
	t.Helper()
	b, err := i18n.New("fa")
	if err != nil {
		t.Fatal(err)
	}
	return b.For(lang)
}
