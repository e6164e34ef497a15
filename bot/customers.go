package bot

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// CustomerStore is what the customers feature asks of the database.
type CustomerStore interface {
	// Customer returns crm.ENotFound for an unknown customer.
	Customer(ctx context.Context, id int64) (crm.Customer, error)
	// CustomerByPhone returns crm.ENotFound when nobody has the phone.
	CustomerByPhone(ctx context.Context, e164 string) (crm.Customer, error)
	// CreateCustomer puts the customer in the active pipeline's first
	// stage when StageID is 0; a phone someone has is crm.EDuplicatePhone
	// with that customer's ID.
	CreateCustomer(ctx context.Context, c crm.Customer, by int64) (crm.Customer, error)
	UpdateCustomer(ctx context.Context, c crm.Customer, by int64) error
	// AddCustomerPhone returns crm.EDuplicatePhone if another customer has it.
	AddCustomerPhone(ctx context.Context, customerID int64, e164 string, by int64) error
	RemoveCustomerPhone(ctx context.Context, customerID int64, e164 string, by int64) error
	// AssignCustomer returns crm.EConflict if the owner is no longer from.
	AssignCustomer(ctx context.Context, customerID, from, to, by int64) error
	// SearchCustomers returns one page of the customers viewer may see that
	// match query, best first, and the total.
	SearchCustomers(ctx context.Context, viewer crm.Staff, query string, limit, offset int) ([]crm.Customer, int, error)
	// CustomerCardInfo returns what a customer's card shows besides the
	// customer: the next follow-up, dates, qualification, interests and
	// whether there is a value to show.
	CustomerCardInfo(ctx context.Context, customerID int64) (crm.CardInfo, error)
	Stage(ctx context.Context, id int64) (crm.Stage, error)
	StaffByID(ctx context.Context, id int64) (crm.Staff, error)
	StaffList(ctx context.Context, activeOnly bool) ([]crm.Staff, error)
	TeamMembers(ctx context.Context, teamID int64) ([]crm.Staff, error)
}

// Flows and callback codes of the customers feature (the shared ones are
// in actions.go).
const (
	flowNewCustomer = "cust.new"  // steps: name → phone → company (→ owner)
	flowEditField   = "cust.edit" // step: the field being typed

	actSkipStep     = "cx"  // cx: skip the new-customer step in progress
	actNewOwner     = "cw"  // cw:<m|p>: the new customer is mine / in the pool
	actNewWithPhone = "cnp" // cnp:<e164 digits>: start a new customer with that phone
)

// routesCustomers registers creating, finding and opening customers; the
// card, its "more" menu and edits are in card.go and customers_edit.go.
func (b *Bot) routesCustomers() {
	b.mainKey("menu.new_customer", b.startNewCustomer)
	b.mainKey("menu.find", b.askFind)
	b.command("new", b.startNewCustomer)
	b.command("find", func(r *req) error {
		if r.arg != "" {
			return b.search(r, r.arg, 0, false)
		}
		return b.askFind(r)
	})
	b.flow(flowNewCustomer, b.newCustomerStep)
	b.action(actSkipStep, b.onSkipStep)
	b.action(actNewOwner, b.onNewOwner)
	b.action(actNewWithPhone, b.onNewWithPhone)
	b.action(actCard, func(r *req, args []string) error {
		c, err := r.customerFor(args, false)
		if crm.CanSeeErased(r.staff, c) {
			return b.showErased(r, c) // erased: its number, nothing of the person
		}
		if err != nil {
			return err
		}
		return b.showCard(r, c, true)
	})
	b.action(actClaim, b.onClaim)
	b.action(actSearch, b.onSearchPage)
	b.routesCustomerEdits()
}

// customerFor loads the customer whose ID is args[0] and checks that the
// user may see it (edit: change it). Callback data is untrusted, so every
// action starts here.
func (r *req) customerFor(args []string, edit bool) (crm.Customer, error) {
	cid, ok := argID(args, 0)
	if !ok {
		return crm.Customer{}, crm.Errorf(crm.EStale, "bad customer id")
	}
	return r.customerByID(cid, edit)
}

// customerByID is customerFor for a known ID.
func (r *req) customerByID(cid int64, edit bool) (crm.Customer, error) {
	c, err := r.b.customers.Customer(r.ctx, cid)
	if err != nil {
		return c, err
	}
	if c.Deleted() {
		return c, crm.Errorf(crm.ENotFound, "customer %d deleted", cid)
	}
	if !crm.CanView(r.staff, c) || (edit && !crm.CanEdit(r.staff, c)) {
		return c, crm.Errorf(crm.EForbidden, "customer %d", cid)
	}
	return c, nil
}

func (b *Bot) askFind(r *req) error { return r.send(r.t("search.prompt", nil), r.mainKeyboard()) }

