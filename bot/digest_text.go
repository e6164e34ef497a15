package bot

import (
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/format"
)

// maxDigestText keeps the digest under Telegram's 4096 characters (counted
// after the HTML tags are parsed away, in UTF-16 units) with room to spare.
const maxDigestText = 3900

// digestRepsShown is how many reps the digest lists; the rest are behind
// the "Reps" button.
const digestRepsShown = 10

// digestTagRE matches an HTML tag, which Telegram does not count.
var digestTagRE = regexp.MustCompile(`<[^>]*>`)

// textLen is the length Telegram counts: UTF-16 units without the tags.
func textLen(s string) int {
	return len(utf16.Encode([]rune(digestTagRE.ReplaceAllString(s, ""))))
}

// periodLabel names the digest's period in the reader's calendar.
func (r *req) periodLabel(p digest.Period) string {
	loc := r.userLoc()
	from := format.Date(r.lang(), r.staffCal(), p.From.In(loc))
	switch p.Kind {
	case digest.SinceLast:
		if p.First {
			return r.t("digest.period.first", map[string]any{"From": r.dateTime(p.From)})
		}
		return r.t("digest.period.last", map[string]any{"From": r.dateTime(p.From)})
	case digest.Today, digest.Yesterday:
		return r.t("digest.period."+string(p.Kind), map[string]any{"Date": from})
	}
	return r.t("digest.period."+string(p.Kind), map[string]any{"From": from})
}

// digestText is the digest: the team's totals, each rep's line, the
// funnel and its conversions, the most overdue follow-ups, today's dates,
// low survey scores and what works. Sections that do not fit in one
// message are left to their buttons, from the last one up.
func (r *req) digestText(d digest.Data, scope string) string {
	sections := [][]string{
		{r.t("digest.title", map[string]any{"Scope": scope, "Period": r.periodLabel(d.Query.Period)})},
		r.digestTotals(d),
		r.digestReps(d.Reps, 0, digestRepsShown),
		r.digestFunnel(d),
		r.digestOverdue(d, 3),
		r.digestRisk(d),
		r.digestDates(d),
		r.digestLowScores(d),
		r.digestWorks(d),
	}
	for n := len(sections); n > 1; n-- {
		var parts []string
		for _, s := range sections[:n] {
			if len(s) > 0 {
				parts = append(parts, strings.Join(s, "\n"))
			}
		}
		text := strings.Join(parts, "\n\n")
		if n < len(sections) {
			text += "\n\n" + r.t("digest.more_behind_buttons", nil)
		}
		if textLen(text) <= maxDigestText {
			return text
		}
	}
	return sections[0][0] + "\n\n" + r.t("digest.more_behind_buttons", nil)
}

func (r *req) digestTotals(d digest.Data) []string {
	var t digest.RepStats
	var survey digest.Score
	for _, s := range d.Reps {
		t.Calls += s.Calls
		t.Reached += s.Reached
		t.Visits += s.Visits
		t.NewCustomers += s.NewCustomers
		t.Up += s.Up
		t.Down += s.Down
		t.OnTime += s.OnTime
		t.Late += s.Late
		t.OverdueNow += s.OverdueNow
		t.NoNextStep += s.NoNextStep
		survey.Sum += s.Survey.Sum
		survey.D += s.Survey.D
	}
	lines := []string{r.t("digest.totals.title", nil), r.repNumbers(t)}
	if d.Surveys && survey.D > 0 {
		lines = append(lines, r.n("digest.survey_line", survey.D, map[string]any{"Avg": avg(survey)}))
	}
	return lines
}

// avg is a score's mean with one decimal.
func avg(s digest.Score) float64 {
	if s.D == 0 {
		return 0
	}
	return float64(int(float64(s.Sum)*10/float64(s.D)+0.5)) / 10
}

// repNumbers is one rep's (or the team's) work in two lines.
func (r *req) repNumbers(s digest.RepStats) string {
	share := digest.Ratio{N: s.Reached, D: s.Calls}.Percent()
	return r.t("digest.work_line", map[string]any{"Calls": s.Calls, "Reached": s.Reached, "Share": share, "Visits": s.Visits,
		"New": s.NewCustomers, "Up": s.Up, "Down": s.Down}) + "\n" +
		r.t("digest.followup_line", map[string]any{"OnTime": s.OnTime, "Late": s.Late, "Overdue": s.OverdueNow, "NoNext": s.NoNextStep})
}

// digestReps lists reps [from, from+n) with their numbers.
func (r *req) digestReps(reps []digest.RepStats, from, n int) []string {
	if len(reps) == 0 {
		return []string{r.t("digest.no_reps", nil)}
	}
	lines := []string{r.t("digest.reps.title", nil)}
	for _, s := range reps[from:min(from+n, len(reps))] {
		lines = append(lines, r.t("digest.rep_name", map[string]any{"Name": esc(s.Name)}), r.repNumbers(s))
		if s.Survey.D > 0 {
			lines = append(lines, r.n("digest.survey_line", s.Survey.D, map[string]any{"Avg": avg(s.Survey)}))
		}
	}
	if rest := len(reps) - from - n; rest > 0 && from == 0 {
		lines = append(lines, r.n("digest.reps.more", rest, nil))
	}
	return lines
}

