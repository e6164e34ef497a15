package schedule_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/digest"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/schedule"
)

// The scheduled digest comes at 08:00 in the manager's zone on a working
// day, once however many sweeps (two replicas at once included), and not
// on their day off; a paused one not at all.
func TestDigestsRunOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	tehran, _ := time.LoadLocation("Asia/Tehran")
	p := &planned{}
	job := schedule.Digests{Store: f.db, Notify: p}
	run := func(now time.Time) int {
		t.Helper()
		n, err := job.RunOnce(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	sat := time.Date(2026, 12, 5, 7, 59, 0, 0, tehran)
	if n := run(sat); n != 0 {
		t.Fatalf("%d digests at 07:59", n)
	}
	// Two replicas sweep at 08:00 at once.
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i := range counts {
		wg.Add(1)
		go func() { defer wg.Done(); counts[i] = run(sat.Add(time.Minute)) }()
	}
	wg.Wait()
	if counts[0]+counts[1] != 1 {
		t.Fatalf("two sweeps at 08:00 planned %v digests, want 1 in all", counts)
	}
	ns := p.take()
	if len(ns) != 2 || ns[0].Kind != outbound.KindDigest || ns[1].Kind != outbound.KindDigestChart ||
		ns[0].StaffID != f.manager || ns[0].DedupKey != "digest:"+itoa(f.manager)+":2026-12-05" || ns[0].ChatID != 2 {
		t.Fatalf("planned %+v, want the text and the chart to the manager", ns)
	}
	if n := run(sat.Add(3 * time.Hour)); n != 0 {
		t.Fatalf("%d more digests later that day", n)
	}
	// Friday is the manager's day off.
	fri := time.Date(2026, 12, 11, 8, 30, 0, 0, tehran)
	if n := run(fri); n != 0 {
		t.Fatalf("%d digests on Friday", n)
	}
	if n := run(fri.AddDate(0, 0, 1)); n != 1 {
		t.Fatalf("%d digests on the next Saturday, want 1", n)
	}
	if err := f.db.SetDigestSchedule(ctx, f.manager, digest.Schedule{Hour: 8, Paused: true}, f.manager); err != nil {
		t.Fatal(err)
	}
	if n := run(fri.AddDate(0, 0, 2)); n != 0 {
		t.Fatalf("%d digests while paused", n)
	}
}
