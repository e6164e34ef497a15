package sandbox

import (
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// A user's photo reaches the bot with its size and caption, and the bot may
// send it on by its file_id; bytes that are no image are refused.
func TestUserPhotoCanBeSentOn(t *testing.T) {
	sb := NewTest(t, fast())
	b := newBot(t, sb)
	sent, err := sb.SendPhoto(42, pngBytes(t, 16, 9), "the invoice", MsgOpts{})
	if err != nil {
		t.Fatal(err)
	}
	var photo []PhotoSize
	var caption string
	for _, u := range updatesOf(t, callJSON(t, sb, "getUpdates", nil)) {
		if u.UpdateID == sent.UpdateID {
			photo, caption = u.Message.Photo, u.Message.Caption
		}
	}
	if len(photo) != 1 || photo[0].Width != 16 || photo[0].Height != 9 || caption != "the invoice" {
		t.Fatalf("photo = %+v, caption %q", photo, caption)
	}
	m, err := b.SendPhoto(ctxT(t), &bot.SendPhotoParams{ChatID: 42, Photo: &models.InputFileString{Data: photo[0].FileID}})
	if err != nil || len(m.Photo) == 0 || m.Photo[0].FileID != photo[0].FileID {
		t.Errorf("sending the photo on by file_id: %+v, %v", m, err)
	}
	if _, err := sb.SendPhoto(42, []byte("not an image"), "", MsgOpts{}); err == nil {
		t.Error("bytes that are no image were taken for a photo")
	}
}
