package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
	"github.com/telecrm/crmbot/internal/schedule"
)

// The replicas scenario shows scale-out on one machine: -replicas
// processes of the real `crmbot run` in webhook mode on one PostgreSQL,
// the sandbox spreading its webhook deliveries over them as a load
// balancer would (round robin, failing over when one is down). Reps post
// searches at a steady rate; reminders come due during the run and
// follow-ups cross the escalation line, so notifications and the periodic
// sweeps are at work. Midway the River leader is killed with SIGKILL.
// Afterwards every figure is read from the database and from what the
// users received (the sandbox's transcripts), not from the bot's counters.

// replicasConfig is what `crmbot bench -scenario replicas` runs.
type replicasConfig struct {
	n         int
	staff     int
	customers int
	rate      float64 // searches posted per second
	duration  time.Duration
	periodic  time.Duration
	reminders int // follow-ups whose reminders come due during the run
	escalate  int // follow-ups that cross the escalation line during the run
}

// replicasDatabase is the database the scenario seeds, next to the given one.
const replicasDatabase = "crmbot_bench_replicas"

// replicasSecret is the replicas' webhook secret.
const replicasSecret = "bench-replicas-webhook-secret"

// replicasPublicURL is the webhook URL every replica registers: the
// balancer's, which the sandbox resolves to the replicas themselves.
const replicasPublicURL = "http://crmbot-replicas.invalid/telegram"

// benchReplicas runs the scenario on a database of its own next to url.
func benchReplicas(ctx context.Context, url string, rc replicasConfig, w io.Writer) error {
	fmt.Fprintf(w, "replicas: on %s\n", machine())
	url, err := freshDatabase(ctx, url, replicasDatabase)
	if err != nil {
		return err
	}
	if err := postgres.Migrate(ctx, url, nil); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	start := time.Now()
	seeded, err := seedMix(ctx, pool, rc.staff, rc.customers, start)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	// Everyone works around the clock, so that no notification waits for
	// working hours whatever the hour of the run.
	allDay := crm.WorkHours{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		allDay[d] = []crm.Span{{Start: 0, End: 24 * 60}}
	}
	if err := setAllWorkHours(ctx, pool, allDay); err != nil {
		return err
	}
	fmt.Fprintf(w, "replicas: seeded %d reps, %d customers in %.1fs\n", rc.staff, rc.staff*rc.customers, time.Since(start).Seconds())

	sb := sandbox.New(sandbox.Options{BotUsername: "crm_bench_bot", RateLimits: sandbox.RateLimits{Disabled: true},
		MaxCalls: 100, WebhookRetryMin: 100 * time.Millisecond, WebhookRetryMax: time.Second})
	defer sb.Close()
	hs := httptest.NewServer(sb.Handler())
	defer hs.Close()
	sb.SetURL(hs.URL)

	var kids []*child
	defer func() {
		for _, k := range kids {
			k.stop()
		}
	}()
	var backends []string
	for i := range rc.n {
		k, err := startReplica(ctx, i, rc, url, hs.URL, sb.Token())
		if err != nil {
			return err
		}
		kids = append(kids, k)
		backends = append(backends, "http://"+k.addr)
	}
	if err := sb.SetWebhookBackends(time.Second, backends...); err != nil {
		return err
	}
	fmt.Fprintf(w, "replicas: %d replicas of crmbot run (webhook mode, own processes) behind the sandbox's balancer: %s\n", rc.n, strings.Join(backends, ", "))

	t0 := time.Now()
	plan, err := planNotifications(ctx, pool, seeded, rc, t0)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "replicas: %d reminders due over the run (each scheduled twice), %d follow-ups crossing the escalation line; periodic sweeps every %v\n",
		len(plan.reminders), len(plan.escalations), rc.periodic)

	load := &replicaLoad{sb: sb, reps: seeded.reps, sent: map[int64]search{}}
	if err := load.openManagers(plan); err != nil {
		return err
	}
	lctx, stopLoad := context.WithCancel(ctx)
	loaded := make(chan struct{})
	go func() { defer close(loaded); load.run(lctx, rc.rate) }()
	fmt.Fprintf(w, "replicas: %d reps posting searches at %.0f/s for %v; the River leader is killed midway…\n", rc.staff, rc.rate, rc.duration)

	select {
	case <-time.After(rc.duration / 2):
	case <-ctx.Done():
		stopLoad()
		return ctx.Err()
	}
	fo, err := killLeader(ctx, pool, kids)
	if err != nil {
		stopLoad()
		return err
	}
	fmt.Fprintf(w, "replicas: killed %s (the River leader) with SIGKILL at %.1fs\n", fo.killed.name, time.Since(t0).Seconds())
	failover := make(chan failoverTimes, 1)
	go func() { failover <- fo.watch(ctx, pool, kids) }()
	select {
	case <-time.After(rc.duration - rc.duration/2):
	case <-ctx.Done():
	}
	stopLoad()
	<-loaded
	posted := time.Since(t0)
	ft := <-failover

	// A notification the killed replica was sending is retried once
	// River rescues its job (delivery.RiverOptions.RescueAfter, 2 min),
	// and its send record makes the retry probe the chat first.
	if err := waitReplicasSettled(ctx, pool, load.count(), plan, 5*time.Minute); err != nil {
		return err
	}
	fmt.Fprintf(w, "replicas: everything done and every notification recorded %.1fs after the load stopped\n", time.Since(t0.Add(posted)).Seconds())
	res, err := checkReplicas(ctx, pool, sb, load, plan)
	if err != nil {
		return err
	}
	res.print(w, rc, load.count(), posted, ft, sb.WebhookBackends())
	return nil
}

