package main

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// The outbound benchmark (`crmbot bench -scenario outbound`), in three
// parts on the bench database:
//
//   - raised: the sandbox's flood limits off and the global rate raised
//     (as with a local Bot API server): first the sender alone, 64
//     goroutines sending to -n/5 chats, then -n notifications to -n/5
//     chats due at once through River and the notifier. Sends/s, the CPU
//     time per send of this process and of PostgreSQL, and with
//     pg_stat_statements (loaded into a throwaway cluster) the statements
//     and database time per send.
//   - telegram: the sandbox's limits on (30/s, a private chat 1/s with a
//     burst of 3) and the production defaults: the drain scenario with
//     3,000 notifications to 600 chats (the global limit binds) and with
//     100 to 20 chats (their own limit binds): sent/s, the share of 429s,
//     the tightest spacing to one chat.
//   - bursts: replies to a user's action, 1 to 4 messages at once to each
//     of 10 chats, four actions each burst + 1 s apart (staggered), with the sender's
//     ReplyBurst at that size and the sandbox's limits on: how many 429s.
//
// -parts picks some of them (raised, telegram, bursts).

// outboundRaisedRate is the global rate of the raised part.
const outboundRaisedRate = 100_000

// benchOutbound runs the three parts; with cpuprofile it writes the bench
// process's CPU profile (River, the notifier, the sender and the sandbox)
// over the raised notifications there.
func benchOutbound(ctx context.Context, pool *pgxpool.Pool, c benchConfig, cpuprofile string, w io.Writer) error {
	fmt.Fprintf(w, "outbound: on %s\n", machine())
	statements, why := hasStatements(ctx, pool)
	if !statements {
		fmt.Fprintf(w, "outbound: no pg_stat_statements (%s)\n", why)
	}
	parts := map[string]bool{}
	for _, p := range strings.Split(c.parts, ",") {
		parts[strings.TrimSpace(p)] = true
	}
	if parts["raised"] {
		if err := outboundRaised(ctx, pool, c, statements, cpuprofile, w); err != nil {
			return err
		}
	}
	if parts["telegram"] {
		// Telegram's limits: the drain with the production defaults,
		// bound by the global 30/s (3,000 notifications to 600 chats),
		// then by the chats' own 1/s (100 notifications to 20 chats, 5
		// each).
		for _, n := range []int{min(c.drainN, 3000), 100} {
			if err := resetBench(ctx, pool); err != nil {
				return err
			}
			d := c
			d.drainN = n
			if err := benchDrain(ctx, pool, d, w); err != nil {
				return err
			}
		}
	}
	if parts["bursts"] {
		return outboundBursts(ctx, pool, w)
	}
	return nil
}

