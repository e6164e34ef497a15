package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/i18n"
	"github.com/telecrm/crmbot/internal/pgcluster"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// The mix: the real `crmbot run` wiring (newApp + run, in a process of its
// own) against the sandbox with Telegram's flood limits off, a seeded
// organisation, and simulated reps driving the day's usual actions
// through the sandbox's user side; a bare go-telegram/bot echo bot on the
// same backlog as the baseline.

// mixConfig is what `crmbot bench -scenario mix` runs.
type mixConfig struct {
	staff, customers, backlog int
	mode                      string // polling or webhook
	loop                      string // closed, open or both
	rate                      float64
	reps                      int
	pause                     time.Duration
	duration, warmup          time.Duration
	cpuprofile                string
}

// defaultMixRate is the open loop's rate when -rate is not given (-rate's
// own default is the lateness scenario's).
const defaultMixRate = 1000

// mixChatInterval is the app's per-chat spacing in the mix: small, so that
// a rep's quick taps are not held back by a pace meant for notifications.
const mixChatInterval = 10 * time.Millisecond

func bindMixFlags(fs *flag.FlagSet, m *mixConfig) {
	fs.IntVar(&m.staff, "staff", 1000, "reps seeded (mix), in teams of ten with a manager each")
	fs.IntVar(&m.customers, "customers", 100, "customers per rep (mix)")
	fs.IntVar(&m.backlog, "backlog", 3000, "messages queued before a bot starts, drained by the echo baseline and by crmbot (mix)")
	fs.StringVar(&m.mode, "mode", "polling", "how the app gets updates (mix): polling or webhook (the sandbox posts to the app)")
	fs.StringVar(&m.loop, "loop", "both", "the mix's measured phases: closed (reps at a human pace), open (steps due at -rate) or both, in that order")
	fs.IntVar(&m.reps, "reps", 0, "reps active at once in the closed loop (mix); 0: every seeded rep")
	fs.DurationVar(&m.pause, "pause", 2*time.Second, "a rep's human pause before each step in the closed loop, ± 50 % (mix)")
	fs.DurationVar(&m.warmup, "warmup", 10*time.Second, "unmeasured closed-loop warm-up before the measured phases (mix)")
	fs.StringVar(&m.cpuprofile, "cpuprofile", "", "write the app's CPU profile over the measured phases to this file, and the bench's own (sandbox and reps) to this file + \".bench\" (mix)")
}

// finish takes the flags the mix shares with other scenarios: -duration
// (each phase's length) and -rate (the open loop's, only when given).
func (m *mixConfig) finish(c benchConfig, set map[string]bool) error {
	m.duration, m.rate = c.steady, defaultMixRate
	if set["rate"] {
		m.rate = c.rate
	}
	if m.reps <= 0 || m.reps > m.staff {
		m.reps = m.staff
	}
	switch {
	case m.staff < 1 || m.customers < 1:
		return fmt.Errorf("bench: -staff and -customers must be at least 1: %w", errUsage)
	case m.mode != "polling" && m.mode != "webhook":
		return fmt.Errorf("bench: -mode must be polling or webhook: %w", errUsage)
	case m.loop != "closed" && m.loop != "open" && m.loop != "both":
		return fmt.Errorf("bench: -loop must be closed, open or both: %w", errUsage)
	case m.loop != "closed" && m.rate <= 0:
		return fmt.Errorf("bench: an open loop needs a -rate above 0: %w", errUsage)
	}
	return nil
}

// mixDatabase is the database the mix seeds, next to the given one.
const mixDatabase = "crmbot_bench_mix"

// freshDatabase drops and creates database name on url's server and
// returns its URL.
func freshDatabase(ctx context.Context, url, name string) (string, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		return "", fmt.Errorf("create database %s (the mix seeds its own): %w", name, err)
	}
	u, err := neturl.Parse(url)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// preloadStatements restarts a throwaway cluster with pg_stat_statements
// loaded, so that the mix can say which statements take the time.
func preloadStatements(ctx context.Context, cl *pgcluster.Cluster, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	var available bool
	err = conn.QueryRow(ctx, `SELECT count(*) > 0 FROM pg_available_extensions WHERE name = 'pg_stat_statements'`).Scan(&available)
	if err == nil && available {
		_, err = conn.Exec(ctx, `ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`)
	}
	conn.Close(ctx)
	if err != nil || !available {
		return err
	}
	if err := cl.StopGracefully(ctx); err != nil {
		return err
	}
	return cl.Start(ctx)
}

