package bot

import (
	"context"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/digest"
)

// DigestStore is what the managers' digest reads and sets: its data, its
// schedules and the last scheduled digest (the start of "since the last
// digest").
type DigestStore interface {
	StaffByID(ctx context.Context, id int64) (crm.Staff, error)
	Team(ctx context.Context, id int64) (crm.Team, error)
	StaffList(ctx context.Context, activeOnly bool) ([]crm.Staff, error)
	ActivePipeline(ctx context.Context) (string, error)
	DigestData(ctx context.Context, q digest.Query) (digest.Data, error)
	DigestSchedule(ctx context.Context, s crm.Staff) (digest.Schedule, error)
	SetDigestSchedule(ctx context.Context, staffID int64, d digest.Schedule, by int64) error
	LastDigestAt(ctx context.Context, staffID int64, before time.Time) (time.Time, error)
}

// Callback codes of the digest (every one starts with "e").
const (
	actDigest        = "ed" // a digest: ed:<period>:<scope>
	actDigestDetail  = "ex" // a section in full: ex:<section>:<period>:<scope>:<page>
	actDigestSetting = "es" // the digest's schedule: es[:<staff>]
	actDigestSet     = "eh" // set it: eh:<staff>:<hour|off|pause|resume>
	actDigestPeople  = "ep" // an admin picks whose schedule to set
)

// periodCodes are the periods' one-letter codes in callback data.
var periodCodes = map[string]digest.PeriodKind{"t": digest.Today, "y": digest.Yesterday, "w": digest.ThisWeek,
	"m": digest.ThisMonth, "l": digest.SinceLast}

func periodCode(k digest.PeriodKind) string {
	for c, p := range periodCodes {
		if p == k {
			return c
		}
	}
	return "t"
}

// scopeCode is a scope in callback data: "a" for the whole company, else
// the team's id.
func scopeCode(s digest.Scope) string {
	if s.All {
		return "a"
	}
	return id(s.TeamID)
}

// routesDigest registers /digest, its buttons and its settings.
func (b *Bot) routesDigest() {
	b.command("digest", b.digestCommand)
	b.action(actDigest, b.onDigest)
	b.action(actDigestDetail, b.onDigestDetail)
	b.action(actDigestSetting, b.onDigestSetting)
	b.action(actDigestSet, b.onDigestSet)
	b.action(actDigestPeople, b.onDigestPeople)
}

// digestCommand is /digest: today's digest of the manager's team (an
// admin's team, or the whole company), with the other periods as buttons.
// A rep is told, politely, that it is the managers'.
func (b *Bot) digestCommand(r *req) error {
	sc, ok := digest.ScopeFor(r.staff, false)
	if !ok {
		// error.forbidden, then where their own work is.
		return r.send(r.t("error.forbidden", nil)+"\n"+r.t("digest.not_for_you", nil), nil)
	}
	return b.showDigest(r, digest.Today, sc, false)
}

// parseScope reads a scope argument and re-checks that r's sender may see
// it: the whole company for admins, a team for its manager and admins.
func (r *req) parseScope(args []string, i int) (digest.Scope, bool) {
	if i >= len(args) {
		return digest.Scope{}, false
	}
	if args[i] == "a" {
		return digest.Scope{All: true}, crm.CanManageOrg(r.staff)
	}
	team, ok := argID(args, i)
	if !ok {
		return digest.Scope{}, false
	}
	return digest.Scope{TeamID: team}, crm.CanSeeTeam(r.staff, team)
}

// digestArgs reads and re-authorizes a period and a scope from callback
// data; false (after a polite notice) for a forged or stale button.
func (r *req) digestArgs(args []string, at int) (digest.PeriodKind, digest.Scope, bool, error) {
	if at >= len(args) {
		return "", digest.Scope{}, false, r.staleButton()
	}
	k, known := periodCodes[args[at]]
	sc, allowed := r.parseScope(args, at+1)
	if !known {
		return "", digest.Scope{}, false, r.staleButton()
	}
	if !allowed {
		return "", digest.Scope{}, false, r.toast(r.t("digest.not_allowed", nil), true)
	}
	return k, sc, true, nil
}