// outboundRaised runs the raised part: the sender alone, then
// notifications through River, with the flood limits off.
func outboundRaised(ctx context.Context, pool *pgxpool.Pool, c benchConfig, statements bool, cpuprofile string, w io.Writer) error {
	chats := max(c.drainN/5, 1)
	off := sandbox.RateLimits{Disabled: true}
	raised := delivery.SenderOptions{GlobalRate: outboundRaisedRate, Logger: benchLog}
	pgPID := postmaster(ctx, pool)

	// The sender alone: -n sendMessage, each to a chat of its own (so
	// that no chat's spacing holds anything back), 64 at a time.
	rig, err := newOutboundRig(ctx, pool, off, raised, c.drainN)
	if err != nil {
		return err
	}
	before, err := readOutbound(ctx, pool, statements, pgPID)
	if err != nil {
		rig.stop()
		return err
	}
	var next atomic.Int64
	var failed atomic.Int64
	t0 := time.Now()
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(c.drainN) {
					return
				}
				chat := i + 1
				if _, err := rig.sender.Send(ctx, delivery.Message{Method: "sendMessage", ChatID: chat, Text: fmt.Sprintf("alone:%d", i)}); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(t0)
	after, err := readOutbound(ctx, pool, statements, pgPID)
	rig.stop()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "outbound: raised, the sender alone: %d sendMessage to as many chats, 64 at a time, in %.1fs = %.0f sends/s, %d failed; load %s\n",
		c.drainN, took.Seconds(), float64(c.drainN)/took.Seconds(), failed.Load(), loadAvg())
	perSend(w, before, after, c.drainN)

	// Notifications due at once through River and the notifier.
	if err := resetBench(ctx, pool); err != nil {
		return err
	}
	rig, err = newOutboundRig(ctx, pool, off, raised, chats)
	if err != nil {
		return err
	}
	now := time.Now()
	nos := make([]delivery.Notification, c.drainN)
	for i := range nos {
		chat := int64(i%chats + 1)
		key := fmt.Sprintf("raised:%d", i)
		nos[i] = delivery.Notification{Kind: "bench", ChatID: chat, DedupKey: key, Due: now, Message: textMsg(chat, key)}
	}
	if err := rig.insert(ctx, pool, nos); err != nil {
		rig.stop()
		return err
	}
	before, err = readOutbound(ctx, pool, statements, pgPID)
	if err != nil {
		rig.stop()
		return err
	}
	stopProfile := func() {}
	if cpuprofile != "" {
		if stopProfile, err = startCPUProfile(cpuprofile); err != nil {
			rig.stop()
			return err
		}
	}
	inserted := time.Now()
	err = waitSent(ctx, pool, c.drainN, 5*time.Minute)
	all := time.Since(inserted)
	stopProfile()
	after, _ = readOutbound(ctx, pool, statements, pgPID)
	calls := rig.sb.Calls(sandbox.CallFilter{Method: "sendMessage"})
	rig.stop()
	if err != nil {
		return err
	}
	rate, _ := callRate(calls)
	fmt.Fprintf(w, "outbound: raised, notifications: %d due at once to %d chats, sent at %.0f/s (first to last send), all recorded sent %.1fs after their insert (%.0f/s, River's promotion of the due jobs included); load %s; budget ≥ 1,000/s\n",
		c.drainN, chats, rate, all.Seconds(), float64(c.drainN)/all.Seconds(), loadAvg())
	perSend(w, before, after, c.drainN)
	return nil
}

// outboundSnap is what the raised part's per-send figures are made of:
// the database's statistics and the CPU time of this process (River, the
// notifier, the sender and the sandbox) and of PostgreSQL.
type outboundSnap struct {
	pg             pgSnap
	selfCPU, pgCPU time.Duration
}

func readOutbound(ctx context.Context, pool *pgxpool.Pool, statements bool, pgPID int) (outboundSnap, error) {
	var s outboundSnap
	var err error
	s.pg, err = readPG(ctx, pool, statements)
	_, s.selfCPU, _ = procStat(os.Getpid())
	if pgPID != 0 {
		s.pgCPU = treeCPU(pgPID)
	}
	return s, err
}

// outboundBursts sends bursts of replies with the sandbox's limits on and
// counts the 429s of each burst size.
func outboundBursts(ctx context.Context, pool *pgxpool.Pool, w io.Writer) error {
	// Ten chats whose actions are staggered over the pause between
	// actions, so that even bursts of 4 stay under the global 30/s; the
	// pause (burst + 1 s) lets a chat's allowance refill: only the burst a
	// chat takes is tested.
	const chats, actions = 10, 4
	for burst := 1; burst <= 4; burst++ {
		if err := resetBench(ctx, pool); err != nil {
			return err
		}
		if _, err := pool.Exec(ctx, `TRUNCATE chat_pacing`); err != nil {
			return err
		}
		rig, err := newOutboundRig(ctx, pool, sandbox.RateLimits{}, delivery.SenderOptions{ReplyBurst: burst, Logger: benchLog}, chats)
		if err != nil {
			return err
		}
		var wg sync.WaitGroup
		var took sync.Map // chat → how long its bursts took, in all
		for chat := int64(1); chat <= chats; chat++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var all time.Duration
				for a := range actions {
					t0 := time.Now()
					for k := range burst {
						m := delivery.Message{Method: "sendMessage", ChatID: chat, Text: fmt.Sprintf("burst %d action %d reply %d", burst, a, k)}
						if _, err := rig.sender.Send(ctx, m); err != nil {
							fmt.Fprintf(w, "outbound: burst %d chat %d: %v\n", burst, chat, err)
						}
					}
					all += time.Since(t0)
					time.Sleep(time.Duration(burst+1) * time.Second) // the chat's allowance refilled

				}
				took.Store(chat, all)
			}()
		}
		wg.Wait()
		var lat []time.Duration
		took.Range(func(_, v any) bool { lat = append(lat, v.(time.Duration)/actions); return true })
		slices.Sort(lat)
		throttles := map[string]int{}
		for _, t := range rig.sb.Throttles() {
			throttles[t.Scope]++
		}
		sent := 0
		for _, cl := range rig.sb.Calls(sandbox.CallFilter{Method: "sendMessage"}) {
			if cl.OK {
				sent++
			}
		}
		rig.stop()
		fmt.Fprintf(w, "outbound: bursts of %d replies (ReplyBurst %d), %d chats × %d actions %d s apart, Telegram's limits on: %d sent, 429s %v; a burst took p50 %v, max %v\n",
			burst, burst, chats, actions, burst+1, sent, throttles, pct(lat, 50), lat[len(lat)-1].Round(time.Millisecond))
	}
	return nil
}

