package inbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/postgres"
)

// A handler whose database session dies (killed, or cut off) breaks the
// whole transaction of its batch: it is charged an attempt each time and
// parked in the end, while the other updates of the batch (its chat's next
// one, another chat's) are tried again without being charged, and done.
// Two chats break it here, so that one does in the careful run too (chats
// run in due order, here chat_id order as they arrived together: 7 and 8
// break it, 9 is healthy; a long BatchTime keeps the three in one claim).
func TestBrokenSessionChargesOnlyItsUpdate(t *testing.T) {
	ctx := context.Background()
	pool, db := setup(t)
	ups := []postgres.InboxUpdate{update(1, 7, "kill"), update(2, 7, "ok"), update(3, 8, "kill"), update(4, 9, "ok")}
	if _, err := db.InsertUpdates(ctx, ups); err != nil {
		t.Fatal(err)
	}
	h := inbox.HandlerFunc(func(ctx context.Context, u *models.Update) error {
		if u.Message.Text == "kill" {
			tx, _ := postgres.TxFrom(ctx)
			_, err := tx.Exec(ctx, `SELECT pg_terminate_backend(pg_backend_pid())`)
			return err
		}
		return record(ctx, u)
	})
	d := inbox.NewDispatcher(db, h, nil, inbox.DispatcherOptions{MaxAttempts: 2, Backoff: time.Millisecond, BatchTime: time.Minute, Logger: quiet()})
	for i := 0; i < 16; i++ {
		d.RunOnce(ctx) // errors are expected while the connection breaks
		time.Sleep(3 * time.Millisecond)
	}
	rows, err := pool.Query(ctx, `SELECT update_id, status, attempts FROM update_inbox ORDER BY update_id`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]struct {
		status   string
		attempts int
	}{1: {"parked", 2}, 2: {"done", 0}, 3: {"parked", 2}, 4: {"done", 0}}
	for rows.Next() {
		var id int64
		var status string
		var attempts int
		if err := rows.Scan(&id, &status, &attempts); err != nil {
			t.Fatal(err)
		}
		if w := want[id]; status != w.status || attempts != w.attempts {
			t.Errorf("update %d: %s after %d attempts, want %s after %d", id, status, attempts, w.status, w.attempts)
		}
	}
}
