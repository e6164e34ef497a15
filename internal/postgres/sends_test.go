package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// One BeginSends of several notifications records each first attempt as
// 'sending' with its chat's message floor, counts another attempt of one
// left 'sending', leaves a final one alone and says which chat is
// unreachable; FinishSends then records every outcome.
func TestBeginAndFinishSendsInBatches(t *testing.T) {
	t.Parallel()
	db := postgres.New(pgtest.DB(t))
	ctx := context.Background()
	// Chat 7 has a confirmed notification (message 40); chat 8 an
	// attempt whose outcome is unknown; chat 9 blocked the bot.
	if err := db.FinishSend(ctx, "done", 7, "test", "sent", 40, ""); err != nil {
		t.Fatal(err)
	}
	first, err := db.BeginSends(ctx, []postgres.SendBegin{{DedupKey: "unknown", ChatID: 8, Kind: "test"}})
	if err != nil || len(first) != 1 || first[0].Found {
		t.Fatalf("first begin: %+v, %v; want one not found", first, err)
	}
	if err := db.MarkUnreachable(ctx, 9, "blocked"); err != nil {
		t.Fatal(err)
	}
	begins := []postgres.SendBegin{
		{DedupKey: "new", ChatID: 7, Kind: "test"},
		{DedupKey: "done", ChatID: 7, Kind: "test"},
		{DedupKey: "unknown", ChatID: 8, Kind: "test"},
		{DedupKey: "blocked", ChatID: 9, Kind: "test"},
	}
	starts, err := db.BeginSends(ctx, begins)
	if err != nil {
		t.Fatal(err)
	}
	want := []postgres.SendStart{
		{},
		{Found: true, Prev: postgres.SendRecord{DedupKey: "done", ChatID: 7, Kind: "test", Status: "sent", Attempts: 1, MessageID: 40}},
		{Found: true, Prev: postgres.SendRecord{DedupKey: "unknown", ChatID: 8, Kind: "test", Status: "sending", Attempts: 1}},
		{Unreachable: true},
	}
	if fmt.Sprint(starts) != fmt.Sprint(want) {
		t.Errorf("starts\n got %+v\nwant %+v", starts, want)
	}
	for _, c := range []struct {
		key      string
		status   string
		attempts int
		floor    int64
	}{{"new", "sending", 1, 40}, {"done", "sent", 1, 0}, {"unknown", "sending", 2, 0}, {"blocked", "sending", 1, 0}} {
		var status string
		var attempts int
		var floor int64
		err := db.Pool.QueryRow(ctx, `SELECT status, attempts, coalesce(probe_floor, 0) FROM sends WHERE dedup_key = $1`, c.key).Scan(&status, &attempts, &floor)
		if err != nil || status != c.status || attempts != c.attempts || floor != c.floor {
			t.Errorf("%s: %s, attempt %d, floor %d (%v); want %s, attempt %d, floor %d", c.key, status, attempts, floor, err, c.status, c.attempts, c.floor)
		}
	}

	err = db.FinishSends(ctx, []postgres.SendOutcome{
		{DedupKey: "new", ChatID: 7, Kind: "test", Status: "sent", MessageID: 41},
		{DedupKey: "unknown", ChatID: 8, Kind: "test", Status: "sent", MessageID: 12},
		{DedupKey: "blocked", ChatID: 9, Kind: "test", Status: "unreachable", Cause: "chat is unreachable"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"new": "sent 41 ", "unknown": "sent 12 ", "blocked": "unreachable 0 chat is unreachable"} {
		var got string
		err := db.Pool.QueryRow(ctx, `SELECT status || ' ' || coalesce(telegram_message_id, 0) || ' ' || coalesce(error, '') FROM sends WHERE dedup_key = $1`, key).Scan(&got)
		if err != nil || got != want {
			t.Errorf("%s: %q (%v), want %q", key, got, err, want)
		}
	}
	if known, err := db.KnownBotMessage(ctx, 7, 41); err != nil || !known {
		t.Errorf("message 41 of chat 7 known: %v (%v), want true", known, err)
	}
}

// A batch naming one notification twice is refused whole: the two could
// not both be recorded, and nothing is.
func TestSendsBatchRefusesAKeyTwice(t *testing.T) {
	t.Parallel()
	db := postgres.New(pgtest.DB(t))
	ctx := context.Background()
	_, err := db.BeginSends(ctx, []postgres.SendBegin{{DedupKey: "k", ChatID: 1, Kind: "test"}, {DedupKey: "k", ChatID: 1, Kind: "test"}})
	if !crm.IsCode(err, crm.EConflict) {
		t.Errorf("begin twice: %v, want %s", err, crm.EConflict)
	}
	err = db.FinishSends(ctx, []postgres.SendOutcome{{DedupKey: "k", ChatID: 1, Kind: "test", Status: "sent", MessageID: 1}, {DedupKey: "k", ChatID: 1, Kind: "test", Status: "failed"}})
	if !crm.IsCode(err, crm.EConflict) {
		t.Errorf("finish twice: %v, want %s", err, crm.EConflict)
	}
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM sends`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d sends rows (%v), want none", n, err)
	}
}
