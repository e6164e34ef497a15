package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/telecrm/crmbot/internal/crm"
)

// An admin turns a trigger off, moves the throttle within 7–180 days,
// chooses the stage and edits a question in each language, each edit a
// new version that the next survey uses; nobody else may.
func TestAdminEditsSurveySettingsAndWording(t *testing.T) {
	t.Parallel()
	o := newSurveyOrg(t, "fa")
	h := o.h
	got := h.text(o.admin.user, "/surveys")
	got = h.press(o.admin.user, 5, button(t, got, cb(actSurveySettings)))
	if !strings.Contains(texts(got), h.tr("fa", "survey.settings.btn.invoice", nil)) {
		t.Fatalf("settings: %s", dump(got))
	}
	h.press(o.admin.user, 5, cb(actSurveyToggle, "i"))
	h.press(o.admin.user, 5, cb(actSurveyToggle, "r"))
	for range 10 {
		h.press(o.admin.user, 5, cb(actSurveyDays, "t", "-"))
	}
	s, err := h.db.SurveySettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.InvoiceOn || s.RelationshipOn || s.ThrottleDays != crm.MinThrottleDays || !s.VisitOn {
		t.Fatalf("settings after the presses: %+v", s)
	}
	got = h.press(o.admin.user, 5, cb(actSurveyStages))
	h.press(o.admin.user, 5, button(t, got, cb(actSurveyStage, id(h.stageID("ladder", "repeat")))))
	if s, _ := h.db.SurveySettings(context.Background()); s.StageKey != "repeat" {
		t.Errorf("stage %q, want repeat", s.StageKey)
	}
	// An invoice is not surveyed with its trigger off (nor the relationship).
	o.invoice(2.1)
	if ns := o.dispatch(); len(ns) != 0 {
		t.Fatalf("invoice surveyed with the trigger off: %+v", ns)
	}
	// Two edits of the Persian CSAT question: versions 1 and 2.
	for i, text := range []string{"از خرید امروزتان چقدر راضی بودید؟", "از خدمات فروشگاه ما چقدر راضی هستید؟"} {
		h.press(o.admin.user, 5, cb(actSurveyWordings, "csat", "fa"))
		got = h.text(o.admin.user, text)
		if texts(got) != h.tr("fa", "survey.settings.wording_saved", map[string]any{"Version": i + 1, "Lang": h.tr("fa", "survey.settings.lang_fa", nil)}) {
			t.Fatalf("wording %d: %s", i+1, dump(got))
		}
	}
	h.press(o.admin.user, 5, cb(actSurveyWordings, "csat", "fa"))
	if got := h.text(o.admin.user, strings.Repeat("ب", crm.MaxSurveyWording+1)); !strings.Contains(texts(got), h.tr("fa", "survey.settings.wording_invalid", map[string]any{"Max": crm.MaxSurveyWording})) {
		t.Errorf("a question too long: %s", dump(got))
	}
	if n := scalar[int](h, `SELECT count(*) FROM survey_wordings WHERE kind = 'csat' AND locale = 'fa'`); n != 2 {
		t.Errorf("%d versions kept, want 2", n)
	}
	// The rep's manual survey uses the latest wording and records its version.
	h.press(o.a.user, 1, cb(actSurveySend, id(o.customer)))
	m, sid := o.sentSurvey(crm.TriggerManual)
	if !strings.Contains(m.Text, "از خدمات فروشگاه ما چقدر راضی هستید؟") {
		t.Errorf("the survey does not use the latest wording: %q", m.Text)
	}
	if v := scalar[int](h, `SELECT wording_version FROM survey_requests WHERE id = $1`, sid); v != 2 {
		t.Errorf("survey sent with wording version %d, want 2", v)
	}
	// A manager and a rep may not change the settings; rep B may not send
	// or skip rep A's customer's surveys.
	before := h.fingerprint() + scalar[string](h, `SELECT count(*)::text FROM survey_requests`)
	for _, who := range []member{o.manager, o.a} {
		for _, data := range []string{cb(actSurveySettings), cb(actSurveyToggle, "v"), cb(actSurveyDays, "t", "+"), cb(actSurveyWordings, "nps", "en")} {
			if got := h.press(who.user, 5, data); !onlyToast(got, h.tr("fa", "error.forbidden", nil)) {
				t.Errorf("%d pressed %s: %s", who.id, data, dump(got))
			}
		}
	}
	for _, data := range []string{cb(actSurveySend, id(o.customer)), cb(actSurveySkips, id(o.customer)), cb(actSurveySetSkip, id(o.customer), "1")} {
		if got := h.press(o.b.user, 5, data); !onlyToast(got, h.tr("fa", "error.forbidden", nil)) {
			t.Errorf("rep B pressed %s: %s", data, dump(got))
		}
	}
	if after := h.fingerprint() + scalar[string](h, `SELECT count(*)::text FROM survey_requests`); after != before {
		t.Error("forbidden presses changed the database")
	}
}