// startReplica starts replica i in its own process, listening on a port
// of its own for the webhook the balancer posts to.
func startReplica(ctx context.Context, i int, rc replicasConfig, dbURL, api, token string) (*child, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close() // the child listens there; a race for the port is unlikely
	cfg := config.Config{BotToken: token, DatabaseURL: dbURL, APIURL: api, ListenAddr: addr,
		WebhookURL: replicasPublicURL, WebhookSecret: replicasSecret,
		DefaultLocale: "fa", TimeZone: "Asia/Tehran", GlobalRate: 100000, LogLevel: "warn", LogFormat: "text"}
	if err := cfg.Validate(config.FToken, config.FDatabase); err != nil {
		return nil, err
	}
	return startChild(ctx, fmt.Sprintf("replica %d", i+1), childSpec{Kind: "app", Config: cfg,
		ChatInterval: mixChatInterval, PeriodicEvery: rc.periodic})
}

// search is one search a rep posted.
type search struct {
	chat int64
	text string
}

// replicaLoad posts searches that find nobody, each with a text of its
// own that the bot's one reply quotes back.
type replicaLoad struct {
	sb   *sandbox.Server
	reps []*rep
	mu   sync.Mutex
	sent map[int64]search // by update id
	per  map[int64]int    // searches posted per chat
}

// probeText is the i-th search of chat c: Latin letters only, so that
// every locale quotes it back as typed.
func probeText(c int64, i int) string {
	return "zqprobe " + letters(c) + " " + letters(int64(i)) + " zq"
}

func letters(n int64) string {
	var b []byte
	for {
		b = append(b, byte('a'+n%26))
		n /= 26
		if n == 0 {
			return string(b)
		}
	}
}

// run posts searches at rate, round robin over the reps, until ctx ends.
func (l *replicaLoad) run(ctx context.Context, rate float64) {
	l.per = map[int64]int{}
	start := time.Now()
	for i := 0; ; i++ {
		due := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(due)):
		}
		r := l.reps[i%len(l.reps)]
		l.mu.Lock()
		text := probeText(r.tg, l.per[r.tg])
		l.mu.Unlock()
		s, err := l.sb.SendText(r.tg, text, sandbox.MsgOpts{FirstName: r.first, LanguageCode: r.lang})
		if err != nil {
			continue
		}
		l.mu.Lock()
		l.per[r.tg]++
		l.sent[s.UpdateID] = search{chat: r.tg, text: text}
		l.mu.Unlock()
	}
}

