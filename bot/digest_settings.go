package bot

import (
	"strconv"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/format"
)

// getsDigest reports whether s may receive a digest (managers, admins).
func getsDigest(s crm.Staff) bool {
	return s.Active && (s.Role == crm.RoleManager || s.Role == crm.RoleAdmin)
}

// digestTarget reads whose schedule a button names (none: the sender's)
// and re-checks that the sender may set it: their own, or anyone's for
// an admin.
func (b *Bot) digestTarget(r *req, args []string, i int) (crm.Staff, bool, error) {
	if i >= len(args) || args[i] == "" {
		return r.staff, getsDigest(r.staff), nil
	}
	sid, ok := argID(args, i)
	if !ok {
		return crm.Staff{}, false, nil
	}
	if sid == r.staff.ID {
		return r.staff, getsDigest(r.staff), nil
	}
	if !crm.CanManageOrg(r.staff) {
		return crm.Staff{}, false, nil
	}
	s, err := b.digests.StaffByID(r.ctx, sid)
	if crm.IsCode(err, crm.ENotFound) {
		return crm.Staff{}, false, nil
	}
	return s, err == nil && getsDigest(s), err
}

// scheduleLabel says when s's digest comes, in the reader's words.
func (r *req) scheduleLabel(d digest.Schedule) string {
	switch {
	case d.Off:
		return r.t("digest.schedule.off", nil)
	case d.Paused:
		return r.t("digest.schedule.paused", map[string]any{"Hour": r.hourLabel(d.Hour)})
	}
	return r.t("digest.schedule.at", map[string]any{"Hour": r.hourLabel(d.Hour)})
}

// hourLabel is "08:00" in the reader's digits.
func (r *req) hourLabel(h int) string {
	return digitsOf(r.lang(), h)
}

// digitsOf is hh:00 in lang's digits.
func digitsOf(lang string, h int) string {
	s := strconv.Itoa(h)
	if h < 10 {
		s = "0" + s
	}
	return format.Digits(lang, s+":00")
}

// onDigestSetting shows a digest schedule with its presets: es[:<staff>].
func (b *Bot) onDigestSetting(r *req, args []string) error {
	s, ok, err := b.digestTarget(r, args, 0)
	if err != nil || !ok {
		if err == nil {
			err = r.toast(r.t("digest.not_allowed", nil), true)
		}
		return err
	}
	return b.showDigestSetting(r, s)
}

func (b *Bot) showDigestSetting(r *req, s crm.Staff) error {
	d, err := b.digests.DigestSchedule(r.ctx, s)
	if err != nil {
		return err
	}
	who := id(s.ID)
	var hours []models.InlineKeyboardButton
	for _, h := range digest.PresetHours {
		hours = append(hours, ib(r.mark(r.hourLabel(h), !d.Off && d.Hour == h), cb(actDigestSet, who, strconv.Itoa(h))))
	}
	rows := [][]models.InlineKeyboardButton{hours}
	ctl := []models.InlineKeyboardButton{ib(r.mark(r.t("digest.btn.off", nil), d.Off), cb(actDigestSet, who, "off"))}
	if !d.Off {
		if d.Paused {
			ctl = append(ctl, ib(r.t("digest.btn.resume", nil), cb(actDigestSet, who, "resume")))
		} else {
			ctl = append(ctl, ib(r.t("digest.btn.pause", nil), cb(actDigestSet, who, "pause")))
		}
	}
	rows = append(rows, ctl)
	if crm.CanManageOrg(r.staff) {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("digest.btn.others", nil), cb(actDigestPeople))})
	}
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actSettings))})
	text := r.t("digest.schedule.text", map[string]any{"Name": esc(s.DisplayName), "When": r.scheduleLabel(d)})
	return r.edit(text, ikm(rows...))
}

// onDigestSet sets a schedule from a preset: eh:<staff>:<hour|off|pause|resume>.
func (b *Bot) onDigestSet(r *req, args []string) error {
	s, ok, err := b.digestTarget(r, args, 0)
	if err != nil {
		return err
	}
	if !ok || len(args) < 2 {
		return r.toast(r.t("digest.not_allowed", nil), true)
	}
	d, err := b.digests.DigestSchedule(r.ctx, s)
	if err != nil {
		return err
	}
	switch v := args[1]; v {
	case "off":
		d.Off, d.Paused = true, false
	case "pause":
		d.Paused = true
	case "resume":
		d.Paused = false
	default:
		h, err := strconv.Atoi(v)
		if err != nil || !presetHour(h) {
			return r.staleButton()
		}
		d = digest.Schedule{Hour: h}
	}
	if err := b.digests.SetDigestSchedule(r.ctx, s.ID, d, r.staff.ID); err != nil {
		return err
	}
	if err := r.toast(r.scheduleLabel(d), false); err != nil {
		return err
	}
	return b.showDigestSetting(r, s)
}

func presetHour(h int) bool {
	for _, p := range digest.PresetHours {
		if p == h {
			return true
		}
	}
	return false
}

// onDigestPeople lists the managers and admins whose schedule an admin
// may set.
func (b *Bot) onDigestPeople(r *req, _ []string) error {
	if !crm.CanManageOrg(r.staff) {
		return r.toast(r.t("digest.not_allowed", nil), true)
	}
	ss, err := b.digests.StaffList(r.ctx, true)
	if err != nil {
		return err
	}
	var btns []models.InlineKeyboardButton
	for _, s := range ss {
		if getsDigest(s) {
			btns = append(btns, ib(clipRunes(s.DisplayName, 28), cb(actDigestSetting, id(s.ID))))
		}
	}
	rows := inlineRows(2, btns...)
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actDigestSetting))})
	return r.edit(r.t("digest.schedule.pick", nil), ikm(rows...))
}
