package sandbox

import (
	"net/url"
	"sync"
	"time"
)

// balancer spreads webhook deliveries over several backends, as a load
// balancer in front of the bot's public webhook URL would: the URL the
// bot registered keeps its path and query, and each delivery goes to the
// next live backend in turn. A backend that cannot be reached (connection
// refused, a timeout) is marked down for a while and the delivery is tried
// at once on the next one (failover); only when none answers does the
// delivery fail and wait for Telegram's retry. An HTTP answer, 2xx or not,
// is the backend's and is passed on as it is.
type balancer struct {
	mu       sync.Mutex
	backends []*backend
	next     int
	downFor  time.Duration
}

// backend is one of the balancer's targets.
type backend struct {
	base      *url.URL // scheme and host
	downUntil time.Time
	served    int // 2xx answers
	failed    int // deliveries it could not be reached for
}

// SetWebhookBackends makes webhook deliveries go round robin over the
// backends (URLs such as http://127.0.0.1:8081, or host:port), with
// failover when one cannot be reached, as a load balancer in front of the
// registered webhook URL would; the registered URL's path is kept. No
// backends: deliveries go to the registered URL itself. A backend found
// unreachable is skipped for downFor (default 1 s), then tried again.
func (s *Server) SetWebhookBackends(downFor time.Duration, backends ...string) error {
	var bs []*backend
	for _, b := range backends {
		u, err := url.Parse(b)
		if err != nil || u.Host == "" {
			u, err = url.Parse("http://" + b)
			if err != nil || u.Host == "" {
				return &url.Error{Op: "parse", URL: b, Err: err}
			}
		}
		bs = append(bs, &backend{base: &url.URL{Scheme: u.Scheme, Host: u.Host}})
	}
	if downFor <= 0 {
		downFor = time.Second
	}
	s.lb.mu.Lock()
	s.lb.backends, s.lb.next, s.lb.downFor = bs, 0, downFor
	s.lb.mu.Unlock()
	return nil
}

// BackendStats is what the balancer did with one backend.
type BackendStats struct {
	Backend string // scheme://host
	Served  int    // deliveries it answered with a 2xx
	Failed  int    // times it could not be reached (each failed over)
}

// WebhookBackends reports, per backend in the order given, what the
// balancer sent it.
func (s *Server) WebhookBackends() []BackendStats {
	s.lb.mu.Lock()
	defer s.lb.mu.Unlock()
	out := make([]BackendStats, len(s.lb.backends))
	for i, b := range s.lb.backends {
		out[i] = BackendStats{Backend: b.base.String(), Served: b.served, Failed: b.failed}
	}
	return out
}

// targets are the URLs to try for one delivery to raw, in order: the live
// backends from the next in turn, then those marked down (in case all
// are), each with raw's path. Without backends, raw alone.
func (lb *balancer) targets(raw string, now time.Time) ([]string, []*backend) {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if len(lb.backends) == 0 {
		return []string{raw}, []*backend{nil}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return []string{raw}, []*backend{nil}
	}
	var live, down []*backend
	n := len(lb.backends)
	first := -1 // the live backend whose turn it is
	for i := range n {
		k := (lb.next + i) % n
		b := lb.backends[k]
		if now.Before(b.downUntil) {
			down = append(down, b)
			continue
		}
		if first < 0 {
			first = k
		}
		live = append(live, b)
	}
	// The turn passes to the backend after the one chosen, so the live
	// ones share the deliveries evenly while another is down.
	if first < 0 {
		first = lb.next
	}
	lb.next = (first + 1) % n
	order := append(live, down...)
	urls := make([]string, len(order))
	for i, b := range order {
		t := *u
		t.Scheme, t.Host = b.base.Scheme, b.base.Host
		urls[i] = t.String()
	}
	return urls, order
}

// record notes the outcome of one attempt on b (nil: no balancing).
func (lb *balancer) record(b *backend, served, unreachable bool, now time.Time) {
	if b == nil {
		return
	}
	lb.mu.Lock()
	defer lb.mu.Unlock()
	switch {
	case unreachable:
		b.failed++
		b.downUntil = now.Add(lb.downFor)
	case served:
		b.served++
		b.downUntil = time.Time{}
	}
}
