package bot

import (
	"maps"
	"slices"
	"strconv"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// timeZones are the zones offered, with their label's message key.
var timeZones = []struct{ zone, key string }{
	{"Asia/Tehran", "tehran"}, {"Asia/Dubai", "dubai"}, {"Asia/Riyadh", "riyadh"}, {"Asia/Qatar", "doha"},
	{"Asia/Kuwait", "kuwait"}, {"Europe/Istanbul", "istanbul"}, {"Europe/London", "london"}, {"UTC", "utc"},
}

// zoneOrder lists timeZones' indexes with the locale's default first.
func zoneOrder(locale string) []int {
	def := crm.DefaultsFor(locale).TimeZone
	var first, rest []int
	for i, z := range timeZones {
		if z.zone == def {
			first = append(first, i)
		} else {
			rest = append(rest, i)
		}
	}
	return append(first, rest...)
}

// zoneLabel names a time zone in the user's language.
func (r *req) zoneLabel(zone string) string {
	for _, z := range timeZones {
		if z.zone == zone {
			return r.t("settings.tz."+z.key, nil)
		}
	}
	return zone
}

// calendarLabel names a calendar with today's date in it as an example.
func (r *req) calendarLabel(c string) string {
	today := format.Date(r.lang(), calendar.Calendar(c), r.now().In(r.userLoc()))
	return r.t("settings.calendar."+c, map[string]any{"Example": today})
}

// hoursPresets are the working weeks offered; "" is the locale's default.
var hoursPresets = []string{"", "fa", "ar", "en"}

func presetHours(p string) crm.WorkHours {
	if p == "" {
		return nil
	}
	return crm.DefaultWorkHours(p)
}

// hoursPreset returns the preset the user's hours match ("custom" if none).
func hoursPreset(h crm.WorkHours) string {
	if len(h) == 0 {
		return ""
	}
	for _, p := range hoursPresets[1:] {
		if equalHours(h, crm.DefaultWorkHours(p)) {
			return p
		}
	}
	return "custom"
}

func equalHours(a, b crm.WorkHours) bool {
	return maps.EqualFunc(a, b, func(x, y []crm.Span) bool { return slices.Equal(x, y) })
}

func (r *req) hoursLabel(p string) string {
	if p == "" {
		p = "default"
	}
	return r.t("settings.hours."+p, nil)
}

// routesSettings registers /settings and its working-hours picker.
func (b *Bot) routesSettings() {
	b.command("settings", func(r *req) error { return b.showSettings(r, false) })
	b.action(actSettings, b.onSettings)
	b.action(actPickHours, b.onPickHours)
}

// settingsSummary lists the user's language, calendar, zone and hours.
func (r *req) settingsSummary() string {
	return r.t("settings.summary", map[string]any{
		"Language": languageNames[r.staff.Locale],
		"Calendar": r.calendarLabel(r.staff.Calendar),
		"Zone":     r.zoneLabel(r.staff.TimeZone),
		"Hours":    r.hoursLabel(hoursPreset(r.staff.WorkHours)),
	})
}

// showSettings shows the summary with a button per setting, and the
// organisation's settings for admins.
func (b *Bot) showSettings(r *req, edit bool) error {
	rows := [][]models.InlineKeyboardButton{
		{ib(r.t("settings.btn.language", nil), cb(actSettings, "l")), ib(r.t("settings.btn.calendar", nil), cb(actSettings, "c"))},
		{ib(r.t("settings.btn.timezone", nil), cb(actSettings, "z")), ib(r.t("settings.btn.hours", nil), cb(actSettings, "h"))},
	}
	if crm.CanManageOrg(r.staff) {
		rows = append(rows,
			[]models.InlineKeyboardButton{ib(r.t("settings.btn.pipeline", nil), cb(actPipeline)), ib(r.t("settings.btn.teams", nil), cb(actTeams))},
			[]models.InlineKeyboardButton{ib(r.t("settings.btn.staff", nil), cb(actStaffList)), ib(r.t("settings.btn.invite", nil), cb(actInvite))})
	} else if r.staff.Role == crm.RoleManager {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("settings.btn.invite", nil), cb(actInvite))})
	}
	if getsDigest(r.staff) {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("digest.btn.settings", nil), cb(actDigestSetting))})
	}
	return r.show(r.settingsSummary(), ikm(rows...), edit)
}

// afterSetting shows the settings again after a change, in the (maybe
// new) language.
func (b *Bot) afterSetting(r *req) error {
	if err := r.toast(r.t("settings.saved", nil), false); err != nil {
		return err
	}
	return b.showSettings(r, true)
}

func (b *Bot) onSettings(r *req, args []string) error {
	what := ""
	if len(args) > 0 {
		what = args[0]
	}
	switch what {
	case "":
		return b.showSettings(r, true)
	case "l":
		return b.askLang(r, "s", true)
	case "c":
		return b.askCal(r, "s", true)
	case "z":
		return b.askZone(r, "s", true)
	case "h":
		return b.askHours(r)
	}
	return crm.Errorf(crm.EStale, "setting %q", what)
}

func (b *Bot) askHours(r *req) error {
	current := hoursPreset(r.staff.WorkHours)
	var rows [][]models.InlineKeyboardButton
	for i, p := range hoursPresets {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.mark(r.hoursLabel(p), p == current), cb(actPickHours, strconv.Itoa(i)))})
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actSettings))})
	return r.edit(r.t("settings.ask_hours", nil), ikm(rows...))
}

func (b *Bot) onPickHours(r *req, args []string) error {
	i, ok := argInt(args, 0)
	if !ok || i < 0 || i >= len(hoursPresets) {
		return crm.Errorf(crm.EStale, "hours preset")
	}
	r.staff.WorkHours = presetHours(hoursPresets[i])
	if err := b.onboarding.UpdateStaffPrefs(r.ctx, r.staff); err != nil {
		return err
	}
	return b.afterSetting(r)
}
