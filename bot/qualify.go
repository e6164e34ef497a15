package bot

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

// QualifyStore is what qualifying a lead asks of the database.
type QualifyStore interface {
	// Qualification returns crm.ENotFound when nobody qualified the customer.
	Qualification(ctx context.Context, customerID int64) (crm.Qualification, error)
	SaveQualification(ctx context.Context, q crm.Qualification, by int64, at time.Time) error
	// OrgIndustries are the industries in use, the most common first.
	OrgIndustries(ctx context.Context, limit int) ([]string, error)
}

// Flow and callback codes of qualifying a lead (seed 003). Every press
// reloads the customer and checks the user may change them.
const (
	flowQualify = "qual" // step: a qualSteps code; data: c (customer)

	actQualify      = "qq" // qq:<customer>: answer or edit the questions from the start
	actQualAnswer   = "qa" // qa:<customer>:<h|n|o>:<y|n|u>
	actQualSkip     = "qs" // qs:<customer>:<step>: on to the next step
	actQualCancel   = "qx" // qx:<customer>: stop, keeping what was given
	actQualIndustry = "qi" // qi:<customer>:<index in OrgIndustries>
	actQualBand     = "qb" // qb:<customer>:<b1-b4>
	actQualUnqual   = "qu" // qu:<customer>: move to the pipeline's unqualified stage
)

// qualSteps are the questionnaire's steps in order: the three questions
// (can help, needs us, ongoing), job title, industry, revenue band and
// location.
var qualSteps = []string{"h", "n", "o", "j", "i", "r", "l"}

// qualQuestion maps a question step to its crm question.
var qualQuestion = map[string]string{"h": crm.QuestionCanHelp, "n": crm.QuestionNeedsUs, "o": crm.QuestionOngoing}

// qualAnswers are the answer buttons' codes.
var qualAnswers = map[string]crm.Answer{"y": crm.AnswerYes, "n": crm.AnswerNo, "u": crm.AnswerUnsure}

// maxIndustryChoices bounds the industries offered as buttons.
const maxIndustryChoices = 6

func (b *Bot) routesQualify() {
	b.action(actQualify, b.editable(func(r *req, c crm.Customer, _ []string) error { return b.askQualStep(r, c, "h") }))
	b.action(actQualAnswer, b.editable(b.onQualAnswer))
	b.action(actQualSkip, b.editable(b.onQualSkip))
	b.action(actQualCancel, b.editable(b.onQualCancel))
	b.action(actQualIndustry, b.editable(b.onQualIndustry))
	b.action(actQualBand, b.editable(b.onQualBand))
	b.action(actQualUnqual, b.editable(b.onQualUnqualify))
	b.flow(flowQualify, b.qualifyStep)
}

// qualifyOnMove shows the card after move m of c and, when the move
// qualifies a lead not qualified before (crm.NeedsQualification), the
// first question at its foot with its buttons above the card's: one
// message, as after any move. The move is already stored: skipping or
// stopping never undoes it, and the questions hold no typed input (a
// search typed meanwhile is a search).
func (b *Bot) qualifyOnMove(r *req, c crm.Customer, m crm.StageMove) (bool, error) {
	_, err := b.qualify.Qualification(r.ctx, c.ID)
	if err != nil && !crm.IsCode(err, crm.ENotFound) {
		return false, err
	}
	if !crm.NeedsQualification(m.From, m.To, err == nil) {
		return false, nil
	}
	edit := r.cb != nil
	if edit { // a toast is plain text: nothing to escape
		if err := r.toast(r.t("stage.moved", map[string]any{"Name": c.Name, "Stage": m.To.Name(r.lang())}), false); err != nil {
			return true, err
		}
	} else if err := r.send(r.t("stage.moved", map[string]any{"Name": esc(c.Name), "Stage": esc(m.To.Name(r.lang()))}), nil); err != nil {
		return true, err
	}
	card, err := b.cardText(r, c)
	if err != nil {
		return true, err
	}
	text, kb, err := b.qualPrompt(r, c, "h")
	if err != nil {
		return true, err
	}
	if utf8.RuneCountInString(card)+utf8.RuneCountInString(text) > maxCardRunes {
		if err := b.showCard(r, c, edit); err != nil { // a card that fills its message: the question on its own
			return true, err
		}
		return true, r.send(text, kb)
	}
	kb.InlineKeyboard = append(kb.InlineKeyboard, cardKeyboard(r, c).InlineKeyboard...)
	return true, r.show(card+"\n\n"+text, kb, edit)
}

