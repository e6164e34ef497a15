package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/pgcluster"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// benchConfig is what `crmbot bench` measures.
type benchConfig struct {
	scenario string
	drainN   int
	rate     float64
	steady   time.Duration
	updates  int
	chats    int
	postRate float64
	conns    int
	parts    string // the outbound scenario's parts to run
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if spec := os.Getenv(benchChildEnv); spec != "" {
		return runBenchChild(ctx, spec, stdout, stderr)
	}
	var c benchConfig
	var mix mixConfig
	fs := newFlags("bench", "Measure the durable path against a local sandbox with Telegram's limits: notification drain, notification lateness, inbound webhook throughput; and the real bot under a mix of reps' actions against an echo bot (mix, in a database of its own, crmbot_bench_mix); several webhook replicas on one database, one killed midway (replicas, in crmbot_bench_replicas); the managers' digests over a million activities (digest). Uses DATABASE_URL (its database is wiped of inbox and job rows) or starts a throwaway PostgreSQL.", stderr)
	fs.StringVar(&c.scenario, "scenario", "all", "drain, lateness, inbound, mix, replicas, digest, segments, search, outbound or all (all nine)")
	fs.IntVar(&c.drainN, "n", 10000, "notifications due at once (drain)")
	fs.Float64Var(&c.rate, "rate", 20, "notifications due per second (lateness); steps due per second in the mix's open loop (default 1000 there)")
	fs.DurationVar(&c.steady, "duration", 60*time.Second, "how long notifications keep coming due (lateness); each measured phase of the mix")
	fs.IntVar(&c.updates, "updates", 20000, "updates posted to the webhook (inbound)")
	fs.IntVar(&c.chats, "chats", 500, "chats the inbound updates come from")
	fs.Float64Var(&c.postRate, "post-rate", 1000, "updates posted per second (inbound); 0 posts as fast as the connections allow")
	fs.IntVar(&c.conns, "conns", 40, "concurrent webhook connections at most (inbound; Telegram's max_connections)")
	fs.StringVar(&c.parts, "parts", "raised,telegram,bursts", "the outbound scenario's parts to run, comma-separated")
	bindMixFlags(fs, &mix)
	var reps replicasConfig
	bindReplicasFlags(fs, &reps)
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	withMix := c.scenario == "all" || c.scenario == "mix"
	if err := mix.finish(c, set); withMix && err != nil {
		return err
	}
	if err := reps.finish(c, mix, set); (c.scenario == "all" || c.scenario == "replicas") && err != nil {
		return err
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		fmt.Fprintln(stderr, "starting a throwaway PostgreSQL…")
		cl, err := pgcluster.Start(ctx)
		if err != nil {
			return err
		}
		defer cl.Close()
		url = cl.URL("postgres")
		if withMix || c.scenario == "outbound" {
			if err := preloadStatements(ctx, cl, url); err != nil {
				return fmt.Errorf("load pg_stat_statements: %w", err)
			}
		}
	}
	if err := postgres.Migrate(ctx, url, nil); err != nil {
		return err
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	pool, err := postgres.Open(ctx, url+sep+"pool_max_conns=50")
	if err != nil {
		return err
	}
	defer pool.Close()
	run := map[string]func(context.Context, *pgxpool.Pool, benchConfig, io.Writer) error{
		"drain": benchDrain, "lateness": benchLateness, "inbound": benchInbound,
		"mix": func(ctx context.Context, _ *pgxpool.Pool, _ benchConfig, w io.Writer) error {
			return benchMix(ctx, url, mix, w)
		},
		"replicas": func(ctx context.Context, _ *pgxpool.Pool, _ benchConfig, w io.Writer) error {
			return benchReplicas(ctx, url, reps, w)
		},
		"digest": func(ctx context.Context, _ *pgxpool.Pool, _ benchConfig, w io.Writer) error {
			return benchDigest(ctx, url, w)
		},
		"segments": func(ctx context.Context, _ *pgxpool.Pool, _ benchConfig, w io.Writer) error {
			return benchSegments(ctx, url, w)
		},
		"search": func(ctx context.Context, _ *pgxpool.Pool, _ benchConfig, w io.Writer) error {
			return benchSearch(ctx, url, mix, w)
		},
		"outbound": func(ctx context.Context, pool *pgxpool.Pool, c benchConfig, w io.Writer) error {
			return benchOutbound(ctx, pool, c, mix.cpuprofile, w)
		},
	}
	for _, name := range []string{"drain", "lateness", "inbound", "mix", "replicas", "digest", "segments", "search", "outbound"} {
		if c.scenario != "all" && c.scenario != name {
			continue
		}
		if err := resetBench(ctx, pool); err != nil {
			return err
		}
		if err := run[name](ctx, pool, c, stdout); err != nil {
			return fmt.Errorf("bench %s: %w", name, err)
		}
	}
	if _, ok := run[c.scenario]; !ok && c.scenario != "all" {
		return fmt.Errorf("bench: unknown scenario %q: %w", c.scenario, errUsage)
	}
	return nil
}

func resetBench(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `TRUNCATE update_inbox, outbox, sends, unreachable_chats, river_job;
		UPDATE send_pacing SET tat = '-infinity', paused_until = '-infinity'`)
	return err
}

var benchLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// notifyRig is a sandbox with Telegram's limits, a sender and a River
// client working notifications.
type notifyRig struct {
	sb    *sandbox.Server
	n     *delivery.Notifier
	river *river.Client[pgx.Tx]
	stop  func()
	db    *postgres.DB
}

func newNotifyRig(ctx context.Context, pool *pgxpool.Pool, users int) (*notifyRig, error) {
	sb := sandbox.New(sandbox.Options{MaxCalls: 1_000_000})
	hs := httptest.NewServer(sb.Handler())
	sb.SetURL(hs.URL)
	for u := 1; u <= users; u++ {
		if _, err := sb.SendText(int64(u), "/start", sandbox.MsgOpts{}); err != nil {
			return nil, err
		}
	}
	db := postgres.New(pool)
	client := delivery.NewClient(hs.URL, sb.Token(), nil)
	sender := delivery.NewSender(client, pool, delivery.SenderOptions{Logger: benchLog})
	n := delivery.NewNotifier(db, sender, nil, benchLog, nil)
	workers := river.NewWorkers()
	river.AddWorker(workers, n.Worker())
	rc, err := delivery.NewRiver(pool, delivery.RiverOptions{Workers: workers, Logger: benchLog})
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	if err := rc.Start(rctx); err != nil {
		cancel()
		return nil, err
	}
	return &notifyRig{sb: sb, n: n, river: rc, db: db, stop: func() {
		sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		rc.Stop(sctx)
		cancel()
		sb.Close()
		hs.Close()
	}}, nil
}

