package delivery

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// RiverOptions configure NewRiver. Zero values take the defaults.
type RiverOptions struct {
	// Workers holds every job worker (river.AddWorker), the notifier's
	// included (Notifier.Worker).
	Workers *river.Workers
	// PeriodicJobs run on the elected leader only (digests, escalations,
	// date greetings); when it dies another replica takes over.
	PeriodicJobs []*river.PeriodicJob
	// NotifyWorkers bounds notification jobs worked at once per replica;
	// default 100. With Telegram's limits most of them wait for a send
	// slot; with the global rate raised they are what keeps 1,000
	// notifications a second going: River fetches for free workers at
	// most every fetchCooldown, so the rate is at most the workers
	// over a job's time plus that wait.
	NotifyWorkers int
	// SlowWorkers bounds the notification jobs of SlowQueue worked at once
	// per replica (the managers' digests, which all fall due at once, and
	// their charts, each holding an image of several megabytes while
	// drawn); default 2.
	SlowWorkers int
	// DefaultWorkers bounds other jobs; default 10.
	DefaultWorkers int
	// FetchPollInterval is how often idle queues look for work; default
	// 200 ms.
	FetchPollInterval time.Duration
	// RescueAfter is when a running job whose worker died is retried;
	// default 2 min (River's is 1 h).
	RescueAfter time.Duration
	// Now stubs River's clock (tests with an injected clock); nil is real
	// time.
	Now func() time.Time
	// ID names this client (default River's); Logger defaults to
	// slog.Default().
	ID     string
	Logger *slog.Logger
}

// fetchCooldown is the least time between two fetches of each queue's
// jobs (River's default is 100 ms). A fetch takes a job for every free
// worker, so W workers fetched for at most every C work at most W / C
// jobs a second however short the jobs: 40 workers and 50 ms could not
// pass 800 notifications a second, and 680 was measured
// (docs/PERFORMANCE.md, "Outbound"). A shorter cooldown means more and
// smaller fetches only while jobs keep finishing.
const fetchCooldown = 20 * time.Millisecond

// NewRiver returns a River client on pool with crmbot's queues and
// settings. Start it with Start(ctx). A notification due later is a
// scheduled job: River's leader makes it available up to 5 s before it is
// due (its scheduler runs every 5 s and looks that far ahead), and it is
// worked once due; crmbot never writes River's tables itself.
func NewRiver(pool *pgxpool.Pool, o RiverOptions) (*river.Client[pgx.Tx], error) {
	if o.NotifyWorkers <= 0 {
		o.NotifyWorkers = 100
	}
	if o.SlowWorkers <= 0 {
		o.SlowWorkers = 2
	}
	if o.DefaultWorkers <= 0 {
		o.DefaultWorkers = 10
	}
	if o.FetchPollInterval <= 0 {
		o.FetchPollInterval = 200 * time.Millisecond
	}
	if o.RescueAfter <= 0 {
		o.RescueAfter = 2 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	cfg := &river.Config{
		ID: o.ID,
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: o.DefaultWorkers},
			NotifyQueue:        {MaxWorkers: o.NotifyWorkers},
			SlowQueue:          {MaxWorkers: o.SlowWorkers},
		},
		Workers:              o.Workers,
		PeriodicJobs:         o.PeriodicJobs,
		FetchCooldown:        fetchCooldown,
		FetchPollInterval:    o.FetchPollInterval,
		RescueStuckJobsAfter: o.RescueAfter,
		JobTimeout:           time.Minute,
		Logger:               o.Logger,
	}
	if o.Now != nil {
		cfg.Test.Time = clock(o.Now)
	}
	c, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return c, nil
}

// clock adapts a func() time.Time to River's time generator.
type clock func() time.Time

func (c clock) Now() time.Time { return c() }

func (c clock) NowOrNil() *time.Time {
	t := c().UTC()
	return &t
}