// qualification is the customer's record, or a new one.
func (b *Bot) qualification(r *req, c crm.Customer) (crm.Qualification, error) {
	q, err := b.qualify.Qualification(r.ctx, c.ID)
	if crm.IsCode(err, crm.ENotFound) {
		return crm.Qualification{CustomerID: c.ID}, nil
	}
	return q, err
}

// nextQualStep is the step after step ("" after the last).
func nextQualStep(step string) string {
	i := slices.Index(qualSteps, step)
	if i < 0 || i+1 >= len(qualSteps) {
		return ""
	}
	return qualSteps[i+1]
}

// askQualStep shows step of c's questionnaire (edited in place after a
// press, a new message after typing) and waits for its answer.
func (b *Bot) askQualStep(r *req, c crm.Customer, step string) error {
	if step == "" {
		return b.qualDone(r, c)
	}
	text, kb, err := b.qualPrompt(r, c, step)
	if err != nil {
		return err
	}
	return r.show(text, kb, r.cb != nil)
}

// qualPrompt is step's question and buttons. A typed step (job title,
// industry, location) holds the chat's next message; a button step lets
// it go (a search typed meanwhile is a search).
func (b *Bot) qualPrompt(r *req, c crm.Customer, step string) (string, *models.InlineKeyboardMarkup, error) {
	switch step {
	case "j", "i", "l":
		if err := r.setState(flowQualify, step, flowMap(flowBase{Customer: flowID(c.ID)})); err != nil {
			return "", nil, err
		}
	default:
		if st, err := r.state(); err != nil {
			return "", nil, err
		} else if st != nil && st.Flow == flowQualify {
			if err := r.clearState(); err != nil {
				return "", nil, err
			}
		}
	}
	cid := id(c.ID)
	head := r.t("qual.head", map[string]any{"Name": esc(c.Name), "Step": slices.Index(qualSteps, step) + 1, "Steps": len(qualSteps)})
	var rows [][]models.InlineKeyboardButton
	var prompt string
	switch step {
	case "h", "n", "o":
		q, err := b.qualification(r, c)
		if err != nil {
			return "", nil, err
		}
		cur := q.Answer(qualQuestion[step])
		var btns []models.InlineKeyboardButton
		for _, a := range []string{"y", "n", "u"} {
			btns = append(btns, ib(r.mark(r.t("qual.answer."+a, nil), cur == qualAnswers[a]), cb(actQualAnswer, cid, step, a)))
		}
		rows = append(rows, btns)
		prompt = r.t("qual.q."+qualQuestion[step], nil)
	case "j":
		prompt = r.t("qual.ask_job", map[string]any{"Current": esc(fieldValue(c, "job_title"))})
	case "i":
		inds, err := b.qualify.OrgIndustries(r.ctx, maxIndustryChoices)
		if err != nil {
			return "", nil, err
		}
		var btns []models.InlineKeyboardButton
		for i, s := range inds {
			btns = append(btns, ib(r.mark(clipRunes(s, 30), strings.EqualFold(s, c.Industry)), cb(actQualIndustry, cid, id(int64(i+1)))))
		}
		rows = append(rows, inlineRows(2, btns...)...)
		prompt = r.t("qual.ask_industry", map[string]any{"Current": esc(fieldValue(c, "industry"))})
	case "r":
		q, err := b.qualification(r, c)
		if err != nil {
			return "", nil, err
		}
		p, err := b.policy(r)
		if err != nil {
			return "", nil, err
		}
		var btns []models.InlineKeyboardButton
		for _, band := range crm.RevenueBands {
			btns = append(btns, ib(r.mark(r.bandLabel(band, p.Currency), band == q.RevenueBand), cb(actQualBand, cid, band)))
		}
		rows = append(rows, inlineRows(1, btns...)...)
		prompt = r.t("qual.ask_revenue", nil)
	case "l":
		prompt = r.t("qual.ask_location", map[string]any{"Current": esc(fieldValue(c, "city"))})
	}
	rows = append(rows, []models.InlineKeyboardButton{
		ib(r.t("qual.btn.skip", nil), cb(actQualSkip, cid, step)), ib(r.t("qual.btn.cancel", nil), cb(actQualCancel, cid)),
	})
	return head + "\n\n" + prompt, ikm(rows...), nil
}

