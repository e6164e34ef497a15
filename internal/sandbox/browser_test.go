package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"html"
	"image/png"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/sandbox"
)

// browserDir holds chat.mjs and its pinned playwright-core.
const browserDir = "testdata/browser"

// TestWebChatInChromium opens the web chat page in real headless Chromium and
// talks Persian to a small bot built on the real go-telegram/bot client: the
// reply must render right to left with dir=auto, an inline button tap must
// edit the reply in place. It saves screenshots in a temporary directory, or
// in $CRMBOT_SCREENSHOTS (make screenshots refreshes docs/screenshots).
//
// It needs Debian's chromium and Node.js with npm (CI installs them); without
// them it fails, naming what to install.
func TestWebChatInChromium(t *testing.T) {
	chromium := browserPath(t)
	node := nodePath(t)
	installPlaywright(t)

	s := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = s.Close() })
	s.SetURL(srv.URL)
	const userID = 5551001
	s.SetPersonas([]sandbox.Persona{
		{UserID: userID, Name: "مریم احمدی", Role: "customer", LanguageCode: "fa"},
		{UserID: 5551002, Name: "Sara Manager", Role: "manager", LanguageCode: "en"},
		{UserID: 5551003, Name: "خالد", Role: "rep", LanguageCode: "ar"},
	})

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	startEchoBot(ctx, t, s.Token(), srv.URL)

	dir := t.TempDir()
	if d := os.Getenv("CRMBOT_SCREENSHOTS"); d != "" {
		dir = d
	}
	shot, err := filepath.Abs(filepath.Join(dir, "chat.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(shot), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, node, filepath.Join(browserDir, "chat.mjs"), srv.URL+"/", shot, strconv.Itoa(userID))
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chat.mjs: %v\n%s%s", err, stderr.String(), stdout.String())
	}
	t.Logf("chat.mjs: %s", strings.TrimSpace(stdout.String()))
	checkPNG(t, shot)
	checkPNG(t, strings.TrimSuffix(shot, ".png")+"-phone.png")
}

// startEchoBot runs a small bot on the real go-telegram/bot client:
//   - "منو" (menu) gets a reply keyboard with a request_contact button;
//   - a shared contact is thanked for, and the reply keyboard removed;
//   - any other text gets a Persian greeting with two inline buttons;
//   - a tap on one is answered with a toast and edits that message.
func startEchoBot(ctx context.Context, t *testing.T, token, serverURL string) {
	t.Helper()
	inline := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: "گزینه ۱", CallbackData: "pick:گزینه ۱"}, {Text: "گزینه ۲", CallbackData: "pick:گزینه ۲"}},
	}}
	menu := &models.ReplyKeyboardMarkup{
		Keyboard: [][]models.KeyboardButton{
			{{Text: "📇 مشتریان"}, {Text: "➕ مشتری جدید"}},
			{{Text: "📱 ارسال شماره", RequestContact: true}},
		},
		ResizeKeyboard:        true,
		InputFieldPlaceholder: "یک گزینه را بزنید",
	}
	handler := func(ctx context.Context, b *bot.Bot, u *models.Update) {
		var err error
		switch {
		case u.Message != nil && u.Message.Text == "منو":
			_, err = b.SendMessage(ctx, &bot.SendMessageParams{
				ChatID: u.Message.Chat.ID, Text: "منوی اصلی", ReplyMarkup: menu,
			})
		case u.Message != nil && u.Message.Contact != nil:
			_, err = b.SendMessage(ctx, &bot.SendMessageParams{
				ChatID:      u.Message.Chat.ID,
				Text:        "شماره شما ثبت شد: " + u.Message.Contact.PhoneNumber,
				ReplyMarkup: &models.ReplyKeyboardRemove{RemoveKeyboard: true},
			})
		case u.Message != nil && u.Message.Text != "":
			_, err = b.SendMessage(ctx, &bot.SendMessageParams{
				ChatID: u.Message.Chat.ID,
				Text: "<b>سلام!</b> یکی را انتخاب کنید\n" +
					"شما نوشتید: <i>" + html.EscapeString(u.Message.Text) + "</i>\n" +
					"پشتیبانی: +98 21 8888 7777",
				ParseMode:   models.ParseModeHTML,
				ReplyMarkup: inline,
			})
		case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
			q := u.CallbackQuery
			if _, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: "ثبت شد"}); err != nil {
				break
			}
			m := q.Message.Message
			_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{
				ChatID:      m.Chat.ID,
				MessageID:   m.ID,
				Text:        "انتخاب شما: " + strings.TrimPrefix(q.Data, "pick:") + " ✅",
				ReplyMarkup: inline,
			})
		}
		if err != nil && ctx.Err() == nil {
			t.Errorf("echo bot: %v", err)
		}
	}
	b, err := bot.New(token, bot.WithServerURL(serverURL), bot.WithDefaultHandler(handler))
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Start(ctx)
	}()
	t.Cleanup(func() { <-done })
}

// checkPNG fails unless path is a PNG of a real page, not an empty capture.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot %s is not a PNG: %v", path, err)
	}
	if cfg.Width < 300 || cfg.Height < 500 || len(data) < 20_000 {
		t.Errorf("screenshot %s is %dx%d, %d bytes; want a whole page, at least 300x500 and 20 kB", path, cfg.Width, cfg.Height, len(data))
	}
}

func browserPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium not found: install Debian's browser with `apt-get install -y chromium fonts-noto-color-emoji` (or set CHROMIUM)")
	}
	return p
}

func nodePath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node not found: install Node.js 18+ and npm (`apt-get install -y nodejs npm`)")
	}
	out, err := exec.Command(p, "--version").Output()
	if err != nil {
		t.Fatalf("node --version: %v", err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	major, _, _ := strings.Cut(v, ".")
	if n, err := strconv.Atoi(major); err != nil || n < 18 {
		t.Fatalf("node %s is too old: playwright-core 1.56 needs Node.js 18 or later", v)
	}
	return p
}

// installPlaywright runs npm ci in testdata/browser once, when
// node_modules is missing; package-lock.json pins playwright-core.
func installPlaywright(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(browserDir, "node_modules", "playwright-core", "package.json")); err == nil {
		return
	} else if !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm not found: install Node.js 18+ and npm (`apt-get install -y nodejs npm`)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = browserDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", browserDir, err, out)
	}
}
