package bot

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
)

// The admin's pipeline editor: switch template, rename, add, reorder and
// archive stages.
const (
	flowStageName = "stage.name" // step: the language asked; data: s (stage, "" for new), names so far

	actPipeline     = "kv" // kv: the pipeline and its stages
	actPipeSwitch   = "ks" // ks:<template>
	actPipeStage    = "ke" // ke:<stage>: one stage's options
	actPipeRename   = "kr" // kr:<stage>
	actPipeUp       = "ku" // ku:<stage>
	actPipeDown     = "kd" // kd:<stage>
	actPipeArchive  = "kx" // kx:<stage>
	actPipeNewStage = "kn" // kn: add a stage at the end
)

// templates are the pipeline templates an admin can switch between.
var templates = []string{crm.TemplateLadder, crm.TemplateSalesCycle}

func (b *Bot) routesPipeline() {
	b.command("pipeline", b.admin(func(r *req) error { return b.showPipeline(r, false) }))
	b.action(actPipeline, b.adminAction(func(r *req, _ []string) error { return b.showPipeline(r, true) }))
	b.action(actPipeSwitch, b.adminAction(b.onPipeSwitch))
	b.action(actPipeStage, b.adminAction(b.withStage(b.showPipeStage)))
	b.action(actPipeRename, b.adminAction(b.withStage(func(r *req, s crm.Stage) error { return b.askStageName(r, id(s.ID), nil) })))
	b.action(actPipeUp, b.adminAction(b.withStage(func(r *req, s crm.Stage) error { return b.shiftStage(r, s, -1) })))
	b.action(actPipeDown, b.adminAction(b.withStage(func(r *req, s crm.Stage) error { return b.shiftStage(r, s, 1) })))
	b.action(actPipeArchive, b.adminAction(b.withStage(b.onArchiveStage)))
	b.action(actPipeNewStage, b.adminAction(func(r *req, _ []string) error { return b.askStageName(r, "", nil) }))
	b.flow(flowStageName, b.stageNameStep)
}

// admin wraps a command only admins may use.
func (b *Bot) admin(h handlerFunc) handlerFunc {
	return func(r *req) error {
		if !crm.CanManageOrg(r.staff) {
			return crm.Errorf(crm.EForbidden, "admins only")
		}
		return h(r)
	}
}

// adminAction wraps a button only admins may press.
func (b *Bot) adminAction(h actionFunc) actionFunc {
	return func(r *req, args []string) error {
		if !crm.CanManageOrg(r.staff) {
			return crm.Errorf(crm.EForbidden, "admins only")
		}
		return h(r, args)
	}
}

// withStage loads the stage named by args[0].
func (b *Bot) withStage(h func(r *req, s crm.Stage) error) actionFunc {
	return func(r *req, args []string) error {
		sid, ok := argID(args, 0)
		if !ok {
			return crm.Errorf(crm.EStale, "bad stage id")
		}
		s, err := b.stages.Stage(r.ctx, sid)
		if err != nil {
			return err
		}
		return h(r, s)
	}
}

func (b *Bot) showPipeline(r *req, edit bool) error {
	tpl, err := b.stages.ActivePipeline(r.ctx)
	if err != nil {
		return err
	}
	stages, err := b.liveStages(r.ctx)
	if err != nil {
		return err
	}
	lines := []string{r.t("stage.pipeline", map[string]any{"Template": r.t("stage.template."+tpl, nil)})}
	var btns []models.InlineKeyboardButton
	for i, s := range stages {
		label := r.t("stage.option", map[string]any{"N": i + 1, "Name": s.Name(r.lang())})
		if s.NeedsReason() {
			label = r.t("stage.option_exit", map[string]any{"N": i + 1, "Name": s.Name(r.lang())})
		}
		lines = append(lines, esc(label))
		btns = append(btns, ib(label, cb(actPipeStage, id(s.ID))))
	}
	rows := inlineRows(2, btns...)
	rows = append(rows, []models.InlineKeyboardButton{ib(r.t("stage.btn.add", nil), cb(actPipeNewStage))})
	for _, t := range templates {
		if t != tpl {
			rows = append(rows, []models.InlineKeyboardButton{ib(r.t("stage.btn.switch", map[string]any{"Template": r.t("stage.template."+t, nil)}), cb(actPipeSwitch, t))})
		}
	}
	text := strings.Join(lines, "\n")
	if edit {
		return r.edit(text, ikm(rows...))
	}
	return r.send(text, ikm(rows...))
}

