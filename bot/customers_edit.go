package bot

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// Callback codes of the card's "more" menu and its edits.
const (
	actEditMenu     = "ce"  // ce:<customer>: the editable fields
	actEditField    = "cf"  // cf:<customer>:<field>: type a new value
	actClearField   = "cz"  // cz:<customer>:<field>: empty an optional field
	actPhones       = "cp"  // cp:<customer>: list, add and remove phones
	actPhoneAdd     = "cpa" // cpa:<customer>
	actPhoneRemove  = "cpr" // cpr:<customer>:<e164 digits>
	actTags         = "ct"  // ct:<customer>: list, add and remove tags
	actTagAdd       = "cta" // cta:<customer>
	actTagRemove    = "ctr" // ctr:<customer>:<index>
	actPersonality  = "cy"  // cy:<customer>: the 16 types
	actSetPersona   = "cys" // cys:<customer>:<type or ->
	actRelationship = "cr"  // cr:<customer>: the five levels
	actSetRelation  = "crs" // crs:<customer>:<0-5>
	actReassign     = "ca"  // ca:<customer>: who may own it
	actAssignTo     = "cas" // cas:<customer>:<staff or 0 for the pool>
)

// editFields are the typed fields, by their one-letter code.
var editFields = []struct{ code, name string }{
	{"n", "name"}, {"c", "company"}, {"j", "job_title"}, {"i", "industry"}, {"t", "city"}, {"s", "source"},
}

func fieldName(code string) (string, bool) {
	for _, f := range editFields {
		if f.code == code {
			return f.name, true
		}
	}
	return "", false
}

// routesCustomerEdits registers the "more" menu and what it leads to.
func (b *Bot) routesCustomerEdits() {
	b.action(actMore, b.editable(b.showMore))
	b.action(actEditMenu, b.editable(b.showEditMenu))
	b.action(actEditField, b.editable(b.onEditField))
	b.action(actClearField, b.editable(b.onClearField))
	b.action(actPhones, b.editable(b.showPhones))
	b.action(actPhoneAdd, b.editable(func(r *req, c crm.Customer, _ []string) error { return b.askField(r, c, "phone") }))
	b.action(actPhoneRemove, b.editable(b.onPhoneRemove))
	b.action(actTags, b.editable(b.showTags))
	b.action(actTagAdd, b.editable(func(r *req, c crm.Customer, _ []string) error { return b.askField(r, c, "tags") }))
	b.action(actTagRemove, b.editable(b.onTagRemove))
	b.action(actPersonality, b.editable(b.showPersonality))
	b.action(actSetPersona, b.editable(b.onSetPersonality))
	b.action(actRelationship, b.editable(b.showRelationship))
	b.action(actSetRelation, b.editable(b.onSetRelationship))
	b.action(actReassign, b.editable(b.showReassign))
	b.action(actAssignTo, b.editable(b.onAssignTo))
	b.flow(flowEditField, b.editFieldStep)
}

// editable wraps an action on a customer the user must be allowed to
// change: the customer is reloaded and checked on every press.
func (b *Bot) editable(h func(r *req, c crm.Customer, args []string) error) actionFunc {
	return func(r *req, args []string) error {
		c, err := r.customerFor(args, true)
		if err != nil {
			return err
		}
		return h(r, c, args[1:])
	}
}

func backToCard(r *req, c crm.Customer) []models.InlineKeyboardButton {
	return []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actCard, id(c.ID)))}
}

func backToMore(r *req, c crm.Customer) []models.InlineKeyboardButton {
	return []models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actMore, id(c.ID)))}
}

func (b *Bot) showMore(r *req, c crm.Customer, _ []string) error {
	cid := id(c.ID)
	rows := [][]models.InlineKeyboardButton{
		{ib(r.t("card.btn.edit", nil), cb(actEditMenu, cid)), ib(r.t("card.btn.phones", nil), cb(actPhones, cid))},
		{ib(r.t("card.btn.tags", nil), cb(actTags, cid)), ib(r.t("card.btn.dates", nil), cb(actDates, cid))},
		{ib(r.t("card.btn.personality", nil), cb(actPersonality, cid)), ib(r.t("card.btn.relationship", nil), cb(actRelationship, cid))},
		{ib(r.t("qual.btn.card", nil), cb(actQualify, cid)), ib(r.t("interest.btn.card", nil), cb(actInterests, cid))},
	}
	if r.staff.Role != crm.RoleRep {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("card.btn.reassign", nil), cb(actReassign, cid))})
	}
	rows = append(rows, backToCard(r, c))
	return r.edit(r.t("card.more", map[string]any{"Name": esc(c.Name)}), ikm(rows...))
}

