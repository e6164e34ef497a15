package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/config"
)

// The mix measures the bot in a process of its own, so that its RSS, its
// CPU time and its CPU profile are the bot's alone and not the sandbox's
// or the simulated reps': `crmbot bench` runs itself with benchChildEnv
// set to a childSpec, and cmdBench then runs that instead of a benchmark.
// The echo baseline runs the same way.

// benchChildEnv names the environment variable holding a child's spec.
const benchChildEnv = "CRMBOT_BENCH_CHILD"

// childSpec is what a child process of the bench runs.
type childSpec struct {
	Kind string `json:"kind"` // "app" (newApp + run) or "echo" (a bare go-telegram/bot)
	// App: the configuration `crmbot run` would read from the
	// environment, and the per-chat spacing, which run leaves at 1 s.
	Config       config.Config `json:"config"`
	ChatInterval time.Duration `json:"chat_interval"`
	// PeriodicEvery runs every periodic sweep at this interval (0: each
	// task's own), as the replicas scenario needs to see them resume.
	PeriodicEvery time.Duration `json:"periodic_every,omitempty"`
	// Echo: where the Bot API is.
	APIURL string `json:"api_url"`
	Token  string `json:"token"`
	// CPUProfile is written between SIGUSR1 and SIGUSR2.
	CPUProfile string `json:"cpu_profile"`
}

// runBenchChild runs the child a spec names until ctx ends (SIGTERM).
func runBenchChild(ctx context.Context, raw string, stdout, stderr io.Writer) error {
	var s childSpec
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return fmt.Errorf("bench child spec: %w", err)
	}
	stopProfile := profileOnSignal(s.CPUProfile, stderr)
	defer stopProfile()
	switch s.Kind {
	case "app":
		log := newLogger(stderr, s.Config.SlogLevel())
		a, err := newApp(ctx, s.Config, appOptions{Logger: log, ChatInterval: s.ChatInterval, PeriodicEvery: s.PeriodicEvery,
			OnReady: func(a *app) { fmt.Fprintf(stdout, "READY %s %s\n", a.addr, a.river.ID()) }})
		if err != nil {
			return err
		}
		return a.run(ctx)
	case "echo":
		return runEcho(ctx, s, stdout)
	}
	return fmt.Errorf("bench child: unknown kind %q", s.Kind)
}

// runEcho is the baseline: go-telegram/bot with a default handler that
// sends every message's text back, nothing else.
func runEcho(ctx context.Context, s childSpec, stdout io.Writer) error {
	b, err := tgbot.New(s.Token, tgbot.WithServerURL(s.APIURL), tgbot.WithSkipGetMe(),
		tgbot.WithDefaultHandler(func(ctx context.Context, b *tgbot.Bot, u *models.Update) {
			if u.Message == nil || u.Message.Text == "" {
				return
			}
			b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
		}))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "READY -")
	b.Start(ctx)
	return nil
}

// profileOnSignal writes a CPU profile to path from SIGUSR1 to SIGUSR2
// (the parent sends them around the measured phases). It returns a stop
// that ends a profile still running.
func profileOnSignal(path string, stderr io.Writer) func() {
	if path == "" {
		return func() {}
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGUSR1, syscall.SIGUSR2)
	var mu sync.Mutex
	var f *os.File
	stop := func() {
		mu.Lock()
		defer mu.Unlock()
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
			f = nil
		}
	}
	go func() {
		for sig := range sigs {
			if sig == syscall.SIGUSR2 {
				stop()
				continue
			}
			mu.Lock()
			if f == nil {
				var err error
				if f, err = os.Create(path); err == nil {
					err = pprof.StartCPUProfile(f)
				}
				if err != nil {
					fmt.Fprintln(stderr, "cpu profile:", err)
				}
			}
			mu.Unlock()
		}
	}()
	return func() { signal.Stop(sigs); stop() }
}

