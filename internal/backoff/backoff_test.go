package backoff

import (
	"testing"
	"time"
)

func TestJitterStaysWithinHalfAndWholeAndSpreads(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 1000 {
		d := Jitter(time.Second)
		if d < 500*time.Millisecond || d > time.Second {
			t.Fatalf("Jitter(1s) = %v, want within [0.5s, 1s]", d)
		}
		seen[d.Truncate(50*time.Millisecond)] = true
	}
	if len(seen) < 8 {
		t.Errorf("1000 retries fell in %d of the 11 buckets of 50 ms: they would still come in lockstep", len(seen))
	}
}

func TestExpDoublesUpToTheCap(t *testing.T) {
	for _, tt := range []struct {
		attempt  int
		min, max time.Duration
	}{{1, 50 * time.Millisecond, 100 * time.Millisecond}, {3, 200 * time.Millisecond, 400 * time.Millisecond},
		{10, time.Second, 2 * time.Second}, {100, time.Second, 2 * time.Second}} {
		if d := Exp(100*time.Millisecond, 2*time.Second, tt.attempt); d < tt.min || d > tt.max {
			t.Errorf("Exp(100ms, 2s, %d) = %v, want within [%v, %v]", tt.attempt, d, tt.min, tt.max)
		}
	}
}