func (b *Bot) onPipeSwitch(r *req, args []string) error {
	if len(args) != 1 || !slices.Contains(templates, args[0]) {
		return crm.Errorf(crm.EStale, "template")
	}
	if err := b.stages.SetPipeline(r.ctx, args[0], r.staff.ID); err != nil {
		return err
	}
	if err := r.toast(r.t("stage.switched", map[string]any{"Template": r.t("stage.template."+args[0], nil)}), false); err != nil {
		return err
	}
	return b.showPipeline(r, true)
}

func (b *Bot) showPipeStage(r *req, s crm.Stage) error {
	text := r.t("stage.detail", map[string]any{"En": esc(s.Names["en"]), "Fa": esc(s.Names["fa"]), "Ar": esc(s.Names["ar"]), "Kind": r.t("stage.kind."+string(s.Kind), nil)})
	sid := id(s.ID)
	return r.edit(text, ikm(
		[]models.InlineKeyboardButton{ib(r.t("stage.btn.rename", nil), cb(actPipeRename, sid))},
		[]models.InlineKeyboardButton{ib(r.t("stage.btn.up", nil), cb(actPipeUp, sid)), ib(r.t("stage.btn.down", nil), cb(actPipeDown, sid))},
		[]models.InlineKeyboardButton{ib(r.t("stage.btn.archive", nil), cb(actPipeArchive, sid))},
		[]models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actPipeline))},
	))
}

func (b *Bot) shiftStage(r *req, s crm.Stage, delta int) error {
	if err := b.stages.ShiftStage(r.ctx, s.ID, delta, r.staff.ID); err != nil {
		return err
	}
	return b.showPipeline(r, true)
}

func (b *Bot) onArchiveStage(r *req, s crm.Stage) error {
	if err := b.stages.ArchiveStage(r.ctx, s.ID, r.staff.ID); err != nil {
		return err
	}
	if err := r.toast(r.t("stage.archived", map[string]any{"Name": s.Name(r.lang())}), false); err != nil {
		return err
	}
	return b.showPipeline(r, true)
}

// nameOrder asks the user's own language first, then the others.
func nameOrder(first string) []string {
	out := []string{first}
	for _, l := range i18n.Supported() {
		if l != first {
			out = append(out, l)
		}
	}
	return out
}

// askStageName asks for the next missing name of a stage (sid "" for a new
// one); names holds the answers so far.
func (b *Bot) askStageName(r *req, sid string, names map[string]string) error {
	if names == nil {
		names = map[string]string{}
	}
	for _, l := range nameOrder(r.lang()) {
		if names[l] == "" {
			data := flowMap(stageNameFlow{Stage: sid})
			for k, v := range names {
				data["n_"+k] = v
			}
			if err := r.setState(flowStageName, l, data); err != nil {
				return err
			}
			if err := r.finish(); err != nil {
				return err
			}
			return r.send(r.t("stage.ask_name_"+l, nil), nil)
		}
	}
	return b.saveStageName(r, sid, names)
}

func (b *Bot) stageNameStep(r *req, st *State) error {
	if !crm.CanManageOrg(r.staff) {
		if err := r.clearState(); err != nil {
			return err
		}
		return crm.Errorf(crm.EForbidden, "admins only")
	}
	text := strings.TrimSpace(r.msg.Text)
	if text == "" || utf8.RuneCountInString(text) > 60 {
		return r.send(r.t("stage.ask_name_"+st.Step, nil), nil)
	}
	names := map[string]string{st.Step: text}
	for k, v := range st.Data {
		if l, ok := strings.CutPrefix(k, "n_"); ok {
			names[l] = v
		}
	}
	return b.askStageName(r, loadFlow[stageNameFlow](st).Stage, names)
}

func (b *Bot) saveStageName(r *req, sid string, names map[string]string) error {
	if err := r.clearState(); err != nil {
		return err
	}
	if sid == "" {
		tpl, err := b.stages.ActivePipeline(r.ctx)
		if err != nil {
			return err
		}
		if _, err := b.stages.AddStage(r.ctx, tpl, names, r.staff.ID); err != nil {
			return err
		}
	} else {
		n, ok := argID([]string{sid}, 0)
		if !ok {
			return crm.Errorf(crm.EStale, "stage")
		}
		if err := b.stages.RenameStage(r.ctx, n, names, r.staff.ID); err != nil {
			return err
		}
	}
	if err := r.send(r.t("stage.saved", map[string]any{"Name": esc(names[r.lang()])}), nil); err != nil {
		return err
	}
	return b.showPipeline(r, false)
}
