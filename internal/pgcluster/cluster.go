// Package pgcluster runs a PostgreSQL server from Debian's postgresql
// binaries in a directory of its own: throwaway for tests (internal/pgtest),
// kept under ./.crmbot for the demo. As root it runs the server as the
// postgres user, since initdb refuses root.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Cluster is a throwaway PostgreSQL server built from Debian's binaries in a
// temporary directory. As root it runs as the postgres user, since initdb
// refuses root. A watchdog process stops it and removes its files when the
// process that started it exits, however it exits.
type Cluster struct {
	dir    string // data + socket directory
	bin    string
	port   int
	cred   *syscall.Credential
	logf   string
	closed bool
}

// ErrNoBinaries says no PostgreSQL server binaries were found.
var ErrNoBinaries = errors.New("PostgreSQL server binaries not found: install Debian's postgresql package (apt-get install -y postgresql) or set TEST_DATABASE_URL")

// FindBinDir returns the directory holding initdb, pg_ctl and postgres:
// `pg_config --bindir` if it has them, else the newest /usr/lib/postgresql/*/bin.
func FindBinDir() (string, error) {
	has := func(dir string) bool {
		for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
			if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
				return false
			}
		}
		return true
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); has(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func pgVersion(bindir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bindir)))
	return n
}

// Start creates and starts a new cluster in a fresh temporary directory,
// removed by a watchdog when this process exits.
func Start(ctx context.Context) (*Cluster, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "crmbot-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if err := c.init(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.watch(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Open starts (creating on first use) a cluster kept in dir across runs,
// as the demo does with ./.crmbot. It is not removed on exit.
func Open(ctx context.Context, dir string) (*Cluster, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: abs, bin: bin}
	if err := c.setCred(); err != nil {
		return nil, err
	}
	if err := c.checkReachable(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, "data", "PG_VERSION")); err != nil {
		if err := c.init(ctx); err != nil {
			return nil, err
		}
	}
	if err := c.readPort(); err != nil {
		return nil, err
	}
	return c, c.Start(ctx)
}

func (c *Cluster) setCred() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs the postgres user (from Debian's postgresql package): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	return nil
}

// checkReachable makes sure the postgres user (when running as root) can
// reach the cluster's directory: every parent must be searchable by others.
func (c *Cluster) checkReachable() error {
	if c.cred == nil {
		return nil
	}
	for d := filepath.Dir(c.dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("the postgres user cannot reach %s (running as root, %s is not searchable by others): choose a directory under a world-searchable path or set DATABASE_URL", c.dir, d)
		}
		if d == "/" || d == filepath.Dir(d) {
			return nil
		}
	}
}

func (c *Cluster) init(ctx context.Context) error {
	if err := c.setCred(); err != nil {
		return err
	}
	if c.cred != nil {
		if err := os.Chown(c.dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return err
		}
		// The postgres user must be able to reach the directory.
		os.Chmod(c.dir, 0o755)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	c.port = port
	if err := os.WriteFile(filepath.Join(c.dir, "port"), []byte(strconv.Itoa(port)), 0o644); err != nil {
		return err
	}
	c.logf = filepath.Join(c.dir, "postgres.log")
	return c.run(ctx, "initdb", "-D", filepath.Join(c.dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions")
}

func (c *Cluster) readPort() error {
	b, err := os.ReadFile(filepath.Join(c.dir, "port"))
	if err != nil {
		return err
	}
	c.port, err = strconv.Atoi(strings.TrimSpace(string(b)))
	c.logf = filepath.Join(c.dir, "postgres.log")
	return err
}

// Start starts the server and waits until it accepts connections. fsync is
// off for speed, which a process crash survives (the OS keeps the writes);
// synchronous_commit stays on, so a crash (Stop) never loses a commit that
// was acknowledged, as crash tests require.
func (c *Cluster) Start(ctx context.Context) error {
	opts := fmt.Sprintf("-k %s -c listen_addresses=127.0.0.1 -p %d -c fsync=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB", c.dir, c.port)
	err := c.run(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-l", c.logf, "-w", "-t", "60", "-o", opts, "start")
	if err != nil {
		if log, rerr := os.ReadFile(c.logf); rerr == nil {
			err = fmt.Errorf("%w\n%s", err, tail(string(log), 2000))
		}
	}
	return err
}

// Stop stops the server at once (as a crash would), keeping its files.
func (c *Cluster) Stop(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
}

// StopGracefully stops the server cleanly, as the demo does on Ctrl-C.
func (c *Cluster) StopGracefully(ctx context.Context) error {
	return c.run(ctx, "pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "stop")
}

// Close stops the server and removes its files.
func (c *Cluster) Close() {
	if c.closed {
		return
	}
	c.closed = true
	c.Stop(context.Background())
	os.RemoveAll(c.dir)
}

// URL returns a connection URL for database db.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// Port is the TCP port the server listens on.
func (c *Cluster) Port() int { return c.port }

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	// pg_ctl leaves the server running with our stdout; keep it off our pipes.
	var out bytes.Buffer
	if name == "pg_ctl" {
		cmd.Stdout, cmd.Stderr = nil, nil
		cmd.Stdin = nil
	} else {
		cmd.Stdout, cmd.Stderr = &out, &out
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, tail(out.String(), 2000))
	}
	return nil
}

// watch starts a detached shell that waits for this process to exit, then
// stops the server and removes the directory.
func (c *Cluster) watch() error {
	pgctl := filepath.Join(c.bin, "pg_ctl")
	data := filepath.Join(c.dir, "data")
	stop := fmt.Sprintf("%q -D %q -m immediate -w stop", pgctl, data)
	if c.cred != nil {
		stop = fmt.Sprintf("setpriv --reuid=%d --regid=%d --clear-groups %s", c.cred.Uid, c.cred.Gid, stop)
	}
	script := fmt.Sprintf("while kill -0 %d 2>/dev/null; do sleep 0.5; done; %s >/dev/null 2>&1; rm -rf %q", os.Getpid(), stop, c.dir)
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start cleanup watchdog: %w", err)
	}
	go cmd.Wait()
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
