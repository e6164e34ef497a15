package bot

import (
	"strings"
	"testing"
)

func TestJoinWithinDropsWholeLines(t *testing.T) {
	lines := []string{"<b>a</b>", strings.Repeat("x", 10), "<i>b</i>"}
	if got := joinWithin(lines, 100); got != strings.Join(lines, "\n") {
		t.Fatalf("short: %q", got)
	}
	if got := joinWithin(lines, 15); got != "<b>a</b>\n…" {
		t.Fatalf("cut: %q", got)
	}
}
