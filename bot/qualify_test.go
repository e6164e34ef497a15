package bot

import (
	"strconv"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// qualInput is what a rep types while qualifying, in each language.
var qualInput = map[string]struct{ job, industry, search string }{
	"fa": {"مدیر خرید", "پخش مواد غذایی", "کریمی"},
	"ar": {"مدير المشتريات", "توزيع المواد الغذائية", "كريمي"},
	"en": {"Purchasing manager", "Food distribution", "Karimi"},
}

// qualRow reads the stored answers of a customer.
func qualRow(h *harness, cid int64) string {
	return scalar[string](h, `SELECT coalesce((SELECT concat_ws('|', can_help, needs_us, ongoing, revenue_band,
		coalesce(latitude::text, ''), qualified_by) FROM customer_qualifications WHERE customer_id = $1), 'none')`, cid)
}

// A rep moves a lead up to prospect: the card comes back and the three
// questions follow, then job title (typed), industry (one the company
// already uses), revenue band (in the company's currency and the rep's
// digits) and a shared location. The answers, who and when, are stored
// and shown on the card; a later move up does not ask again.
func TestQualifyLeadOnMoveUp(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			in := qualInput[lang]
			other := h.customer("Other", o.b.id)
			h.exec(`UPDATE customers SET industry = $2 WHERE id = $1`, other, in.industry)
			c := id(o.customer)
			got := h.press(o.a.user, 1, cb(actStageMove, c, id(h.stageID("ladder", "prospect"))))
			prospect := scalar[string](h, `SELECT name_`+lang+` FROM stages WHERE key = 'prospect' AND template = 'ladder'`)
			// One message, as after any move: the card, the first question
			// at its foot, its answers above the card's buttons.
			if len(got) != 2 || got[1].Method != "editMessageText" || !strings.Contains(got[1].Text, h.tr(lang, "card.stage", map[string]any{"Stage": prospect})) ||
				!strings.Contains(got[1].Text, h.tr(lang, "qual.q.can_help", nil)) || !hasButton(got, cb(actQualAnswer, c, "h", "y")) ||
				!hasButton(got, cb(actLogCall, c)) {
				t.Fatalf("the move does not show the card with the first question: %s", dump(got))
			}
			got = h.press(o.a.user, 2, cb(actQualAnswer, c, "h", "y"))
			if !strings.Contains(texts(got), h.tr(lang, "qual.q.needs_us", nil)) {
				t.Fatalf("after can-help: %s", dump(got))
			}
			h.press(o.a.user, 2, cb(actQualAnswer, c, "n", "y"))
			got = h.press(o.a.user, 2, cb(actQualAnswer, c, "o", "u"))
			if !strings.Contains(texts(got), h.tr(lang, "qual.ask_job", map[string]any{"Current": "—"})) {
				t.Fatalf("no job title question: %s", dump(got))
			}
			got = h.text(o.a.user, in.job)
			ind := button(t, got, actQualIndustry+":")
			if !strings.Contains(dump(got), in.industry) {
				t.Fatalf("the company's industry is not offered: %s", dump(got))
			}
			got = h.press(o.a.user, 3, ind)
			band := format.Money(lang, 100_000_000_000, "IRR")
			if !strings.Contains(dump(got), band) {
				t.Fatalf("the revenue bands are not in rials and %s digits (%q): %s", lang, band, dump(got))
			}
			h.press(o.a.user, 3, cb(actQualBand, c, "b2"))
			got = h.handle(h.msgUpdate(o.a.user, h.now, func(m *models.Message) {
				m.Location = &models.Location{Latitude: 35.6892, Longitude: 51.389}
			}))
			if !strings.Contains(texts(got), h.tr(lang, "qual.done", nil)) {
				t.Fatalf("after the location: %s", dump(got))
			}
			if row := qualRow(h, o.customer); row != "yes|yes|unsure|b2|35.6892|"+strconv.FormatInt(o.a.id, 10) {
				t.Errorf("stored qualification %q", row)
			}
			if jt := scalar[string](h, `SELECT concat_ws('|', job_title, industry) FROM customers WHERE id = $1`, o.customer); jt != in.job+"|"+in.industry {
				t.Errorf("job title and industry %q, want %q|%q", jt, in.job, in.industry)
			}
			card := h.press(o.a.user, 1, cb(actCard, c))
			for _, want := range []string{h.tr(lang, "qual.card.can_help.yes", nil), h.tr(lang, "qual.card.ongoing.unsure", nil),
				"Sara", band, "35.68920"} {
				if !strings.Contains(texts(card), want) {
					t.Errorf("the card lacks %q: %s", want, dump(card))
				}
			}
			got = h.press(o.a.user, 1, cb(actStageMove, c, id(h.stageID("ladder", "first_time"))))
			if hasButton(got, actQualAnswer+":") {
				t.Errorf("a qualified customer was asked again: %s", dump(got))
			}
			more := h.press(o.a.user, 1, cb(actMore, c))
			if !hasButton(more, cb(actQualify, c)) || !hasButton(more, cb(actInterests, c)) {
				t.Errorf("the more menu lacks qualification or interests: %s", dump(more))
			}
		})
	}
}

