package bot

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/outbound"
)

// TestMenusListWhatEachRoleMayUse runs every registered command as a rep,
// a manager with a team and an admin: a command is in the role's menu
// exactly when the role may use it (it is not answered "not allowed"), so
// the menus cannot drift from the handlers and crm policy.
func TestMenusListWhatEachRoleMayUse(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	team := h.team("North")
	staff := map[crm.Role]member{
		crm.RoleRep:     h.member(11, "Reza", "rep", "en", team),
		crm.RoleManager: h.member(12, "Mina", "manager", "en", team),
		crm.RoleAdmin:   h.member(13, "Ali", "admin", "en", 0),
	}
	var commands []string
	for c := range h.bot.commands {
		commands = append(commands, c)
	}
	sort.Strings(commands)
	forbidden := h.tr("en", "error.forbidden", nil)
	for role, m := range staff {
		menu := roleMenus[role]
		for _, c := range commands {
			got := h.text(m.user, "/"+c)
			refused := strings.Contains(texts(got), forbidden)
			listed := slices.Contains(menu, c)
			switch {
			case c == "start": // a welcome, never in a working menu
			case listed && refused:
				t.Errorf("%s: /%s is in the menu but answered %q", role, c, forbidden)
			case !listed && !refused:
				t.Errorf("%s: may use /%s, but it is not in the menu %v", role, c, menu)
			}
			h.text(m.user, "/cancel")
		}
		for _, c := range menu {
			if h.bot.commands[c] == nil {
				t.Errorf("%s: the menu lists /%s, which no handler answers", role, c)
			}
		}
	}
}

// TestMenuDescriptionsInEveryLocale checks every menu and description in
// each language against Telegram's limits and the Bot API validator.
func TestMenuDescriptionsInEveryLocale(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, lang := range i18n.Supported() {
		for role := range roleMenus {
			s := crm.Staff{TelegramUserID: 42, Role: role, Locale: lang, Active: true, Onboarded: true}
			m := h.bot.MenuUpdate(s)
			if m.Method != "setMyCommands" || m.Scope == nil || m.Scope.Type != "chat" || m.Scope.ChatID != 42 || m.LanguageCode != "" {
				t.Errorf("%s %s: %+v, want setMyCommands in chat 42's own scope, without a language_code", lang, role, m)
			}
			checkBotAPI(t, m)
			checkDescriptions(t, lang+" "+string(role), m.Commands)
		}
		checkDescriptions(t, lang+" default", h.bot.DefaultMenus()[lang])
		d := h.bot.Descriptions()[lang]
		if n := len([]rune(d.Description)); n == 0 || n > 512 || strings.HasPrefix(d.Description, "bot.") {
			t.Errorf("%s: description %q (%d characters), want 1 to 512", lang, d.Description, n)
		}
		if n := len([]rune(d.Short)); n == 0 || n > 120 || strings.HasPrefix(d.Short, "bot.") {
			t.Errorf("%s: short description %q (%d characters), want 1 to 120", lang, d.Short, n)
		}
	}
	en, fa := h.bot.StaffMenu(crm.Staff{Role: crm.RoleRep, Locale: "en"}), h.bot.StaffMenu(crm.Staff{Role: crm.RoleRep, Locale: "fa"})
	if en[0].Description == fa[0].Description {
		t.Errorf("the English and Persian menus both say %q", en[0].Description)
	}
	for _, s := range []crm.Staff{
		{TelegramUserID: 42, Role: crm.RoleRep, Locale: "fa", Active: false, Onboarded: true},
		{TelegramUserID: 42, Role: crm.RoleRep, Locale: "fa", Active: true, Onboarded: false},
	} {
		if m := h.bot.MenuUpdate(s); m.Method != "deleteMyCommands" || m.Scope == nil || m.Scope.ChatID != 42 {
			t.Errorf("active %v onboarded %v: %+v, want their own menu deleted", s.Active, s.Onboarded, m)
		}
	}
}

func checkDescriptions(t *testing.T, what string, cmds []models.BotCommand) {
	t.Helper()
	if len(cmds) == 0 {
		t.Errorf("%s: no commands", what)
	}
	for _, c := range cmds {
		if n := len([]rune(c.Description)); n == 0 || n > 256 || strings.HasPrefix(c.Description, "menu.") {
			t.Errorf("%s /%s: description %q", what, c.Command, c.Description)
		}
	}
}

