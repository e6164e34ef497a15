package bot

import (
	"context"
	"strconv"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/chart"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/outbound"
)

// Notification kinds of the digest.
const (
	kindDigest      = outbound.KindDigest
	kindDigestChart = outbound.KindDigestChart
)

// chartsAtOnce bounds the digest charts one bot draws at once: each drawing
// holds an image of about 7 MB, and a digest is not urgent.
const chartsAtOnce = 2

// ChartRenderer draws a digest's chart as a PNG (a shared internal/chart.Renderer's Render).
type ChartRenderer func(chart.Digest) ([]byte, error)

// scheduledDigest reads the scheduled digest of the manager a
// notification names, as of send time: since their last scheduled digest,
// their team (an admin without a team: the company). skip when they left
// or no longer manage anyone.
func (b *Bot) scheduledDigest(ctx context.Context, n outbound.Notification) (*req, digest.Data, bool, error) {
	s, err := b.digests.StaffByID(ctx, n.StaffID)
	if crm.IsCode(err, crm.ENotFound) {
		return nil, digest.Data{}, true, nil
	}
	if err != nil {
		return nil, digest.Data{}, false, err
	}
	sc, ok := digest.ScopeFor(s, false)
	if !ok {
		return nil, digest.Data{}, true, nil
	}
	r := b.staffReq(ctx, s)
	// The period ends when the digest was planned (its Due), so that a
	// retried send shows the same numbers.
	at := n.Due
	if at.IsZero() || at.After(b.d.Now()) {
		at = b.d.Now()
	}
	d, err := b.digestData(ctx, s, r.userLoc(), r.lang(), r.staffCal(), digest.SinceLast, sc, at)
	return r, d, false, err
}

// renderDigest writes a manager's scheduled digest.
func (b *Bot) renderDigest(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
	r, d, skip, err := b.scheduledDigest(ctx, n)
	if err != nil || skip {
		return outbound.Message{}, skip, err
	}
	name, err := b.scopeName(r, d.Query.Scope)
	if err != nil {
		return outbound.Message{}, false, err
	}
	return htmlMessage(n.ChatID, r.digestText(d, name), r.digestKeyboard(d)), false, nil
}

// renderDigestChart draws the scheduled digest's chart, sent as a photo.
func (b *Bot) renderDigestChart(ctx context.Context, n outbound.Notification) (outbound.Message, bool, error) {
	r, d, skip, err := b.scheduledDigest(ctx, n)
	if err != nil || skip {
		return outbound.Message{}, skip, err
	}
	png, err := b.chart(r.digestChart(d))
	if err != nil {
		return outbound.Message{}, false, err
	}
	return outbound.Message{Method: "sendPhoto", ChatID: n.ChatID, File: png, FileName: "digest.png",
		Text: r.t("digest.chart.caption", nil), ParseMode: "HTML"}, false, nil
}

// digestChart is the chart of d in the reader's language: the funnel's
// rungs top first (with the moves onto each since the last digest), and
// each rep's activities over the last 14 days.
func (r *req) digestChart(d digest.Data) chart.Digest {
	lang := r.lang()
	c := chart.Digest{Lang: lang, Title: r.t("digest.chart.title", nil), FunnelTitle: r.t("digest.chart.funnel", nil),
		TrendTitle: r.t("digest.chart.trend", nil), Number: func(n int) string { return format.Int(lang, int64(n)) }}
	for _, row := range d.Funnel {
		if digest.Rung(row.Stage) {
			c.Funnel = append(c.Funnel, chart.Bar{Label: row.Stage.Name(lang), Value: row.Now})
			note := ""
			if row.MovedIn > 0 {
				note = r.t("digest.chart.moved", map[string]any{"N": row.MovedIn})
			}
			c.FunnelNotes = append(c.FunnelNotes, note)
		}
	}
	cal := r.staffCal()
	for _, day := range d.Trend.Days {
		c.Days = append(c.Days, format.Digits(lang, strconv.Itoa(calendar.FromTime(cal, day).Day)))
	}
	for _, t := range d.Trend.Reps {
		c.Series = append(c.Series, chart.Series{Label: t.Name, Values: t.Counts})
	}
	if extra := len(c.Series) - (chart.MaxSeries - 1); extra > 0 {
		c.OthersLabel = r.n("digest.chart.others", extra, nil)
	}
	return c
}