// openManagers has each manager an escalation goes to open the bot
// (/start), as they did when they joined: Telegram delivers nothing to a
// chat the user never opened. Those updates are checked like the
// searches, without a reply to quote.
func (l *replicaLoad) openManagers(p notificationPlan) error {
	opened := map[int64]bool{}
	for _, chat := range p.escalations {
		if opened[chat] {
			continue
		}
		opened[chat] = true
		s, err := l.sb.SendText(chat, "/start", sandbox.MsgOpts{FirstName: "مدیر", LanguageCode: "fa"})
		if err != nil {
			return err
		}
		l.sent[s.UpdateID] = search{chat: chat}
	}
	return nil
}

func (l *replicaLoad) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.sent)
}

// notificationPlan is what should reach the users besides the replies.
type notificationPlan struct {
	reminders   map[int64]int64 // follow-up → the rep's chat
	escalations map[int64]int64 // customer (one escalating follow-up each) → the manager's chat
}

// planNotifications adds, for the first reps, a follow-up due during the
// run with its reminder job (scheduled twice, as a retried handler
// would), and for the next ones a follow-up that crosses the 24-hour
// escalation line during the run (the leader's sweep escalates it to the
// team's manager).
func planNotifications(ctx context.Context, pool *pgxpool.Pool, s *seeded, rc replicasConfig, t0 time.Time) (notificationPlan, error) {
	p := notificationPlan{reminders: map[int64]int64{}, escalations: map[int64]int64{}}
	rclient, err := river.NewClient(riverpgxv5.New(pool), &river.Config{}) // insert only
	if err != nil {
		return p, err
	}
	sched := delivery.NewScheduler(rclient, outbound.KindReminder)
	db := postgres.New(pool)
	span := rc.duration - 5*time.Second
	for i, r := range s.reps[:min(rc.reminders, len(s.reps))] {
		due := t0.Add(2*time.Second + span*time.Duration(i)/time.Duration(max(rc.reminders, 1))).Truncate(time.Second)
		st, err := db.StaffByTelegramID(ctx, r.tg)
		if err != nil {
			return p, err
		}
		cust := r.customers[len(r.customers)-1].id
		var fid int64
		if err := pool.QueryRow(ctx, `INSERT INTO follow_ups (customer_id, assignee_id, due_at, created_by)
			VALUES ($1, $2, $3, $2) RETURNING id`, cust, st.ID, due).Scan(&fid); err != nil {
			return p, err
		}
		no := schedule.Reminder(crm.FollowUp{ID: fid, CustomerID: cust, AssigneeID: st.ID, DueAt: due}, st)
		for range 2 {
			if err := db.InTx(ctx, func(ctx context.Context) error { return sched.Schedule(ctx, no) }); err != nil {
				return p, err
			}
		}
		p.reminders[fid] = r.tg
	}
	for i, r := range s.reps[min(rc.reminders, len(s.reps)):min(rc.reminders+rc.escalate, len(s.reps))] {
		due := t0.Add(-24*time.Hour + 2*time.Second + span*time.Duration(i)/time.Duration(max(rc.escalate, 1)))
		cust := r.customers[len(r.customers)-2].id
		if _, err := pool.Exec(ctx, `INSERT INTO follow_ups (customer_id, assignee_id, due_at, created_by)
			SELECT $1, id, $2, id FROM staff WHERE telegram_user_id = $3`, cust, due, r.tg); err != nil {
			return p, err
		}
		team := (r.idx)/teamSize + 1
		p.escalations[cust] = firstManagerTG + int64(team)
	}
	return p, nil
}

