package sandbox

import (
	"mime"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"
)

// BotDownloadLimit is the largest file a bot may download: getFile refuses
// a bigger one with "Bad Request: file is too big", as Telegram does.
const BotDownloadLimit = 20 << 20

// SendDocument is the user sending a file (a CSV, a PDF…) named name with
// an optional caption. The message carries file_id, file_unique_id,
// file_name, mime_type (from the name, else sniffed) and file_size; the bot
// fetches the bytes with getFile and /file/bot<token>/<file_path>, up to
// BotDownloadLimit.
func (s *Server) SendDocument(userID int64, name string, data []byte, caption string, o MsgOpts) (Sent, error) {
	if len(data) == 0 {
		return Sent{}, userErr(http.StatusBadRequest, "the document is empty")
	}
	if strings.TrimSpace(name) == "" || strings.ContainsAny(name, "/\\") {
		return Sent{}, userErr(http.StatusBadRequest, "file name %q must be a plain name", name)
	}
	if !utf8.ValidString(caption) || utf16Len(caption) > 1024 {
		return Sent{}, userErr(http.StatusBadRequest, "caption is not valid UTF-8 or longer than 1024 UTF-16 code units")
	}
	mt := mime.TypeByExtension(path.Ext(name))
	if mt == "" && strings.EqualFold(path.Ext(name), ".csv") {
		mt = "text/csv" // what Telegram's apps send, whatever the system's table says
	}
	if mt == "" {
		mt = http.DetectContentType(data)
	}
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	s.mu.Lock()
	f := s.addFileLocked("document", name, mt, data)
	s.mu.Unlock()
	d := &Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: name, MimeType: mt, FileSize: f.size()}
	return s.userMessage(userID, o, Message{Document: d, Caption: caption})
}
