package bot

import (
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// State is the chat's conversation state (see crm.Conversation).
type State = crm.Conversation

// stateTTL is how long an abandoned flow is remembered.
const stateTTL = 24 * time.Hour

// state returns the chat's current flow, or nil.
func (r *req) state() (*State, error) {
	if r.stLoaded {
		return r.st, nil
	}
	st, err := r.b.state.LoadState(r.ctx, r.chatID)
	switch {
	case crm.IsCode(err, crm.ENotFound):
		st = nil
	case err != nil:
		return nil, err
	}
	r.keepState(st)
	return r.st, nil
}

// keepState remembers the chat's stored state (nil for none) as loaded,
// unless it expired or belongs to another user.
func (r *req) keepState(st *State) {
	if st != nil && (!st.ExpiresAt.After(r.now()) || st.UserID != r.user.ID) {
		st = nil
	}
	r.st, r.stLoaded = st, true
}

// setState starts or advances a flow.
func (r *req) setState(flow, step string, data map[string]string) error {
	if data == nil {
		data = map[string]string{}
	}
	st := &State{ChatID: r.chatID, UserID: r.user.ID, Flow: flow, Step: step, Data: data, ExpiresAt: r.now().Add(stateTTL)}
	r.st, r.stLoaded = st, true
	return r.b.state.SaveState(r.ctx, *st)
}

// clearState ends any flow.
func (r *req) clearState() error {
	r.st, r.stLoaded = nil, true
	return r.b.state.ClearState(r.ctx, r.chatID)
}