// child is a running child process of the bench.
type child struct {
	name   string
	cmd    *exec.Cmd
	addr   string // the app's ops (and webhook) address
	river  string // the app's River client id
	logs   *logTail
	exited chan struct{}
	err    error
}

// startChild starts a child and waits until it says it is ready.
func startChild(ctx context.Context, name string, spec childSpec) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	c := &child{name: name, logs: &logTail{}, exited: make(chan struct{})}
	c.cmd = exec.Command(exe, "bench")
	c.cmd.Env = append(os.Environ(), benchChildEnv+"="+string(raw))
	c.cmd.Stderr = c.logs
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				select {
				case ready <- addr:
				default:
				}
			}
		}
	}()
	go func() {
		c.err = c.cmd.Wait()
		close(c.exited)
	}()
	select {
	case line := <-ready:
		c.addr, c.river, _ = strings.Cut(line, " ")
		return c, nil
	case <-c.exited:
		return nil, fmt.Errorf("%s exited before it was ready (%v):\n%s", name, c.err, c.logs.tail())
	case <-time.After(2 * time.Minute):
		c.stop()
		return nil, fmt.Errorf("%s not ready after 2 minutes:\n%s", name, c.logs.tail())
	case <-ctx.Done():
		c.stop()
		return nil, ctx.Err()
	}
}

// signal sends sig to the child.
func (c *child) signal(sig os.Signal) {
	if c.cmd.Process != nil {
		c.cmd.Process.Signal(sig)
	}
}

// stop ends the child gracefully (SIGTERM), killing it after 20 s.
func (c *child) stop() error {
	c.signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(20 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("%s did not stop within 20 s and was killed", c.name)
	}
	var ee *exec.ExitError
	if c.err != nil && !errors.As(c.err, &ee) {
		return c.err
	}
	if ee != nil && ee.ExitCode() != 0 {
		return fmt.Errorf("%s exited with %d:\n%s", c.name, ee.ExitCode(), c.logs.tail())
	}
	return nil
}

// procMem is a process's resident memory now and at its peak, in bytes.
func procMem(pid int) (rss, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = n << 10
		case "VmHWM":
			peak = n << 10
		}
	}
	return rss, peak
}

// clockTick is Linux's USER_HZ, the unit of /proc/<pid>/stat's times.
const clockTick = 10 * time.Millisecond

// procStat returns a process's parent and the CPU time it used (user and
// system).
func procStat(pid int) (ppid int, cpu time.Duration, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	// The command name is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return ppid, time.Duration(ut+st) * clockTick, true
}

// treeCPU is the CPU time of pid and of its children (a PostgreSQL
// postmaster and its backends). Backends that already exited are not
// counted.
func treeCPU(pid int) time.Duration {
	_, total, ok := procStat(pid)
	if !ok {
		return 0
	}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil || p == pid {
			continue
		}
		if pp, cpu, ok := procStat(p); ok && pp == pid {
			total += cpu
		}
	}
	return total
}

// logTail keeps a child's last log lines and counts its warnings and
// errors.
type logTail struct {
	mu          sync.Mutex
	part        []byte
	lines       []string
	warn, error int
}

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.part = append(l.part, p...)
	for {
		i := strings.IndexByte(string(l.part), '\n')
		if i < 0 {
			break
		}
		line := string(l.part[:i])
		l.part = l.part[i+1:]
		switch {
		case strings.Contains(line, "level=WARN"), strings.Contains(line, `"level":"WARN"`):
			l.warn++
		case strings.Contains(line, "level=ERROR"), strings.Contains(line, `"level":"ERROR"`):
			l.error++
		}
		if l.lines = append(l.lines, line); len(l.lines) > 40 {
			l.lines = l.lines[1:]
		}
	}
	return len(p), nil
}

func (l *logTail) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// counts returns how many warnings and errors were logged.
func (l *logTail) counts() (warn, errs int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.warn, l.error
}
