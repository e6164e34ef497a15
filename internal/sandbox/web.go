package sandbox

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// webFiles holds the chat page: web/index.html and web/static/*.
// Everything the page needs is in here; it loads nothing from elsewhere.
//
//go:embed web
var webFiles embed.FS

// webCSP keeps the page to its own origin. Photos, documents and voice notes
// come from the sandbox's own file URLs; data: and blob: cover previews.
const webCSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'; " +
	"font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// webHandler serves the web chat page at "/" and its assets under "/static/".
// Any other path answers 404, so a typo in the control API is not mistaken
// for the page.
func (s *Server) webHandler() http.Handler {
	root, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic(err) // the embed directive guarantees the folder exists
	}
	files := http.FileServer(http.FS(root))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", webCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// The sandbox is a development tool: always serve the current build.
		h.Set("Cache-Control", "no-cache")
		switch {
		case r.URL.Path == "/" || r.URL.Path == "/index.html":
			http.ServeFileFS(w, r, root, "index.html")
		case strings.HasPrefix(r.URL.Path, "/static/") && !strings.HasSuffix(r.URL.Path, "/"):
			files.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}
