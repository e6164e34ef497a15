package bot

import (
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/digest"
)

// digestRepsPage is how many reps a page of the "Reps" details shows.
const digestRepsPage = 12

// onDigestDetail shows one section of a digest in full: every rep (in
// pages), the ten most overdue follow-ups with their cards, or what
// works. ex:<section>:<period>:<scope>:<page>, re-authorized like the
// digest itself.
func (b *Bot) onDigestDetail(r *req, args []string) error {
	if len(args) < 4 {
		return r.staleButton()
	}
	k, sc, ok, err := r.digestArgs(args, 1)
	if !ok {
		return err
	}
	page, ok := argInt(args, 4)
	if !ok || page < 0 {
		page = 0
	}
	d, err := b.digestData(r.ctx, r.staff, r.userLoc(), r.lang(), r.staffCal(), k, sc, r.now())
	if err != nil {
		return err
	}
	p, s := periodCode(k), scopeCode(sc)
	back := ib(r.t("common.back", nil), cb(actDigest, p, s))
	var lines []string
	var rows [][]models.InlineKeyboardButton
	switch args[0] {
	case "r":
		from := min(page*digestRepsPage, len(d.Reps))
		lines = r.digestReps(d.Reps, from, digestRepsPage)
		var nav []models.InlineKeyboardButton
		if page > 0 {
			nav = append(nav, ib(r.t("common.previous", nil), cb(actDigestDetail, "r", p, s, itoa(page-1))))
		}
		if from+digestRepsPage < len(d.Reps) {
			nav = append(nav, ib(r.t("common.next", nil), cb(actDigestDetail, "r", p, s, itoa(page+1))))
		}
		rows = append(rows, nav)
	case "o":
		lines = r.digestOverdue(d, digest.OverdueTop)
		var cards []models.InlineKeyboardButton
		for _, o := range d.Overdue {
			cards = append(cards, ib(r.t("digest.btn.card", map[string]any{"Name": clipRunes(o.Customer, 24)}), cb(actCard, id(o.CustomerID))))
		}
		rows = append(rows, inlineRows(2, cards...)...)
	case "w":
		lines = r.digestWorks(d)
		lines = append(lines, "", strings.Join(r.digestDates(d), "\n"))
	default:
		return r.staleButton()
	}
	rows = append(rows, []models.InlineKeyboardButton{back})
	return r.edit(strings.TrimSpace(strings.Join(lines, "\n")), ikm(rows...))
}
