package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/when"
)

// PurchaseStore is what purchases, customer value and ladder automation
// ask of the database.
type PurchaseStore interface {
	// AddPurchase returns crm.EInvalid for a purchase that fails Validate.
	AddPurchase(ctx context.Context, p crm.Purchase, by int64) (crm.Purchase, error)
	// Purchase returns crm.ENotFound for an unknown purchase.
	Purchase(ctx context.Context, id int64) (crm.Purchase, error)
	// Purchases returns a customer's latest purchases and how many there are.
	Purchases(ctx context.Context, customerID int64, limit int) ([]crm.Purchase, int, error)
	// ConvertQuote returns crm.EConflict for a quote already converted or rejected.
	ConvertQuote(ctx context.Context, quoteID int64, at time.Time, by int64) (crm.Purchase, error)
	InvoiceTimes(ctx context.Context, customerID int64) ([]time.Time, error)
	CustomerValue(ctx context.Context, customerID int64, p crm.ValuePolicy, now time.Time) (crm.Value, error)
	ValuePolicy(ctx context.Context, locale string) (crm.ValuePolicy, error)
	SetValuePolicy(ctx context.Context, p crm.ValuePolicy, by int64) error
	Stage(ctx context.Context, id int64) (crm.Stage, error)
	PipelineStages(ctx context.Context, template string) ([]crm.Stage, error)
	MoveCustomerStage(ctx context.Context, m crm.StageMove, by int64, at time.Time) error
}

// Flows and callback codes of purchases (all "b…").
const (
	flowPurchase = "buy.new" // steps: amount → items → date

	actPurchases    = "bp" // bp:<customer>: the customer's quotes and invoices
	actNewQuote     = "bq" // bq:<customer>
	actNewInvoice   = "bi" // bi:<customer>
	actPurchaseCur  = "bc" // bc:<customer>:<currency>: the currency of the purchase being entered
	actPurchaseSkip = "bk" // bk:<customer>: no items
	actPurchaseDay  = "bt" // bt:<customer>:<days ago>: dated today (0) or yesterday (1)
	actConvert      = "bv" // bv:<quote>: the quote becomes an invoice
)

// maxListedPurchases bounds the purchases one screen lists.
const maxListedPurchases = 8

// purchaseFlow is the state of entering a quote or an invoice.
type purchaseFlow struct {
	flowBase
	Kind     string `json:"k,omitempty"`  // "q" quote, "i" invoice
	Currency string `json:"cu,omitempty"` // ISO code
	Amount   string `json:"a,omitempty"`  // minor units, decimal
	Items    string `json:"it,omitempty"` // the items as typed
}

// routesPurchases registers purchases, the value shown on the card and
// the admin's value settings.
func (b *Bot) routesPurchases() {
	b.action(actPurchases, b.editable(b.showPurchases))
	b.action(actNewQuote, b.editable(func(r *req, c crm.Customer, _ []string) error { return b.startPurchase(r, c, "q") }))
	b.action(actNewInvoice, b.editable(func(r *req, c crm.Customer, _ []string) error { return b.startPurchase(r, c, "i") }))
	b.action(actPurchaseCur, b.editable(b.onPurchaseCurrency))
	b.action(actPurchaseSkip, b.editable(b.onPurchaseSkip))
	b.action(actPurchaseDay, b.editable(b.onPurchaseDay))
	b.action(actConvert, b.onConvert)
	b.flow(flowPurchase, b.purchaseStep)
	b.routesValueSettings()
}

// policy is the organisation's value policy.
func (b *Bot) policy(r *req) (crm.ValuePolicy, error) {
	return b.purchases.ValuePolicy(r.ctx, b.d.DefaultLocale)
}

// money writes minor units of currency in the reader's digits (the
// Localizer isolates it as a value in right-to-left text).
func (r *req) money(minor int64, currency string) string {
	return format.Money(r.lang(), minor, currency)
}

// showPurchases lists the customer's quotes and invoices, with a button
// per quote that may become an invoice.
func (b *Bot) showPurchases(r *req, c crm.Customer, _ []string) error {
	text, kb, err := b.purchasesScreen(r, c)
	if err != nil {
		return err
	}
	return r.edit(text, kb)
}

