package crm

import (
	"errors"
	"fmt"
)

// Error codes. The bot maps each to a localized sentence (message ID
// "error.<code>"); only EInternal is logged.
const (
	EInternal       = "internal"
	ENotFound       = "not_found"
	EForbidden      = "forbidden"
	EInvalid        = "invalid_input"
	EConflict       = "conflict"
	EStale          = "stale_button"
	EReasonRequired = "reason_required"
	EInviteInvalid  = "invite_invalid"
	EDuplicatePhone = "duplicate_phone"
)

// Error is a domain error with a code and a safe, developer-facing message.
type Error struct {
	Code    string
	Message string
	// ID is the entity an error refers to, when useful to the caller (for
	// EDuplicatePhone: the existing customer's ID).
	ID int64
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "crm: " + e.Code
	}
	return fmt.Sprintf("crm: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// IsCode reports whether err carries code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }
