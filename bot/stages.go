package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// StageStore is what the stages feature asks of the database.
type StageStore interface {
	// Stage returns crm.ENotFound for an unknown stage.
	Stage(ctx context.Context, id int64) (crm.Stage, error)
	// PipelineStages returns a template's stages in order, archived ones too.
	PipelineStages(ctx context.Context, template string) ([]crm.Stage, error)
	// ActivePipeline returns the active template (crm.TemplateLadder by default).
	ActivePipeline(ctx context.Context) (string, error)
	// SetPipeline returns crm.EInvalid for a template without live stages.
	SetPipeline(ctx context.Context, template string, by int64) error
	// MoveCustomerStage writes the move and its stage_history row at at;
	// crm.EConflict if the customer left m.From meanwhile.
	MoveCustomerStage(ctx context.Context, m crm.StageMove, by int64, at time.Time) error
	RenameStage(ctx context.Context, id int64, names map[string]string, by int64) error
	AddStage(ctx context.Context, template string, names map[string]string, by int64) (crm.Stage, error)
	// ShiftStage moves a stage one place up (delta < 0) or down.
	ShiftStage(ctx context.Context, id int64, delta int, by int64) error
	// ArchiveStage returns crm.EConflict for a template's last live stage.
	ArchiveStage(ctx context.Context, id int64, by int64) error
}

// Flows and callback codes of moving customers between stages.
const (
	flowStageReason = "stage.reason" // data: c (customer), s (stage), f (from stage)

	actStageMove   = "sv" // sv:<customer>:<stage>
	actStageReason = "sr" // sr:<customer>:<stage>:<preset index>
)

// routesStages registers moving customers and the admin's pipeline editor.
func (b *Bot) routesStages() {
	b.action(actStageMenu, b.editable(b.showStageMenu))
	b.action(actStageMove, b.editable(b.onStageMove))
	b.action(actStageReason, b.editable(b.onStageReason))
	b.flow(flowStageReason, b.stageReasonStep)
	b.routesPipeline()
}

// liveStages returns the active pipeline's live stages in order.
func (b *Bot) liveStages(ctx context.Context) ([]crm.Stage, error) {
	tpl, err := b.stages.ActivePipeline(ctx)
	if err != nil {
		return nil, err
	}
	all, err := b.stages.PipelineStages(ctx, tpl)
	if err != nil {
		return nil, err
	}
	var out []crm.Stage
	for _, s := range all {
		if !s.Archived {
			out = append(out, s)
		}
	}
	return out, nil
}

// showStageMenu lists the pipeline's stages in order, the current marked.
func (b *Bot) showStageMenu(r *req, c crm.Customer, _ []string) error {
	stages, err := b.liveStages(r.ctx)
	if err != nil {
		return err
	}
	current, err := b.stages.Stage(r.ctx, c.StageID)
	if err != nil {
		return err
	}
	var rows [][]models.InlineKeyboardButton
	for i, s := range stages {
		label := r.t("stage.option", map[string]any{"N": i + 1, "Name": s.Name(r.lang())})
		if s.NeedsReason() {
			label = r.t("stage.option_exit", map[string]any{"N": i + 1, "Name": s.Name(r.lang())})
		}
		rows = append(rows, []models.InlineKeyboardButton{ib(r.mark(label, s.ID == c.StageID), cb(actStageMove, id(c.ID), id(s.ID)))})
	}
	rows = append(rows, backToCard(r, c))
	text := r.t("stage.menu", map[string]any{"Name": esc(c.Name), "Stage": esc(current.Name(r.lang()))})
	return r.edit(text, ikm(rows...))
}

// stageMove builds and validates a move of c to stage sid. A customer in
// a stage of a pipeline no longer active enters the active one.
func (b *Bot) stageMove(r *req, c crm.Customer, sid int64) (crm.StageMove, error) {
	m := crm.StageMove{CustomerID: c.ID, IntoActive: true}
	to, err := b.stages.Stage(r.ctx, sid)
	if err != nil {
		return m, err
	}
	tpl, err := b.stages.ActivePipeline(r.ctx)
	if err != nil {
		return m, err
	}
	if to.Template != tpl || to.Archived {
		return m, crm.Errorf(crm.EStale, "stage %d is not in the active pipeline", sid)
	}
	from, err := b.stages.Stage(r.ctx, c.StageID)
	if err != nil {
		return m, err
	}
	m.To = to
	if from.Template == to.Template {
		m.From = from
	}
	return m, nil
}