// benchMix runs the mix on a database of its own next to url.
func benchMix(ctx context.Context, url string, m mixConfig, w io.Writer) error {
	fmt.Fprintf(w, "mix: on %s; %s, GOMAXPROCS %d\n", machine(), runtime.Version(), runtime.GOMAXPROCS(0))
	url, err := freshDatabase(ctx, url, mixDatabase)
	if err != nil {
		return err
	}
	if err := postgres.Migrate(ctx, url, nil); err != nil {
		return err
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	pool, err := postgres.Open(ctx, url+sep+"pool_max_conns=4")
	if err != nil {
		return err
	}
	defer pool.Close()
	statements, why := hasStatements(ctx, pool)
	if !statements {
		fmt.Fprintf(w, "mix: no pg_stat_statements (%s): database time from pg_stat_database.active_time only\n", why)
	}
	t0 := time.Now()
	s, err := seedMix(ctx, pool, m.staff, m.customers, time.Now())
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	teams := (m.staff + teamSize - 1) / teamSize
	fmt.Fprintf(w, "mix: seeded %d reps in %d teams (+%d managers, 1 admin), %d customers with a phone each, %d follow-ups due, in %.1fs\n",
		m.staff, teams, teams, m.staff*m.customers, m.staff*min(followUpsEach, m.customers), time.Since(t0).Seconds())

	msgs := backlogMessages(s.reps, m.backlog)
	echo, err := benchEcho(ctx, msgs)
	if err != nil {
		return fmt.Errorf("echo baseline: %w", err)
	}
	fmt.Fprintf(w, "mix: echo baseline (go-telegram/bot, polling, own process): %d queued messages answered in %.2fs = %.0f updates/s; RSS %.0f MB\n",
		echo.n, echo.elapsed.Seconds(), echo.rate(), mb(echo.rss))

	sb := sandbox.New(mixSandboxOptions())
	defer sb.Close()
	obs := newObserver(sb.Handler())
	for _, r := range s.reps {
		obs.reps[r.tg] = r
	}
	hs := httptest.NewServer(obs)
	defer hs.Close()
	sb.SetURL(hs.URL)
	if err := queue(sb, msgs); err != nil {
		return err
	}
	app, err := startMixApp(ctx, m, url, hs.URL, sb.Token())
	if err != nil {
		return err
	}
	defer app.stop()
	backlog, err := waitDrained(ctx, obs, len(msgs), app.cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("crmbot on the backlog: %w\n%s", err, app.logs.tail())
	}
	fmt.Fprintf(w, "mix: crmbot (%s, own process): the same %d messages answered in %.2fs = %.0f updates/s = %.2f × the echo bot\n",
		m.mode, backlog.n, backlog.elapsed.Seconds(), backlog.rate(), backlog.rate()/echo.rate())

	errs, err := errorTexts()
	if err != nil {
		return err
	}
	d := &driver{sb: sb, obs: obs, reps: s.reps, errs: errs, plain: s.plain, changed: make(chan struct{})}
	run := &mixRun{m: m, d: d, app: app, pool: pool, statements: statements, pgPID: postmaster(ctx, pool), w: w}
	phases, err := run.phases(ctx)
	if err != nil {
		return err
	}
	if err := app.stop(); err != nil {
		fmt.Fprintf(w, "mix: %v\n", err)
	}
	report(w, m, phases, d, echo, backlog, app)
	return nil
}

// startMixApp starts the app in its own process against the sandbox at
// api: polling, or a webhook the sandbox posts to.
func startMixApp(ctx context.Context, m mixConfig, dbURL, api, token string) (*child, error) {
	cfg := config.Config{BotToken: token, DatabaseURL: dbURL, APIURL: api, ListenAddr: "127.0.0.1:0",
		DefaultLocale: "fa", TimeZone: "Asia/Tehran", GlobalRate: 100000, LogLevel: "warn", LogFormat: "text"}
	if m.mode == "webhook" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		addr := ln.Addr().String()
		ln.Close() // the child listens there; a race for the port is unlikely
		cfg.ListenAddr, cfg.WebhookURL, cfg.WebhookSecret = addr, "http://"+addr+"/telegram", "bench-mix-webhook-secret"
	}
	if err := cfg.Validate(config.FToken, config.FDatabase); err != nil {
		return nil, err
	}
	return startChild(ctx, "crmbot", childSpec{Kind: "app", Config: cfg, ChatInterval: mixChatInterval, CPUProfile: m.cpuprofile})
}