func (r *req) digestFunnel(d digest.Data) []string {
	lines := []string{r.t("digest.funnel.title", nil)}
	for _, row := range d.Funnel {
		name := esc(row.Stage.Name(r.lang()))
		if row.MovedIn > 0 {
			lines = append(lines, r.t("digest.funnel.line_moved", map[string]any{"Stage": name, "Now": row.Now, "In": row.MovedIn}))
		} else {
			lines = append(lines, r.t("digest.funnel.line", map[string]any{"Stage": name, "Now": row.Now}))
		}
	}
	var conv []string
	for _, c := range d.Convert {
		if c.ThisMonth.D == 0 && c.Last.D == 0 {
			continue
		}
		conv = append(conv, r.t("digest.conversion.line", map[string]any{
			"From": esc(c.From.Name(r.lang())), "To": esc(c.To.Name(r.lang())),
			"N": c.ThisMonth.N, "D": c.ThisMonth.D, "P": c.ThisMonth.Percent(),
			"LN": c.Last.N, "LD": c.Last.D, "LP": c.Last.Percent()}))
	}
	if len(conv) > 0 {
		lines = append(lines, r.t("digest.conversion.title", nil))
		lines = append(lines, conv...)
	}
	return lines
}

// digestOverdue lists the n most overdue follow-ups (their cards are one
// tap away, under the message).
func (r *req) digestOverdue(d digest.Data, n int) []string {
	if d.OverdueN == 0 {
		return []string{r.t("digest.overdue.none", nil)}
	}
	lines := []string{r.n("digest.overdue.title", d.OverdueN, nil)}
	for _, o := range d.Overdue[:min(n, len(d.Overdue))] {
		lines = append(lines, r.t("digest.overdue.line", map[string]any{"Customer": esc(o.Customer), "Rep": esc(o.Rep),
			"Late": r.loc.Ago(o.DueAt.In(r.userLoc()), d.Query.Now)}))
	}
	return lines
}

func (r *req) digestDates(d digest.Data) []string {
	if len(d.Dates) == 0 {
		return nil
	}
	lines := []string{r.n("digest.dates.title", len(d.Dates), nil)}
	for _, x := range d.Dates[:min(5, len(d.Dates))] {
		lines = append(lines, r.t("digest.dates.line", map[string]any{"Customer": esc(x.Customer), "Rep": esc(x.Rep),
			"Kind": r.t("dates.kind."+string(x.Kind), nil)}))
	}
	return lines
}

func (r *req) digestLowScores(d digest.Data) []string {
	if !d.Surveys || len(d.LowScores) == 0 {
		return nil
	}
	lines := []string{r.n("digest.low.title", len(d.LowScores), nil)}
	for _, l := range d.LowScores[:min(5, len(d.LowScores))] {
		lines = append(lines, r.t("digest.low.line", map[string]any{"Customer": esc(l.Customer), "Score": l.Score, "When": r.dateTime(l.At)}))
	}
	return lines
}

// digestWorks: what came last before this month's advances, and the rep
// with the best conversion, with the counts that say how much it weighs.
func (r *req) digestWorks(d digest.Data) []string {
	lines := []string{r.t("digest.works.title", nil)}
	if d.Advances == 0 {
		lines = append(lines, r.t("digest.works.none", nil))
	} else {
		lines = append(lines, r.n("digest.works.advances", d.Advances, nil))
		for _, p := range d.Preceders[:min(3, len(d.Preceders))] {
			lines = append(lines, r.t("digest.works.line", map[string]any{"What": r.precederLabel(p), "N": p.Count, "Of": d.Advances}))
		}
		if d.Advances < digest.MinSample {
			lines = append(lines, r.t("digest.works.small", nil))
		}
	}
	if d.Best != nil {
		lines = append(lines, r.n("digest.works.best", d.Best.Ratio.D, map[string]any{"Name": esc(d.Best.Name), "N": d.Best.Ratio.N,
			"P": d.Best.Ratio.Percent()}))
	} else {
		lines = append(lines, r.n("digest.works.no_best", digest.MinSample, nil))
	}
	return lines
}

// precederLabel names an activity kind and outcome.
func (r *req) precederLabel(p digest.Preceder) string {
	switch {
	case p.Kind == "":
		return r.t("digest.preceder.none", nil)
	case p.Outcome != "":
		return r.t("digest.preceder."+string(p.Kind)+"_outcome", map[string]any{"Outcome": r.t("outcome."+string(p.Outcome), nil)})
	}
	return r.t("digest.preceder."+string(p.Kind), nil)
}
