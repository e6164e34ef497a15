package bot

import (
	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
)

// withEraseRow adds the 🗑 button to the card of a customer the user may
// erase (admins only, crm.CanErase).
func withEraseRow(r *req, c crm.Customer, kb *models.InlineKeyboardMarkup) *models.InlineKeyboardMarkup {
	if crm.CanErase(r.staff, c) {
		kb.InlineKeyboard = append(kb.InlineKeyboard, []models.InlineKeyboardButton{ib(r.t("transfer.erase.btn", nil), cb(actEraseAsk, id(c.ID)))})
	}
	return kb
}

// erasable loads the customer a button names and checks that the user may
// erase it; ok is false when the user has been answered.
func (b *Bot) erasable(r *req, args []string) (c crm.Customer, ok bool, err error) {
	cid, ok := argID(args, 0)
	if !ok {
		return c, false, r.staleButton()
	}
	if c, err = b.customers.Customer(r.ctx, cid); err != nil {
		return c, false, err
	}
	if !crm.CanErase(r.staff, c) {
		if crm.CanSeeErased(r.staff, c) {
			return c, false, r.toast(r.t("transfer.erase.already", nil), true)
		}
		return c, false, crm.Errorf(crm.EForbidden, "erase customer %d", cid)
	}
	return c, true, nil
}

// flowErase is an erasure asked for and waiting for its confirmation: the
// confirm button carries the run's nonce, so a confirm that did not come
// from the question (a forged xy) is a stale button.
const flowErase = "transfer.erase"

// onEraseAsk names the customer and says what erasing removes and keeps,
// and keeps the question's nonce in the chat's state for the confirm.
func (b *Bot) onEraseAsk(r *req, args []string) error {
	c, ok, err := b.erasable(r, args)
	if !ok || err != nil {
		return err
	}
	nonce := r.nonce()
	if err := r.setState(flowErase, "confirm", flowMap(flowBase{Nonce: nonce, Customer: flowID(c.ID)})); err != nil {
		return err
	}
	cid := id(c.ID)
	return r.edit(r.t("transfer.erase.confirm", map[string]any{"Name": esc(clipRunes(c.Name, 120))}), ikm(
		[]models.InlineKeyboardButton{ib(r.t("transfer.erase.btn_confirm", nil), cb(actEraseDo, cid, nonce))},
		[]models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actCard, cid))}))
}

// onEraseDo erases the customer's personal data (audited) and says what
// was kept; only as the confirmation of onEraseAsk's question.
func (b *Bot) onEraseDo(r *req, args []string) error {
	c, ok, err := b.erasable(r, args)
	if !ok || err != nil {
		return err
	}
	if len(args) != 2 {
		return r.staleButton()
	}
	st, ok, err := r.inFlow(args[1], flowErase)
	if err != nil {
		return err
	}
	if !ok || int64(loadFlow[flowBase](st).Customer) != c.ID {
		return r.staleButton()
	}
	if err := r.clearState(); err != nil {
		return err
	}
	e, err := b.transfers.EraseCustomer(r.ctx, c.ID, r.staff.ID)
	if crm.IsCode(err, crm.ENotFound) {
		return r.toast(r.t("transfer.erase.already", nil), true)
	}
	if err != nil {
		return err
	}
	lines := []string{r.t("transfer.erase.done", map[string]any{"Name": esc(clipRunes(c.Name, 120)), "Number": format.Digits(r.lang(), crm.ErasedName(c.ID))}), "",
		r.n("transfer.erase.kept_activities", e.Activities, nil), r.n("transfer.erase.kept_stage_moves", e.StageMoves, nil),
		r.n("transfer.erase.kept_purchases", e.Purchases, nil)}
	return r.edit(joinWithin(lines, maxCardRunes), ikm())
}

// showErased is the card of an erased customer: its number and when it
// was erased, nothing that names the person.
func (b *Bot) showErased(r *req, c crm.Customer) error {
	return r.edit(r.t("transfer.erased_card", map[string]any{"Number": format.Digits(r.lang(), crm.ErasedName(c.ID)),
		"Date": format.Date(r.lang(), r.cal(), c.DeletedAt.In(r.userLoc()))}), ikm())
}
