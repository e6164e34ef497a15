package inbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/telecrm/crmbot/internal/inbox"
	"github.com/telecrm/crmbot/internal/pgtest"
	"github.com/telecrm/crmbot/internal/postgres"
)

// The webhook answers 401 without the right secret, 200 only once the
// update is committed (and again, without a second row, for a retry),
// 503 while the database is down; /healthz stays up, /readyz follows the
// database.
func TestWebhook(t *testing.T) {
	pool := pgtest.DB(t)
	db := postgres.New(pool)
	const secret = "s3cret-s3cret-s3cret"
	srv := httptest.NewServer(inbox.NewWebhook(db, pool.Ping, secret, quiet()).Routes("/tg"))
	defer srv.Close()
	post := func(secretHdr, body string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/tg", strings.NewReader(body))
		if secretHdr != "" {
			req.Header.Set(inbox.SecretHeader, secretHdr)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	get := func(path string) int {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	upd := `{"update_id":77,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"from":{"id":5},"text":"hi"}}`
	for _, c := range []struct {
		name, secret string
		want         int
	}{
		{"no secret", "", 401},
		{"wrong secret", "s3cret-s3cret-s3creX", 401},
		{"prefix of the secret", "s3cret", 401},
		{"good", secret, 200},
		{"retry of the same update", secret, 200},
	} {
		if got := post(c.secret, upd); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
	pending, _, _, err := db.InboxCounts(context.Background())
	if err != nil || pending != 1 {
		t.Fatalf("inbox holds %d pending updates (err %v), want 1", pending, err)
	}
	if get("/healthz") != 200 || get("/readyz") != 200 {
		t.Fatal("healthz/readyz not 200 with the database up")
	}
	pool.Close() // the database becomes unreachable
	if got := post(secret, strings.Replace(upd, "77", "78", 1)); got != 503 {
		t.Errorf("database down: status %d, want 503 so Telegram retries", got)
	}
	if get("/healthz") != 200 || get("/readyz") != 503 {
		t.Errorf("database down: healthz %d readyz %d, want 200 and 503", get("/healthz"), get("/readyz"))
	}
}
