package schedule_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/schedule"
)

// planned collects the notifications a job plans, as the delivery path
// would queue them.
type planned struct {
	mu sync.Mutex
	ns []outbound.Notification
}

func (p *planned) Schedule(_ context.Context, n outbound.Notification) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ns = append(p.ns, n)
	return nil
}

func (p *planned) take() []outbound.Notification {
	p.mu.Lock()
	defer p.mu.Unlock()
	ns := p.ns
	p.ns = nil
	return ns
}

type fixture struct {
	db                   *postgres.DB
	manager, rep, client int64
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	pool := pgtest.DB(t)
	f := fixture{db: postgres.New(pool)}
	ctx := context.Background()
	var team int64
	scan := func(dst *int64, sql string, args ...any) {
		t.Helper()
		if err := pool.QueryRow(ctx, sql, args...).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	scan(&team, `INSERT INTO teams (name) VALUES ('North') RETURNING id`)
	scan(&f.manager, `INSERT INTO staff (telegram_user_id, display_name, role, team_id, locale, time_zone, onboarded)
		VALUES (2, 'Maryam', 'manager', $1, 'fa', 'Asia/Tehran', true) RETURNING id`, team)
	scan(&f.rep, `INSERT INTO staff (telegram_user_id, display_name, role, team_id, locale, time_zone, onboarded)
		VALUES (3, 'Sara', 'rep', $1, 'fa', 'Asia/Tehran', true) RETURNING id`, team)
	scan(&f.client, `INSERT INTO customers (name, name_norm, owner_id, stage_id)
		VALUES ('Ali', 'ali', $1, (SELECT min(id) FROM stages)) RETURNING id`, f.rep)
	if _, err := pool.Exec(ctx, `UPDATE teams SET manager_id = $1 WHERE id = $2`, f.manager, team); err != nil {
		t.Fatal(err)
	}
	return f
}

// An overdue follow-up is escalated to the rep's manager once, after the
// delay, with no Telegram and no River in sight.
func TestEscalationsRunOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	due := now.Add(-2 * time.Hour)
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3)`, f.client, f.rep, due); err != nil {
		t.Fatal(err)
	}
	p := &planned{}
	job := schedule.Escalations{Store: f.db, Notify: p}
	if n, err := job.RunOnce(ctx, now); err != nil || n != 0 || len(p.take()) != 0 {
		t.Fatalf("escalated %d before the 24 h delay (%v)", n, err)
	}
	later := due.Add(25 * time.Hour)
	n, err := job.RunOnce(ctx, later)
	ns := p.take()
	if err != nil || n != 1 || len(ns) != 1 || ns[0].Kind != outbound.KindEscalation || ns[0].StaffID != f.manager ||
		!strings.HasPrefix(ns[0].DedupKey, "escalation:") || !strings.HasSuffix(ns[0].DedupKey, ":"+itoa(due.Unix())) {
		t.Fatalf("escalations %d %+v (%v)", n, ns, err)
	}
	if n, err := job.RunOnce(ctx, later.Add(time.Hour)); err != nil || n != 0 || len(p.take()) != 0 {
		t.Fatalf("escalated again: %d (%v)", n, err)
	}
}

// A birthday tomorrow is remembered the day before and on the day, each at
// the start of the owner's working day, and planning it twice plans the
// same keys (the delivery path keeps one of each).
func TestImportantDatesRunOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	teh, _ := time.LoadLocation("Asia/Tehran")
	now := time.Date(2026, 11, 22, 6, 0, 0, 0, teh) // Sunday, before work
	tomorrow := now.AddDate(0, 0, 1)
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO important_dates (customer_id, kind, calendar, month, day) VALUES ($1, 'birthday', 'gregorian', $2, $3)`,
		f.client, int(tomorrow.Month()), tomorrow.Day()); err != nil {
		t.Fatal(err)
	}
	p := &planned{}
	job := schedule.ImportantDates{Store: f.db, Notify: p}
	if _, err := job.RunOnce(ctx, now); err != nil {
		t.Fatal(err)
	}
	ns := p.take()
	if len(ns) != 2 || !strings.HasSuffix(ns[0].DedupKey, ":before") || !strings.HasSuffix(ns[1].DedupKey, ":day") {
		t.Fatalf("planned %+v", ns)
	}
	if want := time.Date(2026, 11, 22, 8, 0, 0, 0, teh); !ns[0].Due.Equal(want) {
		t.Errorf("the day-before reminder is due %v, want the start of the working day %v", ns[0].Due, want)
	}
	if _, err := job.RunOnce(ctx, now); err != nil {
		t.Fatal(err)
	}
	if again := p.take(); len(again) != 2 || again[0].DedupKey != ns[0].DedupKey || again[1].DedupKey != ns[1].DedupKey {
		t.Errorf("a second run planned %+v", again)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