// findFromText handles free text: a shared contact card becomes a
// customer, a phone number opens its card, anything else is a search.
func (b *Bot) findFromText(r *req) error {
	if r.msg == nil {
		return nil
	}
	if r.msg.Contact != nil {
		return b.createFromContact(r, r.msg.Contact)
	}
	text := strings.TrimSpace(r.msg.Text)
	if text == "" {
		return r.send(r.t("core.help", nil), r.mainKeyboard())
	}
	if textnorm.LooksLikePhone(text) {
		if e164, err := textnorm.Phone(text, b.d.PhoneRegion); err == nil {
			return b.openByPhone(r, e164)
		}
	}
	return b.search(r, text, 0, false)
}

// openByPhone opens the card of the customer with phone e164, says whose
// it is without showing it when the user may not see it, and offers a new
// customer when nobody has it.
func (b *Bot) openByPhone(r *req, e164 string) error {
	c, err := b.customers.CustomerByPhone(r.ctx, e164)
	switch {
	case crm.IsCode(err, crm.ENotFound):
		kb := ikm([]models.InlineKeyboardButton{ib(r.t("customer.btn.create_with_phone", nil), cb(actNewWithPhone, strings.TrimPrefix(e164, "+")))})
		return r.send(r.t("customer.phone_unknown", map[string]any{"Phone": phoneText(e164)}), kb)
	case err != nil:
		return err
	case !crm.CanView(r.staff, c) || c.Deleted():
		return r.send(r.t("customer.phone_taken_hidden", nil), nil)
	}
	return b.showCard(r, c, false)
}

// duplicateReply answers crm.EDuplicatePhone: the existing card when the
// user may see it, else a sentence that reveals nothing about it.
func (b *Bot) duplicateReply(r *req, err error) error {
	var ce *crm.Error
	if !errors.As(err, &ce) || ce.ID == 0 {
		return r.send(r.t("customer.phone_taken_hidden", nil), nil)
	}
	c, lerr := b.customers.Customer(r.ctx, ce.ID)
	if lerr != nil || !crm.CanView(r.staff, c) || c.Deleted() {
		return r.send(r.t("customer.phone_taken_hidden", nil), nil)
	}
	if err := r.send(r.t("customer.duplicate_phone", map[string]any{"Name": esc(c.Name)}), nil); err != nil {
		return err
	}
	return b.showCard(r, c, false)
}

// createFromContact makes a customer of a shared Telegram contact card.
func (b *Bot) createFromContact(r *req, ct *models.Contact) error {
	name := strings.TrimSpace(ct.FirstName + " " + ct.LastName)
	c := crm.Customer{Name: name, OwnerID: r.staff.ID, Source: r.t("customer.source_telegram", nil)}
	if p, err := textnorm.Phone(ct.PhoneNumber, b.d.PhoneRegion); err == nil {
		c.Phones = []string{p}
	} else if p, err := textnorm.Phone("+"+textnorm.Digits(ct.PhoneNumber), ""); err == nil {
		c.Phones = []string{p} // Telegram sends contacts' numbers without "+"
	}
	if c.Name == "" {
		c.Name = ct.PhoneNumber
	}
	return b.create(r, c)
}

// create stores a new customer and shows its card.
func (b *Bot) create(r *req, c crm.Customer) error {
	if err := r.clearState(); err != nil {
		return err
	}
	out, err := b.customers.CreateCustomer(r.ctx, c, r.staff.ID)
	if crm.IsCode(err, crm.EDuplicatePhone) {
		return b.duplicateReply(r, err)
	}
	if err != nil {
		return err
	}
	if err := r.send(r.t("customer.created", map[string]any{"Name": esc(out.Name)}), r.mainKeyboard()); err != nil {
		return err
	}
	return b.showCard(r, out, false)
}

// startNewCustomer begins the typed new-customer flow.
func (b *Bot) startNewCustomer(r *req) error {
	if err := r.setState(flowNewCustomer, "name", nil); err != nil {
		return err
	}
	return r.send(r.t("customer.ask_name", nil), nil)
}

func (b *Bot) onNewWithPhone(r *req, args []string) error {
	if len(args) != 1 {
		return crm.Errorf(crm.EStale, "no phone")
	}
	e164, err := textnorm.Phone("+"+args[0], "")
	if err != nil {
		return crm.Errorf(crm.EStale, "bad phone")
	}
	if err := r.setState(flowNewCustomer, "name", flowMap(newCustomerFlow{Phone: e164})); err != nil {
		return err
	}
	return r.send(r.t("customer.ask_name", nil), nil)
}

