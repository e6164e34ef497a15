package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
)

// OnboardingStore is what joining and personal settings ask of the database.
type OnboardingStore interface {
	// RedeemStaffInvite returns crm.EInviteInvalid for a used, revoked,
	// expired or unknown token.
	RedeemStaffInvite(ctx context.Context, token string, tgID int64, displayName, username, locale string) (crm.Staff, error)
	// UpdateStaffPrefs stores language, calendar, time zone, working hours
	// and the onboarded flag.
	UpdateStaffPrefs(ctx context.Context, s crm.Staff) error
	MarkWelcomed(ctx context.Context, staffID int64, at time.Time) error
}

// invitePrefix starts the /start payload of a staff invite.
const invitePrefix = "inv_"

// Callback codes of onboarding and /settings. Mode "o" is the onboarding
// walk (language → calendar → time zone); mode "s" returns to /settings.
const (
	actPickLang  = "ol" // ol:<mode>:<lang>
	actPickCal   = "oc" // oc:<mode>:<calendar>
	actPickZone  = "oz" // oz:<mode>:<index in timeZones>
	actPickHours = "oh" // oh:<preset>
	actSettings  = "os" // os[:<l|c|z|h>]: the settings menu or one of its lists
)

// languageNames are each language's name in itself, as pickers show them.
var languageNames = map[string]string{i18n.English: "English", i18n.Persian: "فارسی", i18n.Arabic: "العربية"}

// routesOnboarding registers /start (invites and welcome) and the
// language, calendar and time zone pickers shared with /settings.
func (b *Bot) routesOnboarding() {
	b.command("start", b.start)
	b.action(actPickLang, b.onPickLang)
	b.action(actPickCal, b.onPickCal)
	b.action(actPickZone, b.onPickZone)
	b.routesSettings()
}

// start handles /start: strangers with an invite join; staff are welcomed
// (or continue onboarding where they left it).
func (b *Bot) start(r *req) error {
	if isCustomerLink(r.arg) {
		return b.openCustomerLink(r) // customer_start.go
	}
	if r.staff.ID == 0 || !r.staff.Active {
		if !strings.HasPrefix(r.arg, invitePrefix) {
			return r.send(r.t("access.not_staff", nil), replyKeyboardRemove())
		}
		return b.join(r)
	}
	if strings.HasPrefix(r.arg, invitePrefix) {
		if err := r.send(r.t("onboarding.already_staff", nil), nil); err != nil {
			return err
		}
	}
	if !r.staff.Onboarded {
		return b.askLang(r, "o", false)
	}
	return b.welcome(r)
}

// join redeems the invite in r.arg and starts onboarding.
func (b *Bot) join(r *req) error {
	u := r.user
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	lang := b.d.I18n.Match(u.LanguageCode)
	s, err := b.onboarding.RedeemStaffInvite(r.ctx, r.arg, u.ID, name, u.Username, lang)
	if err != nil {
		return err // crm.EInviteInvalid is answered in the user's language
	}
	r.staff = s
	r.loc = b.d.I18n.For(s.Locale)
	return b.askLang(r, "o", false)
}

func (b *Bot) welcome(r *req) error {
	if err := b.onboarding.MarkWelcomed(r.ctx, r.staff.ID, r.now()); err != nil {
		return err
	}
	return r.send(r.t("onboarding.welcome", map[string]any{"Name": esc(r.staff.DisplayName)}), r.mainKeyboard())
}

// langOrder lists the languages with the Telegram client's first.
func (b *Bot) langOrder(r *req) []string {
	return nameOrder(b.d.I18n.Match(r.user.LanguageCode))
}

// askLang offers the languages.
func (b *Bot) askLang(r *req, mode string, edit bool) error {
	var btns []models.InlineKeyboardButton
	for _, l := range b.langOrder(r) {
		btns = append(btns, ib(r.mark(languageNames[l], mode == "s" && l == r.staff.Locale), cb(actPickLang, mode, l)))
	}
	text := r.t("onboarding.ask_language", map[string]any{"Name": esc(r.staff.DisplayName)})
	if mode == "s" {
		text = r.t("settings.ask_language", nil)
	}
	return r.show(text, ikm(btns), edit)
}