// leaderKill is the kill of the River leader.
type leaderKill struct {
	killed *child
	at     time.Time // the database's clock
	wall   time.Time
}

// failoverTimes say how long after the kill another replica led River
// and a periodic sweep enqueued after the kill had run.
type failoverTimes struct {
	leader, periodic time.Duration
	newLeader        string
}

// killLeader kills the replica River's leader election names, with
// SIGKILL (no resignation, no clean stop).
func killLeader(ctx context.Context, pool *pgxpool.Pool, kids []*child) (leaderKill, error) {
	var id string
	if err := pool.QueryRow(ctx, `SELECT leader_id FROM river_leader`).Scan(&id); err != nil {
		return leaderKill{}, fmt.Errorf("read river_leader: %w", err)
	}
	for _, k := range kids {
		if k.river != id {
			continue
		}
		var at time.Time
		if err := pool.QueryRow(ctx, `SELECT now()`).Scan(&at); err != nil {
			return leaderKill{}, err
		}
		wall := time.Now()
		if err := k.cmd.Process.Kill(); err != nil {
			return leaderKill{}, err
		}
		<-k.exited
		return leaderKill{killed: k, at: at, wall: wall}, nil
	}
	return leaderKill{}, fmt.Errorf("river_leader names %q, none of the replicas", id)
}