func (b *Bot) onDigest(r *req, args []string) error {
	k, sc, ok, err := r.digestArgs(args, 0)
	if !ok {
		return err
	}
	return b.showDigest(r, k, sc, true)
}

// digestData reads the digest of period k and scope sc for r's sender, at
// now: the funnel's moves since their last scheduled digest (or since the
// period's start when there was none).
func (b *Bot) digestData(ctx context.Context, s crm.Staff, loc *time.Location, lang string, cal calendar.Calendar,
	k digest.PeriodKind, sc digest.Scope, now time.Time) (digest.Data, error) {
	last, err := b.digests.LastDigestAt(ctx, s.ID, now)
	if err != nil {
		return digest.Data{}, err
	}
	p := digest.PeriodOf(k, now, loc, lang, cal)
	if k == digest.SinceLast {
		p = digest.SinceLastPeriod(last, now)
	}
	since := last
	if since.IsZero() || k == digest.SinceLast {
		since = p.From
	}
	tpl, err := b.digests.ActivePipeline(ctx)
	if err != nil {
		return digest.Data{}, err
	}
	return b.digests.DigestData(ctx, digest.Query{Scope: sc, Period: p, Since: since, Now: now, Loc: loc,
		Calendar: string(cal), Template: tpl})
}

// showDigest sends (or edits into place) the digest of period k.
func (b *Bot) showDigest(r *req, k digest.PeriodKind, sc digest.Scope, edit bool) error {
	d, err := b.digestData(r.ctx, r.staff, r.userLoc(), r.lang(), r.staffCal(), k, sc, r.now())
	if err != nil {
		return err
	}
	name, err := b.scopeName(r, sc)
	if err != nil {
		return err
	}
	text := r.digestText(d, name)
	return r.show(text, r.digestKeyboard(d), edit)
}

// scopeName is the team's name or "the whole company".
func (b *Bot) scopeName(r *req, sc digest.Scope) (string, error) {
	if sc.All {
		return r.t("digest.scope_all", nil), nil
	}
	t, err := b.digests.Team(r.ctx, sc.TeamID)
	if err != nil {
		return "", err
	}
	return esc(t.Name), nil
}

// digestKeyboard: the periods, the details behind buttons, the overdue
// follow-ups one tap from their cards, and the team / company switch for
// admins.
func (r *req) digestKeyboard(d digest.Data) *models.InlineKeyboardMarkup {
	q := d.Query
	sc := scopeCode(q.Scope)
	var periods []models.InlineKeyboardButton
	for _, k := range digest.PeriodKinds {
		periods = append(periods, ib(r.mark(r.t("digest.btn."+string(k), nil), q.Period.Kind == k), cb(actDigest, periodCode(k), sc)))
	}
	p := periodCode(q.Period.Kind)
	details := []models.InlineKeyboardButton{ib(r.t("digest.btn.reps", nil), cb(actDigestDetail, "r", p, sc, "0"))}
	if d.OverdueN > 0 {
		details = append(details, ib(r.t("digest.btn.overdue", nil), cb(actDigestDetail, "o", p, sc, "0")))
	}
	details = append(details, ib(r.t("digest.btn.works", nil), cb(actDigestDetail, "w", p, sc, "0")))
	rows := [][]models.InlineKeyboardButton{periods, details}
	var cards []models.InlineKeyboardButton
	for _, o := range d.Overdue {
		cards = append(cards, ib(r.t("digest.btn.card", map[string]any{"Name": clipRunes(o.Customer, 24)}), cb(actCard, id(o.CustomerID))))
	}
	rows = append(rows, inlineRows(2, cards...)...)
	if crm.CanManageOrg(r.staff) && r.staff.TeamID != 0 {
		if q.Scope.All {
			rows = append(rows, []models.InlineKeyboardButton{ib(r.t("digest.btn.my_team", nil), cb(actDigest, p, id(r.staff.TeamID)))})
		} else {
			rows = append(rows, []models.InlineKeyboardButton{ib(r.t("digest.btn.company", nil), cb(actDigest, p, "a"))})
		}
	}
	return ikm(rows...)
}
