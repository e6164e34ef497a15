package bot

import (
	"context"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
)

// The admin's survey settings (from /surveys): each trigger on or off and
// how many days after its cause, the stage whose entry is surveyed, the
// relationship NPS's period, the throttle (7–180 days), and the question's
// wording in each language, every edit a new version.

// SurveyStageStore is what the settings read of the pipeline.
type SurveyStageStore interface {
	ActivePipeline(ctx context.Context) (string, error)
	PipelineStages(ctx context.Context, template string) ([]crm.Stage, error)
}

// Callback codes and the flow of the survey settings.
const (
	actSurveySettings = "vz" // the settings: vz
	actSurveyToggle   = "vt" // a trigger on or off: vt:<i|v|s|r>
	actSurveyDays     = "vd" // a number of days: vd:<i|v|s|r|t>:<+|->
	actSurveyStages   = "vg" // the stages to choose from: vg
	actSurveyStage    = "vh" // choose a stage: vh:<stage>
	actSurveyWordings = "vw" // edit a question: vw, vw:<kind>:<lang>
	flowSurveyWording = "survey.wording"
)

func (b *Bot) routesSurveyAdmin() {
	b.action(actSurveySettings, b.adminAction(func(r *req, _ []string) error { return b.showSurveySettings(r) }))
	b.action(actSurveyToggle, b.adminAction(b.onSurveyToggle))
	b.action(actSurveyDays, b.adminAction(b.onSurveyDays))
	b.action(actSurveyStages, b.adminAction(b.showSurveyStages))
	b.action(actSurveyStage, b.adminAction(b.onSurveyStage))
	b.action(actSurveyWordings, b.adminAction(b.onSurveyWordings))
	b.flow(flowSurveyWording, b.surveyWordingStep)
}

func onOff(r *req, on bool) string {
	if on {
		return r.t("survey.settings.on", nil)
	}
	return r.t("survey.settings.off", nil)
}

func (b *Bot) showSurveySettings(r *req) error {
	s, err := b.surveys.SurveySettings(r.ctx)
	if err != nil {
		return err
	}
	stage := s.StageKey
	if st, ok, err := b.surveyStage(r, s.StageKey); err != nil {
		return err
	} else if ok {
		stage = st.Name(r.lang())
	}
	text := r.t("survey.settings.text", map[string]any{
		"Invoice": onOff(r, s.InvoiceOn), "InvoiceDays": s.InvoiceDays,
		"Visit": onOff(r, s.VisitOn), "VisitDays": s.VisitDays,
		"Stage": onOff(r, s.StageOn), "StageDays": s.StageDays, "StageName": esc(stage),
		"Relationship": onOff(r, s.RelationshipOn), "RelationshipDays": s.RelationshipDays,
		"Throttle": s.ThrottleDays,
	})
	row := func(label, code string, on bool) []models.InlineKeyboardButton {
		return []models.InlineKeyboardButton{ib(r.mark(label, on), cb(actSurveyToggle, code)),
			ib("−", cb(actSurveyDays, code, "-")), ib("+", cb(actSurveyDays, code, "+"))}
	}
	return r.edit(text, ikm(
		row(r.t("survey.settings.btn.invoice", nil), "i", s.InvoiceOn),
		row(r.t("survey.settings.btn.visit", nil), "v", s.VisitOn),
		row(r.t("survey.settings.btn.stage", nil), "s", s.StageOn),
		row(r.t("survey.settings.btn.relationship", nil), "r", s.RelationshipOn),
		[]models.InlineKeyboardButton{ib(r.t("survey.settings.btn.throttle", nil), cb(actSurveyDays, "t", "+")),
			ib("−", cb(actSurveyDays, "t", "-")), ib("+", cb(actSurveyDays, "t", "+"))},
		[]models.InlineKeyboardButton{ib(r.t("survey.settings.btn.choose_stage", nil), cb(actSurveyStages)),
			ib(r.t("survey.settings.btn.wording", nil), cb(actSurveyWordings))},
	))
}

// surveyStage finds the active pipeline's stage with key.
func (b *Bot) surveyStage(r *req, key string) (crm.Stage, bool, error) {
	stages, err := b.activeStages(r)
	if err != nil {
		return crm.Stage{}, false, err
	}
	for _, st := range stages {
		if st.Key == key {
			return st, true, nil
		}
	}
	return crm.Stage{}, false, nil
}

func (b *Bot) activeStages(r *req) ([]crm.Stage, error) {
	tpl, err := b.surveyStages.ActivePipeline(r.ctx)
	if err != nil {
		return nil, err
	}
	return b.surveyStages.PipelineStages(r.ctx, tpl)
}

// changeSettings applies change to the settings and shows them; a change
// out of range is refused with the settings unchanged.
func (b *Bot) changeSettings(r *req, change func(s *crm.SurveySettings) bool) error {
	s, err := b.surveys.SurveySettings(r.ctx)
	if err != nil {
		return err
	}
	if !change(&s) {
		return crm.Errorf(crm.EStale, "survey setting")
	}
	if err := s.Validate(); err != nil {
		return r.toast(r.t("survey.settings.out_of_range", nil), true)
	}
	if err := b.surveys.SetSurveySettings(r.ctx, s, r.staff.ID); err != nil {
		return err
	}
	return b.showSurveySettings(r)
}