func (b *Bot) onStageMove(r *req, c crm.Customer, args []string) error {
	sid, ok := argID(args, 0)
	if !ok {
		return crm.Errorf(crm.EStale, "bad stage id")
	}
	m, err := b.stageMove(r, c, sid)
	if err != nil {
		return err
	}
	if m.From.ID == m.To.ID {
		return r.toast(r.t("stage.already", nil), false)
	}
	if m.To.NeedsReason() {
		return b.askReason(r, c, m)
	}
	return b.move(r, c, m)
}

// askReason offers the preset reasons and waits for a typed one.
func (b *Bot) askReason(r *req, c crm.Customer, m crm.StageMove) error {
	data := flowMap(stageReasonFlow{flowBase: flowBase{Customer: flowID(c.ID)}, To: flowID(m.To.ID), From: flowID(c.StageID)})
	if err := r.setState(flowStageReason, "reason", data); err != nil {
		return err
	}
	var btns []models.InlineKeyboardButton
	for i, p := range crm.ReasonPresets {
		if p == "other" || !slices.Contains(crm.ReasonsFor(m.To), p) {
			continue // "other" needs a text: typing one is the same thing
		}
		btns = append(btns, ib(r.t("stage.reason."+p, nil), cb(actStageReason, id(c.ID), id(m.To.ID), strconv.Itoa(i))))
	}
	rows := append(inlineRows(2, btns...), backToCard(r, c))
	text := r.t("stage.ask_reason", map[string]any{"Name": esc(c.Name), "Stage": esc(m.To.Name(r.lang()))})
	return r.edit(text, ikm(rows...))
}

func (b *Bot) onStageReason(r *req, c crm.Customer, args []string) error {
	sid, ok := argID(args, 0)
	i, ok2 := argInt(args, 1)
	if !ok || !ok2 || i < 0 || i >= len(crm.ReasonPresets) {
		return crm.Errorf(crm.EStale, "bad reason")
	}
	m, err := b.stageMove(r, c, sid)
	if err != nil {
		return err
	}
	m.ReasonCode = crm.ReasonPresets[i]
	return b.move(r, c, m)
}

// stageReasonStep takes a typed reason for the move in progress.
func (b *Bot) stageReasonStep(r *req, st *State) error {
	sf := loadFlow[stageReasonFlow](st)
	cid, sid := int64(sf.Customer), int64(sf.To)
	ok, ok2 := cid != 0, sid != 0
	if !ok || !ok2 {
		return r.clearState()
	}
	c, err := r.customerByID(cid, true)
	if err != nil {
		if cerr := r.clearState(); cerr != nil {
			return cerr
		}
		return err
	}
	if c.StageID != int64(sf.From) {
		if err := r.clearState(); err != nil {
			return err
		}
		return crm.Errorf(crm.EConflict, "customer moved meanwhile")
	}
	m, err := b.stageMove(r, c, sid)
	if err != nil {
		return err
	}
	m.ReasonText = strings.TrimSpace(r.msg.Text)
	if m.ReasonText == "" {
		return r.send(r.t("error.reason_required", nil), nil)
	}
	m.ReasonCode = "other"
	return b.move(r, c, m)
}

// move validates and stores m (with its history row at the time the user
// acted) and shows the card again.
func (b *Bot) move(r *req, c crm.Customer, m crm.StageMove) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if err := b.stages.MoveCustomerStage(r.ctx, m, r.staff.ID, r.sentAt()); err != nil {
		return err
	}
	if st, err := r.state(); err != nil {
		return err
	} else if st != nil && st.Flow == flowStageReason {
		if err := r.clearState(); err != nil {
			return err
		}
	}
	c.StageID = m.To.ID
	if asked, err := b.qualifyOnMove(r, c, m); asked || err != nil { // the card, then the questions
		return err
	}
	if r.cb != nil { // a toast is plain text: nothing to escape
		if err := r.toast(r.t("stage.moved", map[string]any{"Name": c.Name, "Stage": m.To.Name(r.lang())}), false); err != nil {
			return err
		}
		return b.showCard(r, c, true)
	}
	if err := r.send(r.t("stage.moved", map[string]any{"Name": esc(c.Name), "Stage": esc(m.To.Name(r.lang()))}), nil); err != nil {
		return err
	}
	return b.showCard(r, c, false)
}
