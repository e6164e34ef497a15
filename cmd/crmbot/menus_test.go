package main

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/bot"
	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestMenusPerRoleAndLanguage runs the real app with CRM_DEFAULT_LOCALE=en
// against the sandbox. At start it sets the strangers' menu and the
// descriptions in every language (the fallback in English), and the own
// menu of an admin onboarded before menus were per role. A rep onboarded
// in Persian and a manager onboarded in Arabic then find their role's
// menu, in their language, in their chat's scope.
func TestMenusPerRoleAndLanguage(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	teh, _ := time.LoadLocation("Asia/Tehran")
	clock := &fakeClock{t: time.Date(2026, 11, 22, 12, 30, 0, 0, teh)}
	sb := sandbox.NewTest(t, sandbox.Options{Now: clock.Now, BotUsername: "crm_e2e_bot", RateLimits: sandbox.RateLimits{Disabled: true}})
	url := pgtest.URL(t)
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := postgres.New(pool, postgres.WithClock(clock.Now))

	// An admin who joined before menus were per role: Persian in the bot,
	// an English Telegram app.
	const oldAdmin = 7100
	if _, err := pool.Exec(ctx, `INSERT INTO staff (telegram_user_id, display_name, role, locale, calendar, time_zone, onboarded)
		VALUES ($1, 'Old Admin', 'admin', 'fa', 'jalali', 'Asia/Tehran', true)`, oldAdmin); err != nil {
		t.Fatal(err)
	}
	if err := sb.AddUser(oldAdmin, sandbox.MsgOpts{FirstName: "Old Admin", LanguageCode: "en"}); err != nil {
		t.Fatal(err)
	}

	cfg := config.Config{BotToken: sb.Token(), DatabaseURL: url, APIURL: sb.BotAPIURL(), DefaultLocale: "en",
		TimeZone: "Asia/Tehran", PhoneRegion: "IR", GlobalRate: 1000, LogLevel: "warn"}
	startApp(t, cfg, appOptions{Now: clock.Now, PollTimeout: time.Second, ChatInterval: 10 * time.Millisecond, SweepInterval: 100 * time.Millisecond})
	e := &e2e{t: t, sb: sb, db: db, clock: clock, ctx: ctx}

	bundle, err := i18n.New("en")
	if err != nil {
		t.Fatal(err)
	}
	menus := bot.New(bot.Deps{I18n: bundle, DefaultLocale: "en"}) // the menus as the app defines them
	api := delivery.NewClient(sb.BotAPIURL(), sb.Token(), nil)

	// Strangers' menu and the descriptions, the fallback in English.
	eventually(t, "the default menus and descriptions", func() bool {
		cmds := sb.Commands()
		return cmds["default"] != nil && cmds["default|en"] != nil && cmds["default|fa"] != nil && cmds["default|ar"] != nil &&
			len(sb.Descriptions()) == 4 && len(sb.ShortDescriptions()) == 4
	})
	for _, lang := range []string{"", "en", "fa", "ar"} {
		key := "default"
		if lang != "" {
			key += "|" + lang
		}
		want := []string{"start", "help"}
		if got := commandNames(sb.Commands()[key]); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want only %v for people who are not staff", key, got, want)
		}
	}
	loc := map[string]*i18n.Localizer{"en": bundle.For("en"), "fa": bundle.For("fa"), "ar": bundle.For("ar")}
	if got, want := sb.Commands()["default"][0].Description, loc["en"].T("menu.public.start", nil); got != want {
		t.Errorf("the fallback menu says %q, want the English %q (CRM_DEFAULT_LOCALE=en)", got, want)
	}
	for lang, l := range map[string]string{"": "en", "en": "en", "fa": "fa", "ar": "ar"} {
		if got, want := sb.Descriptions()[lang], loc[l].T("bot.description", nil); got != want {
			t.Errorf("description %q = %q, want %q", lang, got, want)
		}
		if got, want := sb.ShortDescriptions()[lang], loc[l].T("bot.short_description", nil); got != want {
			t.Errorf("short description %q = %q, want %q", lang, got, want)
		}
	}

	// The admin from before gets their menu at start, in the language they
	// chose in the bot, whatever their Telegram app's language.
	wantChatMenu(t, e, api, oldAdmin, menus.StaffMenu(crm.Staff{Role: crm.RoleAdmin, Locale: "fa"}))

	// A rep in Persian and a manager in Arabic, onboarded through the bot.
	rep := onboard(t, e, 7001, "Reza", "fa", crm.RoleRep)
	mgr := onboard(t, e, 7002, "Mona", "ar", crm.RoleManager)
	repMenu := wantChatMenu(t, e, api, rep.id, menus.StaffMenu(crm.Staff{Role: crm.RoleRep, Locale: "fa"}))
	mgrMenu := wantChatMenu(t, e, api, mgr.id, menus.StaffMenu(crm.Staff{Role: crm.RoleManager, Locale: "ar"}))
	if names := commandNames(repMenu); slices.Contains(names, "team") || slices.Contains(names, "invite") || !slices.Contains(names, "today") {
		t.Errorf("the rep's menu %v: want /today, and neither /team nor /invite", names)
	}
	if names := commandNames(mgrMenu); !slices.Contains(names, "team") || !slices.Contains(names, "invite") || slices.Contains(names, "staff") {
		t.Errorf("the manager's menu %v: want /team and /invite, and not /staff", names)
	}
	if repMenu[0].Description != loc["fa"].T("menu.cmd.today", nil) || mgrMenu[0].Description != loc["ar"].T("menu.cmd.today", nil) {
		t.Errorf("the menus are not in their owners' languages: %q, %q", repMenu[0].Description, mgrMenu[0].Description)
	}
	e.checkMenusRefusedNothing()
}