func (b *Bot) onSurveyToggle(r *req, args []string) error {
	return b.changeSettings(r, func(s *crm.SurveySettings) bool {
		switch argOr(args, 0) {
		case "i":
			s.InvoiceOn = !s.InvoiceOn
		case "v":
			s.VisitOn = !s.VisitOn
		case "s":
			s.StageOn = !s.StageOn
		case "r":
			s.RelationshipOn = !s.RelationshipOn
		default:
			return false
		}
		return true
	})
}

func (b *Bot) onSurveyDays(r *req, args []string) error {
	delta := map[string]int{"+": 1, "-": -1}[argOr(args, 1)]
	if delta == 0 {
		return crm.Errorf(crm.EStale, "days")
	}
	return b.changeSettings(r, func(s *crm.SurveySettings) bool {
		switch argOr(args, 0) {
		case "i":
			s.InvoiceDays += delta
		case "v":
			s.VisitDays += delta
		case "s":
			s.StageDays += delta
		case "r":
			s.RelationshipDays += 15 * delta
		case "t":
			s.ThrottleDays = min(max(s.ThrottleDays+5*delta, crm.MinThrottleDays), crm.MaxThrottleDays)
			s.RelationshipDays = max(s.RelationshipDays, s.ThrottleDays)
		default:
			return false
		}
		return true
	})
}

func (b *Bot) showSurveyStages(r *req, _ []string) error {
	stages, err := b.activeStages(r)
	if err != nil {
		return err
	}
	var btns []models.InlineKeyboardButton
	for _, st := range stages {
		if !st.Archived {
			btns = append(btns, ib(st.Name(r.lang()), cb(actSurveyStage, id(st.ID))))
		}
	}
	rows := append(inlineRows(2, btns...), []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actSurveySettings))})
	return r.edit(r.t("survey.settings.choose_stage", nil), ikm(rows...))
}

func (b *Bot) onSurveyStage(r *req, args []string) error {
	sid, ok := argID(args, 0)
	if !ok {
		return crm.Errorf(crm.EStale, "stage")
	}
	stages, err := b.activeStages(r)
	if err != nil {
		return err
	}
	return b.changeSettings(r, func(s *crm.SurveySettings) bool {
		for _, st := range stages {
			if st.ID == sid && !st.Archived {
				s.StageKey = st.Key
				return true
			}
		}
		return false
	})
}

// onSurveyWordings offers the questions to edit (vw) or asks for the new
// text of one (vw:<kind>:<lang>), showing the current one.
func (b *Bot) onSurveyWordings(r *req, args []string) error {
	if len(args) == 0 {
		var rows [][]models.InlineKeyboardButton
		for _, k := range crm.SurveyKinds {
			var row []models.InlineKeyboardButton
			for _, l := range i18n.Supported() {
				row = append(row, ib(r.t("survey.settings.wording_btn", map[string]any{"Kind": r.t("survey.kind."+string(k), nil),
					"Lang": r.t("survey.settings.lang_"+l, nil)}), cb(actSurveyWordings, string(k), l)))
			}
			rows = append(rows, row)
		}
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actSurveySettings))})
		return r.edit(r.t("survey.settings.wording_which", nil), ikm(rows...))
	}
	kind, lang := crm.SurveyKind(argOr(args, 0)), argOr(args, 1)
	if (kind != crm.SurveyCSAT && kind != crm.SurveyNPS) || !supportedLang(lang) {
		return crm.Errorf(crm.EStale, "wording")
	}
	current, version, err := b.surveys.SurveyWording(r.ctx, kind, lang)
	if crm.IsCode(err, crm.ENotFound) {
		current, err = b.d.I18n.For(lang).T("survey.question."+string(kind), nil), nil
	}
	if err != nil {
		return err
	}
	if err := r.setState(flowSurveyWording, string(kind)+":"+lang, nil); err != nil {
		return err
	}
	return r.send(r.t("survey.settings.wording_ask", map[string]any{"Current": esc(current), "Version": version,
		"Lang": r.t("survey.settings.lang_"+lang, nil), "Max": crm.MaxSurveyWording}), nil)
}

func supportedLang(l string) bool {
	for _, s := range i18n.Supported() {
		if s == l {
			return true
		}
	}
	return false
}

// surveyWordingStep stores the typed question as its next version; a text
// too long (or none) is asked for again, the flow kept.
func (b *Bot) surveyWordingStep(r *req, st *State) error {
	if !crm.CanManageOrg(r.staff) {
		return r.clearState()
	}
	kind, lang, _ := strings.Cut(st.Step, ":")
	text := ""
	if r.msg != nil {
		text = strings.TrimSpace(r.msg.Text)
	}
	if err := crm.ValidateWording(text); err != nil {
		return r.send(r.t("survey.settings.wording_invalid", map[string]any{"Max": crm.MaxSurveyWording}), nil)
	}
	version, err := b.surveys.SetSurveyWording(r.ctx, crm.SurveyKind(kind), lang, text, r.staff.ID)
	if err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	return r.send(r.t("survey.settings.wording_saved", map[string]any{"Version": version, "Lang": r.t("survey.settings.lang_"+lang, nil)}),
		ikm([]models.InlineKeyboardButton{ib(r.t("survey.btn.settings", nil), cb(actSurveySettings))}))
}
