package main

import (
	"context"
	"time"

	"github.com/telecrm/crmbot/internal/delivery"
)

// staffMenuGap spaces the staff menus published at start. Telegram posts
// nothing for setMyCommands and documents no limit for it, but a burst of
// hundreds is asking for a 429, which would pause every reply: a few a
// second finish a few hundred staff within a minute or two, in the
// background.
const staffMenuGap = 200 * time.Millisecond

// publishMenus publishes, in the background of a starting process, the
// bot's profile and then every staff member's menu. A failure is logged:
// the bot works without them, and the next start tries again.
func (a *app) publishMenus(ctx context.Context) {
	if err := a.publishProfile(ctx); err != nil && ctx.Err() == nil {
		a.log.Warn("set the default command menus and descriptions", "err", err)
	}
	a.publishStaffMenus(ctx)
}

// publishProfile sets what everyone sees of the bot before it knows them:
// the default command menu and the descriptions, in each language and, as
// the fallback for others, in the default locale.
func (a *app) publishProfile(ctx context.Context) error {
	for lang, cmds := range a.bot.DefaultMenus() {
		if _, err := a.sender.Send(ctx, delivery.Message{Method: "setMyCommands", Commands: cmds, LanguageCode: lang}); err != nil {
			return err
		}
	}
	for lang, d := range a.bot.Descriptions() {
		for method, p := range map[string]map[string]any{
			"setMyDescription":      {"description": d.Description},
			"setMyShortDescription": {"short_description": d.Short},
		} {
			if lang != "" {
				p["language_code"] = lang
			}
			if err := a.api.Call(ctx, method, p, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// publishStaffMenus sets every working staff member's own menu once more.
// Handlers queue a menu with each change that alters it, but three cases
// only a sweep at start covers: staff onboarded before menus were per
// role, a release that changes a role's commands or their wording, and a
// Bot API that forgot them (the demo's sandbox starts empty). Each member
// is read again just before their call, so a change made meanwhile (whose
// own menu is queued) is not overwritten with what was true at start.
func (a *app) publishStaffMenus(ctx context.Context) {
	staff, err := a.db.StaffList(ctx, true)
	if err != nil {
		a.log.Warn("list staff to publish their menus", "err", err)
		return
	}
	done := 0
	for i, listed := range staff {
		if i > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(staffMenuGap):
			}
		}
		s, err := a.db.StaffByID(ctx, listed.ID)
		if err != nil {
			a.log.Warn("read staff to publish their menu", "staff", listed.ID, "err", err)
			continue
		}
		if !s.Active || !s.Onboarded {
			continue
		}
		if _, err := a.sender.Send(ctx, a.bot.MenuUpdate(s)); err != nil {
			if ctx.Err() != nil {
				return
			}
			a.log.Warn("publish a staff member's menu", "staff", s.ID, "err", err)
			continue
		}
		done++
	}
	a.log.Info("staff menus published", "staff", done)
}
