package bot

import (
	"testing"

	"github.com/telecrm/crmbot/internal/crm"
)

// A flow's typed state reads the rows written before it existed (short
// keys, ids in base 36, "1" for yes) and writes them back the same way, so
// a flow in progress survives an upgrade.
func TestCallFlowReadsAndWritesTheStoredKeys(t *testing.T) {
	t.Parallel()
	stored := map[string]string{"n": "2sbndicc", "c": id(11), "k": "call", "a": id(53), "au": id(99), "o": "reached",
		"f": id(7), "d": "1", "t": "1", "pk": "1", "alt": "1767225600", "lu": id(100)}
	cf := loadFlow[callFlow](&State{Data: stored})
	want := callFlow{flowBase: flowBase{Nonce: "2sbndicc", Customer: 11}, Kind: crm.ActivityCall, Activity: 53, OutcomePress: 99, Outcome: crm.OutcomeReached,
		LastDetail: 100, FollowUp: 7, Closing: true, FromToday: true, Picking: true, Alt: "1767225600"}
	if cf != want {
		t.Fatalf("read %+v\nwant %+v", cf, want)
	}
	back := flowMap(cf)
	for k, v := range stored {
		if back[k] != v {
			t.Errorf("key %q written as %q, stored as %q", k, back[k], v)
		}
	}
	if len(back) != len(stored) {
		t.Errorf("wrote %v, want %v", back, stored)
	}
	empty := flowMap(callFlow{flowBase: flowBase{Nonce: "x"}})
	if len(empty) != 1 || empty["n"] != "x" {
		t.Errorf("empty fields written: %v", empty)
	}
	if bad := loadFlow[callFlow](&State{Data: map[string]string{"c": "not an id!"}}); bad.Customer != 0 {
		t.Errorf("a malformed id read as %d", bad.Customer)
	}
}
