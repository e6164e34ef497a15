// Package backoff spreads retries: after a shared outage (the database or
// the Bot API away for a moment) every worker, replica and reply would
// otherwise retry at the same instants and hit the recovering service in
// lockstep.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Jitter returns a random duration in [d/2, d] ("equal jitter"): at least
// half the intended pause, so a retry never comes much sooner than meant.
func Jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// Exp is the attempt-th delay (attempt 1 gives base) doubled each time up
// to most, with jitter.
func Exp(base, most time.Duration, attempt int) time.Duration {
	d := most
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= 30 && base<<(attempt-1) > 0 {
		d = min(base<<(attempt-1), most)
	}
	return Jitter(d)
}
