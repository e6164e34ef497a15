package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// What the mix reads at the edges of each phase: the app's /metrics, the
// database's statistics and the processes' memory and CPU time. A phase's
// figures are the differences between its two snapshots.

// snapshot is everything read at one moment.
type snapshot struct {
	at      time.Time
	metrics promSnap
	pg      pgSnap
	appCPU  time.Duration
	pgCPU   time.Duration // the postmaster and its backends; 0 if not local
	selfCPU time.Duration // this process: the sandbox and the simulated reps
	refused map[string]int
}

// promSnap is the part of the app's /metrics the mix reports.
type promSnap struct {
	processed, failed, parked float64
	processing                promHist // the handler's time per update, all kinds
	send                      promHist // from a reply's commit to Telegram's answer to its send
}

// promHist is a histogram: upper bound → cumulative count (+Inf as 1e300).
type promHist struct {
	buckets    map[float64]float64
	sum, count float64
}

// observe adds one sample line of the histogram.
func (h *promHist) observe(suffix, labels string, v float64) {
	switch suffix {
	case "_sum":
		h.sum += v
	case "_count":
		h.count += v
	case "_bucket":
		le := promLE.FindStringSubmatch(labels)
		if le == nil {
			return
		}
		b, err := strconv.ParseFloat(le[1], 64)
		if le[1] == "+Inf" {
			b, err = 1e300, nil
		}
		if err == nil {
			h.buckets[b] += v
		}
	}
}

// mean is the mean sample between two snapshots.
func (h promHist) mean(before promHist) (time.Duration, bool) {
	if h.count == before.count {
		return 0, false
	}
	return time.Duration((h.sum - before.sum) / (h.count - before.count) * float64(time.Second)), true
}

var promLine = regexp.MustCompile(`^([a-z_]+)(\{[^}]*\})? ([0-9.eE+-]+|\+Inf|NaN)$`)
var promLE = regexp.MustCompile(`le="([^"]+)"`)

// scrapeMetrics reads the app's /metrics.
func scrapeMetrics(ctx context.Context, addr string) (promSnap, error) {
	s := promSnap{processing: promHist{buckets: map[float64]float64{}}, send: promHist{buckets: map[float64]float64{}}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return s, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := promLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v, _ := strconv.ParseFloat(m[3], 64)
		switch m[1] {
		case "crmbot_updates_processed_total":
			s.processed = v
		case "crmbot_updates_failed_total":
			s.failed = v
		case "crmbot_updates_parked_total":
			s.parked = v
		default:
			if name, ok := strings.CutPrefix(m[1], "crmbot_update_processing_seconds"); ok {
				s.processing.observe(name, m[2], v)
			} else if name, ok := strings.CutPrefix(m[1], "crmbot_reply_latency_seconds"); ok {
				s.send.observe(name, m[2], v)
			}
		}
	}
	return s, sc.Err()
}

// quantile estimates the q-quantile between two snapshots from the
// histogram's buckets, interpolating within a bucket as Prometheus's
// histogram_quantile does.
func (s promHist) quantile(before promHist, q float64) time.Duration {
	var les []float64
	for le := range s.buckets {
		les = append(les, le)
	}
	sort.Float64s(les)
	total := s.buckets[1e300] - before.buckets[1e300]
	if total <= 0 {
		return 0
	}
	rank, prevLE, prevN := q*total, 0.0, 0.0
	for _, le := range les {
		n := s.buckets[le] - before.buckets[le]
		if n >= rank {
			if le == 1e300 {
				return time.Duration(prevLE * float64(time.Second)) // beyond the last bound
			}
			frac := 1.0
			if n > prevN {
				frac = (rank - prevN) / (n - prevN)
			}
			return time.Duration((prevLE + (le-prevLE)*frac) * float64(time.Second))
		}
		prevLE, prevN = le, n
	}
	return 0
}

// pgSnap is the database's view: pg_stat_statements when it is loaded,
// else only pg_stat_database's time spent executing statements.
type pgSnap struct {
	statements map[int64]pgStatement // nil without pg_stat_statements
	xacts      float64
	activeMS   float64 // pg_stat_database.active_time
}

