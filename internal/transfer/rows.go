package transfer

import (
	"strings"
	"unicode/utf8"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// Row is one customer of the file after checking (and merging rows that
// share a phone): phones in E.164, the owner and stage as written.
type Row struct {
	Line                                            int
	Name, Company, JobTitle, Industry, City, Source string
	Notes                                           string
	Phones, Tags                                    []string
	Owner, Stage                                    string
	// Merged are the lines of the file merged into this row.
	Merged []int
}

// Rows checks records one by one (phones read in region when they have no
// country code) and merges those that share a phone. Rejected rows come
// back as issues, in line order.
func Rows(recs []Record, region string) ([]Row, []Issue) {
	var rows []Row
	var issues []Issue
	byPhone := map[string]int{} // phone → index in rows
	for _, rec := range recs {
		row, bad := checkRecord(rec, region)
		if bad != nil {
			issues = append(issues, *bad)
			continue
		}
		target := -1
		conflict := false
		for _, p := range row.Phones {
			if i, ok := byPhone[p]; ok {
				if target >= 0 && target != i {
					conflict = true
				}
				target = i
			}
		}
		switch {
		case conflict:
			issues = append(issues, Issue{Line: row.Line, Code: CodePhoneConflict, Column: ColPhone})
		case target < 0:
			for _, p := range row.Phones {
				byPhone[p] = len(rows)
			}
			rows = append(rows, row)
		default:
			merged, ok := mergeRows(rows[target], row)
			if !ok {
				issues = append(issues, Issue{Line: row.Line, Code: CodeTooManyPhones, Column: ColPhone})
				continue
			}
			rows[target] = merged
			for _, p := range row.Phones {
				byPhone[p] = target
			}
		}
	}
	return rows, issues
}

// checkRecord turns a record into a Row, or says why it is rejected.
func checkRecord(rec Record, region string) (Row, *Issue) {
	c := rec.Cells
	reject := func(code, col string) (Row, *Issue) { return Row{}, &Issue{Line: rec.Line, Code: code, Column: col} }
	row := Row{Line: rec.Line, Name: c[ColName], Company: c[ColCompany], JobTitle: c[ColJobTitle], Industry: c[ColIndustry],
		City: c[ColCity], Source: c[ColSource], Notes: c[ColNotes], Owner: c[ColOwner], Stage: c[ColStage]}
	if row.Name == "" {
		return reject(CodeNameMissing, ColName)
	}
	if utf8.RuneCountInString(row.Name) > crm.MaxNameLen {
		return reject(CodeTooLong, ColName)
	}
	for _, f := range []struct{ col, v string }{{ColCompany, row.Company}, {ColJobTitle, row.JobTitle}, {ColIndustry, row.Industry},
		{ColCity, row.City}, {ColSource, row.Source}} {
		if utf8.RuneCountInString(f.v) > crm.MaxFieldLen {
			return reject(CodeTooLong, f.col)
		}
	}
	if utf8.RuneCountInString(row.Notes) > crm.MaxNoteLen {
		return reject(CodeTooLong, ColNotes)
	}
	for _, p := range splitList(c[ColPhone]) {
		e, err := textnorm.Phone(Unescape(p), region)
		if err != nil {
			return reject(CodePhoneInvalid, ColPhone)
		}
		row.Phones = addUnique(row.Phones, e)
	}
	if len(row.Phones) > crm.MaxCustomerPh {
		return reject(CodeTooManyPhones, ColPhone)
	}
	for _, t := range splitList(c[ColTags]) {
		if utf8.RuneCountInString(t) > crm.MaxTagLen {
			return reject(CodeTagInvalid, ColTags)
		}
		row.Tags = addUnique(row.Tags, t)
	}
	if len(row.Tags) > crm.MaxTags {
		return reject(CodeTagInvalid, ColTags)
	}
	return row, nil
}

// mergeRows folds later into first: first's values win, later fills its
// empty fields, phones and tags are united, notes joined. It reports false
// when the phones would be too many.
func mergeRows(first, later Row) (Row, bool) {
	out := first
	for _, p := range later.Phones {
		out.Phones = addUnique(out.Phones, p)
	}
	if len(out.Phones) > crm.MaxCustomerPh {
		return first, false
	}
	for _, f := range []struct {
		dst *string
		src string
	}{{&out.Company, later.Company}, {&out.JobTitle, later.JobTitle},
		{&out.Industry, later.Industry}, {&out.City, later.City}, {&out.Source, later.Source}, {&out.Owner, later.Owner},
		{&out.Stage, later.Stage}} {
		if *f.dst == "" {
			*f.dst = f.src
		}
	}
	tags := append([]string(nil), out.Tags...)
	for _, t := range later.Tags {
		tags = addUnique(tags, t)
	}
	if len(tags) <= crm.MaxTags {
		out.Tags = tags
	}
	out.Notes = JoinNotes(out.Notes, later.Notes)
	out.Merged = append(append([]int(nil), out.Merged...), later.Line)
	return out, true
}

// JoinNotes appends note to notes on a new line (either may be empty),
// within crm.MaxNoteLen.
func JoinNotes(notes, note string) string {
	switch {
	case note == "" || strings.Contains(notes, note):
		return notes
	case notes == "":
		return note
	}
	s := notes + "\n" + note
	if utf8.RuneCountInString(s) > crm.MaxNoteLen {
		return notes
	}
	return s
}

// splitList splits a cell of several values: "a; b", "a, b", "a، b" or
// "a | b".
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '،' || r == '|' || r == '؛' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func addUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}
