package postgres

import (
	"strconv"
	"testing"
)

// The SQL's LIMIT on the visible customers is the threshold SearchCustomers
// compares what it read with: apart, a large pool would be taken for a
// small one and answered from its first customers only.
func TestScanVisibleLimitIsTheThreshold(t *testing.T) {
	if got, want := scanVisibleLimit, strconv.Itoa(scanVisibleBelow); got != want {
		t.Errorf("scanVisibleLimit %s, want scanVisibleBelow %s", got, want)
	}
}
