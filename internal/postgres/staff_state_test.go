package postgres_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// StaffAndState reads what StaffByTelegramID and LoadState would, in one
// statement: the staff member alone while the chat is in no flow, with
// the flow once there is one, and not-found for a stranger.
func TestStaffAndState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := postgres.New(pgtest.DB(t))
	token, err := db.CreateInvite(ctx, postgres.InviteRequest{Role: crm.RoleRep, TeamName: "North"})
	if err != nil {
		t.Fatal(err)
	}
	const user = 881
	if _, err := db.RedeemInvite(ctx, token, postgres.TelegramUser{ID: user, FirstName: "Sara", LanguageCode: "fa"}, "fa"); err != nil {
		t.Fatal(err)
	}
	want, err := db.StaffByTelegramID(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	s, st, err := db.StaffAndState(ctx, user, user)
	if err != nil || st != nil || !reflect.DeepEqual(s, want) {
		t.Fatalf("no flow: %+v, state %+v, err %v; want %+v and no state", s, st, err, want)
	}
	flow := crm.Conversation{ChatID: user, UserID: user, Flow: "log", Step: "note", Data: map[string]string{"customer": "7"},
		ExpiresAt: time.Now().Add(time.Hour).Truncate(time.Microsecond)}
	if err := db.SaveState(ctx, flow); err != nil {
		t.Fatal(err)
	}
	s, st, err = db.StaffAndState(ctx, user, user)
	if err != nil || !reflect.DeepEqual(s, want) || st == nil || st.Flow != "log" || st.Step != "note" || st.Data["customer"] != "7" ||
		st.UserID != user || !st.ExpiresAt.Equal(flow.ExpiresAt) {
		t.Fatalf("in a flow: %+v, state %+v, err %v; want %+v and %+v", s, st, err, want, flow)
	}
	if _, _, err := db.StaffAndState(ctx, 882, 882); !crm.IsCode(err, crm.ENotFound) {
		t.Fatalf("stranger: err %v, want %s", err, crm.ENotFound)
	}
}
