package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// Claiming a reply computes the chat's message floor (what a probe after a
// crash looks above) only for a reply that posts a message: an edit or a
// button's answer is never probed for, and the floor costs a look at
// three tables on every claim.
func TestClaimTakesTheFloorOnlyForPosts(t *testing.T) {
	t.Parallel()
	db := postgres.New(pgtest.DB(t))
	ctx := context.Background()
	const chat = 42
	for _, method := range []string{"answerCallbackQuery", "editMessageText", "sendMessage"} {
		if _, err := db.InsertOutbox(ctx, chat, 0, method, []byte(`{"method":"`+method+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []struct {
		method string
		floor  bool
	}{{"answerCallbackQuery", false}, {"editMessageText", false}, {"sendMessage", true}} {
		row, res, _, err := db.ClaimOutbox(ctx, chat, time.Minute)
		if err != nil || res != postgres.OutboxClaimed || row.Method != want.method {
			t.Fatalf("claim: %+v %v %v, want %s", row, res, err, want.method)
		}
		var hasFloor bool
		if err := db.Pool.QueryRow(ctx, `SELECT probe_floor IS NOT NULL FROM outbox WHERE id = $1`, row.ID).Scan(&hasFloor); err != nil {
			t.Fatal(err)
		}
		if hasFloor != want.floor {
			t.Errorf("%s claimed with a floor: %v, want %v", want.method, hasFloor, want.floor)
		}
		if err := db.MarkOutboxSent(ctx, row.ID, 0); err != nil {
			t.Fatal(err)
		}
	}
}
