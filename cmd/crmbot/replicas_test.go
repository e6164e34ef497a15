package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/delivery"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/sandbox"
)

// TestTwoWebhookReplicas runs two `crmbot run` processes in webhook mode on
// one database behind a naive round-robin balancer, the sandbox posting
// updates to the balancer.
//
//   - A burst of messages from many chats, spread over both replicas: each
//     update is stored once and processed once (one reply per message, in
//     order per chat).
//   - Notifications due now, each scheduled twice, worked by both
//     replicas' River clients: each dedup key is sent exactly once.
//   - The River leader is killed (SIGKILL, no resignation): the other
//     replica is elected once the lease runs out and the periodic tasks
//     (escalations, important dates) run again there; messages sent after
//     the kill are still answered once each, through the balancer that
//     still sends half of the posts to the dead replica.
func TestTwoWebhookReplicas(t *testing.T) {
	t.Parallel() // most of it waits for River's leader lease to run out
	start := time.Now()
	ctx := context.Background()
	dbURL := pgtest.URL(t)
	pool, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := postgres.New(pool)
	const chats, burst, after = 12, 8, 2
	const firstChat = 92000
	for c := int64(firstChat); c < firstChat+chats; c++ {
		newRep(t, db, c, "Rep", "en")
	}
	sb := sandbox.NewTest(t, sandbox.Options{BotUsername: "crm_replicas_bot", RateLimits: sandbox.RateLimits{Disabled: true},
		WebhookRetryMin: 50 * time.Millisecond, WebhookRetryMax: 400 * time.Millisecond})
	lb := newRRProxy()
	front := httptest.NewServer(lb)
	t.Cleanup(front.Close)
	cfg := config.Config{BotToken: sb.Token(), DatabaseURL: dbURL, APIURL: sb.BotAPIURL(),
		WebhookURL: front.URL + "/telegram", WebhookSecret: webhookSecret, ListenAddr: "127.0.0.1:0",
		DefaultLocale: "en", TimeZone: "Asia/Tehran", GlobalRate: 1000, LogLevel: "info"}
	spec := replicaSpec{Config: cfg, PeriodicEvery: time.Second, ChatInterval: 10 * time.Millisecond}
	rs := startReplicas(t, spec, spec)
	lb.SetBackends(rs[0].Addr, rs[1].Addr)
	t.Logf("replicas ready after %v", time.Since(start).Round(time.Millisecond))

	// A burst of messages from many chats.
	var updates []int64
	send := func(i int) {
		for c := int64(firstChat); c < firstChat+chats; c++ {
			s, err := sb.SendText(c, searchQuery(c, i), sandbox.MsgOpts{FirstName: "Rep", LanguageCode: "en"})
			if err != nil {
				t.Fatal(err)
			}
			updates = append(updates, s.UpdateID)
		}
	}
	for i := 0; i < burst; i++ {
		send(i)
	}
	waitUntil(t, "every update done and every reply sent", 30*time.Second, func() (bool, string) {
		return inboxSettled(ctx, pool, len(updates))
	})
	checkInbox(t, pool, updates)
	checkReplicaReplies(t, sb, firstChat, chats, burst)
	served := lb.Served()
	if served[rs[0].Addr] == 0 || served[rs[1].Addr] == 0 {
		t.Fatalf("the balancer must have spread the updates over both replicas: %v", served)
	}
	t.Logf("burst of %d messages answered after %v; webhook posts accepted per replica: %v", len(updates), time.Since(start).Round(time.Millisecond), served)

	// Notifications due now, each scheduled twice.
	keys := scheduleTwice(t, pool, db, firstChat, chats, 4)
	waitUntil(t, "every notification sent", 20*time.Second, func() (bool, string) {
		var sent, other int
		pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status <> 'sent') FROM sends`).Scan(&sent, &other)
		return sent == len(keys), fmt.Sprintf("%d sent, %d otherwise, of %d", sent, other, len(keys))
	})
	calls := map[string]int{}
	for _, c := range sb.Calls(sandbox.CallFilter{Method: "sendMessage"}) {
		if strings.HasPrefix(c.Params["text"], "notify:") {
			calls[c.Params["text"]]++
		}
	}
	for _, k := range keys {
		if calls[k] != 1 {
			t.Errorf("notification %s: %d sendMessage calls, want exactly 1", k, calls[k])
		}
	}
	if len(calls) != len(keys) {
		t.Errorf("%d distinct notifications sent, want %d", len(calls), len(keys))
	}
	t.Logf("notifications worked per River client: %v", workedBy(t, pool, "notification"))

	// Kill the River leader; periodic work resumes on the other replica.
	leader := riverLeader(t, pool)
	var dead, survivor *replica
	switch leader {
	case rs[0].RiverID:
		dead, survivor = rs[0], rs[1]
	case rs[1].RiverID:
		dead, survivor = rs[1], rs[0]
	default:
		t.Fatalf("river_leader names %q, neither replica (%s, %s)", leader, rs[0].RiverID, rs[1].RiverID)
	}
	waitUntil(t, "the leader to run the periodic tasks", 10*time.Second, func() (bool, string) {
		n := periodicRuns(t, pool, time.Time{})
		return n["escalations"] > 0 && n["important_dates"] > 0, fmt.Sprint(n)
	})
	var killedAt time.Time
	if err := pool.QueryRow(ctx, "SELECT now()").Scan(&killedAt); err != nil {
		t.Fatal(err)
	}
	dead.kill(t)
	killed := time.Now()
	send(burst) // answered by the survivor alone, through the balancer
	waitUntil(t, "the survivor to lead and run the periodic tasks", 45*time.Second, func() (bool, string) {
		l := riverLeader(t, pool)
		n := periodicRuns(t, pool, killedAt)
		return l == survivor.RiverID && n["escalations"] > 0 && n["important_dates"] > 0,
			fmt.Sprintf("leader %q (survivor %s), periodic runs since the kill %v", l, survivor.RiverID, n)
	})
	t.Logf("%s (the leader) killed; %s led and ran the periodic tasks %v later", dead.name, survivor.name, time.Since(killed).Round(time.Millisecond))
	for i := burst + 1; i < burst+after; i++ {
		send(i)
	}
	waitUntil(t, "the messages sent after the kill to be answered", 30*time.Second, func() (bool, string) {
		return inboxSettled(ctx, pool, len(updates))
	})
	checkInbox(t, pool, updates)
	checkReplicaReplies(t, sb, firstChat, chats, burst+after)
	t.Logf("total %v", time.Since(start).Round(time.Millisecond))
}

// checkReplicaReplies asserts that each chat got exactly one reply per
// message, in order, although the replies were sent by two replicas (the
// outbox locks a chat's head reply without skipping it, so one replica
// cannot send the next reply while the other holds the first).
func checkReplicaReplies(t *testing.T, sb *sandbox.Server, first int64, chats, n int) {
	t.Helper()
	for c := first; c < first+int64(chats); c++ {
		if once, ordered := replies(sb, c, n); !once || !ordered {
			t.Errorf("chat %d: want exactly one reply to each of its %d messages, in order; got:\n%s", c, n, sb.Transcript(c).String())
		}
	}
}

// checkInbox asserts that update_inbox holds exactly the updates sent,
// each once and processed.
func checkInbox(t *testing.T, pool *pgxpool.Pool, sent []int64) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT update_id, status FROM update_inbox`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var id int64
		var st string
		err := r.Scan(&id, &st)
		return fmt.Sprintf("%d:%s", id, st), err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, id := range sent {
		want[fmt.Sprintf("%d:done", id)] = true
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("update_inbox holds %s, not one of the %d updates sent, done", g, len(sent))
		}
	}
	if len(got) != len(sent) {
		t.Errorf("update_inbox holds %d updates, want %d", len(got), len(sent))
	}
}

