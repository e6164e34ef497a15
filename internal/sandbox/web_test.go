package sandbox

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestWebPageServed(t *testing.T) {
	h := New(Options{}).Handler()
	tests := []struct {
		method, path string
		status       int
		contentType  string // prefix; "" skips the check
		contains     string
	}{
		{"GET", "/", 200, "text/html", `<script type="module" src="/static/app.js">`},
		{"HEAD", "/", 200, "text/html", ""},
		{"GET", "/static/app.js", 200, "text/javascript", "pollLoop"},
		{"GET", "/static/app.css", 200, "text/css", ".bubble"},
		{"GET", "/static/render.js", 200, "text/javascript", "renderText"},
		{"GET", "/static/missing.js", 404, "", ""},
		{"GET", "/static/", 404, "", ""},
		{"POST", "/", 405, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d (body %q)", res.StatusCode, tt.status, body)
			}
			if ct := res.Header.Get("Content-Type"); tt.contentType != "" && !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type = %q, want %s...", ct, tt.contentType)
			}
			if !strings.Contains(string(body), tt.contains) {
				t.Errorf("body does not contain %q", tt.contains)
			}
			if tt.status == 200 {
				if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
					t.Errorf("Content-Security-Policy = %q, want one that keeps scripts to the page's origin", csp)
				}
			}
		})
	}
}

// TestWebPageSelfContained checks that the page loads nothing from outside:
// every asset index.html names is embedded, and no file pulls in a remote
// script, style, font or image.
func TestWebPageSelfContained(t *testing.T) {
	index, err := fs.ReadFile(webFiles, "web/index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(index), -1) {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") {
			continue
		}
		if !strings.HasPrefix(ref, "/static/") {
			t.Errorf("index.html refers to %q, want only /static/ assets", ref)
			continue
		}
		if _, err := fs.Stat(webFiles, "web"+ref); err != nil {
			t.Errorf("index.html refers to %q, which is not embedded", ref)
		}
	}
	remote := regexp.MustCompile(`(?i)@import|url\(\s*['"]?(?:https?:)?//|\bimport\s[^;]*['"](?:https?:)?//|fetch\(\s*['"](?:https?:)?//`)
	err = fs.WalkDir(webFiles, "web", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(webFiles, path)
		if err != nil {
			return err
		}
		if loc := remote.FindIndex(data); loc != nil {
			t.Errorf("%s loads something remote: %q", path, data[loc[0]:loc[1]])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWebHandlerLeavesOtherPathsAlone(t *testing.T) {
	rec := httptest.NewRecorder()
	New(Options{}).webHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/elsewhere", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /elsewhere: status = %d, want 404", rec.Code)
	}
}
