package inbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/postgres"
)

// Processed updates older than the retention are purged (parked ones after
// their own, longer retention); pending ones never. The chat's message
// floor survives the purge, and an update_id Telegram reuses after a quiet
// week is taken as new.
func TestPurgeOldUpdates(t *testing.T) {
	ctx := context.Background()
	pool, db := setup(t)
	if _, err := db.InsertUpdates(ctx, []postgres.InboxUpdate{update(1, 7, "old"), update(2, 7, "recent"), update(3, 8, "old parked")}); err != nil {
		t.Fatal(err)
	}
	d := inbox.NewDispatcher(db, inbox.HandlerFunc(record), nil, inbox.DispatcherOptions{Logger: quiet()})
	for i := 0; i < 3; i++ {
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.InsertUpdates(ctx, []postgres.InboxUpdate{update(4, 7, "pending")}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, q := range []struct {
		sql string
		at  time.Time
	}{
		{`UPDATE update_inbox SET processed_at = $1 WHERE update_id = 1`, now.Add(-49 * time.Hour)},
		{`UPDATE update_inbox SET processed_at = $1 WHERE update_id = 2`, now.Add(-47 * time.Hour)},
		{`UPDATE update_inbox SET status = 'parked', processed_at = $1 WHERE update_id = 3`, now.Add(-5 * 24 * time.Hour)},
		{`UPDATE update_inbox SET received_at = $1 WHERE update_id = 4`, now.Add(-49 * time.Hour)},
	} {
		if _, err := pool.Exec(ctx, q.sql, q.at); err != nil {
			t.Fatal(err)
		}
	}
	floor := func() int64 {
		t.Helper()
		f, err := db.ChatMessageFloor(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	before := floor()
	if n, err := d.Purge(ctx); err != nil || n != 1 {
		t.Fatalf("purge: deleted %d (err %v), want 1 (update 1 only)", n, err)
	}
	if got := remaining(t, db); got != "[2 3 4]" {
		t.Fatalf("after the purge the inbox holds %s, want [2 3 4]", got)
	}
	if got := floor(); got != before {
		t.Fatalf("chat message floor went from %d to %d", before, got)
	}
	// Telegram numbers anew: update_id 1 comes again, a different update.
	if n, err := db.InsertUpdates(ctx, []postgres.InboxUpdate{update(1, 9, "new numbering")}); err != nil || n != 1 {
		t.Fatalf("reused update_id after the purge: %d new (err %v), want 1", n, err)
	}
}

func remaining(t *testing.T, db *postgres.DB) string {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `SELECT update_id FROM update_inbox ORDER BY update_id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return fmt.Sprint(ids)
}