// scheduleTwice schedules per notifications due now to each chat through
// delivery.Scheduler, each in two transactions (a second replica, a retried
// handler), and returns their dedup keys (also their texts).
func scheduleTwice(t *testing.T, pool *pgxpool.Pool, db *postgres.DB, first int64, chats, per int) []string {
	t.Helper()
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{}) // insert only
	if err != nil {
		t.Fatal(err)
	}
	n := delivery.NewScheduler(rc)
	var keys []string
	now := time.Now()
	for i := 0; i < per; i++ {
		for c := first; c < first+int64(chats); c++ {
			key := fmt.Sprintf("notify:%d:%d", c, i)
			no := delivery.Notification{Kind: "test", ChatID: c, DedupKey: key, Due: now,
				Message: &delivery.Message{Method: "sendMessage", ChatID: c, Text: key}}
			for range 2 {
				if err := db.InTx(context.Background(), func(ctx context.Context) error { return n.Schedule(ctx, no) }); err != nil {
					t.Fatal(err)
				}
			}
			keys = append(keys, key)
		}
	}
	return keys
}

// riverLeader is the River client id in river_leader ("" if none).
func riverLeader(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var id string
	err := pool.QueryRow(context.Background(), `SELECT leader_id FROM river_leader`).Scan(&id)
	if err != nil && err != pgx.ErrNoRows {
		t.Fatal(err)
	}
	return id
}

// periodicRuns counts completed periodic jobs created after since, by task.
func periodicRuns(t *testing.T, pool *pgxpool.Pool, since time.Time) map[string]int {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT args->>'task', count(*) FROM river_job
		WHERE kind = 'periodic' AND state = 'completed' AND created_at > $1 GROUP BY 1`, since)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for rows.Next() {
		var task string
		var n int
		if err := rows.Scan(&task, &n); err != nil {
			t.Fatal(err)
		}
		out[task] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// workedBy counts the completed jobs of a kind by the River client that
// worked them last.
func workedBy(t *testing.T, pool *pgxpool.Pool, kind string) map[string]int {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT attempted_by[array_upper(attempted_by, 1)], count(*) FROM river_job
		WHERE kind = $1 AND state = 'completed' GROUP BY 1`, kind)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for rows.Next() {
		var by string
		var n int
		if err := rows.Scan(&by, &n); err != nil {
			t.Fatal(err)
		}
		out[by] = n
	}
	return out
}
