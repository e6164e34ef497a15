// Package sandbox is a local Telegram Bot API server of our own, with the
// user's side of the chat as a JSON control API and a Go API. End-to-end
// tests, fault tests, benchmarks and `crmbot demo` run the bot against it.
//
// The bot talks to it as to api.telegram.org (go-telegram/bot:
// bot.WithServerURL(sb.BotAPIURL())). The sandbox answers in Telegram's
// envelope with Telegram's error texts and enforces Telegram's rules: text
// 1–4096 UTF-16 code units after HTML/MarkdownV2 parsing, captions 1024,
// callback_data 1–64 bytes, keyboard syntax, "message is not modified",
// callback queries answered once within Options.CallbackTimeout, bots that
// may not write first or were blocked, and flood control (see RateLimits).
// Requests may be multipart (what go-telegram/bot sends), JSON,
// url-encoded or a query string.
//
// Routes:
//
//	/bot<token>/<method>, /bot<token>/test/<method>   the Bot API (methods: see lookup in botapi.go)
//	/file/bot<token>/<file_path>                        file downloads (getFile's file_path)
//	/sandbox/...                                        the control API (see controlMux in control.go)
//	/, /static/                                         the web chat page (web.go)
//
// In a test:
//
//	sb := sandbox.NewTest(t, sandbox.Options{RateLimits: sandbox.RateLimits{Disabled: true}})
//	b, _ := bot.New(sb.Token(), bot.WithServerURL(sb.BotAPIURL()), ...)
//	go b.Start(ctx)
//	sent, _ := sb.SendText(42, "/start", sandbox.MsgOpts{FirstName: "Sara", LanguageCode: "fa"})
//	menu := sb.ExpectBotMessage(t, ctx, 42, sent.Seq, sandbox.HasButton("مشتری جدید"))
//	tap, _ := sb.TapLabel(42, menu.MessageID, "مشتری جدید")
//	sb.ExpectBotMessage(t, ctx, 42, tap.Seq, sandbox.TextContains("نام"))
//
// A chat is a user's private chat (chat id = user id) or a group (negative
// id). Users exist once they write (SendText, ShareContact, ...), or through
// AddUser and SetPersonas; the bot may write only to users who wrote first.
// Every change to a transcript gets a new sequence number (Seq): edits and
// deletions renumber the message, so readers can follow a chat with
// TranscriptSince or GET .../transcript?since_seq=N.
//
// A Server holds all its state; there is no package-level mutable state.
// Clocks come from Options.Now: message dates, callback query expiry, flood
// control windows and fault durations follow it, so tests step a fake clock
// instead of sleeping. Long polls and webhook retries use real time (their
// bounds are Options too).
package sandbox
