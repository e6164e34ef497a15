package bot

import (
	"os/exec"
	"strings"
	"testing"
)

// The package graph the architecture promises: the bot says what to send
// through internal/outbound and never reaches the delivery path, the
// database or the job queue; the domain (internal/crm) imports no adapter.
func TestPackageGraph(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pkg       string
		forbidden []string
	}{
		{"github.com/telecrm/crmbot/bot", []string{"/internal/delivery", "/internal/postgres", "/internal/inbox", "github.com/jackc/pgx", "github.com/riverqueue/river"}},
		{"github.com/telecrm/crmbot/internal/crm", []string{"/internal/", "github.com/jackc/pgx", "github.com/riverqueue/river", "github.com/go-telegram/bot"}},
		{"github.com/telecrm/crmbot/internal/outbound", []string{"/internal/delivery", "/internal/postgres", "github.com/jackc/pgx", "github.com/riverqueue/river"}},
		{"github.com/telecrm/crmbot/internal/schedule", []string{"/internal/delivery", "/internal/postgres", "github.com/jackc/pgx", "github.com/riverqueue/river"}},
	} {
		out, err := exec.Command("go", "list", "-deps", tt.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tt.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == tt.pkg {
				continue
			}
			for _, f := range tt.forbidden {
				if strings.Contains(dep, f) && !(tt.pkg == "github.com/telecrm/crmbot/internal/crm" && !strings.HasPrefix(dep, "github.com/")) {
					t.Errorf("%s depends on %s", tt.pkg, dep)
				}
			}
		}
	}
}
