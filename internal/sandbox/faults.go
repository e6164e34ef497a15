package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Fault makes Bot API calls fail on purpose. Faults are checked after the
// token and before the method runs; the first fault that matches a call
// answers it.
type Fault struct {
	// Kind is "429" (flood control), "5xx" (a server error), "latency" (a
	// delay, after which the call runs normally) or "drop" (the connection
	// is closed without an answer).
	Kind string `json:"kind"`
	// RetryAfter is the 429's retry_after in seconds; default 5.
	RetryAfter int `json:"retry_after,omitempty"`
	// Status is the 5xx status; default 500. The answer is Telegram's
	// envelope with error_code Status and the status text as description.
	Status int `json:"status,omitempty"`
	// Description overrides the error description.
	Description string `json:"description,omitempty"`
	// Count is how many calls the fault answers before it clears itself; 0
	// means until DurationMS passes or ClearFaults.
	Count int `json:"count,omitempty"`
	// DurationMS is how long the fault lasts on Options.Now's clock; 0
	// means until Count is used up or ClearFaults.
	DurationMS int `json:"duration_ms,omitempty"`
	// LatencyMS is the delay of a "latency" fault.
	LatencyMS int `json:"latency_ms,omitempty"`
	// Methods limits the fault to these methods (case-insensitive); empty
	// means every method, getUpdates included.
	Methods []string `json:"methods,omitempty"`
}

// FaultInfo is a fault in force, with what is left of it.
type FaultInfo struct {
	ID    int       `json:"id"`
	Fault Fault     `json:"fault"`
	Left  int       `json:"left,omitempty"`
	Until time.Time `json:"until,omitzero"`
}

type faultRec struct {
	id    int
	f     Fault
	left  int
	until time.Time
}

func (f *Fault) validate() error {
	switch f.Kind {
	case "429":
		if f.RetryAfter <= 0 {
			f.RetryAfter = 5
		}
	case "5xx":
		if f.Status == 0 {
			f.Status = http.StatusInternalServerError
		}
		if f.Status < 500 || f.Status > 599 {
			return fmt.Errorf("status %d is not a 5xx status", f.Status)
		}
	case "latency":
		if f.LatencyMS <= 0 {
			return fmt.Errorf("latency_ms must be positive")
		}
	case "drop":
	default:
		return fmt.Errorf("unknown fault kind %q: want 429, 5xx, latency or drop", f.Kind)
	}
	if f.Count < 0 || f.DurationMS < 0 {
		return fmt.Errorf("count and duration_ms must not be negative")
	}
	return nil
}

// InjectFault adds a fault and returns its id.
func (s *Server) InjectFault(f Fault) (int, error) {
	if err := f.validate(); err != nil {
		return 0, fmt.Errorf("sandbox: fault: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.nextFault++
	rec := &faultRec{id: s.st.nextFault, f: f, left: f.Count}
	if f.DurationMS > 0 {
		rec.until = s.now().Add(time.Duration(f.DurationMS) * time.Millisecond)
	}
	s.st.faults = append(s.st.faults, rec)
	return rec.id, nil
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.faults = nil
}

// Faults lists the faults in force.
func (s *Server) Faults() []FaultInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireFaultsLocked()
	out := []FaultInfo{}
	for _, r := range s.st.faults {
		out = append(out, FaultInfo{ID: r.id, Fault: r.f, Left: r.left, Until: r.until})
	}
	return out
}

func (s *Server) expireFaultsLocked() {
	now := s.now()
	s.st.faults = slices.DeleteFunc(s.st.faults, func(r *faultRec) bool {
		return !r.until.IsZero() && !now.Before(r.until)
	})
}

// matchFault finds and uses up the first fault for a method.
func (s *Server) matchFault(method string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireFaultsLocked()
	for i, r := range s.st.faults {
		if len(r.f.Methods) > 0 && !slices.ContainsFunc(r.f.Methods, func(m string) bool { return strings.EqualFold(m, method) }) {
			continue
		}
		f := r.f
		if r.f.Count > 0 {
			r.left--
			if r.left <= 0 {
				s.st.faults = slices.Delete(s.st.faults, i, i+1)
			}
		}
		return &f
	}
	return nil
}

// applyFault answers a call with a fault; it returns false when the call
// should then run normally (after a latency fault).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f *Fault, method string, p params) bool {
	switch f.Kind {
	case "latency":
		t := time.NewTimer(time.Duration(f.LatencyMS) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
			return false
		case <-r.Context().Done():
			return true
		}
	case "429":
		aerr := tooManyRequests(f.RetryAfter)
		if f.Description != "" {
			aerr.Description = f.Description
		}
		s.mu.Lock()
		s.recordThrottleLocked(Throttle{Time: s.now(), Method: method, Scope: "fault", RetryAfter: f.RetryAfter})
		s.mu.Unlock()
		s.answer(w, method, p, nil, aerr, "429")
	case "5xx":
		desc := f.Description
		if desc == "" {
			desc = http.StatusText(f.Status)
		}
		aerr := &apiError{Code: f.Status, Description: desc}
		s.answer(w, method, p, nil, aerr, "5xx")
	case "drop":
		s.recordCall(method, p, &apiError{Description: "connection dropped"}, nil, "drop")
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	}
	return true
}
