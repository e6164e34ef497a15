package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/transfer"
)

// TestImportCommand runs `crmbot import` on a table of good and bad files
// against a real database: the good ones land, the bad ones are refused
// with their code and leave nothing behind.
func TestImportCommand(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	count := func() string {
		var out bytes.Buffer
		if err := dispatch(ctx, []string{"export", "--database-url", url}, &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		return itoa(int64(strings.Count(out.String(), "\r\n") - 1))
	}
	big := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(big, bytes.Repeat([]byte("name,phone\n"), transfer.MaxFileBytes/10), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file, want string
		fails      bool
		customers  string
	}{
		{"good_bom.csv", "2 new customers", false, "2"},
		{"persian_header_dup_bad_phone.csv", "1 new customers, 0 updated, 1 merged within the file, 1 rejected", false, "3"},
		{"not_utf8.csv", "[not_utf8]", true, "3"},
		{"wrong_header.csv", "fone", true, "3"},
		{"formula.csv", "line 3: name: a cell starts like a spreadsheet formula", true, "3"},
		{big, "10 MiB", true, "3"},
	} {
		path := tt.file
		if !filepath.IsAbs(path) {
			path = filepath.Join("testdata", "import", path)
		}
		var out bytes.Buffer
		err := dispatch(ctx, []string{"import", "--database-url", url, path}, &out, &bytes.Buffer{})
		if (err != nil) != tt.fails || !strings.Contains(out.String()+errString(err), tt.want) {
			t.Errorf("%s: err %v, output:\n%s\nwant %q", tt.file, err, out.String(), tt.want)
		}
		if got := count(); got != tt.customers {
			t.Errorf("%s: %s customers after it, want %s", tt.file, got, tt.customers)
		}
	}
	var out bytes.Buffer
	if err := dispatch(ctx, []string{"import", "-dry-run", "--database-url", url, "testdata/import/good_bom.csv"}, &out, &bytes.Buffer{}); err != nil ||
		!strings.Contains(out.String(), "dry run, nothing written: 2 rows, 0 new customers, 2 updated") {
		t.Errorf("dry run of an imported file: %v\n%s", err, out.String())
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