// errorTexts are the bot's error sentences in every language, to tell an
// error from an answer.
func errorTexts() (map[string]string, error) {
	b, err := i18n.New("fa")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, lang := range i18n.Supported() {
		for _, id := range []string{"error.internal", "error.not_found", "error.forbidden", "error.invalid_input",
			"error.conflict", "error.stale_button", "error.reason_required"} {
			if s := stripBidi(b.For(lang).T(id, nil)); s != "" && s != id {
				out[s] = id
			}
		}
	}
	return out, nil
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// mixRun runs the measured phases.
type mixRun struct {
	m          mixConfig
	d          *driver
	app        *child
	pool       *pgxpool.Pool
	statements bool
	pgPID      int
	w          io.Writer
}

// plan lists the phases: the warm-up, then the measured ones.
func (mr *mixRun) plan() []*phase {
	closed := func(name string) *phase {
		return &phase{name: name, reps: mr.m.reps, pause: mr.m.pause}
	}
	ps := []*phase{closed("warm-up")}
	if mr.m.loop != "open" {
		ps = append(ps, closed("closed loop"))
	}
	if mr.m.loop != "closed" {
		ps = append(ps, &phase{name: "open loop", open: true, rate: mr.m.rate})
	}
	return ps
}

// phases runs the reps through every phase, one straight after the other
// (the warm-up leaves the system in its steady state), and returns the
// measured ones. A phase's figures run from its start to the next one's;
// after the last, the steps still in flight are waited for.
func (mr *mixRun) phases(ctx context.Context) ([]*phase, error) {
	d := mr.d
	// The load generator shares the cores with the bot and PostgreSQL:
	// it trades memory (not measured) for less of its own garbage
	// collection, a quarter of its CPU at the default.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	rctx, stopReps := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, r := range d.reps {
		wg.Add(1)
		go func() { defer wg.Done(); r.run(rctx, d) }()
	}
	defer func() { stopReps(); wg.Wait() }()
	plan := mr.plan()
	prev, err := mr.snap(ctx)
	if err != nil {
		return nil, err
	}
	for i, p := range plan {
		length := mr.m.duration
		if i == 0 {
			length = mr.m.warmup
		} else if i == 1 && mr.m.cpuprofile != "" {
			mr.app.signal(syscall.SIGUSR1)
			// The load generator's own profile (sandbox and reps) next to
			// the app's: its CPU is taken from the same two cores.
			stop, err := startCPUProfile(mr.m.cpuprofile + ".bench")
			if err != nil {
				return nil, err
			}
			defer stop()
		}
		switch {
		case p.open:
			fmt.Fprintf(mr.w, "mix: %s: steps due at %.0f/s round-robin over %d reps (each rep every %.1fs) for %v…\n",
				p.name, p.rate, len(d.reps), float64(len(d.reps))/p.rate, length)
		default:
			fmt.Fprintf(mr.w, "mix: %s: %d reps at once, a %v ± 50%% pause before each step, for %v…\n", p.name, p.reps, p.pause, length)
		}
		var next *phase
		if i+1 < len(plan) {
			next = plan[i+1]
		}
		after, err := mr.runPhase(ctx, p, next, length)
		if err != nil {
			return nil, err
		}
		p.stats.before, p.stats.after, prev = prev, after, after
	}
	if mr.m.cpuprofile != "" {
		mr.app.signal(syscall.SIGUSR2)
	}
	for wait := time.Now().Add(replyTimeout + 5*time.Second); d.inflight.Load() > 0 && time.Now().Before(wait); {
		time.Sleep(20 * time.Millisecond)
	}
	stopReps()
	wg.Wait()
	return plan[1:], nil
}

// runPhase runs phase p for length, hands over to next (nil: the reps
// stop), and returns the snapshot taken at the handover.
func (mr *mixRun) runPhase(ctx context.Context, p, next *phase, length time.Duration) (snapshot, error) {
	st := &phaseStats{}
	p.stats = st
	warn0, errs0 := mr.app.logs.counts()
	p.start = time.Now()
	mr.d.set(p)
	stop := make(chan struct{})
	if p.open {
		go mr.d.schedule(p, stop)
	}
	pid := mr.app.cmd.Process.Pid
	for end := p.start.Add(length); time.Now().Before(end); {
		select {
		case <-ctx.Done():
			close(stop)
			return snapshot{}, ctx.Err()
		case <-time.After(min(500*time.Millisecond, time.Until(end))):
		}
		rss, _ := procMem(pid)
		st.maxRSS = max(st.maxRSS, rss)
	}
	p.end = time.Now()
	mr.d.set(next)
	close(stop)
	after, err := mr.snap(ctx)
	if err != nil {
		return after, err
	}
	warn, errs := mr.app.logs.counts()
	st.warn, st.errs = warn-warn0, errs-errs0
	_, st.peakRSS = procMem(pid)
	st.dropped = mr.d.dropped.Swap(0)
	return after, nil
}

// snap reads everything a phase's figures are made of.
func (mr *mixRun) snap(ctx context.Context) (snapshot, error) {
	var s snapshot
	var err error
	s.at = time.Now()
	if s.metrics, err = scrapeMetrics(ctx, mr.app.addr); err != nil {
		return s, fmt.Errorf("read the app's metrics: %w", err)
	}
	if s.pg, err = readPG(ctx, mr.pool, mr.statements); err != nil {
		return s, fmt.Errorf("read the database's statistics: %w", err)
	}
	_, s.appCPU, _ = procStat(mr.app.cmd.Process.Pid)
	_, s.selfCPU, _ = procStat(os.Getpid())
	if mr.pgPID != 0 {
		s.pgCPU = treeCPU(mr.pgPID)
	}
	mr.d.obs.mu.Lock()
	s.refused = map[string]int{}
	for k, v := range mr.d.obs.refused {
		s.refused[k] = v
	}
	mr.d.obs.mu.Unlock()
	return s, nil
}
