package bot

import (
	"regexp"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/outbound"
)

var inviteLink = regexp.MustCompile(`https://t\.me/crm_test_bot\?start=(inv_[A-Za-z0-9_-]+)`)

// inviteToken pulls the invite token out of the replies.
func inviteToken(t *testing.T, got []outbound.Message) string {
	t.Helper()
	m := inviteLink.FindStringSubmatch(texts(got))
	if m == nil {
		t.Fatalf("no invite link in %s", dump(got))
	}
	return m[1]
}

// firstButtons returns the callback data of every inline button.
func allButtons(got []outbound.Message) []string {
	var out []string
	for _, m := range got {
		if kb, ok := m.ReplyMarkup.(*models.InlineKeyboardMarkup); ok && kb != nil {
			for _, row := range kb.InlineKeyboard {
				for _, b := range row {
					out = append(out, b.CallbackData)
				}
			}
		}
	}
	return out
}

func TestInviteThenOnboardingInEachLanguage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		lang, tgLang, cal, zone, expiry string
	}{
		{"fa", "fa-IR", "jalali", "Asia/Tehran", "۸ آذر ۱۴۰۵"},
		{"ar", "ar-AE", "gregorian", "Asia/Dubai", "٢٩ نوفمبر ٢٠٢٦"},
		{"en", "en-US", "gregorian", "UTC", "29 Nov 2026"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			h := newHarness(t)
			admin := h.member(1, "Admin", "admin", tt.lang, 0)
			team := h.team("North")
			h.text(admin.user, "/invite")
			got := h.press(admin.user, 1, cb(actInviteRole, "rep"))
			got = h.press(admin.user, 1, button(t, got, cb(actInviteTeam, "rep", id(team))))
			if !strings.Contains(texts(got), tt.expiry) {
				t.Errorf("the expiry is not in the admin's calendar and digits (%s): %s", tt.expiry, dump(got))
			}
			token := inviteToken(t, got)

			newbie := models.User{ID: 700, FirstName: "Nima", LanguageCode: tt.tgLang}
			got = h.text(newbie, "/start "+token)
			if want := h.tr(tt.lang, "onboarding.ask_language", map[string]any{"Name": "Nima"}); len(got) != 1 || got[0].Text != want {
				t.Fatalf("after redeeming: %s, want %q", dump(got), want)
			}
			if b := allButtons(got); b[0] != cb(actPickLang, "o", tt.lang) {
				t.Fatalf("Telegram's language is not offered first: %v", b)
			}
			got = h.press(newbie, 1, cb(actPickLang, "o", tt.lang))
			if b := allButtons(got); b[0] != cb(actPickCal, "o", tt.cal) {
				t.Fatalf("the locale's calendar is not offered first: %v", b)
			}
			got = h.press(newbie, 1, cb(actPickCal, "o", tt.cal))
			zone := button(t, got, actPickZone+":")
			i, _ := argInt(strings.Split(zone, ":"), 2)
			if timeZones[i].zone != tt.zone {
				t.Fatalf("first zone offered is %s, want %s", timeZones[i].zone, tt.zone)
			}
			got = h.press(newbie, 1, zone)
			kb, ok := got[len(got)-2].ReplyMarkup.(*models.ReplyKeyboardMarkup)
			if !ok || kb.Keyboard[0][0].Text != h.tr(tt.lang, "menu.new_customer", nil) {
				t.Fatalf("no main keyboard after onboarding: %s", dump(got))
			}
			var locale, cal, tz, role string
			var onboarded bool
			var teamID int64
			h.db.Pool.QueryRow(t.Context(), `SELECT locale, calendar, time_zone, role, team_id, onboarded FROM staff WHERE telegram_user_id = 700`).
				Scan(&locale, &cal, &tz, &role, &teamID, &onboarded)
			if locale != tt.lang || cal != tt.cal || tz != tt.zone || role != "rep" || teamID != team || !onboarded {
				t.Fatalf("stored %s %s %s %s team %d onboarded %v", locale, cal, tz, role, teamID, onboarded)
			}

			// The link works once.
			other := models.User{ID: 701, FirstName: "X", LanguageCode: tt.tgLang}
			if got := h.text(other, "/start "+token); len(got) != 1 || got[0].Text != h.tr(tt.lang, "error.invite_invalid", nil) {
				t.Fatalf("second use: %s", dump(got))
			}
			if got := h.text(other, "/start inv_forged"); len(got) != 1 || got[0].Text != h.tr(tt.lang, "error.invite_invalid", nil) {
				t.Fatalf("forged token: %s", dump(got))
			}
			if got := h.text(other, "/start something_else"); len(got) != 1 || got[0].Text != h.tr(tt.lang, "access.not_staff", nil) {
				t.Fatalf("other payload: %s", dump(got))
			}
			// Staff opening /start again are welcomed.
			if got := h.text(newbie, "/start"); len(got) != 1 || !strings.Contains(got[0].Text, "Nima") {
				t.Fatalf("/start for staff: %s", dump(got))
			}
		})
	}
}