// callRate is the rate of the successful calls from the first to the last.
func callRate(calls []sandbox.Call) (float64, int) {
	var ok []time.Time
	for _, cl := range calls {
		if cl.OK {
			ok = append(ok, cl.Time)
		}
	}
	if len(ok) < 2 {
		return 0, len(ok)
	}
	slices.SortFunc(ok, func(a, b time.Time) int { return a.Compare(b) })
	return float64(len(ok)-1) / ok[len(ok)-1].Sub(ok[0]).Seconds(), len(ok)
}

// perSend prints the transactions, statements, database time and CPU
// time per send between two snapshots, and the five heaviest statements.
func perSend(w io.Writer, before, after outboundSnap, sends int) {
	per := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(sends) }
	fmt.Fprintf(w, "outbound:   CPU ms per send: this process (River, notifier, sender, sandbox) %.3f, PostgreSQL %.3f\n",
		per(after.selfCPU-before.selfCPU), per(after.pgCPU-before.pgCPU))
	fmt.Fprintf(w, "outbound:   transactions per send %.2f", (after.pg.xacts-before.pg.xacts)/float64(sends))
	if before.pg.statements == nil {
		fmt.Fprintln(w)
		return
	}
	sts := statementsBetween(before.pg, after.pg)
	var calls, ms float64
	for _, st := range sts {
		calls += st.calls
		ms += st.totalMS
	}
	fmt.Fprintf(w, ", statements per send %.2f, database ms per send %.3f; the heaviest:\n", calls/float64(sends), ms/float64(sends))
	for _, st := range sts[:min(8, len(sts))] {
		fmt.Fprintf(w, "outbound:     %5.2f per send, %.3f ms mean  %s\n", st.calls/float64(sends), st.totalMS/st.calls, oneLine(st.query, 110))
	}
}

// outboundRig is a sandbox with the given limits, a sender with the given
// options and River working notifications through it.
type outboundRig struct {
	sb     *sandbox.Server
	sender *delivery.Sender
	river  *river.Client[pgx.Tx]
	stop   func()
}

func newOutboundRig(ctx context.Context, pool *pgxpool.Pool, limits sandbox.RateLimits, so delivery.SenderOptions, users int) (*outboundRig, error) {
	sb := sandbox.New(sandbox.Options{MaxCalls: 1_000_000, RateLimits: limits})
	hs := httptest.NewServer(sb.Handler())
	sb.SetURL(hs.URL)
	for u := 1; u <= users; u++ {
		if _, err := sb.SendText(int64(u), "/start", sandbox.MsgOpts{}); err != nil {
			return nil, err
		}
	}
	client := delivery.NewClient(hs.URL, sb.Token(), nil)
	sender := delivery.NewSender(client, pool, so)
	n := delivery.NewNotifier(postgres.New(pool), sender, nil, benchLog, nil)
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
	go sender.Run(rctx)
	return &outboundRig{sb: sb, sender: sender, river: rc, stop: func() {
		sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		rc.Stop(sctx)
		cancel()
		sb.Close()
		hs.Close()
	}}, nil
}

// insert schedules notifications in batches of one transaction each.
func (r *outboundRig) insert(ctx context.Context, pool *pgxpool.Pool, nos []delivery.Notification) error {
	nr := &notifyRig{river: r.river}
	return nr.insert(ctx, pool, nos)
}

// startCPUProfile profiles this process into path until the returned
// function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