func (b *Bot) onQualAnswer(r *req, c crm.Customer, args []string) error {
	if len(args) != 2 || qualQuestion[args[0]] == "" || qualAnswers[args[1]] == "" {
		return crm.Errorf(crm.EStale, "qualification answer")
	}
	q, err := b.qualification(r, c)
	if err != nil {
		return err
	}
	q.SetAnswer(qualQuestion[args[0]], qualAnswers[args[1]])
	if err := b.qualify.SaveQualification(r.ctx, q, r.staff.ID, r.now()); err != nil {
		return err
	}
	if qualAnswers[args[1]] == crm.AnswerNo && args[0] != "o" {
		if offered, err := b.offerUnqualified(r, c, args[0]); offered || err != nil {
			return err
		}
	}
	return b.askQualStep(r, c, nextQualStep(args[0]))
}

// offerUnqualified asks, after a "no" to "can we help them" or "do they
// need us", whether to mark c unqualified; false when the pipeline has no
// such stage or c is already there.
func (b *Bot) offerUnqualified(r *req, c crm.Customer, step string) (bool, error) {
	to, err := b.unqualifiedStage(r)
	if err != nil || to.ID == 0 || to.ID == c.StageID {
		return false, err
	}
	cid := id(c.ID)
	text := r.t("qual.offer_unqualified", map[string]any{"Name": esc(c.Name), "Stage": esc(to.Name(r.lang()))})
	kb := ikm(
		[]models.InlineKeyboardButton{ib(r.t("qual.btn.unqualify", map[string]any{"Stage": to.Name(r.lang())}), cb(actQualUnqual, cid))},
		[]models.InlineKeyboardButton{ib(r.t("qual.btn.keep", nil), cb(actQualSkip, cid, step)), ib(r.t("qual.btn.cancel", nil), cb(actQualCancel, cid))},
	)
	return true, r.edit(text, kb)
}

// unqualifiedStage is the active pipeline's live unqualified stage (zero
// when it has none).
func (b *Bot) unqualifiedStage(r *req) (crm.Stage, error) {
	tpl, err := b.stages.ActivePipeline(r.ctx)
	if err != nil {
		return crm.Stage{}, err
	}
	key := crm.UnqualifiedStageKey(tpl)
	all, err := b.stages.PipelineStages(r.ctx, tpl)
	if err != nil {
		return crm.Stage{}, err
	}
	for _, s := range all {
		if s.Key == key && key != "" && !s.Archived {
			return s, nil
		}
	}
	return crm.Stage{}, nil
}

// onQualUnqualify moves c to the unqualified stage, the answers given as
// its reason.
func (b *Bot) onQualUnqualify(r *req, c crm.Customer, _ []string) error {
	to, err := b.unqualifiedStage(r)
	if err != nil {
		return err
	}
	if to.ID == 0 {
		return crm.Errorf(crm.EStale, "no unqualified stage")
	}
	q, err := b.qualification(r, c)
	if err != nil {
		return err
	}
	m, err := b.stageMove(r, c, to.ID)
	if err != nil {
		return err
	}
	if m.From.ID == m.To.ID {
		return r.toast(r.t("stage.already", nil), false)
	}
	m.ReasonCode = "no_need"
	if q.CanHelp == crm.AnswerNo {
		m.ReasonCode, m.ReasonText = "other", r.t("qual.reason.cant_help", nil)
	}
	if err := r.clearState(); err != nil {
		return err
	}
	return b.move(r, c, m)
}

