package sandbox

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func download(t *testing.T, url string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", url, res.StatusCode, data)
	}
	return data
}

func TestPhotosAndDocuments(t *testing.T) {
	sb := NewTest(t, fast())
	start(t, sb, 42)
	b := newBot(t, sb)
	ctx := ctxT(t)
	img := pngBytes(t, 64, 48)

	m, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 42, Caption: "<b>Chart</b>", ParseMode: models.ParseModeHTML,
		Photo: &models.InputFileUpload{Filename: "chart.png", Data: bytes.NewReader(img)}})
	if err != nil {
		t.Fatalf("SendPhoto: %v", err)
	}
	if len(m.Photo) != 1 || m.Photo[0].Width != 64 || m.Photo[0].Height != 48 || m.Caption != "Chart" || len(m.CaptionEntities) != 1 {
		t.Fatalf("photo message = %+v", m)
	}
	photoID := m.Photo[0].FileID

	// Reuse by file_id; the type must match.
	if _, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 42, Photo: &models.InputFileString{Data: photoID}}); err != nil {
		t.Errorf("file_id reuse: %v", err)
	}
	_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 42, Document: &models.InputFileString{Data: photoID}})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "type of file mismatch") {
		t.Errorf("photo id as document: %v", err)
	}
	wantErr(t, callJSON(t, sb, "sendPhoto", map[string]any{"chat_id": 42, "photo": "nope"}), 400, "Bad Request: wrong file identifier/HTTP URL specified")
	wantErr(t, callJSON(t, sb, "sendPhoto", map[string]any{"chat_id": 42}), 400, "Bad Request: there is no photo in the request")
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 42, Photo: &models.InputFileUpload{Filename: "x.png", Data: strings.NewReader("not an image")}})
	if err == nil || !strings.Contains(err.Error(), "IMAGE_PROCESS_FAILED") {
		t.Errorf("bad image: %v", err)
	}
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 42, Caption: strings.Repeat("a", 1025),
		Photo: &models.InputFileString{Data: photoID}})
	if err == nil || !strings.Contains(err.Error(), "message caption is too long") {
		t.Errorf("long caption: %v", err)
	}

	csv := []byte("name,stage\nAli,won\n")
	d, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 42,
		Document: &models.InputFileUpload{Filename: "export.csv", Data: bytes.NewReader(csv)}})
	if err != nil || d.Document == nil || d.Document.FileName != "export.csv" || d.Document.FileSize != int64(len(csv)) {
		t.Fatalf("SendDocument = %+v, %v", d, err)
	}
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: d.Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	if got := download(t, b.FileDownloadLink(f)); !bytes.Equal(got, csv) {
		t.Errorf("downloaded %q", got)
	}
	wantErr(t, callJSON(t, sb, "getFile", map[string]any{"file_id": "nope"}), 400, "Bad Request: invalid file_id")

	// The transcript links the bytes.
	tr := sb.Transcript(42)
	e := tr.Messages[1]
	if e.Photo == nil || e.Photo.URL == "" || e.Photo.Width != 64 {
		t.Fatalf("entry = %+v", e)
	}
	if got := download(t, sb.BotAPIURL()+e.Photo.URL); !bytes.Equal(got, img) {
		t.Errorf("transcript photo bytes differ")
	}
	if !strings.Contains(tr.String(), "[document export.csv]") {
		t.Errorf("text transcript:\n%s", tr)
	}
}

