package main

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/schedule"
)

// periodicArgs is the River job of one periodic task. River enqueues
// periodic jobs on its elected leader only, so with several replicas each
// task runs once per period, and another replica takes over when the leader
// dies.
type periodicArgs struct {
	Task string `json:"task"`
}

func (periodicArgs) Kind() string { return "periodic" }

func (periodicArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 30 * time.Second}}
}

// periodicTask is one piece of periodic work of the bot, run every so
// often.
type periodicTask struct {
	name  string
	every time.Duration
	run   func(ctx context.Context) error
}

// periodicTasks: escalations are checked every minute; important dates
// only change their reminders at a day boundary or when one is added, so
// every quarter of an hour is enough for a scan that reads them all; the
// outbound path's retention purge (delivery.Retention) runs every ten
// minutes, in bounded batches.
func (a *app) periodicTasks() []periodicTask {
	retention := delivery.NewRetention(a.db, delivery.RetentionOptions{Logger: a.log})
	return []periodicTask{
		{"escalations", time.Minute, func(ctx context.Context) error {
			_, err := schedule.Escalations{Store: a.db, Notify: a.scheduler}.RunOnce(ctx, a.opts.clock()())
			return err
		}},
		{"important_dates", 15 * time.Minute, func(ctx context.Context) error {
			_, err := schedule.ImportantDates{Store: a.db, Notify: a.scheduler}.RunOnce(ctx, a.opts.clock()())
			return err
		}},
		{"surveys", time.Minute, func(ctx context.Context) error {
			_, err := schedule.Surveys{Store: a.db, Notify: a.scheduler, Org: a.cfg.Location(), DefaultLocale: a.cfg.DefaultLocale}.RunOnce(ctx, a.opts.clock()())
			return err
		}},
		{"digests", time.Minute, func(ctx context.Context) error {
			_, err := schedule.Digests{Store: a.db, Notify: a.scheduler}.RunOnce(ctx, a.opts.clock()())
			return err
		}},
		{"value_risk", time.Hour, func(ctx context.Context) error {
			_, err := schedule.Risk{Store: a.db, Locale: a.cfg.DefaultLocale, Note: a.bot.PlannedNote}.RunOnce(ctx, a.opts.clock()())
			return err
		}},
		{"campaigns", time.Minute, func(ctx context.Context) error {
			_, err := schedule.Campaigns{Store: a.db, Notify: a.scheduler, Org: a.cfg.Location(), DefaultLocale: a.cfg.DefaultLocale,
				TaskNote: a.bot.CampaignTaskNote}.RunOnce(ctx, a.opts.clock()())
			return err
		}},
		{"retention", 10 * time.Minute, func(ctx context.Context) error { _, err := retention.RunOnce(ctx); return err }},
	}
}

// periodicJobs makes River periodic jobs of the tasks, each at its own
// interval unless every overrides them all.
func periodicJobs(every time.Duration, tasks []periodicTask) []*river.PeriodicJob {
	jobs := make([]*river.PeriodicJob, 0, len(tasks))
	for _, t := range tasks {
		name, interval := t.name, t.every
		if every > 0 {
			interval = every
		}
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(interval),
			func() (river.JobArgs, *river.InsertOpts) { return periodicArgs{Task: name}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	return jobs
}

// periodicWorker runs the task a periodic job names.
type periodicWorker struct {
	river.WorkerDefaults[periodicArgs]
	tasks []periodicTask
}

func (w *periodicWorker) Work(ctx context.Context, job *river.Job[periodicArgs]) error {
	for _, t := range w.tasks {
		if t.name == job.Args.Task {
			return t.run(ctx)
		}
	}
	return fmt.Errorf("unknown periodic task %q", job.Args.Task)
}
