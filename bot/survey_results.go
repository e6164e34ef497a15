package bot

import (
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// /surveys: the results of the surveys sent in a period, for managers
// (their team) and admins (every team): response rate, CSAT average, NPS
// and the closed-loop rate, overall, by team and by rep, each figure with
// the count it stands on.

// surveyPeriods are the periods offered, in days.
var surveyPeriods = []int{7, 30, 90, 365}

func (b *Bot) onSurveyPeriod(r *req, args []string) error {
	days, ok := argInt(args, 0)
	if !ok || days < 1 || days > 366 {
		return crm.Errorf(crm.EStale, "period")
	}
	return b.showSurveyResults(r, days, true)
}

// showSurveyResults shows the last days' results to a manager or admin.
func (b *Bot) showSurveyResults(r *req, days int, edit bool) error {
	if r.staff.Role != crm.RoleManager && r.staff.Role != crm.RoleAdmin {
		return crm.Errorf(crm.EForbidden, "survey results")
	}
	to := r.now().Add(time.Second) // what was sent just now counts
	from := r.now().Add(-time.Duration(days) * 24 * time.Hour)
	var team int64
	if r.staff.Role == crm.RoleManager {
		team = r.staff.TeamID
	}
	facts, err := b.surveys.SurveyFacts(r.ctx, from, to, team)
	if err != nil {
		return err
	}
	if r.staff.Role == crm.RoleManager && team == 0 {
		mine := facts[:0]
		for _, f := range facts {
			if f.RepID == r.staff.ID {
				mine = append(mine, f)
			}
		}
		facts = mine
	}
	res := crm.SummarizeSurveys(facts, from, to)
	lines := []string{r.n("survey.results.title", days, map[string]any{"Count": days})}
	if res.Total.Sent == 0 {
		lines = append(lines, r.t("survey.results.none", nil))
	} else {
		lines = append(lines, r.surveyFigures(res.Total))
		if r.staff.Role == crm.RoleAdmin && len(res.Teams) > 1 {
			names, err := b.teamNames(r)
			if err != nil {
				return err
			}
			for _, t := range res.Teams {
				name := names[t.TeamID]
				if name == "" {
					name = r.t("survey.results.no_team", nil)
				}
				lines = append(lines, "", r.t("survey.results.team", map[string]any{"Team": esc(name)}), r.surveyFigures(t.SurveyFigures))
			}
		}
		for _, p := range res.Reps {
			name := p.RepName
			if p.RepID == 0 {
				name = r.t("survey.results.pool", nil)
			}
			lines = append(lines, "", r.t("survey.results.rep", map[string]any{"Rep": esc(name)}), r.surveyFigures(p.SurveyFigures))
		}
	}
	var row []models.InlineKeyboardButton
	for _, d := range surveyPeriods {
		row = append(row, ib(r.mark(r.n("survey.results.days", d, map[string]any{"Count": d}), d == days), cb(actSurveyPeriod, strconv.Itoa(d))))
	}
	rows := [][]models.InlineKeyboardButton{row}
	if crm.CanManageOrg(r.staff) {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("survey.btn.settings", nil), cb(actSurveySettings))})
	}
	text := joinWithin(lines, 4000)
	if edit {
		return r.edit(text, ikm(rows...))
	}
	return r.send(text, ikm(rows...))
}

func (b *Bot) teamNames(r *req) (map[int64]string, error) {
	ts, err := b.surveys.Teams(r.ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, t := range ts {
		out[t.ID] = t.Name
	}
	return out, nil
}

// surveyFigures writes one group's figures, each with its count.
func (r *req) surveyFigures(f crm.SurveyFigures) string {
	l := r.lang()
	pct := func(v float64) string { return format.Fixed(l, v, 0) }
	nps := format.Fixed(l, f.NPS(), 0)
	if f.NPS() > 0 {
		nps = "+" + nps
	}
	return r.t("survey.results.figures", map[string]any{
		"Sent": f.Sent, "Responses": f.Responses, "Rate": pct(f.ResponseRate()),
		"CSAT": format.Fixed(l, f.CSAT(), 1), "CSATCount": f.CSATCount,
		"NPS": nps, "NPSCount": f.NPSCount,
		"Loop": pct(f.ClosedLoopRate()), "Alerts": f.Alerts, "Closed": f.Closed,
	})
}