// TestDefaultMenuIsForStrangers: the default scope lists only what
// someone who is not staff can use, and both commands answer them; its
// fallback and the descriptions' are in the configured default locale.
func TestDefaultMenuIsForStrangers(t *testing.T) {
	t.Parallel()
	h := newHarness(t) // CRM_DEFAULT_LOCALE=fa
	menus := h.bot.DefaultMenus()
	for _, lang := range []string{"", "fa", "ar", "en"} {
		var got []string
		for _, c := range menus[lang] {
			got = append(got, c.Command)
		}
		if !slices.Equal(got, publicMenu) {
			t.Errorf("%q: default menu %v, want %v", lang, got, publicMenu)
		}
		checkBotAPI(t, outbound.Message{Method: "setMyCommands", Commands: menus[lang], LanguageCode: lang})
	}
	stranger := models.User{ID: 900, FirstName: "Sam", LanguageCode: "en"}
	for _, c := range publicMenu {
		if got := h.text(stranger, "/"+c); len(got) != 1 || got[0].Text != h.tr("en", "access.not_staff", nil) {
			t.Errorf("a stranger's /%s: %s, want who the bot is for", c, dump(got))
		}
	}
	if menus[""][0].Description != menus["fa"][0].Description || h.bot.Descriptions()[""] != h.bot.Descriptions()["fa"] {
		t.Error("with CRM_DEFAULT_LOCALE=fa the fallback menu and descriptions must be Persian")
	}

	h.bot.d.DefaultLocale = "en"
	if menus := h.bot.DefaultMenus(); menus[""][0].Description != menus["en"][0].Description {
		t.Errorf("with CRM_DEFAULT_LOCALE=en the fallback menu says %q", menus[""][0].Description)
	}
	if d := h.bot.Descriptions(); d[""] != d["en"] {
		t.Errorf("with CRM_DEFAULT_LOCALE=en the fallback description is %q", d[""].Short)
	}
}

// TestMenuFollowsOnboardingLanguageRoleAndDeactivation: a staff member's
// own menu is queued when they finish onboarding, when they switch
// language, when an admin makes them a manager, and deleted when they are
// deactivated.
func TestMenuFollowsOnboardingLanguageRoleAndDeactivation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.member(1, "Admin", "admin", "en", 0)
	team := h.team("North")
	h.text(admin.user, "/invite")
	got := h.press(admin.user, 1, cb(actInviteRole, "rep"))
	got = h.press(admin.user, 1, button(t, got, cb(actInviteTeam, "rep", "0")))
	token := inviteToken(t, got)

	rep := models.User{ID: 700, FirstName: "Nima", LanguageCode: "fa"}
	for _, step := range [][]outbound.Message{
		h.text(rep, "/start "+token),
		h.press(rep, 1, cb(actPickLang, "o", "fa")),
		h.press(rep, 1, cb(actPickCal, "o", "jalali")),
	} {
		if m := menuCalls(step); len(m) != 0 {
			t.Fatalf("a menu before onboarding is done: %s", dump(m))
		}
	}
	got = h.press(rep, 1, cb(actPickZone, "o", "0"))
	sid := scalar[int64](h, `SELECT id FROM staff WHERE telegram_user_id = 700`)
	wantMenu(t, "after onboarding", got, 700, h.bot.StaffMenu(crm.Staff{Role: crm.RoleRep, Locale: "fa"}))

	h.press(rep, 1, cb(actSettings, "l"))
	got = h.press(rep, 1, cb(actPickLang, "s", "ar"))
	wantMenu(t, "after switching to Arabic", got, 700, h.bot.StaffMenu(crm.Staff{Role: crm.RoleRep, Locale: "ar"}))
	if m := menuCalls(h.press(rep, 1, cb(actPickCal, "s", "hijri"))); len(m) != 0 {
		t.Errorf("a calendar change republished the menu: %s", dump(m))
	}

	got = h.press(admin.user, 1, cb(actTeamSetMgr, id(team), id(sid)))
	wantMenu(t, "after being made a manager", got, 700, h.bot.StaffMenu(crm.Staff{Role: crm.RoleManager, Locale: "ar"}))

	got = h.press(admin.user, 1, cb(actStaffConfirm, id(sid)))
	if m := menuCalls(got); len(m) != 1 || m[0].Method != "deleteMyCommands" || m[0].ChatID != 700 || m[0].Scope.ChatID != 700 {
		t.Fatalf("after deactivation: %s, want their chat's menu deleted", dump(m))
	}
}

func menuCalls(msgs []outbound.Message) []outbound.Message {
	var out []outbound.Message
	for _, m := range msgs {
		if m.Method == "setMyCommands" || m.Method == "deleteMyCommands" {
			out = append(out, m)
		}
	}
	return out
}

func wantMenu(t *testing.T, when string, got []outbound.Message, chat int64, want []models.BotCommand) {
	t.Helper()
	m := menuCalls(got)
	if len(m) != 1 || m[0].Method != "setMyCommands" || m[0].ChatID != chat || m[0].Scope == nil || m[0].Scope.ChatID != chat {
		t.Fatalf("%s: menu calls %s, want one setMyCommands for chat %d", when, dump(m), chat)
	}
	if !slices.Equal(m[0].Commands, want) {
		t.Errorf("%s: menu %v, want %v", when, m[0].Commands, want)
	}
}
