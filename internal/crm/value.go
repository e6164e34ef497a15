package crm

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// PurchaseKind tells a quote (pre-invoice, پیش‌فاکتور) from an invoice
// (فاکتور): a quote records interest, an invoice the final decision
// (DOMAIN.md §4).
type PurchaseKind string

// Purchase kinds.
const (
	KindQuote   PurchaseKind = "quote"
	KindInvoice PurchaseKind = "invoice"
)

// Purchase statuses (migration 001). A quote is sent, then accepted when
// it becomes an invoice; an invoice is sent or paid. Cancelled and
// rejected documents count for nothing.
const (
	PurchaseDraft     = "draft"
	PurchaseSent      = "sent"
	PurchaseAccepted  = "accepted"
	PurchaseRejected  = "rejected"
	PurchasePaid      = "paid"
	PurchaseCancelled = "cancelled"
)

// PurchaseItem is a line of a purchase: a product (or tag) and how many.
type PurchaseItem struct {
	SKU       string `json:"sku,omitempty"`
	Name      string `json:"name"`
	Qty       int    `json:"qty"`
	UnitPrice int64  `json:"unit_price,omitempty"` // whole units of the purchase's currency
}

// Purchase is a quote or an invoice of a customer. Amount is in minor
// units of Currency (format.CurrencyDigits: whole rials, cents of a dollar).
type Purchase struct {
	ID         int64
	CustomerID int64
	Kind       PurchaseKind
	Number     string
	Amount     int64
	Currency   string
	Items      []PurchaseItem
	Status     string
	QuoteID    int64 // the quote an invoice came from; 0: none
	InvoiceID  int64 // for a quote: the invoice it became; 0: none yet
	IssuedAt   time.Time
	CreatedBy  int64
}

// Counts reports whether p counts towards a customer's value: an invoice
// that was not cancelled.
func (p Purchase) Counts() bool { return p.Kind == KindInvoice && p.Status != PurchaseCancelled }

// Convertible reports whether p is a quote that may become an invoice.
func (p Purchase) Convertible() bool {
	return p.Kind == KindQuote && p.InvoiceID == 0 && p.Status != PurchaseRejected && p.Status != PurchaseCancelled
}

// Currencies are the currencies offered, the usual ones of the product's
// users first. Any ISO 4217 code of three capitals is accepted.
var Currencies = []string{"IRR", "IRT", "AED", "SAR", "USD", "EUR", "QAR", "KWD", "TRY"}

// Purchase limits.
const (
	MaxPurchaseItems = 20
	MaxAmountMinor   = int64(1e17) // numeric(20,2) holds 18 integer digits
)

// ValidCurrency reports whether code is three capital Latin letters.
func ValidCurrency(code string) bool {
	if len(code) != 3 {
		return false
	}
	for _, r := range code {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// Validate checks a purchase before it is stored.
func (p *Purchase) Validate() error {
	p.Number = strings.TrimSpace(p.Number)
	switch {
	case p.CustomerID == 0:
		return Errorf(EInvalid, "no customer")
	case p.Kind != KindQuote && p.Kind != KindInvoice:
		return Errorf(EInvalid, "kind %q", p.Kind)
	case p.Amount <= 0 || p.Amount > MaxAmountMinor:
		return Errorf(EInvalid, "amount %d", p.Amount)
	case !ValidCurrency(p.Currency):
		return Errorf(EInvalid, "currency %q", p.Currency)
	case len(p.Items) > MaxPurchaseItems:
		return Errorf(EInvalid, "too many items")
	case p.IssuedAt.IsZero():
		return Errorf(EInvalid, "no date")
	case utf8.RuneCountInString(p.Number) > 40:
		return Errorf(EInvalid, "number is too long")
	}
	for _, it := range p.Items {
		if strings.TrimSpace(it.Name) == "" || utf8.RuneCountInString(it.Name) > MaxTagLen || it.Qty < 1 {
			return Errorf(EInvalid, "item %q", it.Name)
		}
	}
	return nil
}

// ParseAmount reads an amount typed in any digits (Latin, Persian ۰–۹,
// Arabic-Indic ٠–٩), with or without grouping separators (",", "٬", "،",
// "'", spaces, or dots as in 1.250.000), and a decimal separator ("." or
// "٫") when the currency has minor units. It returns minor units of a
// currency with digits minor-unit digits. Anything else, a zero amount
// or more fraction digits than the currency has is EInvalid.
//
//	ParseAmount("۱٬۲۵۰٬۰۰۰", 0) = 1250000
//	ParseAmount("1,234.5", 2)  = 123450
//	ParseAmount("١٢٣٫٤٥", 2)   = 12345
func ParseAmount(s string, digits int) (int64, error) {
	bad := Errorf(EInvalid, "amount %q", s)
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		if d, ok := digitValue(r); ok {
			b.WriteByte(byte('0' + d))
			continue
		}
		switch {
		case r == ',' || r == '٬' || r == '،' || r == '\'' || r == '_' || unicode.IsSpace(r):
		case r == '.' || r == '٫':
			b.WriteByte('.')
		default:
			return 0, bad
		}
	}
	parts := strings.Split(b.String(), ".")
	whole, frac := parts[0], ""
	switch {
	case len(parts) > 2 || (len(parts) == 2 && digits == 0 && len(parts[1]) == 3):
		// Dots as grouping: "1.250.000", or "1.250" of a currency without
		// minor units.
		for _, g := range parts[1:] {
			if len(g) != 3 {
				return 0, bad
			}
			whole += g
		}
	case len(parts) == 2:
		frac = strings.TrimRight(parts[1], "0")
	}
	if whole == "" && frac == "" || len(frac) > digits {
		return 0, bad
	}
	frac += strings.Repeat("0", digits-len(frac))
	var n int64
	for _, c := range whole + frac {
		if n > MaxAmountMinor/10 {
			return 0, bad
		}
		n = n*10 + int64(c-'0')
	}
	if n <= 0 || n > MaxAmountMinor {
		return 0, bad
	}
	return n, nil
}

// digitValue reads a Latin, Persian or Arabic-Indic digit.
func digitValue(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= '۰' && r <= '۹':
		return int(r - '۰'), true
	case r >= '٠' && r <= '٩':
		return int(r - '٠'), true
	}
	return 0, false
}
