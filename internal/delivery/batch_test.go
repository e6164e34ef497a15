package delivery

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// recorder is a batcher's run that doubles each request and remembers the
// batches it was given; while gate is set the first batch waits on it.
type recorder struct {
	mu      sync.Mutex
	batches [][]int
	gate    chan struct{}
	started chan struct{}
}

func (r *recorder) run(_ context.Context, reqs []int) ([]int, []error) {
	r.mu.Lock()
	first := len(r.batches) == 0
	r.batches = append(r.batches, append([]int(nil), reqs...))
	r.mu.Unlock()
	if first && r.gate != nil {
		close(r.started)
		<-r.gate
	}
	res := make([]int, len(reqs))
	errs := make([]error, len(reqs))
	for i, q := range reqs {
		res[i] = 2 * q
		if q < 0 {
			errs[i] = fmt.Errorf("request %d refused", q)
		}
	}
	return res, errs
}

// Requests that arrive while a batch runs go together in the next one,
// each caller gets its own result, and two with the same key never share
// a batch.
func TestBatcherGroupsWhatArrivesDuringABatch(t *testing.T) {
	r := &recorder{gate: make(chan struct{}), started: make(chan struct{})}
	b := &batcher[int, int]{run: r.run, key: func(q int) string { return fmt.Sprint(q % 100) }, max: 50, flights: 1}
	results := make(chan string, 20)
	call := func(q int) {
		res, err := b.do(context.Background(), q)
		results <- fmt.Sprintf("%d→%d %v", q, res, err)
	}
	go call(1)
	<-r.started // the first batch runs, holding the only flight
	for q := 2; q <= 11; q++ {
		go call(q)
	}
	queued := func(n int) func() bool {
		return func() bool {
			b.mu.Lock()
			defer b.mu.Unlock()
			return len(b.queued) == n
		}
	}
	waitUntil(t, queued(10))
	go call(102) // the same key as 2, queued after it
	waitUntil(t, queued(11))
	close(r.gate)
	got := map[string]bool{}
	for range 12 {
		select {
		case s := <-results:
			got[s] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("only %d of 12 calls returned", len(got))
		}
	}
	for _, q := range []int{1, 2, 3, 11, 102} {
		if want := fmt.Sprintf("%d→%d <nil>", q, 2*q); !got[want] {
			t.Errorf("no %q among %v", want, got)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.batches) != 3 || len(r.batches[0]) != 1 || len(r.batches[1]) != 10 || fmt.Sprint(r.batches[2]) != "[102]" {
		t.Errorf("batches %v, want [1], then 2 to 11 together, then [102] (its key was in the second)", r.batches)
	}
}

// Under a steady stream of callers with one flight, every call returns
// with its own result and error, each request runs once, and nothing is
// left leading or queued: the lead passes from caller to caller.
func TestBatcherSteadyStreamEveryCallReturns(t *testing.T) {
	r := &recorder{}
	b := &batcher[int, int]{run: r.run, key: func(q int) string { return fmt.Sprint(q) }, max: 8, flights: 1}
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for q := -200; q < 200; q++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := b.do(context.Background(), q)
			switch {
			case res != 2*q:
				errs <- fmt.Errorf("request %d got %d, want %d", q, res, 2*q)
			case (q < 0) != (err != nil):
				errs <- fmt.Errorf("request %d got error %v", q, err)
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("calls still waiting after 10 s")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, batch := range r.batches {
		if len(batch) > 8 {
			t.Errorf("a batch of %d, want at most 8", len(batch))
		}
		n += len(batch)
	}
	if n != 400 {
		t.Errorf("%d requests run, want 400 (each once)", n)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running != 0 || len(b.queued) != 0 {
		t.Errorf("after the stream: %d leading, %d queued; want none", b.running, len(b.queued))
	}
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}