func (b *Bot) purchasesScreen(r *req, c crm.Customer) (string, *models.InlineKeyboardMarkup, error) {
	ps, total, err := b.purchases.Purchases(r.ctx, c.ID, maxListedPurchases)
	if err != nil {
		return "", nil, err
	}
	lines := []string{r.n("purchase.list_title", total, map[string]any{"Name": esc(c.Name)})}
	var rows [][]models.InlineKeyboardButton
	for _, p := range ps {
		lines = append(lines, r.purchaseLine(p))
		if p.Convertible() {
			label := r.t("purchase.btn.convert", map[string]any{"Amount": format.Money(r.lang(), p.Amount, p.Currency)})
			rows = append(rows, []models.InlineKeyboardButton{ib(label, cb(actConvert, id(p.ID)))})
		}
	}
	if total > len(ps) {
		lines = append(lines, r.n("purchase.more", total-len(ps), nil))
	}
	cid := id(c.ID)
	rows = append(rows,
		[]models.InlineKeyboardButton{ib(r.t("purchase.btn.new_quote", nil), cb(actNewQuote, cid)), ib(r.t("purchase.btn.new_invoice", nil), cb(actNewInvoice, cid))},
		backToCard(r, c))
	return joinWithin(lines, maxCardRunes), ikm(rows...), nil
}

// purchaseLine is one purchase: kind, amount, date, status and items.
func (r *req) purchaseLine(p crm.Purchase) string {
	var items []string
	for _, it := range p.Items {
		name := i18n.Isolate(r.lang(), esc(clipRunes(it.Name, 40)))
		if it.Qty > 1 {
			name = r.t("purchase.item_qty", map[string]any{"Name": name, "Qty": it.Qty})
		}
		items = append(items, name)
	}
	id := "purchase.line." + string(p.Kind)
	data := map[string]any{
		"Amount": r.money(p.Amount, p.Currency),
		"Date":   format.Date(r.lang(), r.cal(), p.IssuedAt.In(r.userLoc())),
		"Status": r.t("purchase.status."+p.Status, nil),
	}
	line := r.t(id, data)
	if len(items) > 0 {
		line += "\n" + r.t("purchase.items", map[string]any{"Items": strings.Join(items, r.t("card.list_sep", nil))})
	}
	return line
}

// startPurchase asks for the amount of a new quote ("q") or invoice ("i")
// in the organisation's default currency, offering the others.
func (b *Bot) startPurchase(r *req, c crm.Customer, kind string) error {
	p, err := b.policy(r)
	if err != nil {
		return err
	}
	pf := purchaseFlow{flowBase: flowBase{Customer: flowID(c.ID)}, Kind: kind, Currency: p.Currency}
	if err := r.setState(flowPurchase, "amount", flowMap(pf)); err != nil {
		return err
	}
	return r.show(b.amountPrompt(r, c, pf), currencyKeyboard(r, c, pf.Currency), r.cb != nil)
}

func (b *Bot) amountPrompt(r *req, c crm.Customer, pf purchaseFlow) string {
	example := format.Money(r.lang(), 1_250_000*pow10(format.CurrencyDigits(pf.Currency)), pf.Currency)
	return r.t("purchase.ask_amount."+pf.Kind, map[string]any{"Name": esc(c.Name), "Currency": r.currencyName(pf.Currency),
		"Example": example})
}

