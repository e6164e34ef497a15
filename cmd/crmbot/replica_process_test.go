package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/config"
)

// A replica is the real wiring of `crmbot run` (newApp + run) in a process
// of its own, so that a test can kill it with SIGKILL as a crash would:
// the test binary runs itself with replicaEnv set, and TestMain runs the
// app instead of the tests. Unlike the built binary it takes test options
// (a short periodic interval, fast per-chat spacing) and reports its
// webhook address and River client id once ready.

const replicaEnv = "CRMBOT_TEST_REPLICA"

// replicaSpec is what a replica process runs.
type replicaSpec struct {
	Config        config.Config
	PeriodicEvery time.Duration
	ChatInterval  time.Duration
}

// replicaReady is the line a replica prints on stdout once it runs.
type replicaReady struct {
	Addr    string `json:"addr"`
	RiverID string `json:"river_id"`
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(replicaEnv); spec != "" {
		os.Exit(runReplica(spec))
	}
	os.Exit(m.Run())
}

// runReplica runs one app until SIGTERM (or until it is killed).
func runReplica(spec string) int {
	var s replicaSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fmt.Fprintln(os.Stderr, "replica spec:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger(os.Stderr, s.Config.SlogLevel())
	a, err := newApp(ctx, s.Config, appOptions{Logger: log, ChatInterval: s.ChatInterval, SweepInterval: 100 * time.Millisecond,
		PeriodicEvery: s.PeriodicEvery, OnReady: func(a *app) {
			b, _ := json.Marshal(replicaReady{Addr: a.addr, RiverID: a.river.ID()})
			fmt.Printf("READY %s\n", b)
		}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 1
	}
	if err := a.run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 1
	}
	return 0
}

// replica is a running replica process.
type replica struct {
	replicaReady
	name   string
	cmd    *exec.Cmd
	stderr syncBuffer
	exited chan struct{}
	err    error // after exited
}

// startReplicas starts one process per spec and waits until all are ready.
// At the end of the test each one still running is stopped with SIGTERM
// and must exit cleanly, with no data race reported.
func startReplicas(t *testing.T, specs ...replicaSpec) []*replica {
	t.Helper()
	var rs []*replica
	ready := make(chan error, len(specs))
	for i, s := range specs {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		r := &replica{name: fmt.Sprintf("replica %d", i+1), exited: make(chan struct{})}
		r.cmd = exec.Command(os.Args[0], "-test.run=^$")
		r.cmd.Env = append(os.Environ(), replicaEnv+"="+string(b))
		r.cmd.Stderr = &r.stderr
		out, err := r.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := r.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if line, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
					ready <- json.Unmarshal([]byte(line), &r.replicaReady)
				}
			}
			r.err = r.cmd.Wait()
			close(r.exited)
		}()
		rs = append(rs, r)
		t.Cleanup(func() { r.stop(t) })
	}
	timeout := time.After(60 * time.Second)
	for range specs {
		select {
		case err := <-ready:
			if err != nil {
				t.Fatal(err)
			}
		case <-timeout:
			for _, r := range rs {
				t.Logf("%s:\n%s", r.name, tail(r.stderr.String(), 4000))
			}
			t.Fatal("replicas not ready in 60 s")
		}
	}
	return rs
}

// kill ends the replica at once, as a crash would.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-r.exited
}

func (r *replica) stop(t *testing.T) {
	select {
	case <-r.exited: // killed on purpose
	default:
		r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.exited:
			if r.err != nil {
				t.Errorf("%s did not stop cleanly: %v", r.name, r.err)
			}
		case <-time.After(20 * time.Second):
			r.cmd.Process.Kill()
			<-r.exited
			t.Errorf("%s did not stop within 20 s of SIGTERM", r.name)
		}
	}
	log := r.stderr.String()
	if strings.Contains(log, "WARNING: DATA RACE") {
		t.Errorf("%s reported a data race:\n%s", r.name, tail(log, 8000))
	} else if t.Failed() || os.Getenv("E2E_LOG") != "" {
		t.Logf("log of %s:\n%s", r.name, tail(log, 6000))
	}
}