// onboard redeems an invite for role and walks the onboarding in lang.
func onboard(t *testing.T, e *e2e, id int64, name, lang string, role crm.Role) *user {
	t.Helper()
	token, err := e.db.CreateInvite(e.ctx, postgres.InviteRequest{Role: role, TeamName: "Tehran North"})
	if err != nil {
		t.Fatal(err)
	}
	u := e.user(id, name, lang)
	u.say("/start " + token)
	u.tap("ol:o:" + lang)
	u.tap("oc:o:")
	u.tap("oz:o:0")
	return u
}

// wantChatMenu waits for chat's own menu to be want and returns it as the
// Bot API's getMyCommands answers for the chat's scope; the sandbox must
// also resolve it as what the user sees.
func wantChatMenu(t *testing.T, e *e2e, api *delivery.Client, chat int64, want []models.BotCommand) []sandbox.BotCommand {
	t.Helper()
	var got []sandbox.BotCommand
	eventually(t, "the menu of chat "+strconv.FormatInt(chat, 10), func() bool {
		got = nil
		err := api.Call(e.ctx, "getMyCommands", map[string]any{"scope": delivery.ChatScope(chat)}, &got)
		return err == nil && sameMenu(got, want)
	})
	if seen := e.sb.MenuFor(chat); !sameMenu(seen, want) {
		t.Errorf("chat %d sees %v, want its own menu %v", chat, seen, want)
	}
	return got
}

func sameMenu(got []sandbox.BotCommand, want []models.BotCommand) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].Command != want[i].Command || got[i].Description != want[i].Description {
			return false
		}
	}
	return true
}

func commandNames(cmds []sandbox.BotCommand) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Command)
	}
	return out
}

// checkMenusRefusedNothing fails on any menu or description call the
// sandbox refused.
func (e *e2e) checkMenusRefusedNothing() {
	e.t.Helper()
	for _, c := range e.sb.Calls(sandbox.CallFilter{}) {
		switch c.Method {
		case "setMyCommands", "deleteMyCommands", "setMyDescription", "setMyShortDescription":
			if !c.OK {
				e.t.Errorf("the sandbox refused %s: %d %s", c.Method, c.ErrorCode, c.Description)
			}
		}
	}
}

// eventually waits up to 20 s for ok, polling.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
