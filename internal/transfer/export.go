package transfer

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// Writer writes an Excel-friendly CSV: a UTF-8 byte order mark (so Excel
// reads Persian and Arabic right), CRLF line ends, and every cell escaped
// against formula injection.
type Writer struct {
	w   *csv.Writer
	bom bool
	out io.Writer
}

// NewWriter returns a Writer to w; the BOM is written with the first row.
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{w: cw, out: w}
}

// Write writes one row, each cell escaped.
func (w *Writer) Write(cells []string) error {
	if !w.bom {
		w.bom = true
		if _, err := w.out.Write(bom); err != nil {
			return err
		}
	}
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = Escape(c)
	}
	return w.w.Write(row)
}

// Flush writes what is buffered and returns the first error of any write.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// CustomerHeader is the header of a customer export: the import columns
// (so the file imports back) and a few that an import skips.
var CustomerHeader = []string{"id", ColName, ColPhone, ColCompany, ColJobTitle, ColIndustry, ColCity, ColSource, ColTags,
	ColOwner, "owner_name", ColStage, "stage_name", ColNotes, "created_at", "last_contact_at"}

// ExportCustomer is one customer as an export writes it.
type ExportCustomer struct {
	ID                                               int64
	Name                                             string
	Phones                                           []string
	Company, JobTitle, Industry, City, Source, Notes string
	Tags                                             []string
	OwnerID                                          int64
	OwnerUsername, OwnerName, StageKey, StageName    string
	CreatedAt, LastContactAt                         time.Time
}

// Cells is the customer's row under CustomerHeader. The owner is their
// username when they have one, else their staff id; times are UTC.
func (c ExportCustomer) Cells() []string {
	owner := c.OwnerUsername
	if owner == "" && c.OwnerID != 0 {
		owner = strconv.FormatInt(c.OwnerID, 10)
	}
	return []string{strconv.FormatInt(c.ID, 10), c.Name, strings.Join(c.Phones, "; "), c.Company, c.JobTitle, c.Industry,
		c.City, c.Source, strings.Join(c.Tags, "; "), owner, c.OwnerName, c.StageKey, c.StageName, c.Notes,
		timeCell(c.CreatedAt), timeCell(c.LastContactAt)}
}

// ActivityHeader is the header of an activity export.
var ActivityHeader = []string{"id", "customer_id", "customer_name", "staff", "kind", "outcome", "duration_seconds", "note", "occurred_at"}

// ExportActivity is one activity as an export writes it.
type ExportActivity struct {
	ID, CustomerID            int64
	CustomerName, Staff, Kind string
	Outcome, Note             string
	DurationSeconds           int
	OccurredAt                time.Time
}

// Cells is the activity's row under ActivityHeader.
func (a ExportActivity) Cells() []string {
	d := ""
	if a.DurationSeconds > 0 {
		d = strconv.Itoa(a.DurationSeconds)
	}
	return []string{strconv.FormatInt(a.ID, 10), strconv.FormatInt(a.CustomerID, 10), a.CustomerName, a.Staff, a.Kind,
		a.Outcome, d, a.Note, timeCell(a.OccurredAt)}
}

// timeCell writes t as Excel reads a date and time ("2026-11-22 09:00:00"),
// in UTC; a zero time is an empty cell.
func timeCell(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// Scope is which customers (and their activities) an export holds.
type Scope struct {
	All     bool  // every customer: an admin, or the command line
	OwnerID int64 // the customers this staff member owns
	TeamID  int64 // and, when set, those owned by this team's members
}

// ScopeFor is what staff member s may export: an admin every customer, a
// manager their own and their team's, a rep their own. The unassigned
// pool is left out of a rep's and a manager's export (it is nobody's list).
func ScopeFor(s crm.Staff) Scope {
	switch {
	case !s.Active:
		return Scope{OwnerID: -1}
	case s.Role == crm.RoleAdmin:
		return Scope{All: true}
	case s.Role == crm.RoleManager:
		return Scope{OwnerID: s.ID, TeamID: s.TeamID}
	}
	return Scope{OwnerID: s.ID}
}
