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

// InterestStore is what a customer's interests ask of the database.
type InterestStore interface {
	Interests(ctx context.Context, customerID int64) ([]crm.Interest, error)
	// Interest returns crm.ENotFound unless the customer has that interest.
	Interest(ctx context.Context, customerID, interestID int64) (crm.Interest, error)
	// AddInterest returns crm.EConflict for an interest the customer has.
	AddInterest(ctx context.Context, i crm.Interest, by int64, at time.Time) (crm.Interest, error)
	UpdateInterest(ctx context.Context, i crm.Interest, by int64, at time.Time) error
	RemoveInterest(ctx context.Context, customerID, interestID, by int64) error
}

// Flow and callback codes of interests (the card's "more" menu).
const (
	flowInterest = "interest" // step "name" (a new one) or "qty"; data: c, i (interest)

	actInterests      = "qo" // qo:<customer>: the list
	actInterestAdd    = "qn" // qn:<customer>: type a new one
	actInterestView   = "qe" // qe:<customer>:<interest>
	actInterestQty    = "qv" // qv:<customer>:<interest>: type its quantity
	actInterestPeriod = "qp" // qp:<customer>:<interest>:<period or ->
	actInterestRemove = "qr" // qr:<customer>:<interest>
)

// interestFlow is the state of typing an interest's name or quantity.
type interestFlow struct {
	flowBase
	Interest flowID `json:"i,omitempty"`
}

func (b *Bot) routesInterests() {
	b.action(actInterests, b.editable(b.showInterests))
	b.action(actInterestAdd, b.editable(b.onInterestAdd))
	b.action(actInterestView, b.editable(b.withInterest(b.showInterest)))
	b.action(actInterestQty, b.editable(b.withInterest(b.askInterestQty)))
	b.action(actInterestPeriod, b.editable(b.withInterest(b.onInterestPeriod)))
	b.action(actInterestRemove, b.editable(b.withInterest(b.onInterestRemove)))
	b.flow(flowInterest, b.interestStep)
}

// withInterest loads the interest a button names, which must be c's.
func (b *Bot) withInterest(h func(r *req, c crm.Customer, i crm.Interest, args []string) error) func(r *req, c crm.Customer, args []string) error {
	return func(r *req, c crm.Customer, args []string) error {
		iid, ok := argID(args, 0)
		if !ok {
			return crm.Errorf(crm.EStale, "bad interest id")
		}
		i, err := b.interests.Interest(r.ctx, c.ID, iid)
		if crm.IsCode(err, crm.ENotFound) {
			return crm.Errorf(crm.EStale, "no such interest")
		}
		if err != nil {
			return err
		}
		return h(r, c, i, args[1:])
	}
}

func (b *Bot) showInterests(r *req, c crm.Customer, _ []string) error {
	is, err := b.interests.Interests(r.ctx, c.ID)
	if err != nil {
		return err
	}
	lines := []string{r.n("interest.list", len(is), map[string]any{"Name": esc(c.Name)})}
	var btns []models.InlineKeyboardButton
	for _, i := range is {
		lines = append(lines, r.t("interest.list_line", map[string]any{"Item": r.interestText(i)}))
		btns = append(btns, ib(r.t("interest.btn.edit", map[string]any{"Name": clipRunes(i.Name, 24)}), cb(actInterestView, id(c.ID), id(i.ID))))
	}
	rows := inlineRows(2, btns...)
	if len(is) < crm.MaxInterests {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("interest.btn.add", nil), cb(actInterestAdd, id(c.ID)))})
	}
	rows = append(rows, backToMore(r, c))
	return r.show(strings.Join(lines, "\n"), ikm(rows...), r.cb != nil)
}

func (b *Bot) onInterestAdd(r *req, c crm.Customer, _ []string) error {
	if err := r.setState(flowInterest, "name", flowMap(interestFlow{flowBase: flowBase{Customer: flowID(c.ID)}})); err != nil {
		return err
	}
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(r.t("interest.ask_name", map[string]any{"Name": esc(c.Name)}), nil)
}