// currencyName is a currency as the reader calls it ("ریال", "AED").
func (r *req) currencyName(code string) string {
	s := strings.TrimSpace(strings.TrimLeft(format.Money(r.lang(), 0, code), "0123456789۰٠$€.,٫٬ "))
	if s == "" || r.lang() == "en" {
		s = code
	}
	return s
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// currencyKeyboard offers every currency, the chosen one marked.
func currencyKeyboard(r *req, c crm.Customer, chosen string) *models.InlineKeyboardMarkup {
	var btns []models.InlineKeyboardButton
	for _, cur := range crm.Currencies {
		btns = append(btns, ib(r.mark(cur, cur == chosen), cb(actPurchaseCur, id(c.ID), cur)))
	}
	return ikm(append(inlineRows(5, btns...), backToCard(r, c))...)
}

// activePurchase is the purchase being entered for c, or a stale-button
// error when the chat is in no such flow (a button of an older message).
func (r *req) activePurchase(c crm.Customer) (*State, purchaseFlow, error) {
	st, err := r.state()
	if err != nil {
		return nil, purchaseFlow{}, err
	}
	pf := loadFlow[purchaseFlow](st)
	if st == nil || st.Flow != flowPurchase || int64(pf.Customer) != c.ID {
		return nil, pf, crm.Errorf(crm.EStale, "no purchase in progress for %d", c.ID)
	}
	return st, pf, nil
}

func (b *Bot) onPurchaseCurrency(r *req, c crm.Customer, args []string) error {
	st, pf, err := r.activePurchase(c)
	if err != nil {
		return err
	}
	if len(args) != 1 || !slices.Contains(crm.Currencies, args[0]) || st.Step != "amount" {
		return crm.Errorf(crm.EStale, "currency")
	}
	pf.Currency = args[0]
	if err := r.setState(flowPurchase, "amount", flowMap(pf)); err != nil {
		return err
	}
	return r.edit(b.amountPrompt(r, c, pf), currencyKeyboard(r, c, pf.Currency))
}

// purchaseStep takes what the user typed at the step they are at.
func (b *Bot) purchaseStep(r *req, st *State) error {
	pf := loadFlow[purchaseFlow](st)
	c, err := r.customerByID(int64(pf.Customer), true)
	if err != nil {
		if cerr := r.clearState(); cerr != nil {
			return cerr
		}
		return err
	}
	text := strings.TrimSpace(r.msg.Text)
	switch st.Step {
	case "amount":
		minor, err := crm.ParseAmount(text, format.CurrencyDigits(pf.Currency))
		if err != nil {
			// What is expected, in the reader's digits; the flow stays.
			return r.send(r.t("purchase.bad_amount", map[string]any{
				"Example": format.Money(r.lang(), 1_250_000*pow10(format.CurrencyDigits(pf.Currency)), pf.Currency)}), currencyKeyboard(r, c, pf.Currency))
		}
		pf.Amount = strconv.FormatInt(minor, 10)
		if err := r.setState(flowPurchase, "items", flowMap(pf)); err != nil {
			return err
		}
		return r.send(r.t("purchase.ask_items", map[string]any{"Amount": r.money(minor, pf.Currency)}),
			ikm([]models.InlineKeyboardButton{ib(r.t("purchase.btn.no_items", nil), cb(actPurchaseSkip, id(c.ID)))}))
	case "items":
		if _, ok := parseItems(text); !ok {
			return r.send(r.t("purchase.bad_items", map[string]any{"Max": crm.MaxPurchaseItems, "Len": crm.MaxTagLen}), nil)
		}
		pf.Items = text
		return b.askPurchaseDate(r, c, pf, false)
	case "date":
		at, err := r.parsePastDate(text)
		if err != nil {
			return r.send(r.t("purchase.bad_date", nil), dayKeyboard(r, c))
		}
		return b.savePurchase(r, c, pf, at)
	}
	return r.clearState()
}

func (b *Bot) onPurchaseSkip(r *req, c crm.Customer, _ []string) error {
	st, pf, err := r.activePurchase(c)
	if err != nil {
		return err
	}
	if st.Step != "items" {
		return crm.Errorf(crm.EStale, "not at items")
	}
	pf.Items = ""
	return b.askPurchaseDate(r, c, pf, true)
}

func (b *Bot) askPurchaseDate(r *req, c crm.Customer, pf purchaseFlow, edit bool) error {
	if err := r.setState(flowPurchase, "date", flowMap(pf)); err != nil {
		return err
	}
	return r.show(r.t("purchase.ask_date", nil), dayKeyboard(r, c), edit)
}

func dayKeyboard(r *req, c crm.Customer) *models.InlineKeyboardMarkup {
	cid := id(c.ID)
	return ikm([]models.InlineKeyboardButton{ib(r.t("purchase.btn.today", nil), cb(actPurchaseDay, cid, "0")),
		ib(r.t("purchase.btn.yesterday", nil), cb(actPurchaseDay, cid, "1"))})
}

func (b *Bot) onPurchaseDay(r *req, c crm.Customer, args []string) error {
	st, pf, err := r.activePurchase(c)
	if err != nil {
		return err
	}
	ago, ok := argInt(args, 0)
	if !ok || (ago != 0 && ago != 1) || st.Step != "date" {
		return crm.Errorf(crm.EStale, "day")
	}
	at := r.sentAt()
	if ago == 1 {
		at = at.AddDate(0, 0, -1)
	}
	return b.savePurchase(r, c, pf, at)
}

// parsePastDate reads a purchase's date typed in any calendar and digits
// ("۱۴۰۵/۹/۱۰", "10 آذر", "2026-11-30", "today"): a date of the last two
// years, not after today.
func (r *req) parsePastDate(text string) (time.Time, error) {
	loc, now := r.userLoc(), r.now()
	opts := when.Options{Now: now, Loc: loc, Lang: r.lang(), Calendar: r.cal(), DefaultHour: 12}
	at, err := when.Parse(text, opts)
	if err != nil {
		// Past dates are what a purchase has: read the text as seen from
		// a year ago ("10 آذر" is then its latest past occurrence).
		opts.Now = now.AddDate(-1, 0, 0)
		at, err = when.Parse(text, opts)
		if err != nil {
			return at, err
		}
	}
	endOfToday := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 23, 59, 59, 0, loc)
	if at.After(endOfToday) {
		return at, crm.Errorf(crm.EInvalid, "purchase dated in the future")
	}
	return at, nil
}