// show edits the message a button is on, or sends a new one.
func (r *req) show(text string, kb *models.InlineKeyboardMarkup, edit bool) error {
	if edit {
		return r.edit(text, kb)
	}
	return r.send(text, kb)
}

// pickMode reads the mode argument of a picker button.
func pickMode(args []string) (string, bool) {
	if len(args) < 2 || (args[0] != "o" && args[0] != "s") {
		return "", false
	}
	return args[0], true
}

func (b *Bot) onPickLang(r *req, args []string) error {
	mode, ok := pickMode(args)
	if !ok || languageNames[args[1]] == "" {
		return crm.Errorf(crm.EStale, "language")
	}
	r.staff.Locale = args[1]
	if mode == "o" && !r.staff.Onboarded {
		d := crm.DefaultsFor(args[1])
		r.staff.Calendar, r.staff.TimeZone = d.Calendar, d.TimeZone
	}
	if err := b.onboarding.UpdateStaffPrefs(r.ctx, r.staff); err != nil {
		return err
	}
	if r.staff.Onboarded { // their command menu follows their language
		if err := b.syncMenu(r, r.staff.ID); err != nil {
			return err
		}
	}
	r.loc = b.d.I18n.For(r.staff.Locale)
	if mode == "s" {
		return b.afterSetting(r)
	}
	return b.askCal(r, mode, true)
}

// calendarsFor lists the calendars, the locale's default first.
func calendarsFor(locale string) []string {
	out := []string{crm.DefaultsFor(locale).Calendar}
	for _, c := range []string{"jalali", "gregorian", "hijri"} {
		if c != out[0] {
			out = append(out, c)
		}
	}
	return out
}

func (b *Bot) askCal(r *req, mode string, edit bool) error {
	var rows [][]models.InlineKeyboardButton
	for _, c := range calendarsFor(r.staff.Locale) {
		label := r.calendarLabel(c)
		rows = append(rows, []models.InlineKeyboardButton{ib(r.mark(label, c == r.staff.Calendar), cb(actPickCal, mode, c))})
	}
	return r.show(r.t("onboarding.ask_calendar", nil), ikm(rows...), edit)
}

func (b *Bot) onPickCal(r *req, args []string) error {
	mode, ok := pickMode(args)
	if !ok || !validCalendar(args[1]) {
		return crm.Errorf(crm.EStale, "calendar")
	}
	r.staff.Calendar = args[1]
	if err := b.onboarding.UpdateStaffPrefs(r.ctx, r.staff); err != nil {
		return err
	}
	if mode == "s" {
		return b.afterSetting(r)
	}
	return b.askZone(r, mode, true)
}

func validCalendar(c string) bool { return c == "jalali" || c == "gregorian" || c == "hijri" }

func (b *Bot) askZone(r *req, mode string, edit bool) error {
	var btns []models.InlineKeyboardButton
	for _, i := range zoneOrder(r.staff.Locale) {
		z := timeZones[i]
		btns = append(btns, ib(r.mark(r.t("settings.tz."+z.key, nil), z.zone == r.staff.TimeZone), cb(actPickZone, mode, strconv.Itoa(i))))
	}
	return r.show(r.t("onboarding.ask_timezone", nil), ikm(inlineRows(2, btns...)...), edit)
}

func (b *Bot) onPickZone(r *req, args []string) error {
	mode, ok := pickMode(args)
	i, ok2 := argInt(args, 1)
	if !ok || !ok2 || i < 0 || i >= len(timeZones) {
		return crm.Errorf(crm.EStale, "time zone")
	}
	r.staff.TimeZone = timeZones[i].zone
	if mode == "o" {
		r.staff.Onboarded = true
	}
	if err := b.onboarding.UpdateStaffPrefs(r.ctx, r.staff); err != nil {
		return err
	}
	if mode == "s" {
		return b.afterSetting(r)
	}
	if err := b.syncMenu(r, r.staff.ID); err != nil { // onboarded: their role's menu
		return err
	}
	if err := r.edit(r.settingsSummary(), nil); err != nil {
		return err
	}
	return b.welcome(r)
}