// watch polls until a live replica leads and a periodic job created after
// the kill has completed (up to two minutes).
func (lk leaderKill) watch(ctx context.Context, pool *pgxpool.Pool, kids []*child) failoverTimes {
	var ft failoverTimes
	live := map[string]bool{}
	for _, k := range kids {
		live[k.river] = k != lk.killed
	}
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && ctx.Err() == nil; time.Sleep(100 * time.Millisecond) {
		if ft.leader == 0 {
			var id string
			if pool.QueryRow(ctx, `SELECT leader_id FROM river_leader`).Scan(&id) == nil && live[id] {
				ft.leader, ft.newLeader = time.Since(lk.wall), id
			}
		}
		if ft.periodic == 0 {
			var n int
			if pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'periodic' AND state = 'completed'
				AND created_at > $1`, lk.at).Scan(&n) == nil && n > 0 {
				ft.periodic = time.Since(lk.wall)
			}
		}
		if ft.leader > 0 && ft.periodic > 0 {
			break
		}
	}
	return ft
}

// waitReplicasSettled waits until every posted update is done, no reply
// is open and every planned notification has a finished record in sends
// (sent, skipped, failed or unreachable: not sending).
func waitReplicasSettled(ctx context.Context, pool *pgxpool.Pool, updates int, p notificationPlan, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	want := len(p.reminders) + len(p.escalations)
	for {
		var done, open, notified int
		err := pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM update_inbox WHERE status = 'done'),
			(SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')),
			(SELECT count(*) FROM sends WHERE kind IN ('reminder', 'escalation') AND status <> 'sending')`).Scan(&done, &open, &notified)
		if err != nil {
			return err
		}
		if done >= updates && open == 0 && notified >= want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not settled after %v: %d of %d updates done, %d replies open, %d of %d notifications recorded",
				timeout, done, updates, open, notified, want)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// replicasResult is what the database and the transcripts say.
type replicasResult struct {
	inbox, notDone, missing, extra int // update_inbox rows; not done; posted but absent; present but not posted
	unanswered, answeredTwice      int // posted searches with no reply / more than one, in the transcripts
	outboxTwice                    int // updates with more than one outbox row
	reminders, remindersMissing    int // reminders received (transcripts); planned but not received
	remindersDoubled               int // received more than once
	escalations, escalationsMiss   int
	escalationsDoubled             int
	sends                          map[string]int // sends rows by kind and status
}

// checkReplicas reads the outcome from the database and the transcripts.
func checkReplicas(ctx context.Context, pool *pgxpool.Pool, sb *sandbox.Server, l *replicaLoad, p notificationPlan) (replicasResult, error) {
	var res replicasResult
	l.mu.Lock()
	defer l.mu.Unlock()
	rows, err := pool.Query(ctx, `SELECT update_id, status FROM update_inbox`)
	if err != nil {
		return res, err
	}
	seen := map[int64]bool{}
	var id int64
	var status string
	if _, err := pgx.ForEachRow(rows, []any{&id, &status}, func() error {
		res.inbox++
		seen[id] = true
		if status != "done" {
			res.notDone++
		}
		if _, ok := l.sent[id]; !ok {
			res.extra++
		}
		return nil
	}); err != nil {
		return res, err
	}
	for id := range l.sent {
		if !seen[id] {
			res.missing++
		}
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT update_id FROM outbox WHERE update_id IS NOT NULL
		GROUP BY 1 HAVING count(*) > 1) d`).Scan(&res.outboxTwice); err != nil {
		return res, err
	}
	res.sends = map[string]int{}
	srows, err := pool.Query(ctx, `SELECT kind || ' ' || status || coalesce(' (' || error || ')', ''), count(*) FROM sends GROUP BY 1`)
	if err != nil {
		return res, err
	}
	var ks string
	var n int
	if _, err := pgx.ForEachRow(srows, []any{&ks, &n}, func() error { res.sends[ks] = n; return nil }); err != nil {
		return res, err
	}

	// What each rep received: one reply quoting each search, and each
	// reminder (its ✅ button names the follow-up) once.
	quoted := map[int64][]string{} // chat → probes posted
	for _, pr := range l.sent {
		if pr.text != "" {
			quoted[pr.chat] = append(quoted[pr.chat], pr.text)
		}
	}
	remindersTo := map[int64][]int64{}
	for fid, chat := range p.reminders {
		remindersTo[chat] = append(remindersTo[chat], fid)
	}
	for _, r := range l.reps {
		tr := sb.Transcript(r.tg)
		for _, text := range quoted[r.tg] {
			got := 0
			for _, m := range tr.Messages {
				if m.From == "bot" && strings.Contains(m.Text, text) {
					got++
				}
			}
			switch {
			case got == 0:
				res.unanswered++
			case got > 1:
				res.answeredTwice++
			}
		}
		for _, fid := range remindersTo[r.tg] {
			got := countMarkup(tr, `"`+actFUDoneData+":"+id36(fid)+":")
			res.reminders += min(got, 1)
			switch {
			case got == 0:
				res.remindersMissing++
			case got > 1:
				res.remindersDoubled++
			}
		}
	}
	// What each manager received: each escalation (its card button names
	// the customer) once.
	byManager := map[int64][]int64{}
	for cust, chat := range p.escalations {
		byManager[chat] = append(byManager[chat], cust)
	}
	for chat, custs := range byManager {
		tr := sb.Transcript(chat)
		for _, cust := range custs {
			got := countMarkup(tr, `"`+actCardData+":"+id36(cust)+`"`)
			res.escalations += min(got, 1)
			switch {
			case got == 0:
				res.escalationsMiss++
			case got > 1:
				res.escalationsDoubled++
			}
		}
	}
	return res, nil
}

// The bot's callback data the transcripts are searched for (bot/'s
// actFUDone and actCard, ids in base 36).
const (
	actFUDoneData = "fd"
	actCardData   = "cc"
)

func id36(n int64) string { return strconv.FormatInt(n, 36) }

// countMarkup counts the bot's messages whose buttons' JSON holds s.
func countMarkup(tr sandbox.Transcript, s string) int {
	n := 0
	for _, m := range tr.Messages {
		if m.From == "bot" && !m.Deleted && strings.Contains(string(m.ReplyMarkup), s) {
			n++
		}
	}
	return n
}

