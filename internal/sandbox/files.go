package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif"  // photo sizes
	_ "image/jpeg" // photo sizes
	_ "image/png"  // photo sizes
	"mime"
	"net/http"
	"path"
	"strings"
)

// storedFile is a file the sandbox holds: uploaded by the bot, or made up
// for a user's voice note. A file sent by URL has no bytes.
type storedFile struct {
	id       string
	uniqueID string
	kind     string // photo, document or voice
	path     string // file_path for /file/bot<token>/<path>
	name     string
	mime     string
	data     []byte
	url      string
	width    int
	height   int
}

func (f *storedFile) size() int64 { return int64(len(f.data)) }

// downloadURL is where the transcript points for the bytes.
func (f *storedFile) downloadURL() string { return "/sandbox/files/" + f.id }

func kindDir(kind string) string {
	switch kind {
	case "photo":
		return "photos"
	case "document":
		return "documents"
	}
	return kind
}

// addFileLocked stores bytes under a new file_id.
func (s *Server) addFileLocked(kind, name, mimeType string, data []byte) *storedFile {
	s.st.nextFile++
	n := s.st.nextFile
	ext := path.Ext(name)
	if ext == "" {
		if exts, _ := mime.ExtensionsByType(mimeType); len(exts) > 0 {
			ext = exts[0]
		}
	}
	f := &storedFile{
		id:       fmt.Sprintf("%s-%d-sbx", kind, n),
		uniqueID: fmt.Sprintf("u%d", n),
		kind:     kind,
		path:     fmt.Sprintf("%s/file_%d%s", kindDir(kind), n, ext),
		name:     name,
		mime:     mimeType,
		data:     data,
	}
	s.st.files[f.id] = f
	s.st.byPath[f.path] = f
	return f
}

// inputFileLocked resolves a photo/document/voice parameter: an upload in
// the multipart body (also "attach://<name>"), a file_id of the same kind or
// an HTTP URL (kept as a placeholder without bytes: the sandbox fetches
// nothing).
func (s *Server) inputFileLocked(p params, field, kind string) (*storedFile, *apiError) {
	up, ok := p.files[field]
	val := p.str(field)
	if !ok && strings.HasPrefix(val, "attach://") {
		up, ok = p.files[strings.TrimPrefix(val, "attach://")]
	}
	if ok {
		return s.uploadLocked(kind, up)
	}
	if val == "" {
		return nil, badRequest("there is no %s in the request", kind)
	}
	if strings.HasPrefix(val, "http://") || strings.HasPrefix(val, "https://") {
		f := s.addFileLocked(kind, path.Base(val), "", nil)
		f.url = val
		return f, nil
	}
	f := s.st.files[val]
	if f == nil {
		return nil, badRequest("wrong file identifier/HTTP URL specified")
	}
	if f.kind != kind {
		return nil, badRequest("type of file mismatch")
	}
	return f, nil
}

func (s *Server) uploadLocked(kind string, up upload) (*storedFile, *apiError) {
	if len(up.data) == 0 {
		return nil, badRequest("file must be non-empty")
	}
	switch kind {
	case "photo":
		if len(up.data) > 10<<20 {
			return nil, badRequest("PHOTO_INVALID_DIMENSIONS")
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(up.data))
		if err != nil {
			return nil, badRequest("IMAGE_PROCESS_FAILED")
		}
		f := s.addFileLocked(kind, up.name, "image/"+format, up.data)
		f.width, f.height = cfg.Width, cfg.Height
		return f, nil
	case "voice":
		return s.addFileLocked(kind, up.name, "audio/ogg", up.data), nil
	}
	mt := mime.TypeByExtension(path.Ext(up.name))
	if mt == "" {
		mt = http.DetectContentType(up.data)
	}
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	return s.addFileLocked(kind, up.name, mt, up.data), nil
}

// fakeOgg is a small stand-in for a voice note: an Ogg page header followed
// by filler, about a kilobyte per second.
func fakeOgg(duration int) []byte {
	var b bytes.Buffer
	b.WriteString("OggS\x00\x02")
	b.Write(make([]byte, 20))
	b.WriteString("OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00")
	for i := 0; i < max(duration, 1)*1024; i++ {
		b.WriteByte(byte(i * 31))
	}
	return b.Bytes()
}

func (s *Server) getFile(_ context.Context, c *call) (any, *apiError) {
	id := c.p.str("file_id")
	if id == "" {
		return nil, badRequest("file_id not specified")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.st.files[id]
	if f == nil {
		return nil, badRequest("invalid file_id")
	}
	if f.size() > BotDownloadLimit {
		return nil, badRequest("file is too big")
	}
	out := File{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size()}
	if f.url == "" {
		out.FilePath = f.path
	}
	return out, nil
}

// serveFileDownload answers /file/bot<token>/<file_path>.
func (s *Server) serveFileDownload(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/file/bot")
	token, filePath, found := strings.Cut(rest, "/")
	if _, ok := parseToken(token); !ok || !found {
		writeEnvelope(w, nil, errNotFound)
		return
	}
	if s.opts.Token != "" && token != s.opts.Token {
		writeEnvelope(w, nil, errUnauthorized)
		return
	}
	s.mu.Lock()
	f := s.st.byPath[filePath]
	s.mu.Unlock()
	if f == nil || f.url != "" {
		writeEnvelope(w, nil, errNotFound)
		return
	}
	serveBytes(w, f)
}

// serveSandboxFile answers /sandbox/files/{file_id} for the transcript.
func (s *Server) serveSandboxFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f := s.st.files[r.PathValue("file_id")]
	s.mu.Unlock()
	if f == nil || f.url != "" {
		jsonError(w, http.StatusNotFound, "no such file")
		return
	}
	serveBytes(w, f)
}

func serveBytes(w http.ResponseWriter, f *storedFile) {
	mt := f.mime
	if mt == "" {
		mt = "application/octet-stream"
	}
	w.Header().Set("Content-Type", mt)
	w.Header().Set("Content-Length", fmt.Sprint(len(f.data)))
	if f.name != "" {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": f.name}))
	}
	_, _ = w.Write(f.data)
}
