package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
)

// A replica with the pipeline cache sees its own changes at once and
// another replica's within the cache's ttl, and never writes a stage move
// on the strength of what it cached.
func TestPipelineCacheShowsChangesWithinItsTTL(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	other := f.db // another replica: no cache
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	db := postgres.New(f.db.Pool, postgres.WithPipelineCache(2*time.Second))
	postgres.SetPipelineCacheClock(db, func() time.Time { return now })
	stageName := func(ctx context.Context, id int64) string {
		t.Helper()
		s, err := db.Stage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return s.Names["en"]
	}
	names := func(en string) map[string]string {
		return map[string]string{"en": en, "fa": en + " fa", "ar": en + " ar"}
	}
	ladder, err := db.PipelineStages(ctx, crm.TemplateLadder)
	if err != nil || len(ladder) != 10 {
		t.Fatalf("ladder: %d stages, %v", len(ladder), err)
	}
	s := ladder[1]
	old := s.Names["en"]

	if err := other.RenameStage(ctx, s.ID, names("Renamed elsewhere"), f.admin.ID); err != nil {
		t.Fatal(err)
	}
	if got := stageName(ctx, s.ID); got != old {
		t.Errorf("another replica's rename at once: got %q, want the cached %q", got, old)
	}
	now = now.Add(2 * time.Second)
	if got := stageName(ctx, s.ID); got != "Renamed elsewhere" {
		t.Errorf("another replica's rename after the ttl: got %q, want %q", got, "Renamed elsewhere")
	}

	if err := db.RenameStage(ctx, s.ID, names("Renamed here"), f.admin.ID); err != nil {
		t.Fatal(err)
	}
	if got := stageName(ctx, s.ID); got != "Renamed here" {
		t.Errorf("own rename: got %q, want %q at once", got, "Renamed here")
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		if err := db.RenameStage(ctx, s.ID, names("In a transaction"), f.admin.ID); err != nil {
			return err
		}
		if got := stageName(ctx, s.ID); got != "In a transaction" {
			t.Errorf("within the renaming transaction: got %q, want %q", got, "In a transaction")
		}
		stages, err := db.PipelineStages(ctx, crm.TemplateLadder)
		if err != nil || stages[1].Names["en"] != "In a transaction" {
			t.Errorf("the pipeline within the renaming transaction: %v, %v", stages[1].Names, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := stageName(ctx, s.ID); got != "In a transaction" {
		t.Errorf("after the renaming transaction committed: got %q, want %q", got, "In a transaction")
	}

	// Archived elsewhere: the cache still offers the stage, the move is refused.
	c := f.customer(t, f.repA, "Ali", "")
	from, target := ladder[0], ladder[3]
	if err := other.ArchiveStage(ctx, target.ID, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	cached, err := db.Stage(ctx, target.ID)
	if err != nil || cached.Archived {
		t.Fatalf("archived elsewhere, at once: %+v %v, want the cached live stage", cached, err)
	}
	move := crm.StageMove{CustomerID: c.ID, From: from, To: cached, IntoActive: true}
	if err := db.MoveCustomerStage(ctx, move, f.repA.ID, now); !crm.IsCode(err, crm.EStale) {
		t.Errorf("a move into a stage archived elsewhere: got %v, want stale", err)
	}

	// The pipeline switched elsewhere: a user's move within the old one is
	// refused; ladder automation, which moves within the ladder whatever
	// is active, is not.
	if err := other.SetPipeline(ctx, crm.TemplateSalesCycle, f.admin.ID); err != nil {
		t.Fatal(err)
	}
	if tpl, err := db.ActivePipeline(ctx); err != nil || tpl != crm.TemplateLadder {
		t.Fatalf("switched elsewhere, at once: %q %v, want the cached ladder", tpl, err)
	}
	move.To = ladder[4]
	if err := db.MoveCustomerStage(ctx, move, f.repA.ID, now); !crm.IsCode(err, crm.EStale) {
		t.Errorf("a user's move within the pipeline switched from elsewhere: got %v, want stale", err)
	}
	move.IntoActive = false
	if err := db.MoveCustomerStage(ctx, move, f.repA.ID, now); err != nil {
		t.Errorf("ladder automation after the switch: %v", err)
	}
	now = now.Add(2 * time.Second)
	if tpl, err := db.ActivePipeline(ctx); err != nil || tpl != crm.TemplateSalesCycle {
		t.Errorf("switched elsewhere, after the ttl: %q %v, want %q", tpl, err, crm.TemplateSalesCycle)
	}
}
