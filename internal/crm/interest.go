package crm

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Interest is something a customer buys or wants regularly, with its
// usual quantity and period (seed 001: know each customer's preferred
// products, quantities and purchase times): "A4 paper: 20 boxes a month".
// Its name is also one of the customer's tags while it exists, so a
// segment on tags finds it.
type Interest struct {
	ID         int64
	CustomerID int64
	Name       string
	Quantity   int    // 0: not said
	Unit       string // what the quantity counts ("boxes"); optional
	Period     string // one of Periods; "" not said
	CreatedAt  time.Time
}

// Periods an interest recurs in, shortest first.
var Periods = []string{"week", "month", "quarter", "year"}

// MaxInterests bounds a customer's interests (each is also a tag).
const MaxInterests = 15

// MaxQuantity bounds a typed quantity.
const MaxQuantity = 1_000_000_000

// Validate checks an interest before it is stored.
func (i *Interest) Validate() error {
	i.Name, i.Unit = strings.TrimSpace(i.Name), strings.TrimSpace(i.Unit)
	switch {
	case i.CustomerID == 0:
		return Errorf(EInvalid, "no customer")
	case i.Name == "" || utf8.RuneCountInString(i.Name) > MaxTagLen:
		return Errorf(EInvalid, "interest name %q", i.Name)
	case i.Quantity < 0 || i.Quantity > MaxQuantity:
		return Errorf(EInvalid, "quantity %d", i.Quantity)
	case utf8.RuneCountInString(i.Unit) > MaxTagLen:
		return Errorf(EInvalid, "unit is too long")
	case i.Period != "" && !contains(Periods, i.Period):
		return Errorf(EInvalid, "period %q", i.Period)
	}
	return nil
}

// ParseQuantity reads a typed quantity: a whole number in any digits
// (Latin, Persian, Arabic-Indic; grouping separators allowed) and an
// optional unit after it, "20 boxes", "۲۰ کارتن", "٢٠ علبة". Anything
// else (no number, zero, a fraction, a number too large) is EInvalid.
func ParseQuantity(s string) (qty int, unit string, err error) {
	s = strings.TrimSpace(s)
	bad := Errorf(EInvalid, "quantity %q", s)
	n, i := 0, 0
	digits := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if d, ok := digitValue(r); ok {
			if n > MaxQuantity/10 {
				return 0, "", bad
			}
			n = n*10 + d
			digits++
		} else if !(digits > 0 && (r == ',' || r == '٬' || r == '،')) {
			break
		}
		i += size
	}
	rest := strings.TrimSpace(s[i:])
	if digits == 0 || n <= 0 || n > MaxQuantity {
		return 0, "", bad
	}
	if rest != "" {
		if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLetter(r) || utf8.RuneCountInString(rest) > MaxTagLen {
			return 0, "", bad // "2.5", "3/4", a number with junk after it
		}
	}
	return n, rest, nil
}
