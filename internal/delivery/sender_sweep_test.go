package delivery

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"
)

// The sender's memory of 403s holds only the last refusedWindow: an older
// entry is dropped when its chat is next asked about, and by the minute
// sweep, run by the next 403 or the next send released.
func TestRefusedForgottenAfterTheWindow(t *testing.T) {
	s := NewSender(nil, nil, SenderOptions{})
	forbidden := errors.New("403 Forbidden: bot was blocked by the user")
	old, recent := time.Now().Add(-2*refusedWindow), time.Now().Add(-refusedWindow/2)
	chats := func() string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return fmt.Sprint(slices.Sorted(maps.Keys(s.refused)))
	}

	s.refused = map[int64]refusal{1: {forbidden, old}, 2: {forbidden, recent}}
	s.swept = time.Now() // no sweep due
	if err := s.refusedRecently(1); err != nil {
		t.Errorf("chat 1 refused %v ago still refused", time.Since(old).Round(time.Second))
	}
	if err := s.refusedRecently(2); err == nil {
		t.Error("chat 2 refused half a window ago is not refused")
	}
	if got := chats(); got != "[2]" {
		t.Errorf("after reading them the sender remembers 403s of chats %s, want [2]", got)
	}

	s.refused[3] = refusal{forbidden, old}
	s.swept = time.Now().Add(-2 * time.Minute) // a sweep is due
	s.remember403(4, forbidden)
	if got := chats(); got != "[2 4]" {
		t.Errorf("after a new 403 the sender remembers chats %s, want [2 4]", got)
	}

	s.refused[5] = refusal{forbidden, old}
	s.swept = time.Now().Add(-2 * time.Minute)
	cp := s.chat(6)
	cp.mu.Lock()
	s.release(6, cp)
	if got := chats(); got != "[2 4]" {
		t.Errorf("after a send the sender remembers chats %s, want [2 4]", got)
	}
}