func TestUserVoiceIsDownloadable(t *testing.T) {
	sb := NewTest(t, fast())
	b := newBot(t, sb)
	ctx := ctxT(t)
	sent, err := sb.SendVoice(42, 3, MsgOpts{})
	if err != nil {
		t.Fatal(err)
	}
	var voice *Voice
	for _, u := range updatesOf(t, callJSON(t, sb, "getUpdates", nil)) {
		if u.UpdateID == sent.UpdateID {
			voice = u.Message.Voice
		}
	}
	if voice == nil || voice.Duration != 3 || voice.MimeType != "audio/ogg" {
		t.Fatalf("voice = %+v", voice)
	}
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: voice.FileID})
	if err != nil {
		t.Fatal(err)
	}
	data := download(t, b.FileDownloadLink(f))
	if !bytes.HasPrefix(data, []byte("OggS")) || int64(len(data)) != voice.FileSize {
		t.Errorf("voice bytes: %d, prefix %q", len(data), data[:4])
	}
	// The bot can send a voice note back, by upload.
	m, err := b.SendVoice(ctx, &bot.SendVoiceParams{ChatID: 42, Duration: 2,
		Voice: &models.InputFileUpload{Filename: "reply.ogg", Data: bytes.NewReader(data)}})
	if err != nil || m.Voice == nil || m.Voice.Duration != 2 {
		t.Errorf("SendVoice = %+v, %v", m, err)
	}
}

func TestLocationAndContact(t *testing.T) {
	sb := NewTest(t, fast())
	start(t, sb, 42)
	m := mustMessage(t, callJSON(t, sb, "sendLocation", map[string]any{"chat_id": 42, "latitude": 35.6892, "longitude": 51.389}))
	if m.Location == nil || m.Location.Latitude != 35.6892 {
		t.Errorf("location = %+v", m.Location)
	}
	wantErr(t, callJSON(t, sb, "sendLocation", map[string]any{"chat_id": 42, "latitude": 91, "longitude": 0}), 400, "Bad Request: wrong location specified")
	m = mustMessage(t, callJSON(t, sb, "sendContact", map[string]any{"chat_id": 42, "phone_number": "+989121234567", "first_name": "Sara"}))
	if m.Contact == nil || m.Contact.FirstName != "Sara" {
		t.Errorf("contact = %+v", m.Contact)
	}
	wantErr(t, callJSON(t, sb, "sendContact", map[string]any{"chat_id": 42, "first_name": "Sara"}), 400, "Bad Request: phone number is empty")
}

func TestCommandsMenuAndChatAction(t *testing.T) {
	sb := NewTest(t, fast())
	start(t, sb, 42)
	b := newBot(t, sb)
	ctx := ctxT(t)
	fa := []models.BotCommand{{Command: "start", Description: "شروع"}, {Command: "new_deal", Description: "معامله جدید"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: fa, LanguageCode: "fa",
		Scope: &models.BotCommandScopeAllPrivateChats{}}); err != nil {
		t.Fatal(err)
	}
	got, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "fa", Scope: &models.BotCommandScopeAllPrivateChats{}})
	if err != nil || len(got) != 2 || got[1].Command != "new_deal" {
		t.Errorf("GetMyCommands = %+v, %v", got, err)
	}
	if got, _ := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "en"}); len(got) != 0 {
		t.Errorf("en default scope = %+v", got)
	}
	if _, ok := sb.Commands()["all_private_chats|fa"]; !ok {
		t.Errorf("Commands() = %v", sb.Commands())
	}
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Bad-Cmd", Description: "x"}}})
	if err == nil || !strings.Contains(err.Error(), "BOT_COMMAND_INVALID") {
		t.Errorf("bad command: %v", err)
	}
	if _, err := b.DeleteMyCommands(ctx, &bot.DeleteMyCommandsParams{LanguageCode: "fa", Scope: &models.BotCommandScopeAllPrivateChats{}}); err != nil {
		t.Fatal(err)
	}
	if len(sb.Commands()) != 0 {
		t.Errorf("commands left: %v", sb.Commands())
	}
	if _, err := b.SetChatMenuButton(ctx, &bot.SetChatMenuButtonParams{ChatID: 42, MenuButton: models.MenuButtonCommands{Type: "commands"}}); err != nil {
		t.Errorf("SetChatMenuButton: %v", err)
	}
	if _, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 42, Action: models.ChatActionTyping}); err != nil {
		t.Fatal(err)
	}
	if tr := sb.Transcript(42); tr.Action != "typing" {
		t.Errorf("action = %q", tr.Action)
	}
	wantErr(t, callJSON(t, sb, "sendChatAction", map[string]any{"chat_id": 42, "action": "dancing"}), 400, "Bad Request: wrong parameter action in request")
}
