// Package pgtest gives tests a real PostgreSQL database and needs nothing
// running beforehand.
//
// If TEST_DATABASE_URL is set, that server is used. Otherwise the first test
// that asks starts a throwaway cluster from Debian's postgresql binaries
// (fsync off, in a temporary directory, as the postgres user when running as
// root) which a watchdog removes when the test process exits. The schema is
// migrated once into a template database named after the migrations' hash;
// every DB or URL call then gets a database of its own, copied from that
// template and dropped when the test ends.
//
// A missing server is a test failure with one line saying what to install,
// never a skip.
package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/telecrm/crmbot/internal/pgcluster"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/migrations"
)

// server is the process-wide database server every test shares.
type server struct {
	once     sync.Once
	err      error
	adminURL string // connects to the "postgres" maintenance database
	template string
	cluster  *pgcluster.Cluster
	seq      atomic.Int64
}

var shared server

// DB returns a pool on a fresh, migrated database of the test's own.
func DB(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	u := URL(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		tb.Fatalf("pgtest: connect: %v", err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

// URL creates a fresh, migrated database of the test's own and returns its
// connection URL, for code that opens its own connections (or subprocesses).
// The database is dropped when the test ends.
func URL(tb testing.TB) string {
	tb.Helper()
	s := &shared
	s.once.Do(s.start)
	if s.err != nil {
		tb.Fatalf("pgtest: %v", s.err)
	}
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), s.seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.adminURL)
	if err != nil {
		tb.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, s.template)); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	tb.Cleanup(func() { s.drop(name) })
	return withDB(s.adminURL, name)
}

// AdminURL returns the URL of the shared server's maintenance database.
func AdminURL(tb testing.TB) string {
	tb.Helper()
	s := &shared
	s.once.Do(s.start)
	if s.err != nil {
		tb.Fatalf("pgtest: %v", s.err)
	}
	return s.adminURL
}

// NewCluster starts a private cluster that the test may stop and start (to
// test recovery from a database restart), removed when the test ends.
func NewCluster(tb testing.TB) *pgcluster.Cluster {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(c.Close)
	if err := postgres.Migrate(ctx, c.URL("postgres"), nil); err != nil {
		tb.Fatalf("pgtest: migrate: %v", err)
	}
	return c
}

func (s *server) start() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s.adminURL = os.Getenv("TEST_DATABASE_URL")
	if s.adminURL == "" {
		c, err := pgcluster.Start(ctx)
		if err != nil {
			s.err = err
			return
		}
		s.cluster = c
		s.adminURL = c.URL("postgres")
	}
	s.err = s.ensureTemplate(ctx)
}

// ensureTemplate creates the migrated template database once per set of
// migrations; concurrent test processes coordinate with an advisory lock.
func (s *server) ensureTemplate(ctx context.Context) error {
	hash, err := migrationsHash()
	if err != nil {
		return err
	}
	s.template = "crmbot_tpl_" + hash
	conn, err := pgx.Connect(ctx, s.adminURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(s.adminURL), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7261)"); err != nil {
		return err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(7261)")
	var ready bool
	err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", s.template).Scan(&ready)
	if err != nil || ready {
		return err
	}
	building := s.template + "_build"
	conn.Exec(ctx, "DROP DATABASE IF EXISTS "+building)
	conn.Exec(ctx, "DROP DATABASE IF EXISTS "+s.template)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	if err := postgres.Migrate(ctx, withDB(s.adminURL, building), nil); err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, s.template)); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s WITH is_template true", s.template))
	return err
}

func (s *server) drop(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.adminURL)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
}

// migrationsHash names the template after the migrations' content, so a
// changed migration gets a fresh template.
func migrationsHash() (string, error) {
	h := sha256.New()
	var names []string
	err := fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".sql") {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func withDB(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the database"
	}
	return u.Redacted()
}
