package transfer

import (
	"sort"
	"strconv"
	"strings"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// Directory is what resolving owners and stages needs from the database:
// the staff (active or not) and the live stages of the active pipeline,
// the first of which new customers enter when the file names none.
type Directory struct {
	Staff  []crm.Staff
	Stages []crm.Stage
}

// Importer is who imports: a staff member from the bot, or the command
// line (CLI), which may do what an admin may. DefaultOwner owns the rows
// that name no owner (0: the unassigned pool); the bot sets the importer.
type Importer struct {
	Staff        crm.Staff
	CLI          bool
	DefaultOwner int64
}

// mayOwn reports whether the importer may give new customers to owner
// (0: the pool). Admins and the CLI give them to anyone active or the pool;
// a manager to themselves, their team or the pool; a rep only to
// themselves.
func (im Importer) mayOwn(owner crm.Staff, pool bool) bool {
	if im.CLI {
		return true
	}
	a := im.Staff
	if !a.Active {
		return false
	}
	switch a.Role {
	case crm.RoleAdmin:
		return true
	case crm.RoleManager:
		return pool || owner.ID == a.ID || (a.TeamID != 0 && owner.TeamID == a.TeamID)
	}
	return !pool && owner.ID == a.ID
}

// mayChange reports whether the importer may update existing customer c.
func (im Importer) mayChange(c crm.Customer) bool {
	if im.CLI {
		return true
	}
	return crm.CanEdit(im.Staff, c)
}

// Planned is a row with its owner and stage resolved; Target is the
// existing customer it updates (0: a new customer).
type Planned struct {
	Row
	OwnerID int64
	StageID int64
	Target  int64
	// NewPhones are the row's phones the target does not have yet.
	NewPhones []string
}

// Resolve finds each row's owner (a staff username, with or without "@",
// or a staff id) and stage (a key or a name in any language, letter forms
// and case folded), and checks the importer may give the row to that
// owner. Rows that fail come back as issues.
func Resolve(rows []Row, dir Directory, im Importer) ([]Planned, []Issue) {
	staffByName := map[string]crm.Staff{}
	staffByID := map[int64]crm.Staff{}
	for _, s := range dir.Staff {
		staffByID[s.ID] = s
		if s.Username != "" {
			staffByName[strings.ToLower(s.Username)] = s
		}
	}
	stages := map[string]int64{}
	for i := len(dir.Stages) - 1; i >= 0; i-- { // the earliest stage wins a shared name
		s := dir.Stages[i]
		if s.Archived {
			continue
		}
		stages[textnorm.Fold(s.Key)] = s.ID
		for _, n := range s.Names {
			stages[textnorm.Fold(n)] = s.ID
		}
	}
	var first int64
	for _, s := range dir.Stages {
		if !s.Archived {
			first = s.ID
			break
		}
	}
	var out []Planned
	var issues []Issue
	for _, r := range rows {
		p := Planned{Row: r, OwnerID: im.DefaultOwner, StageID: first}
		if r.Owner != "" {
			o, ok := lookupStaff(r.Owner, staffByName, staffByID)
			if !ok || !o.Active {
				issues = append(issues, Issue{Line: r.Line, Code: CodeOwnerUnknown, Column: ColOwner})
				continue
			}
			p.OwnerID = o.ID
		}
		if !im.mayOwn(staffByID[p.OwnerID], p.OwnerID == 0) {
			issues = append(issues, Issue{Line: r.Line, Code: CodeOwnerForbidden, Column: ColOwner})
			continue
		}
		if r.Stage != "" {
			id, ok := stages[textnorm.Fold(r.Stage)]
			if !ok {
				issues = append(issues, Issue{Line: r.Line, Code: CodeStageUnknown, Column: ColStage})
				continue
			}
			p.StageID = id
		}
		out = append(out, p)
	}
	return out, issues
}

func lookupStaff(v string, byName map[string]crm.Staff, byID map[int64]crm.Staff) (crm.Staff, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "@")
	if s, ok := byName[strings.ToLower(v)]; ok {
		return s, true
	}
	if n, err := strconv.ParseInt(textnorm.Digits(v), 10, 64); err == nil {
		s, ok := byID[n]
		return s, ok
	}
	return crm.Staff{}, false
}

// Existing is a customer of the database who has one of the file's
// phones, as the store finds it.
type Existing struct {
	Phone    string
	Customer crm.Customer // ID, OwnerID, OwnerTeamID, DeletedAt and Phones filled
}

