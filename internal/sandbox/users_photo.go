package sandbox

import (
	"bytes"
	"image"
	"net/http"
	"unicode/utf8"
)

// SendPhoto is the user sending a photo (PNG, JPEG or GIF bytes) with an
// optional caption. Its file_id is one the bot may send on (sendPhoto).
func (s *Server) SendPhoto(userID int64, data []byte, caption string, o MsgOpts) (Sent, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Sent{}, userErr(http.StatusBadRequest, "photo is not an image: %v", err)
	}
	if !utf8.ValidString(caption) || utf16Len(caption) > 1024 {
		return Sent{}, userErr(http.StatusBadRequest, "caption is not valid UTF-8 or longer than 1024 UTF-16 code units")
	}
	s.mu.Lock()
	f := s.addFileLocked("photo", "photo."+format, "image/"+format, data)
	f.width, f.height = cfg.Width, cfg.Height
	s.mu.Unlock()
	p := []PhotoSize{{FileID: f.id, FileUniqueID: f.uniqueID, Width: cfg.Width, Height: cfg.Height, FileSize: f.size()}}
	return s.userMessage(userID, o, Message{Photo: p, Caption: caption})
}