// parseItems reads items typed as "espresso machine × 2, beans 10kg": the
// list is split on commas and new lines, a trailing "× n", "x n" or "* n"
// is the quantity. False when an item is too long or there are too many.
func parseItems(s string) ([]crm.PurchaseItem, bool) {
	var out []crm.PurchaseItem
	for _, piece := range splitTags(s) {
		name, qty := piece, 1
		if i := strings.LastIndexAny(piece, "x×*X"); i > 0 {
			if n, err := crm.ParseAmount(piece[i+utf8.RuneLen([]rune(piece[i:])[0]):], 0); err == nil && n < 100000 {
				name, qty = strings.TrimSpace(piece[:i]), int(n)
			}
		}
		if name == "" || utf8.RuneCountInString(name) > crm.MaxTagLen {
			return nil, false
		}
		out = append(out, crm.PurchaseItem{Name: name, Qty: qty})
	}
	return out, len(out) <= crm.MaxPurchaseItems
}

// savePurchase stores the purchase entered, ends the flow and shows the
// customer's purchases, with the ladder's move when an invoice calls for one.
func (b *Bot) savePurchase(r *req, c crm.Customer, pf purchaseFlow, at time.Time) error {
	minor, err := strconv.ParseInt(pf.Amount, 10, 64)
	if err != nil {
		if cerr := r.clearState(); cerr != nil {
			return cerr
		}
		return crm.Errorf(crm.EStale, "no amount")
	}
	items, _ := parseItems(pf.Items)
	kind := crm.KindQuote
	if pf.Kind == "i" {
		kind = crm.KindInvoice
	}
	p, err := b.purchases.AddPurchase(r.ctx, crm.Purchase{CustomerID: c.ID, Kind: kind, Amount: minor, Currency: pf.Currency,
		Items: items, Status: crm.PurchaseSent, IssuedAt: at}, r.staff.ID)
	if err != nil {
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	if err := r.send(r.t("purchase.saved."+string(kind), map[string]any{"Name": esc(c.Name), "Amount": r.money(p.Amount, p.Currency)}), nil); err != nil {
		return err
	}
	return b.afterInvoice(r, c, kind == crm.KindInvoice, false)
}

// onConvert turns a quote into an invoice, dated when the button was
// pressed. The quote's customer is reloaded and checked: the button may
// be forged or old.
func (b *Bot) onConvert(r *req, args []string) error {
	pid, ok := argID(args, 0)
	if !ok {
		return crm.Errorf(crm.EStale, "bad purchase id")
	}
	q, err := b.purchases.Purchase(r.ctx, pid)
	if err != nil {
		return err
	}
	c, err := r.customerByID(q.CustomerID, true)
	if err != nil {
		return err
	}
	if !q.Convertible() {
		return r.toast(r.t("purchase.already_converted", nil), false)
	}
	inv, err := b.purchases.ConvertQuote(r.ctx, q.ID, r.sentAt(), r.staff.ID)
	if err != nil {
		return err
	}
	if err := r.toast(r.t("purchase.converted", map[string]any{"Amount": format.Money(r.lang(), inv.Amount, inv.Currency)}), false); err != nil {
		return err
	}
	return b.afterInvoice(r, c, true, true)
}

// afterInvoice shows the purchases again and, after an invoice, moves the
// customer up the ladder (policy "apply") or offers the move ("suggest").
func (b *Bot) afterInvoice(r *req, c crm.Customer, invoice, edit bool) error {
	var note string
	var row []models.InlineKeyboardButton
	if invoice {
		var err error
		if c, note, row, err = b.ladder(r, c); err != nil {
			return err
		}
	}
	text, kb, err := b.purchasesScreen(r, c)
	if err != nil {
		return err
	}
	if note != "" {
		text = note + "\n\n" + text
	}
	if row != nil {
		kb.InlineKeyboard = append([][]models.InlineKeyboardButton{row}, kb.InlineKeyboard...)
	}
	return r.show(text, kb, edit)
}

// ladder applies or suggests the ladder move c's invoices call for: a
// sentence saying what happened (or is suggested) and the button of a
// suggested move.
func (b *Bot) ladder(r *req, c crm.Customer) (crm.Customer, string, []models.InlineKeyboardButton, error) {
	target, from, err := b.ladderTarget(r, c)
	if err != nil || target.ID == 0 {
		return c, "", nil, err
	}
	p, err := b.policy(r)
	if err != nil {
		return c, "", nil, err
	}
	data := map[string]any{"Name": esc(c.Name), "Stage": esc(target.Name(r.lang()))}
	if p.Ladder == crm.LadderApply {
		m := crm.StageMove{CustomerID: c.ID, From: from, To: target}
		if err := m.Validate(); err != nil {
			return c, "", nil, err
		}
		if err := b.purchases.MoveCustomerStage(r.ctx, m, r.staff.ID, r.sentAt()); err != nil {
			return c, "", nil, err
		}
		c.StageID = target.ID
		return c, r.t("purchase.ladder_moved", data), nil, nil
	}
	btn := ib(r.t("purchase.btn.ladder", map[string]any{"Stage": target.Name(r.lang())}), cb(actStageMove, id(c.ID), id(target.ID)))
	return c, r.t("purchase.ladder_suggest", data), []models.InlineKeyboardButton{btn}, nil
}

// ladderTarget is the ladder stage c's invoices call for (zero: none, or
// ladder automation is off, or c is not on the ladder) and c's stage.
func (b *Bot) ladderTarget(r *req, c crm.Customer) (crm.Stage, crm.Stage, error) {
	p, err := b.policy(r)
	if err != nil || p.Ladder == crm.LadderOff {
		return crm.Stage{}, crm.Stage{}, err
	}
	from, err := b.purchases.Stage(r.ctx, c.StageID)
	if err != nil || from.Template != crm.TemplateLadder {
		return crm.Stage{}, from, err
	}
	times, err := b.purchases.InvoiceTimes(r.ctx, c.ID)
	if err != nil {
		return crm.Stage{}, from, err
	}
	key := crm.LadderTarget(from.Key, times, time.Duration(p.ClientDays)*24*time.Hour)
	if key == "" {
		return crm.Stage{}, from, nil
	}
	stages, err := b.purchases.PipelineStages(r.ctx, crm.TemplateLadder)
	if err != nil {
		return crm.Stage{}, from, err
	}
	for _, s := range stages {
		if s.Key == key && !s.Archived {
			return s, from, nil
		}
	}
	return crm.Stage{}, from, nil
}