func (b *Bot) showEditMenu(r *req, c crm.Customer, _ []string) error {
	var btns []models.InlineKeyboardButton
	for _, f := range editFields {
		btns = append(btns, ib(r.t("customer.field."+f.name, nil), cb(actEditField, id(c.ID), f.code)))
	}
	rows := append(inlineRows(2, btns...), backToMore(r, c))
	return r.edit(r.t("customer.edit_which", map[string]any{"Name": esc(c.Name)}), ikm(rows...))
}

func (b *Bot) onEditField(r *req, c crm.Customer, args []string) error {
	if len(args) != 1 {
		return crm.Errorf(crm.EStale, "no field")
	}
	name, ok := fieldName(args[0])
	if !ok {
		return crm.Errorf(crm.EStale, "field %q", args[0])
	}
	return b.askField(r, c, name)
}

// askField starts typing a new value for field of c.
func (b *Bot) askField(r *req, c crm.Customer, field string) error {
	if err := r.setState(flowEditField, field, flowMap(flowBase{Customer: flowID(c.ID)})); err != nil {
		return err
	}
	var kb *models.InlineKeyboardMarkup
	for _, f := range editFields {
		if f.name == field && field != "name" {
			kb = ikm([]models.InlineKeyboardButton{ib(r.t("customer.btn.clear", nil), cb(actClearField, id(c.ID), f.code))})
		}
	}
	prompt := r.t("customer.ask_field", map[string]any{"Field": r.t("customer.field."+field, nil), "Current": esc(fieldValue(c, field))})
	switch field {
	case "phone":
		prompt = r.t("customer.ask_phone_add", nil)
	case "tags":
		prompt = r.t("customer.ask_tags", nil)
	}
	if err := r.finish(); err != nil {
		return err
	}
	return r.send(prompt, kb)
}

// fieldValue returns a typed field's value, or a dash when empty.
func fieldValue(c crm.Customer, field string) string {
	v := map[string]string{"name": c.Name, "company": c.Company, "job_title": c.JobTitle, "industry": c.Industry, "city": c.City, "source": c.Source}[field]
	if v == "" {
		return "—"
	}
	return v
}

// setField sets a typed field; false for an unknown field.
func setField(c *crm.Customer, field, v string) bool {
	switch field {
	case "name":
		c.Name = v
	case "company":
		c.Company = v
	case "job_title":
		c.JobTitle = v
	case "industry":
		c.Industry = v
	case "city":
		c.City = v
	case "source":
		c.Source = v
	default:
		return false
	}
	return true
}

// editFieldStep takes a typed value: the customer is reloaded and
// re-checked, as it may have changed hands since the question.
func (b *Bot) editFieldStep(r *req, st *State) error {
	cid := int64(loadFlow[flowBase](st).Customer)
	ok := cid != 0
	if !ok {
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
	case "phone":
		return b.addPhone(r, c, text)
	case "tags":
		return b.addTags(r, c, text)
	}
	if text == "" || utf8.RuneCountInString(text) > crm.MaxFieldLen || !setField(&c, st.Step, text) {
		return r.send(r.t("customer.too_long", nil), nil)
	}
	if err := b.customers.UpdateCustomer(r.ctx, c, r.staff.ID); err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	return b.showCard(r, c, false)
}

func (b *Bot) onClearField(r *req, c crm.Customer, args []string) error {
	name, ok := "", len(args) == 1
	if ok {
		name, ok = fieldName(args[0])
	}
	if !ok || name == "name" {
		return crm.Errorf(crm.EStale, "field")
	}
	setField(&c, name, "")
	if err := b.customers.UpdateCustomer(r.ctx, c, r.staff.ID); err != nil {
		return err
	}
	if st, err := r.state(); err != nil {
		return err
	} else if st != nil && st.Flow == flowEditField {
		if err := r.clearState(); err != nil {
			return err
		}
	}
	return b.showCard(r, c, true)
}

func (b *Bot) addPhone(r *req, c crm.Customer, text string) error {
	var p string
	var err error
	if r.msg.Contact != nil {
		text = r.msg.Contact.PhoneNumber
	}
	if p, err = textnorm.Phone(text, b.d.PhoneRegion); err != nil {
		return r.send(r.t("customer.bad_phone", nil), nil)
	}
	if err := r.clearState(); err != nil {
		return err
	}
	err = b.customers.AddCustomerPhone(r.ctx, c.ID, p, r.staff.ID)
	if crm.IsCode(err, crm.EDuplicatePhone) {
		return b.duplicateReply(r, err)
	}
	if err != nil {
		return err
	}
	c, err = b.customers.Customer(r.ctx, c.ID)
	if err != nil {
		return err
	}
	return b.showCard(r, c, false)
}

// splitTags splits typed tags on commas (Latin or Arabic) and new lines.
func splitTags(s string) []string {
	f := func(r rune) bool { return r == ',' || r == '،' || r == '\n' || r == '#' }
	var out []string
	for _, t := range strings.FieldsFunc(s, f) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func (b *Bot) addTags(r *req, c crm.Customer, text string) error {
	for _, t := range splitTags(text) {
		if utf8.RuneCountInString(t) > crm.MaxTagLen {
			return r.send(r.t("customer.too_long", nil), nil)
		}
		if !slices.ContainsFunc(c.Tags, func(x string) bool { return textnorm.Fold(x) == textnorm.Fold(t) }) {
			c.Tags = append(c.Tags, t)
		}
	}
	if err := b.customers.UpdateCustomer(r.ctx, c, r.staff.ID); err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	return b.showCard(r, c, false)
}

func (b *Bot) showPhones(r *req, c crm.Customer, _ []string) error {
	var rows [][]models.InlineKeyboardButton
	for _, p := range c.Phones {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("customer.btn.remove", map[string]any{"Value": p}), cb(actPhoneRemove, id(c.ID), strings.TrimPrefix(p, "+")))})
	}
	if len(c.Phones) < crm.MaxCustomerPh {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("customer.btn.add_phone", nil), cb(actPhoneAdd, id(c.ID)))})
	}
	rows = append(rows, backToMore(r, c))
	return r.edit(r.n("customer.phones", len(c.Phones), map[string]any{"Name": esc(c.Name)}), ikm(rows...))
}

func (b *Bot) onPhoneRemove(r *req, c crm.Customer, args []string) error {
	if len(args) != 1 || !slices.Contains(c.Phones, "+"+args[0]) {
		return crm.Errorf(crm.EStale, "no such phone")
	}
	if err := b.customers.RemoveCustomerPhone(r.ctx, c.ID, "+"+args[0], r.staff.ID); err != nil {
		return err
	}
	c.Phones = slices.DeleteFunc(c.Phones, func(p string) bool { return p == "+"+args[0] })
	return b.showPhones(r, c, nil)
}

func (b *Bot) showTags(r *req, c crm.Customer, _ []string) error {
	var btns []models.InlineKeyboardButton
	for i, t := range c.Tags {
		btns = append(btns, ib(r.t("customer.btn.remove", map[string]any{"Value": clipRunes(t, 20)}), cb(actTagRemove, id(c.ID), strconv.Itoa(i))))
	}
	rows := inlineRows(2, btns...)
	if len(c.Tags) < crm.MaxTags {
		rows = append(rows, []models.InlineKeyboardButton{ib(r.t("customer.btn.add_tags", nil), cb(actTagAdd, id(c.ID)))})
	}
	rows = append(rows, backToMore(r, c))
	return r.edit(r.n("customer.tags", len(c.Tags), map[string]any{"Name": esc(c.Name)}), ikm(rows...))
}

func (b *Bot) onTagRemove(r *req, c crm.Customer, args []string) error {
	i, ok := argInt(args, 0)
	if !ok || i < 0 || i >= len(c.Tags) {
		return crm.Errorf(crm.EStale, "no such tag")
	}
	c.Tags = slices.Delete(c.Tags, i, i+1)
	if err := b.customers.UpdateCustomer(r.ctx, c, r.staff.ID); err != nil {
		return err
	}
	return b.showTags(r, c, nil)
}