type pgStatement struct {
	query   string
	calls   float64
	totalMS float64
}

// hasStatements reports whether pg_stat_statements is loaded and created
// in the database, creating it if it can.
func hasStatements(ctx context.Context, pool *pgxpool.Pool) (bool, string) {
	var libs string
	if err := pool.QueryRow(ctx, `SHOW shared_preload_libraries`).Scan(&libs); err != nil {
		return false, err.Error()
	}
	if !strings.Contains(libs, "pg_stat_statements") {
		return false, "pg_stat_statements is not in shared_preload_libraries (" + libs + ")"
	}
	if _, err := pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		return false, err.Error()
	}
	return true, ""
}

func readPG(ctx context.Context, pool *pgxpool.Pool, statements bool) (pgSnap, error) {
	var s pgSnap
	// A snapshot of the cumulative statistics is kept for the whole
	// transaction by default; each read must see the latest.
	if _, err := pool.Exec(ctx, `SELECT pg_stat_clear_snapshot()`); err != nil {
		return s, err
	}
	err := pool.QueryRow(ctx, `SELECT xact_commit + xact_rollback, coalesce(active_time, 0)
		FROM pg_stat_database WHERE datname = current_database()`).Scan(&s.xacts, &s.activeMS)
	if err != nil || !statements {
		return s, err
	}
	rows, err := pool.Query(ctx, `SELECT coalesce(queryid, 0), calls, total_exec_time, query FROM pg_stat_statements s
		JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()`)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	s.statements = map[int64]pgStatement{}
	for rows.Next() {
		var id int64
		var st pgStatement
		if err := rows.Scan(&id, &st.calls, &st.totalMS, &st.query); err != nil {
			return s, err
		}
		prev := s.statements[id]
		st.calls += prev.calls
		st.totalMS += prev.totalMS
		s.statements[id] = st
	}
	return s, rows.Err()
}

// statementsBetween returns the statements run between two snapshots, the
// heaviest first.
func statementsBetween(a, b pgSnap) []pgStatement {
	var out []pgStatement
	for id, st := range b.statements {
		prev := a.statements[id]
		if d := st.calls - prev.calls; d > 0 {
			out = append(out, pgStatement{query: st.query, calls: d, totalMS: st.totalMS - prev.totalMS})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].totalMS > out[j].totalMS })
	return out
}

// oneLine squeezes a statement's text into n characters on one line.
func oneLine(q string, n int) string {
	q = strings.Join(strings.Fields(q), " ")
	if r := []rune(q); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return q
}

// postmaster returns the PID of the PostgreSQL server the pool talks to,
// when it runs on this machine (the parent of a backend), else 0.
func postmaster(ctx context.Context, pool *pgxpool.Pool) int {
	var backend int
	if err := pool.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return 0
	}
	ppid, _, ok := procStat(backend)
	if !ok {
		return 0
	}
	return ppid
}

// machine describes the host: CPUs, memory and load.
func machine() string {
	mem := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				mem = fmt.Sprintf("%.1f GiB", kb/(1<<20))
			}
		}
	}
	return fmt.Sprintf("%d CPUs, %s RAM, load average %s", numCPU(), mem, loadAvg())
}

// loadAvg is the 1, 5 and 15 minute load average.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// numCPU counts the online CPUs as nproc does (the affinity mask).
func numCPU() int {
	b, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
				n := 0
				for _, part := range strings.Split(strings.TrimSpace(v), ",") {
					lo, hi, isRange := strings.Cut(part, "-")
					a, _ := strconv.Atoi(lo)
					b := a
					if isRange {
						b, _ = strconv.Atoi(hi)
					}
					n += b - a + 1
				}
				return n
			}
		}
	}
	return 0
}

// tableWriter prints aligned rows: a label, then one column per phase.
type tableWriter struct {
	w io.Writer
}

func (t tableWriter) row(label string, cells ...string) {
	fmt.Fprintf(t.w, "  %-44s", label)
	for _, c := range cells {
		fmt.Fprintf(t.w, " %22s", c)
	}
	fmt.Fprintln(t.w)
}
