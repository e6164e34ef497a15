package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/telecrm/crmbot/internal/crm"
)

// wrap maps database errors to domain codes and adds context: no rows is
// crm.ENotFound, a unique violation crm.EConflict, a check or foreign key
// violation crm.EInvalid. Use it as `defer wrap(&err, "what")`.
func wrap(errp *error, what string) {
	err := *errp
	if err == nil {
		return
	}
	var ce *crm.Error
	if errors.As(err, &ce) {
		return
	}
	if errors.Is(err, pgx.ErrNoRows) {
		*errp = &crm.Error{Code: crm.ENotFound, Message: what}
		return
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			*errp = &crm.Error{Code: crm.EConflict, Message: what + ": " + pe.ConstraintName}
			return
		case "23514", "23503", "22001", "22P02":
			*errp = &crm.Error{Code: crm.EInvalid, Message: what + ": " + pe.Message}
			return
		}
	}
	*errp = fmt.Errorf("%s: %w", what, err)
}
