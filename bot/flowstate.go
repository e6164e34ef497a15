package bot

import (
	"encoding/json"

	"github.com/telecrm/crmbot/internal/crm"
)

// Typed flow state. A flow's state row (crm.Conversation.Data) is a map of
// short keys, as it has always been stored, so that a flow begun before an
// upgrade goes on after it; each flow reads and writes it through a struct
// of its own whose field names say what each key holds.

// flowID is an id kept in a flow's state, written as buttons write ids
// (base 36). A missing or malformed one reads as 0.
type flowID int64

// MarshalText writes the id in base 36.
func (i flowID) MarshalText() ([]byte, error) { return []byte(id(int64(i))), nil }

// UnmarshalText reads a base-36 id; anything else is 0.
func (i *flowID) UnmarshalText(b []byte) error {
	n, _ := argID([]string{string(b)}, 0)
	*i = flowID(n)
	return nil
}

// flag is a yes/no kept as "1" (absent when no).
type flag bool

// MarshalText writes "1" for yes.
func (f flag) MarshalText() ([]byte, error) {
	if f {
		return []byte("1"), nil
	}
	return []byte(""), nil
}

// UnmarshalText reads "1" as yes.
func (f *flag) UnmarshalText(b []byte) error {
	*f = string(b) == "1"
	return nil
}

// loadFlow reads a flow's state into its struct.
func loadFlow[T any](st *State) T {
	var v T
	if st == nil {
		return v
	}
	b, err := json.Marshal(st.Data)
	if err == nil {
		_ = json.Unmarshal(b, &v) // fields that do not parse stay zero
	}
	return v
}

// flowMap writes a flow's struct as its state row's map, leaving out
// empty fields.
func flowMap(v any) map[string]string {
	b, err := json.Marshal(v)
	m := map[string]string{}
	if err == nil {
		_ = json.Unmarshal(b, &m)
	}
	for k, s := range m {
		if s == "" {
			delete(m, k)
		}
	}
	return m
}

// flowBase is what every flow started on a customer keeps.
type flowBase struct {
	Nonce    string `json:"n,omitempty"` // the run of the flow its buttons carry: a button of another run is stale
	Customer flowID `json:"c,omitempty"` // the customer the flow is about
}

// flowNonce is the nonce of the chat's flow.
func flowNonce(st *State) string { return loadFlow[flowBase](st).Nonce }

// callFlow is the state of logging a call or visit (act.log), of planning
// or rescheduling a follow-up and of Done's "what next?" (fu.plan), with
// their shared next-step, month-grid and hour steps.
type callFlow struct {
	flowBase
	Kind         crm.ActivityKind `json:"k,omitempty"`  // call or visit (act.log)
	Activity     flowID           `json:"a,omitempty"`  // the logged call or visit
	OutcomePress flowID           `json:"au,omitempty"` // the update of the outcome press (a replay shows the details again)
	Outcome      crm.Outcome      `json:"o,omitempty"`
	LastDetail   flowID           `json:"lu,omitempty"`  // the update of the last detail applied (replays are skipped)
	FollowUp     flowID           `json:"f,omitempty"`   // the follow-up rescheduled, or closed by Done
	Closing      flag             `json:"d,omitempty"`   // Done pressed: FollowUp closes when a next step is chosen
	FromToday    flag             `json:"t,omitempty"`   // Done pressed on "my day": show it again after
	Picking      flag             `json:"pk,omitempty"`  // the month grid is shown
	Alt          string           `json:"alt,omitempty"` // a suggested due time (unix seconds) the user may confirm
}

// dateFlow is the state of adding an important date (dates.add).
type dateFlow struct {
	flowBase
	Kind crm.ImportantDateKind `json:"k,omitempty"` // birthday, anniversary, …
}

// newCustomerFlow is the state of adding a customer (cust.new).
type newCustomerFlow struct {
	Phone   string `json:"phone,omitempty"` // E.164, from a shared contact or typed
	Name    string `json:"name,omitempty"`
	Company string `json:"company,omitempty"`
}

// searchFlow remembers the query whose result pages are shown.
type searchFlow struct {
	Query string `json:"q,omitempty"`
}

// stageReasonFlow is the state of a stage move waiting for its reason.
type stageReasonFlow struct {
	flowBase
	To   flowID `json:"s,omitempty"` // the stage moved to
	From flowID `json:"f,omitempty"` // the stage the customer was in (moved meanwhile: stale)
}

// stageNameFlow is the state of naming a stage in each language
// (stage.name): the stage ("" for a new one); the names given so far are
// kept beside it as "n_<language>".
type stageNameFlow struct {
	Stage string `json:"s,omitempty"`
}