// Skipping leaves an answer empty; a "no" to "do they need us" offers to
// mark them unqualified, which moves them with a reason; stopping keeps
// what was given; and text typed at a button step is a search, not an
// answer.
func TestQualifySkipCancelAndUnqualify(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			c := id(o.customer)
			h.press(o.a.user, 1, cb(actStageMove, c, id(h.stageID("ladder", "prospect"))))
			got := h.text(o.a.user, qualInput[lang].search)
			if strings.Contains(texts(got), h.tr(lang, "qual.q.needs_us", nil)) || qualRow(h, o.customer) != "none" {
				t.Fatalf("typing at a question was taken as an answer: %s", dump(got))
			}
			got = h.press(o.a.user, 2, cb(actQualSkip, c, "h"))
			if !strings.Contains(texts(got), h.tr(lang, "qual.q.needs_us", nil)) {
				t.Fatalf("skip: %s", dump(got))
			}
			got = h.press(o.a.user, 2, cb(actQualAnswer, c, "n", "n"))
			disq := h.stageID("ladder", "disqualified")
			unq := button(t, got, cb(actQualUnqual, c))
			if !hasButton(got, cb(actQualSkip, c, "n")) {
				t.Fatalf("the offer has no way to keep qualifying: %s", dump(got))
			}
			if s := scalar[int64](h, `SELECT stage_id FROM customers WHERE id = $1`, o.customer); s == disq {
				t.Fatal("moved before the offer was accepted")
			}
			h.press(o.a.user, 2, unq)
			if s := scalar[int64](h, `SELECT stage_id FROM customers WHERE id = $1`, o.customer); s != disq {
				t.Fatalf("stage %d after accepting the offer, want disqualified %d", s, disq)
			}
			if r := scalar[string](h, `SELECT reason_code FROM stage_history WHERE customer_id = $1 ORDER BY id DESC LIMIT 1`, o.customer); r != "no_need" {
				t.Errorf("reason %q, want no_need", r)
			}
			if row := qualRow(h, o.customer); row != "|no|||"+"|"+strconv.FormatInt(o.a.id, 10) {
				t.Errorf("stored %q after skip and no", row)
			}

			// Another lead: one answer, then stop.
			other := h.customer("Nima", o.a.id)
			oc := id(other)
			h.press(o.a.user, 1, cb(actStageMove, oc, id(h.stageID("ladder", "prospect"))))
			h.press(o.a.user, 2, cb(actQualAnswer, oc, "h", "y"))
			h.press(o.a.user, 2, cb(actQualSkip, oc, "n"))
			h.press(o.a.user, 2, cb(actQualSkip, oc, "o"))
			got = h.press(o.a.user, 2, cb(actQualCancel, oc))
			if !strings.Contains(dump(got), h.tr(lang, "qual.cancelled", nil)) || !strings.Contains(texts(got), h.tr(lang, "qual.card.can_help.yes", nil)) {
				t.Fatalf("stop: %s", dump(got))
			}
			if st, _ := h.db.LoadState(t.Context(), o.a.user.ID); st != nil {
				t.Errorf("a flow is left after stopping: %+v", st)
			}
			h.text(o.a.user, "not a job title")
			if jt := scalar[string](h, `SELECT coalesce(job_title, '') FROM customers WHERE id = $1`, other); jt != "" {
				t.Errorf("text after stopping became the job title %q", jt)
			}
			if row := qualRow(h, other); row != "yes||||"+"|"+strconv.FormatInt(o.a.id, 10) {
				t.Errorf("stored %q after stopping", row)
			}
		})
	}
}

// Rep B presses every qualification and interest button on rep A's
// customer: each is refused and nothing changes; malformed buttons of
// rep A's own are stale.
func TestQualifyForgedTaps(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			o := newOrg(t, lang)
			h := o.h
			c := id(o.customer)
			i, err := h.db.AddInterest(t.Context(), crm.Interest{CustomerID: o.customer, Name: "toner"}, o.a.id, h.now)
			if err != nil {
				t.Fatal(err)
			}
			iid := id(i.ID)
			mine := h.customer("Mine", o.b.id)
			snapshot := func() string {
				return h.fingerprint() + qualRow(h, o.customer) + scalar[string](h, `SELECT coalesce(string_agg(concat_ws('|', name, quantity, period), ','), '') FROM customer_interests`)
			}
			before := snapshot()
			forbidden := h.tr(lang, "error.forbidden", nil)
			for _, data := range []string{
				cb(actQualify, c), cb(actQualAnswer, c, "h", "n"), cb(actQualSkip, c, "h"), cb(actQualCancel, c),
				cb(actQualIndustry, c, "1"), cb(actQualBand, c, "b1"), cb(actQualUnqual, c),
				cb(actInterests, c), cb(actInterestAdd, c), cb(actInterestView, c, iid), cb(actInterestQty, c, iid),
				cb(actInterestPeriod, c, iid, "month"), cb(actInterestRemove, c, iid),
			} {
				if got := h.press(o.b.user, 1, data); !onlyToast(got, forbidden) {
					t.Errorf("rep B pressed %s: %s", data, dump(got))
				}
			}
			if after := snapshot(); after != before {
				t.Errorf("a refused press changed data")
			}
			stale := h.tr(lang, "error.stale_button", nil)
			for _, data := range []string{
				cb(actQualAnswer, c, "x", "y"), cb(actQualAnswer, c, "h", "z"), cb(actQualAnswer, c, "h"),
				cb(actQualBand, c, "b9"), cb(actQualIndustry, c, "9"), cb(actQualSkip, c, "q"),
				cb(actInterestPeriod, c, iid, "day"), cb(actInterestView, c, "zz"),
			} {
				if got := h.press(o.a.user, 1, data); !onlyToast(got, stale) {
					t.Errorf("rep A pressed malformed %s: %s", data, dump(got))
				}
			}
			// Rep B's own customer with rep A's interest id: stale, nothing removed.
			if got := h.press(o.b.user, 1, cb(actInterestRemove, id(mine), iid)); !onlyToast(got, stale) {
				t.Errorf("another customer's interest: %s", dump(got))
			}
			if after := snapshot(); after != before {
				t.Errorf("a stale press changed data")
			}
		})
	}
}