func (res replicasResult) print(w io.Writer, rc replicasConfig, posted int, took time.Duration, ft failoverTimes, bs []sandbox.BackendStats) {
	var spread []string
	for _, b := range bs {
		spread = append(spread, fmt.Sprintf("%s %d (%d failed over)", b.Backend, b.Served, b.Failed))
	}
	fmt.Fprintf(w, "replicas: %d updates posted (searches, and the managers' /start) in %.1fs (%.0f/s); webhook deliveries answered per replica: %s\n",
		posted, took.Seconds(), float64(posted)/took.Seconds(), strings.Join(spread, ", "))
	fmt.Fprintf(w, "replicas: database: update_inbox holds %d updates (%d not done, %d posted but missing, %d never posted); %d updates with more than one reply row\n",
		res.inbox, res.notDone, res.missing, res.extra, res.outboxTwice)
	fmt.Fprintf(w, "replicas: transcripts: %d searches unanswered, %d answered more than once\n", res.unanswered, res.answeredTwice)
	fmt.Fprintf(w, "replicas: notifications (transcripts): reminders %d received once, %d missing, %d doubled; escalations %d received once, %d missing, %d doubled; sends rows %v\n",
		res.reminders, res.remindersMissing, res.remindersDoubled, res.escalations, res.escalationsMiss, res.escalationsDoubled, res.sends)
	fmt.Fprintf(w, "replicas: after the kill, %s led River in %.1fs and a periodic sweep enqueued after the kill had run in %.1fs (periodic jobs are unique per 30 s, sweeps every %v)\n",
		ft.newLeader, ft.leader.Seconds(), ft.periodic.Seconds(), rc.periodic)
	lost := res.missing + res.notDone + res.unanswered
	twice := res.answeredTwice + res.outboxTwice
	fmt.Fprintf(w, "replicas=%d updates=%d lost=%d processed_twice=%d notifications=%d notifications_lost=%d notifications_doubled=%d leader_failover_s=%.1f periodic_resumed_s=%.1f\n",
		rc.n, posted, lost, twice, res.reminders+res.escalations, res.remindersMissing+res.escalationsMiss,
		res.remindersDoubled+res.escalationsDoubled, ft.leader.Seconds(), ft.periodic.Seconds())
}

func bindReplicasFlags(fs *flag.FlagSet, rc *replicasConfig) {
	fs.IntVar(&rc.n, "replicas", 3, "bot processes in webhook mode on one database (replicas); one is killed midway")
	fs.DurationVar(&rc.periodic, "periodic-every", 2*time.Second, "the replicas' periodic sweeps' interval (replicas)")
	fs.IntVar(&rc.reminders, "reminders", 300, "follow-ups whose reminders come due during the run (replicas)")
	fs.IntVar(&rc.escalate, "escalations", 100, "follow-ups crossing the escalation line during the run (replicas)")
}

// finish takes the flags the scenario shares: -staff, -customers,
// -duration (the whole run; the kill is at its middle) and -rate (the
// searches posted per second, 100 unless given).
func (rc *replicasConfig) finish(c benchConfig, m mixConfig, set map[string]bool) error {
	rc.staff, rc.customers, rc.duration, rc.rate = m.staff, m.customers, c.steady, 100
	if set["rate"] {
		rc.rate = c.rate
	}
	switch {
	case rc.n < 2:
		return fmt.Errorf("bench: -replicas must be at least 2 (one is killed): %w", errUsage)
	case rc.rate <= 0 || rc.duration < 10*time.Second:
		return fmt.Errorf("bench: the replicas scenario needs a -rate above 0 and a -duration of 10 s or more: %w", errUsage)
	case rc.customers < 2:
		return fmt.Errorf("bench: the replicas scenario needs -customers 2 or more: %w", errUsage)
	}
	return nil
}

// setAllWorkHours gives every staff member the working hours w.
func setAllWorkHours(ctx context.Context, pool *pgxpool.Pool, w crm.WorkHours) error {
	rows, err := pool.Query(ctx, `SELECT id FROM staff`)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	db := postgres.New(pool)
	for _, id := range ids {
		if err := db.SetWorkHours(ctx, id, w); err != nil {
			return err
		}
	}
	return nil
}
