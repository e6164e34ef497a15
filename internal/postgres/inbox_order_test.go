package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// A claim returns its chats longest waiting first, whatever their ids, and
// says how many were due: a transaction cut short by its time budget then
// leaves the newest chats, not always those with the highest ids.
func TestClaimChatsInDueOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	db := postgres.New(pgtest.DB(t), postgres.WithClock(func() time.Time { return now }))
	for i, chat := range []int64{30, 20, 10} {
		u := postgres.InboxUpdate{UpdateID: int64(100 + i), ChatID: chat, UserID: chat, Kind: "message", Payload: []byte(`{"update_id":1}`)}
		if _, err := db.InsertUpdates(ctx, []postgres.InboxUpdate{u}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Second)
	}
	var got []int64
	var due int
	err := db.InTx(ctx, func(ctx context.Context) error {
		chats, n, err := db.ClaimChats(ctx, now, 8, 4)
		for _, c := range chats {
			got = append(got, c.ChatID)
		}
		due = n
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != 30 || got[1] != 20 || got[2] != 10 || due != 3 {
		t.Errorf("claimed chats %v with %d due, want [30 20 10] (the order they arrived) and 3", got, due)
	}
}
