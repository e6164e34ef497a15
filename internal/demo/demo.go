// Package demo holds the demo data that `crmbot demo` loads, so that a
// newcomer's first run shows a living CRM: a team of five in Tehran, Riyadh
// and Dubai, fifty customers spread over the customer ladder, sixty days of
// calls and visits, follow-ups due today, birthdays in three calendars,
// quotes and invoices in three currencies and a satisfaction survey with
// answers.
//
// Seed writes it all in one transaction and is idempotent; the personas it
// returns are the users the sandbox's web chat page offers to play.
//
// The data is generated from a fixed random seed, with every date relative
// to the now it is given, so that every fresh run looks the same: the reps
// have overdue follow-ups from yesterday and more due later today.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/postgres"
)

// SeededKey is the settings row that marks a database as holding the demo
// data; Seed does nothing more where it exists.
const SeededKey = "demo_seeded"

// dataVersion is stored in the SeededKey row, to tell later data sets apart.
const dataVersion = 1

// Persona is a user the demo lets you play on the web chat page: a staff
// member or a customer linked to the bot.
type Persona struct {
	UserID       int64  // the fake Telegram user id
	Name         string // as the user would show in Telegram
	Role         string // admin, manager, rep or customer
	LanguageCode string // the Telegram client's language: en, fa or ar
}

// Personas lists the demo's users in the order the web chat page shows
// them: the admin, the manager, the three reps, then the linked customers.
type Personas []Persona

// Seed loads the demo data into the migrated database behind pool, all in
// one transaction, with dates relative to now. If the data is already there
// (a second `crmbot demo` run) it inserts nothing. Either way it returns the
// personas. A database that holds other data with the same Telegram user
// ids makes it fail, leaving the database unchanged.
func Seed(ctx context.Context, pool *pgxpool.Pool, now time.Time) (Personas, error) {
	db := postgres.New(pool)
	err := db.InTx(ctx, func(ctx context.Context) error {
		tx, _ := postgres.TxFrom(ctx)
		fresh, err := markSeeded(ctx, tx, now)
		if err != nil || !fresh {
			return err
		}
		return seed(ctx, tx, now)
	})
	if err != nil {
		return nil, fmt.Errorf("demo: seed: %w", err)
	}
	return personas(), nil
}

// markSeeded inserts the SeededKey row and reports whether it was new. A
// concurrent Seed waits on the row's key until the first one commits.
func markSeeded(ctx context.Context, tx pgx.Tx, now time.Time) (bool, error) {
	v, err := json.Marshal(map[string]any{"version": dataVersion, "seeded_at": now.UTC()})
	if err != nil {
		return false, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO NOTHING`, SeededKey, v, now)
	if err != nil {
		return false, fmt.Errorf("mark seeded: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// seed inserts every table's rows, in dependency order.
func seed(ctx context.Context, tx pgx.Tx, now time.Time) error {
	g := &gen{
		tx:  tx,
		now: now,
		rng: rand.New(rand.NewPCG(1404, 2025)),
	}
	steps := []struct {
		what string
		fn   func(context.Context) error
	}{
		{"staff", g.insertStaff},
		{"stages", g.loadStages},
		{"customers", g.insertCustomers},
		{"follow-ups", g.insertFollowUps},
		{"important dates", g.insertDates},
		{"purchases", g.insertPurchases},
		{"survey", g.insertSurvey},
	}
	for _, s := range steps {
		if err := s.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	return nil
}

// gen carries the state of one seeding: the transaction, the clock, the
// random source and the ids of what was inserted so far.
type gen struct {
	tx  pgx.Tx
	now time.Time
	rng *rand.Rand

	staff     map[int64]*member // by Telegram user id
	stages    map[string]int64  // ladder stage key → id
	customers []*customer       // in insertion order
	byName    map[string]*customer
}