func (b *Bot) onQualSkip(r *req, c crm.Customer, args []string) error {
	if len(args) != 1 || !slices.Contains(qualSteps, args[0]) {
		return crm.Errorf(crm.EStale, "qualification step")
	}
	return b.askQualStep(r, c, nextQualStep(args[0]))
}

// onQualCancel stops the questionnaire; what was given is kept.
func (b *Bot) onQualCancel(r *req, c crm.Customer, _ []string) error {
	if st, err := r.state(); err != nil {
		return err
	} else if st != nil && st.Flow == flowQualify {
		if err := r.clearState(); err != nil {
			return err
		}
	}
	if err := r.toast(r.t("qual.cancelled", nil), false); err != nil {
		return err
	}
	return b.showCard(r, c, true)
}

func (b *Bot) onQualIndustry(r *req, c crm.Customer, args []string) error {
	i, ok := argID(args, 0)
	inds, err := b.qualify.OrgIndustries(r.ctx, maxIndustryChoices)
	if err != nil {
		return err
	}
	if !ok || i > int64(len(inds)) {
		return crm.Errorf(crm.EStale, "industry")
	}
	c.Industry = inds[i-1]
	if err := b.customers.UpdateCustomer(r.ctx, c, r.staff.ID); err != nil {
		return err
	}
	return b.askQualStep(r, c, nextQualStep("i"))
}

func (b *Bot) onQualBand(r *req, c crm.Customer, args []string) error {
	if len(args) != 1 || !slices.Contains(crm.RevenueBands, args[0]) {
		return crm.Errorf(crm.EStale, "revenue band")
	}
	q, err := b.qualification(r, c)
	if err != nil {
		return err
	}
	p, err := b.policy(r)
	if err != nil {
		return err
	}
	q.RevenueBand, q.RevenueCurrency = args[0], p.Currency
	if err := b.qualify.SaveQualification(r.ctx, q, r.staff.ID, r.now()); err != nil {
		return err
	}
	return b.askQualStep(r, c, nextQualStep("r"))
}

// qualifyStep takes what is typed during the questionnaire: a job title,
// an industry, a city or a shared location; at a question or the revenue
// step it asks again for a button.
func (b *Bot) qualifyStep(r *req, st *State) error {
	cid := int64(loadFlow[flowBase](st).Customer)
	if cid == 0 {
		return r.clearState()
	}
	c, err := r.customerByID(cid, true)
	if err != nil {
		if cerr := r.clearState(); cerr != nil {
			return cerr
		}
		return err
	}
	text := strings.TrimSpace(r.msg.Text)
	switch st.Step {
	case "j", "i", "l":
	default: // a button step holds no input: what was typed is a search
		if err := r.clearState(); err != nil {
			return err
		}
		return b.freeInput(r)
	}
	if st.Step == "l" && r.msg.Location != nil {
		q, err := b.qualification(r, c)
		if err != nil {
			return err
		}
		q.HasLocation, q.Latitude, q.Longitude = true, r.msg.Location.Latitude, r.msg.Location.Longitude
		if err := b.qualify.SaveQualification(r.ctx, q, r.staff.ID, r.now()); err != nil {
			return err
		}
		return b.askQualStep(r, c, nextQualStep("l"))
	}
	if text == "" || utf8.RuneCountInString(text) > crm.MaxFieldLen {
		return r.send(r.t("customer.too_long", nil), nil)
	}
	setField(&c, map[string]string{"j": "job_title", "i": "industry", "l": "city"}[st.Step], text)
	if err := b.customers.UpdateCustomer(r.ctx, c, r.staff.ID); err != nil {
		return err
	}
	return b.askQualStep(r, c, nextQualStep(st.Step))
}

// qualDone ends the questionnaire and shows the card with the answers.
func (b *Bot) qualDone(r *req, c crm.Customer) error {
	if err := r.clearState(); err != nil {
		return err
	}
	if r.cb != nil {
		if err := r.toast(r.t("qual.done", nil), false); err != nil {
			return err
		}
		return b.showCard(r, c, true)
	}
	if err := r.send(r.t("qual.done", nil), nil); err != nil {
		return err
	}
	return b.showCard(r, c, false)
}