// insert schedules notifications in batches of one transaction each.
func (r *notifyRig) insert(ctx context.Context, pool *pgxpool.Pool, nos []delivery.Notification) error {
	for len(nos) > 0 {
		batch := nos[:min(len(nos), 1000)]
		nos = nos[len(batch):]
		params := make([]river.InsertManyParams, len(batch))
		for i, no := range batch {
			params[i] = river.InsertManyParams{Args: delivery.NotifyArgs{N: no, Key: no.DedupKey}, InsertOpts: &river.InsertOpts{ScheduledAt: no.Due}}
		}
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := r.river.InsertManyTx(ctx, tx, params)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func textMsg(chat int64, key string) *delivery.Message {
	return &delivery.Message{Method: "sendMessage", ChatID: chat, Text: key}
}

func benchDrain(ctx context.Context, pool *pgxpool.Pool, c benchConfig, w io.Writer) error {
	chats := max(c.drainN/5, 1)
	rig, err := newNotifyRig(ctx, pool, chats)
	if err != nil {
		return err
	}
	defer rig.stop()
	now := time.Now()
	nos := make([]delivery.Notification, c.drainN)
	for i := range nos {
		chat := int64(i%chats + 1)
		key := fmt.Sprintf("drain:%d", i)
		nos[i] = delivery.Notification{Kind: "bench", ChatID: chat, DedupKey: key, Due: now, Message: textMsg(chat, key)}
	}
	if err := rig.insert(ctx, pool, nos); err != nil {
		return err
	}
	fmt.Fprintf(w, "drain: %d notifications to %d chats due at once…\n", c.drainN, chats)
	if err := waitSent(ctx, pool, c.drainN, time.Duration(c.drainN)*time.Second/10+time.Minute); err != nil {
		return err
	}
	calls := rig.sb.Calls(sandbox.CallFilter{Method: "sendMessage"})
	var ok []sandbox.Call
	throttled := 0
	for _, cl := range calls {
		switch {
		case cl.OK:
			ok = append(ok, cl)
		case cl.ErrorCode == 429:
			throttled++
		}
	}
	if len(ok) < 2 {
		return errors.New("nothing was sent")
	}
	elapsed := ok[len(ok)-1].Time.Sub(ok[0].Time)
	// The tightest spacing of two messages to one chat.
	last := map[string]time.Time{}
	minGap := time.Hour
	for _, cl := range ok {
		chat := cl.Params["chat_id"]
		if t, seen := last[chat]; seen {
			minGap = min(minGap, cl.Time.Sub(t))
		}
		last[chat] = cl.Time
	}
	scopes := map[string]int{} // chat: a chat over its own limit
	for _, th := range rig.sb.Throttles() {
		scopes[th.Scope]++
	}
	fmt.Fprintf(w, "drain: %d sent in %.1fs = %.2f msg/s; %d answered 429 (%.2f%%, by scope %v); tightest spacing to one chat %v\n",
		len(ok), elapsed.Seconds(), float64(len(ok)-1)/elapsed.Seconds(), throttled,
		100*float64(throttled)/float64(len(calls)), scopes, minGap.Round(time.Millisecond))
	return nil
}

func waitSent(ctx context.Context, pool *pgxpool.Pool, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var sent int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM sends WHERE status = 'sent'`).Scan(&sent); err != nil {
			return err
		}
		if sent >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d sent after %v", sent, n, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func benchLateness(ctx context.Context, pool *pgxpool.Pool, c benchConfig, w io.Writer) error {
	total := int(c.rate * c.steady.Seconds())
	chats := max(total/3, 1)
	rig, err := newNotifyRig(ctx, pool, chats)
	if err != nil {
		return err
	}
	defer rig.stop()
	start := time.Now().Add(3 * time.Second)
	due := map[string]time.Time{}
	nos := make([]delivery.Notification, total)
	for i := range nos {
		chat := int64(i%chats + 1)
		key := fmt.Sprintf("late:%d", i)
		at := start.Add(time.Duration(float64(i) / c.rate * float64(time.Second)))
		due[key] = at
		nos[i] = delivery.Notification{Kind: "bench", ChatID: chat, DedupKey: key, Due: at, Message: textMsg(chat, key)}
	}
	if err := rig.insert(ctx, pool, nos); err != nil {
		return err
	}
	fmt.Fprintf(w, "lateness: %d notifications coming due at %.0f/s for %v…\n", total, c.rate, c.steady)
	if err := waitSent(ctx, pool, total, c.steady+time.Minute); err != nil {
		return err
	}
	var late []time.Duration
	for _, cl := range rig.sb.Calls(sandbox.CallFilter{Method: "sendMessage"}) {
		if d, ok := due[cl.Params["text"]]; ok && cl.OK {
			late = append(late, cl.Time.Sub(d))
		}
	}
	slices.Sort(late)
	fmt.Fprintf(w, "lateness: %d sent; p50 %v, p99 %v, max %v\n", len(late), pct(late, 50), pct(late, 99), late[len(late)-1].Round(time.Millisecond))
	return nil
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, len(ds)*p/100)].Round(time.Millisecond)
}

// benchInbound posts updates to the webhook at postRate (open loop: the
// latency of each is counted from when it was due to be posted, so a slow
// server cannot hide its queue) over at most conns connections, while a
// dispatcher with a trivial handler processes them. It reports the ack
// latency and the rate at which updates were committed and processed: an
// update counts once the transaction that marked it done has committed.
func benchInbound(ctx context.Context, pool *pgxpool.Pool, c benchConfig, w io.Writer) error {
	db := postgres.New(pool)
	var (
		mu        sync.Mutex
		inTx      = map[int64]int64{} // handled, not yet committed, by chat
		handled   atomic.Int64
		committed atomic.Int64
		lastDone  atomic.Int64 // unix nanos of the latest commit
	)
	trivial := inbox.HandlerFunc(func(_ context.Context, u *models.Update) error {
		handled.Add(1)
		mu.Lock()
		inTx[u.Message.Chat.ID]++
		mu.Unlock()
		return nil
	})
	afterCommit := func(_ context.Context, chat int64) {
		mu.Lock()
		n := inTx[chat]
		delete(inTx, chat)
		mu.Unlock()
		committed.Add(n)
		lastDone.Store(time.Now().UnixNano())
	}
	disp := inbox.NewDispatcher(db, trivial, pool, inbox.DispatcherOptions{Workers: 8, AfterCommit: afterCommit, PollInterval: 100 * time.Millisecond, Logger: benchLog})
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go disp.Run(dctx)
	const secret = "bench-secret-0123456789"
	var srvMu sync.Mutex
	var srvLat []time.Duration // as the server saw them
	wh := inbox.NewWebhook(db, pool.Ping, secret, benchLog).Routes("/tg")
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		wh.ServeHTTP(rw, r)
		srvMu.Lock()
		srvLat = append(srvLat, time.Since(t0))
		srvMu.Unlock()
	}))
	defer srv.Close()
	pace := "as fast as they go"
	if c.postRate > 0 {
		pace = fmt.Sprintf("at %.0f/s", c.postRate)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.conns, MaxConnsPerHost: c.conns}}
	var failed atomic.Int64
	// phase posts updates first+1 .. first+n at postRate and waits until
	// all are committed; it returns each ack's latency, how long the acks
	// took and how long until the last commit.
	phase := func(first, n int) (lat []time.Duration, acked, done time.Duration, err error) {
		lat = make([]time.Duration, n)
		var wg sync.WaitGroup
		slots := make(chan struct{}, c.conns)
		post := func(i int, due time.Time) {
			defer wg.Done()
			defer func() { <-slots }()
			id := first + i + 1
			chat := id%c.chats + 1
			body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"U"},"text":"hi"}}`, id, id, chat, chat)
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/tg", bytes.NewBufferString(body))
			req.Header.Set(inbox.SecretHeader, secret)
			resp, err := hc.Do(req)
			lat[i] = time.Since(due)
			if err != nil || resp.StatusCode != 200 {
				failed.Add(1)
			}
			if resp != nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		start := time.Now()
		for i := 0; i < n; i++ {
			due := time.Now()
			if c.postRate > 0 {
				due = start.Add(time.Duration(float64(i) / c.postRate * float64(time.Second)))
				if d := time.Until(due); d > 0 {
					time.Sleep(d)
				}
			}
			slots <- struct{}{} // a request waiting for a connection is late, and counted so
			wg.Add(1)
			go post(i, due)
		}
		wg.Wait()
		acked = time.Since(start)
		for committed.Load() < int64(first+n) {
			if time.Since(start) > 5*time.Minute {
				return nil, 0, 0, fmt.Errorf("only %d of %d processed", committed.Load(), first+n)
			}
			time.Sleep(5 * time.Millisecond)
		}
		return lat, acked, time.Unix(0, lastDone.Load()).Sub(start), nil
	}
	// A warm-up (connections opened, statements prepared, the function
	// compiled in each session) is posted and processed first, unmeasured.
	warm := min(c.updates/10, 1000)
	fmt.Fprintf(w, "inbound: warm-up of %d updates…\n", warm)
	if _, _, _, err := phase(0, warm); err != nil {
		return err
	}
	srvMu.Lock()
	srvLat = srvLat[:0]
	srvMu.Unlock()
	handled.Store(0)
	fmt.Fprintf(w, "inbound: posting %d updates from %d chats to the webhook %s over at most %d connections…\n", c.updates, c.chats, pace, c.conns)
	lat, ackedIn, doneIn, err := phase(warm, c.updates)
	if err != nil {
		return err
	}
	acked, done := ackedIn, doneIn
	_, inboxDone, parked, err := db.InboxCounts(ctx)
	if err != nil {
		return err
	}
	slices.Sort(srvLat)
	slices.Sort(lat)
	fmt.Fprintf(w, "inbound: %d acked in %.1fs (%.0f/s, %d failed); ack latency p50 %v p99 %v max %v\n",
		c.updates, acked.Seconds(), float64(c.updates)/acked.Seconds(), failed.Load(), pct(lat, 50), pct(lat, 99), lat[len(lat)-1].Round(time.Millisecond))
	fmt.Fprintf(w, "inbound: ack time inside the server (from request to response, without the client's queue): p50 %v p99 %v max %v\n",
		pct(srvLat, 50), pct(srvLat, 99), srvLat[len(srvLat)-1].Round(time.Millisecond))
	fmt.Fprintf(w, "inbound: all committed and processed in %.1fs = %.0f updates/s (%.0f ms after the last ack); %d done in all, %d parked, %d handler calls\n",
		done.Seconds(), float64(c.updates)/done.Seconds(), (done-acked).Seconds()*1000, inboxDone, parked, handled.Load())
	return nil
}