func TestManagerInvitesRepToOwnTeamAndRevokes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	team := h.team("North")
	mgr := h.member(2, "Maryam", "manager", "fa", team)
	got := h.text(mgr.user, "/invite")
	token := inviteToken(t, got)
	if !strings.Contains(texts(got), "North") {
		t.Fatalf("the invite does not name the team: %s", dump(got))
	}
	revoke := button(t, got, actInviteRevoke+":")
	rep := h.member(3, "Sara", "rep", "fa", team)
	if got := h.press(rep.user, 1, revoke); !onlyToast(got, h.tr("fa", "error.forbidden", nil)) {
		t.Fatalf("a rep revoked a manager's invite: %s", dump(got))
	}
	if got := h.press(mgr.user, 1, revoke); texts(got) == "" || !strings.Contains(texts(got), h.tr("fa", "invite.revoked", nil)) {
		t.Fatalf("revoke: %s", dump(got))
	}
	u := models.User{ID: 800, FirstName: "N", LanguageCode: "fa"}
	if got := h.text(u, "/start "+token); got[0].Text != h.tr("fa", "error.invite_invalid", nil) {
		t.Fatalf("revoked link still works: %s", dump(got))
	}
	if got := h.press(mgr.user, 1, revoke); !onlyToast(got, h.tr("fa", "invite.not_open", nil)) {
		t.Fatalf("revoking twice: %s", dump(got))
	}
}

func TestSettingsChangeLanguageCalendarZoneAndHours(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(3, "Sara", "rep", "fa", 0)
	got := h.text(rep.user, "/settings")
	if !strings.Contains(texts(got), "شمسی") || !strings.Contains(texts(got), "تهران") {
		t.Fatalf("settings summary: %s", dump(got))
	}
	h.press(rep.user, 1, cb(actSettings, "l"))
	got = h.press(rep.user, 1, cb(actPickLang, "s", "ar"))
	if !strings.Contains(texts(got), "إعداداتك") {
		t.Fatalf("the settings are not shown in Arabic after switching: %s", dump(got))
	}
	h.press(rep.user, 1, cb(actPickCal, "s", "hijri"))
	h.press(rep.user, 1, cb(actPickZone, "s", "2"))
	got = h.press(rep.user, 1, cb(actPickHours, "2"))
	if !strings.Contains(texts(got), h.tr("ar", "settings.hours.ar", nil)) || !strings.Contains(texts(got), "الرياض") {
		t.Fatalf("after the changes: %s", dump(got))
	}
	var locale, cal, tz string
	h.db.Pool.QueryRow(t.Context(), `SELECT locale, calendar, time_zone FROM staff WHERE id = $1`, rep.id).Scan(&locale, &cal, &tz)
	if locale != "ar" || cal != "hijri" || tz != "Asia/Riyadh" {
		t.Fatalf("stored %s %s %s", locale, cal, tz)
	}
	if hours := scalar[string](h, `SELECT coalesce(work_hours::text, '') FROM staff WHERE id = $1`, rep.id); hours == "" {
		t.Fatal("working hours not stored")
	}
}
