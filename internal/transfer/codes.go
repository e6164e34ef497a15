package transfer

import (
	"fmt"
	"strings"
)

// Limits of an import.
const (
	// MaxFileBytes is the largest import file accepted (10 MiB): Telegram
	// lets a bot download up to 20 MB, and 10 MiB holds well over 100,000
	// customers.
	MaxFileBytes = 10 << 20
	// MaxRows is the most data rows one import takes.
	MaxRows = 200_000
	// maxIssues bounds the issues a report keeps (the counts stay exact).
	maxIssues = 1000
)

// Problem codes. File codes refuse the whole file; row codes reject a row.
const (
	CodeTooLarge    = "too_large"     // the file is over MaxFileBytes
	CodeNotUTF8     = "not_utf8"      // the file is not UTF-8 text
	CodeEmpty       = "empty"         // no header row
	CodeNoRows      = "no_rows"       // a header and nothing else
	CodeTooManyRows = "too_many_rows" // over MaxRows
	CodeBadHeader   = "bad_header"    // an unknown or repeated column, or no name column
	CodeBadCSV      = "bad_csv"       // broken quoting
	CodeFormula     = "formula"       // a cell that a spreadsheet would run as a formula: the file is refused

	CodeCells          = "cells"           // more cells than the header has columns
	CodeNameMissing    = "name_missing"    // no name
	CodeTooLong        = "too_long"        // a field over its length limit
	CodePhoneInvalid   = "phone_invalid"   // not a phone number
	CodeTooManyPhones  = "too_many_phones" // more than crm.MaxCustomerPh phones (with the merge)
	CodeTagInvalid     = "tag_invalid"     // too many tags or one too long
	CodeOwnerUnknown   = "owner_unknown"   // no active staff member by that username or id
	CodeOwnerForbidden = "owner_forbidden" // the importer may not give customers to that owner
	CodeStageUnknown   = "stage_unknown"   // no live stage of the active pipeline by that key or name
	CodePhoneConflict  = "phone_conflict"  // the phones belong to two different customers
	CodeNotYours       = "not_yours"       // the phone belongs to a customer the importer may not change
)

// FileCodes are the codes that refuse a whole file, in the order the
// reader checks them.
var FileCodes = []string{CodeTooLarge, CodeNotUTF8, CodeEmpty, CodeNoRows, CodeTooManyRows, CodeBadHeader, CodeBadCSV, CodeFormula}

// RowCodes are the codes that reject one row.
var RowCodes = []string{CodeCells, CodeNameMissing, CodeTooLong, CodePhoneInvalid, CodeTooManyPhones, CodeTagInvalid,
	CodeOwnerUnknown, CodeOwnerForbidden, CodeStageUnknown, CodePhoneConflict, CodeNotYours}

// english are the CLI's words for each code.
var english = map[string]string{
	CodeTooLarge:       "the file is larger than the 10 MiB limit",
	CodeNotUTF8:        "the file is not UTF-8 text (save it as \"CSV UTF-8\")",
	CodeEmpty:          "the file is empty: the first row must name the columns",
	CodeNoRows:         "the file has a header row and no customers",
	CodeTooManyRows:    "the file has more than 200,000 rows",
	CodeBadHeader:      "the header row is not right",
	CodeBadCSV:         "the file is not valid CSV (a quote is not closed)",
	CodeFormula:        "a cell starts like a spreadsheet formula (=, +, -, @): nothing was imported",
	CodeCells:          "more cells than columns",
	CodeNameMissing:    "the name is empty",
	CodeTooLong:        "a value is too long",
	CodePhoneInvalid:   "not a valid phone number",
	CodeTooManyPhones:  "more than 5 phones for one customer",
	CodeTagInvalid:     "too many tags, or a tag longer than 40 characters",
	CodeOwnerUnknown:   "no active staff member with that username or id",
	CodeOwnerForbidden: "you may not give customers to that owner",
	CodeStageUnknown:   "no such stage in the active pipeline",
	CodePhoneConflict:  "the phones belong to two different customers",
	CodeNotYours:       "the phone belongs to a customer you may not change",
}

// English returns the CLI's sentence for code.
func English(code string) string {
	if s, ok := english[code]; ok {
		return s
	}
	return code
}

// Issue is one problem of a file: its 1-based line (0 for the file as a
// whole), a code, and the column it is in when that helps.
type Issue struct {
	Line   int
	Code   string
	Column string
}

// String is the issue in English, as the CLI prints it.
func (i Issue) String() string {
	var b strings.Builder
	if i.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", i.Line)
	}
	if i.Column != "" {
		fmt.Fprintf(&b, "%s: ", i.Column)
	}
	b.WriteString(English(i.Code))
	return b.String()
}

// FileError refuses a whole file: nothing of it is imported. Issues lists
// the cells at fault when there are several (every formula cell).
type FileError struct {
	Code   string
	Column string // the offending column of a bad header
	Issues []Issue
}

func (e *FileError) Error() string {
	s := "import refused: " + English(e.Code)
	if e.Column != "" {
		s += ": " + e.Column
	}
	return s
}