// Decide settles each planned row against the customers who already have
// its phones: a row none has is new; a row whose phones all belong to one
// customer the importer may change updates it; anything else is rejected.
func Decide(rows []Planned, existing []Existing, im Importer) ([]Planned, []Issue) {
	owner := map[string]crm.Customer{}
	for _, e := range existing {
		owner[e.Phone] = e.Customer
	}
	var out []Planned
	var issues []Issue
	byTarget := map[int64]int{} // existing customer → index in out
	for _, p := range rows {
		var target crm.Customer
		conflict := false
		for _, ph := range p.Phones {
			if c, ok := owner[ph]; ok {
				if target.ID != 0 && target.ID != c.ID {
					conflict = true
				}
				target = c
			}
		}
		switch {
		case conflict:
			issues = append(issues, Issue{Line: p.Line, Code: CodePhoneConflict, Column: ColPhone})
			continue
		case target.ID == 0:
			p.NewPhones = p.Phones
			out = append(out, p)
			continue
		case !im.mayChange(target):
			issues = append(issues, Issue{Line: p.Line, Code: CodeNotYours, Column: ColPhone})
			continue
		}
		if i, ok := byTarget[target.ID]; ok {
			// Two rows of the file with different phones of one customer.
			merged, ok := mergeRows(out[i].Row, p.Row)
			if !ok || len(newPhones(target, merged.Phones))+len(target.Phones) > crm.MaxCustomerPh {
				issues = append(issues, Issue{Line: p.Line, Code: CodeTooManyPhones, Column: ColPhone})
				continue
			}
			out[i].Row, out[i].NewPhones = merged, newPhones(target, merged.Phones)
			continue
		}
		p.Target = target.ID
		p.NewPhones = newPhones(target, p.Phones)
		if len(target.Phones)+len(p.NewPhones) > crm.MaxCustomerPh {
			issues = append(issues, Issue{Line: p.Line, Code: CodeTooManyPhones, Column: ColPhone})
			continue
		}
		byTarget[target.ID] = len(out)
		out = append(out, p)
	}
	return out, issues
}

// newPhones are the phones of list that c does not have yet.
func newPhones(c crm.Customer, list []string) []string {
	var out []string
	for _, ph := range list {
		if !contains(c.Phones, ph) {
			out = append(out, ph)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Report is what an import did, or would do on a dry run.
type Report struct {
	Rows     int     // data rows read
	Created  int     // new customers
	Updated  int     // existing customers updated
	Merged   int     // rows of the file merged into another row
	Rejected int     // rows rejected
	Issues   []Issue // the rejected rows, by line (at most 1,000)
}

// Plan is an import worked out: the rows to write and the report.
type Plan struct {
	Rows   []Planned
	Report Report
}

// NewPlan assembles the plan of rows read from a file of total data rows,
// with every issue met on the way.
func NewPlan(rows []Planned, total int, issues ...[]Issue) Plan {
	p := Plan{Rows: rows, Report: Report{Rows: total}}
	var all []Issue
	for _, is := range issues {
		all = append(all, is...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Line < all[j].Line })
	p.Report.Rejected = len(all)
	if len(all) > maxIssues {
		all = all[:maxIssues]
	}
	p.Report.Issues = all
	for _, r := range rows {
		if r.Target == 0 {
			p.Report.Created++
		} else {
			p.Report.Updated++
		}
		p.Report.Merged += len(r.Merged)
	}
	return p
}

// Codes counts the rejected rows of each code.
func (r Report) Codes() map[string]int {
	m := map[string]int{}
	for _, i := range r.Issues {
		m[i.Code]++
	}
	return m
}

// Draft is a file read, checked and resolved, waiting for the database to
// say which of its phones are known (Decide).
type Draft struct {
	Rows   []Planned
	Total  int // data rows of the file
	Issues []Issue
}

// Prepare reads an import file and resolves its rows: a *FileError
// refuses the file, row problems are kept as issues.
func Prepare(data []byte, region string, dir Directory, im Importer) (Draft, error) {
	recs, issues, err := Records(data)
	if err != nil {
		return Draft{}, err
	}
	rows, bad := Rows(recs, region)
	planned, unresolved := Resolve(rows, dir, im)
	return Draft{Rows: planned, Total: len(recs) + len(issues), Issues: append(append(issues, bad...), unresolved...)}, nil
}

// Phones are every phone of the draft's rows, for the store to look up.
func (d Draft) Phones() []string {
	var out []string
	for _, r := range d.Rows {
		out = append(out, r.Phones...)
	}
	return out
}

// Decide settles the draft against the customers who have its phones.
func (d Draft) Decide(existing []Existing, im Importer) Plan {
	rows, issues := Decide(d.Rows, existing, im)
	return NewPlan(rows, d.Total, d.Issues, issues)
}
