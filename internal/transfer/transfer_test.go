package transfer

import (
	"errors"
	"testing"

	"github.com/telecrm/crmbot/internal/crm"
)

func TestEscapeAndFormula(t *testing.T) {
	for _, tt := range []struct {
		in, esc string
		formula bool
	}{
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", true},
		{"+989121234567", "'+989121234567", false},
		{"-5", "'-5", false},
		{"-cmd|x", "'-cmd|x", true},
		{"@SUM(A1)", "'@SUM(A1)", true},
		{"@rep_b", "'@rep_b", false},
		{"\tx", "'\tx", true},
		{"علی", "علی", false},
		{"'=x", "''=x", false},
	} {
		if got := Escape(tt.in); got != tt.esc {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.esc)
		}
		if got := Unescape(Escape(tt.in)); got != tt.in {
			t.Errorf("Unescape(Escape(%q)) = %q", tt.in, got)
		}
		if got := IsFormula(tt.in); got != tt.formula {
			t.Errorf("IsFormula(%q) = %v, want %v", tt.in, got, tt.formula)
		}
	}
}

func TestRecordsRefusesBadFiles(t *testing.T) {
	for _, tt := range []struct {
		name, data, code string
	}{
		{"not utf-8", "name\n\xff\n", CodeNotUTF8},
		{"empty", " \n", CodeEmpty},
		{"wrong header", "name,fone\nA,1\n", CodeBadHeader},
		{"no name column", "phone\n0912\n", CodeBadHeader},
		{"header only", "name,phone\n", CodeNoRows},
		{"open quote", "name\n\"A\n", CodeBadCSV},
		{"formula", "name\n=1+1\n", CodeFormula},
	} {
		_, _, err := Records([]byte(tt.data))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Code != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
	recs, _, err := Records([]byte("\uFEFFنام;تلفن;یادداشت\nعلی;۰۹۱۲۳۴۵۶۷۸۹;'=x\n"))
	if err != nil || len(recs) != 1 || recs[0].Cells[ColName] != "علی" || recs[0].Cells[ColNotes] != "=x" || recs[0].Line != 2 {
		t.Errorf("Persian header, semicolons, BOM: %+v %v", recs, err)
	}
}

func TestStaffImporterOwnsUnownedRows(t *testing.T) {
	for _, tt := range []struct {
		role crm.Role
		want int64
	}{{crm.RoleRep, 7}, {crm.RoleManager, 7}, {crm.RoleAdmin, 0}} {
		if got := StaffImporter(crm.Staff{ID: 7, Role: tt.role, Active: true}).DefaultOwner; got != tt.want {
			t.Errorf("%s: rows without an owner go to %d, want %d", tt.role, got, tt.want)
		}
	}
}