// showInterest is one interest with its quantity, period buttons and
// removal.
func (b *Bot) showInterest(r *req, c crm.Customer, i crm.Interest, _ []string) error {
	cid, iid := id(c.ID), id(i.ID)
	var periods []models.InlineKeyboardButton
	for _, p := range crm.Periods {
		periods = append(periods, ib(r.mark(r.t("interest.period."+p, nil), i.Period == p), cb(actInterestPeriod, cid, iid, p)))
	}
	rows := [][]models.InlineKeyboardButton{
		{ib(r.t("interest.btn.qty", nil), cb(actInterestQty, cid, iid))},
		periods[:2], periods[2:],
		{ib(r.mark(r.t("interest.period.none", nil), i.Period == ""), cb(actInterestPeriod, cid, iid, "-"))},
		{ib(r.t("interest.btn.remove", nil), cb(actInterestRemove, cid, iid))},
		{ib(r.t("common.back", nil), cb(actInterests, cid))},
	}
	text := r.t("interest.view", map[string]any{"Name": esc(c.Name), "Item": r.interestText(i)})
	return r.show(text, ikm(rows...), r.cb != nil)
}

func (b *Bot) askInterestQty(r *req, c crm.Customer, i crm.Interest, _ []string) error {
	data := flowMap(interestFlow{flowBase: flowBase{Customer: flowID(c.ID)}, Interest: flowID(i.ID)})
	if err := r.setState(flowInterest, "qty", data); err != nil {
		return err
	}
	if err := r.finish(); err != nil {
		return err
	}
	kb := ikm([]models.InlineKeyboardButton{ib(r.t("qual.btn.skip", nil), cb(actInterestView, id(c.ID), id(i.ID)))})
	return r.send(r.t("interest.ask_qty", map[string]any{"Item": esc(i.Name)}), kb)
}

func (b *Bot) onInterestPeriod(r *req, c crm.Customer, i crm.Interest, args []string) error {
	if len(args) != 1 || (args[0] != "-" && !slices.Contains(crm.Periods, args[0])) {
		return crm.Errorf(crm.EStale, "period")
	}
	i.Period = strings.TrimPrefix(args[0], "-")
	if err := b.interests.UpdateInterest(r.ctx, i, r.staff.ID, r.now()); err != nil {
		return err
	}
	return b.showInterest(r, c, i, nil)
}

func (b *Bot) onInterestRemove(r *req, c crm.Customer, i crm.Interest, _ []string) error {
	if err := b.interests.RemoveInterest(r.ctx, c.ID, i.ID, r.staff.ID); err != nil {
		return err
	}
	return b.showInterests(r, c, nil)
}

// interestStep takes a typed name (a new interest, then its quantity is
// asked) or quantity (then its period buttons are shown).
func (b *Bot) interestStep(r *req, st *State) error {
	f := loadFlow[interestFlow](st)
	c, err := r.customerByID(int64(f.Customer), true)
	if err != nil {
		if cerr := r.clearState(); cerr != nil {
			return cerr
		}
		return err
	}
	text := strings.TrimSpace(r.msg.Text)
	if st.Step == "name" {
		if text == "" || utf8.RuneCountInString(text) > crm.MaxTagLen {
			return r.send(r.t("customer.too_long", nil), nil)
		}
		i, err := b.interests.AddInterest(r.ctx, crm.Interest{CustomerID: c.ID, Name: text}, r.staff.ID, r.now())
		if crm.IsCode(err, crm.EConflict) {
			return r.send(r.t("interest.exists", map[string]any{"Item": esc(text)}), nil)
		}
		if err != nil {
			return err
		}
		return b.askInterestQty(r, c, i, nil)
	}
	i, err := b.interests.Interest(r.ctx, c.ID, int64(f.Interest))
	if err != nil {
		if cerr := r.clearState(); cerr != nil {
			return cerr
		}
		return err
	}
	qty, unit, err := crm.ParseQuantity(text)
	if err != nil {
		return r.send(r.t("interest.bad_qty", nil), nil)
	}
	i.Quantity, i.Unit = qty, unit
	if err := b.interests.UpdateInterest(r.ctx, i, r.staff.ID, r.now()); err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	return b.showInterest(r, c, i, nil)
}