// newCustomerStep takes the typed answer to the current step.
func (b *Bot) newCustomerStep(r *req, st *State) error {
	text := strings.TrimSpace(r.msg.Text)
	if r.msg.Contact != nil {
		if st.Step == "phone" || st.Step == "name" {
			return b.createFromContact(r, r.msg.Contact)
		}
	}
	switch st.Step {
	case "name":
		if text == "" || utf8.RuneCountInString(text) > crm.MaxNameLen {
			return r.send(r.t("customer.ask_name", nil), nil)
		}
		nf := loadFlow[newCustomerFlow](st)
		nf.Name = text
		st.Data = flowMap(nf)
		if nf.Phone != "" {
			return b.askCompany(r, st)
		}
		return b.nextStep(r, st, "phone", "customer.ask_phone")
	case "phone":
		e164, err := textnorm.Phone(text, b.d.PhoneRegion)
		if err != nil {
			return r.send(r.t("customer.bad_phone", nil), skipKb(r))
		}
		if c, err := b.customers.CustomerByPhone(r.ctx, e164); err == nil {
			if err := r.clearState(); err != nil {
				return err
			}
			return b.duplicateReply(r, &crm.Error{Code: crm.EDuplicatePhone, ID: c.ID})
		} else if !crm.IsCode(err, crm.ENotFound) {
			return err
		}
		nf := loadFlow[newCustomerFlow](st)
		nf.Phone = e164
		st.Data = flowMap(nf)
		return b.askCompany(r, st)
	case "company":
		if utf8.RuneCountInString(text) > crm.MaxFieldLen {
			return r.send(r.t("customer.too_long", nil), skipKb(r))
		}
		nf := loadFlow[newCustomerFlow](st)
		nf.Company = text
		st.Data = flowMap(nf)
		return b.afterCompany(r, st)
	}
	return r.clearState()
}

func (b *Bot) askCompany(r *req, st *State) error {
	return b.nextStep(r, st, "company", "customer.ask_company")
}

func (b *Bot) nextStep(r *req, st *State, step, prompt string) error {
	if err := r.setState(flowNewCustomer, step, st.Data); err != nil {
		return err
	}
	return r.send(r.t(prompt, nil), skipKb(r))
}

func skipKb(r *req) *models.InlineKeyboardMarkup {
	return ikm([]models.InlineKeyboardButton{ib(r.t("customer.btn.skip", nil), cb(actSkipStep))})
}

// afterCompany creates the customer, first asking managers and admins
// whether it is theirs or goes to the pool.
func (b *Bot) afterCompany(r *req, st *State) error {
	if r.staff.Role == crm.RoleRep {
		return b.finishNew(r, st, r.staff.ID)
	}
	if err := r.setState(flowNewCustomer, "owner", st.Data); err != nil {
		return err
	}
	return r.send(r.t("customer.ask_owner", nil), ikm([]models.InlineKeyboardButton{
		ib(r.t("customer.btn.owner_me", nil), cb(actNewOwner, "m")),
		ib(r.t("customer.btn.owner_pool", nil), cb(actNewOwner, "p")),
	}))
}

func (b *Bot) finishNew(r *req, st *State, owner int64) error {
	nf := loadFlow[newCustomerFlow](st)
	c := crm.Customer{Name: nf.Name, Company: nf.Company, OwnerID: owner}
	if nf.Phone != "" {
		c.Phones = []string{nf.Phone}
	}
	return b.create(r, c)
}

func (b *Bot) onSkipStep(r *req, _ []string) error {
	st, err := r.state()
	if err != nil {
		return err
	}
	if st == nil || st.Flow != flowNewCustomer {
		return crm.Errorf(crm.EStale, "no new customer in progress")
	}
	switch st.Step {
	case "phone":
		return b.askCompany(r, st)
	case "company":
		return b.afterCompany(r, st)
	}
	return crm.Errorf(crm.EStale, "step %s cannot be skipped", st.Step)
}

func (b *Bot) onNewOwner(r *req, args []string) error {
	st, err := r.state()
	if err != nil {
		return err
	}
	if st == nil || st.Flow != flowNewCustomer || st.Step != "owner" || len(args) != 1 {
		return crm.Errorf(crm.EStale, "no owner question open")
	}
	owner := r.staff.ID
	if args[0] == "p" {
		owner = 0
	}
	return b.finishNew(r, st, owner)
}

// onClaim takes a pool customer as the user's own.
func (b *Bot) onClaim(r *req, args []string) error {
	c, err := r.customerFor(args, false)
	if err != nil {
		return err
	}
	if !crm.CanClaim(r.staff, c) {
		return crm.Errorf(crm.EForbidden, "not a pool customer")
	}
	if err := b.customers.AssignCustomer(r.ctx, c.ID, 0, r.staff.ID, r.staff.ID); err != nil {
		return err
	}
	if err := r.toast(r.t("customer.claimed", map[string]any{"Name": c.Name}), false); err != nil {
		return err
	}
	c.OwnerID, c.OwnerName, c.OwnerTeamID = r.staff.ID, r.staff.DisplayName, r.staff.TeamID
	return b.showCard(r, c, true)
}
