package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"
)

// The global send budget. Each replica paces its share of GlobalRate in
// memory: the rate divided by the replicas that sent a heartbeat to
// send_replicas within ShareWindow. The heartbeat (delivery_replica_beat)
// also reads how many are live, so a replica that starts is counted by
// the others within ShareEvery, and one that dies stops being counted
// ShareWindow after its last beat: its share returns to the others. Run
// beats every ShareEvery; a sender without Run beats from its sends when
// the last beat is older than that. For up to ShareEvery after a replica
// starts, the others still pace their old share (two replicas: 1.5 × the
// rate for at most a second); Telegram's 429 that may bring pauses every
// replica (send_pacing.paused_until), and Headroom keeps a margin.

// newReplicaID returns a random name for this sender in send_replicas.
func newReplicaID() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b)
}

// Run keeps this sender's heartbeat in send_replicas and its share of the
// global rate current until ctx ends, then removes its heartbeat so that
// the other replicas take its share at once. Without a pool it only waits.
func (s *Sender) Run(ctx context.Context) error {
	if s.pool == nil {
		<-ctx.Done()
		return ctx.Err()
	}
	t := time.NewTicker(s.opts.ShareEvery)
	defer t.Stop()
	for {
		if err := s.beat(ctx); err != nil && ctx.Err() == nil {
			s.opts.Logger.Warn("send budget heartbeat", "err", err)
		}
		select {
		case <-ctx.Done():
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			if _, err := s.pool.Exec(dctx, `DELETE FROM send_replicas WHERE replica = $1`, s.replica); err != nil {
				s.opts.Logger.Warn("remove the send budget heartbeat", "err", err)
			}
			return ctx.Err()
		case <-t.C:
		}
	}
}

// beat records the heartbeat and sets the share from the live replicas.
// One beat runs at a time; a caller that finds one under way returns.
func (s *Sender) beat(ctx context.Context) error {
	if !s.beating.TryLock() {
		return nil
	}
	defer s.beating.Unlock()
	return s.beatLocked(ctx)
}

// beatLocked is beat with s.beating held.
func (s *Sender) beatLocked(ctx context.Context) error {
	var live int
	err := s.pool.QueryRow(ctx, `SELECT delivery_replica_beat($1, $2)`, s.replica, s.opts.ShareWindow.Seconds()).Scan(&live)
	if err != nil {
		return err
	}
	s.setShare(max(live, 1), time.Now())
	return nil
}

// setShare makes this sender's pace GlobalRate × Headroom / live.
func (s *Sender) setShare(live int, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live = live
	s.beatAt = at
	s.gap = time.Duration(float64(time.Second) * float64(live) / (s.opts.GlobalRate * s.opts.Headroom))
}

// Share is this sender's part of the global rate in messages per second
// and how many live replicas it is shared among.
func (s *Sender) Share() (perSecond float64, replicas int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return float64(time.Second) / float64(s.gap), s.live
}

// slot books this process's next global slot and returns it. With a pool
// it first renews the share when the last heartbeat is older than
// ShareEvery (waiting for the first one, so that a starting replica never
// assumes it is alone).
func (s *Sender) slot(ctx context.Context) (time.Time, error) {
	if s.pool != nil {
		s.mu.Lock()
		since, never := time.Since(s.beatAt), s.beatAt.IsZero()
		s.mu.Unlock()
		switch {
		case never:
			s.beating.Lock()
			s.mu.Lock()
			never = s.beatAt.IsZero()
			s.mu.Unlock()
			var err error
			if never {
				err = s.beatLocked(ctx)
			}
			s.beating.Unlock()
			if err != nil {
				return time.Time{}, err
			}
		case since > s.opts.ShareEvery:
			if err := s.beat(ctx); err != nil {
				s.opts.Logger.Warn("send budget heartbeat", "err", err)
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	slot := maxTime(s.tat, time.Now(), s.paused)
	s.tat = slot.Add(s.gap)
	return slot, nil
}

// unslot gives back slot when nothing was sent in it and no later slot
// was booked meanwhile.
func (s *Sender) unslot(slot time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tat.Equal(slot.Add(s.gap)) {
		s.tat = slot
	}
}
