package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"

	"slices"
)

// Waiting for the bot, for tests. The bot answers asynchronously, so a test
// sends as a user, then waits (bounded by its context) for the bot's
// message:
//
//	sent, _ := sb.SendText(42, "/start", sandbox.MsgOpts{LanguageCode: "fa"})
//	msg, err := sb.WaitBotMessage(ctx, 42, sent.Seq, sandbox.TextContains("خوش"))
//
// On timeout the error carries the chat's transcript as text.

// Match selects a transcript entry.
type Match func(Entry) bool

// Any matches every entry.
func Any() Match { return func(Entry) bool { return true } }

// TextIs matches an entry whose text or caption is exactly s.
func TextIs(s string) Match {
	return func(e Entry) bool { return e.Text == s || (e.Text == "" && e.Caption == s) }
}

// TextContains matches an entry whose text or caption contains s.
func TextContains(s string) Match {
	return func(e Entry) bool { return strings.Contains(e.Text, s) || strings.Contains(e.Caption, s) }
}

// TextMatches matches an entry whose text or caption matches the regular
// expression.
func TextMatches(re *regexp.Regexp) Match {
	return func(e Entry) bool { return re.MatchString(e.Text) || re.MatchString(e.Caption) }
}

// HasButton matches an entry with an inline or reply keyboard button
// labelled label.
func HasButton(label string) Match {
	return func(e Entry) bool { return slices.Contains(e.ButtonLabels(), label) }
}

// All matches an entry every given Match matches.
func All(ms ...Match) Match {
	return func(e Entry) bool {
		for _, m := range ms {
			if !m(e) {
				return false
			}
		}
		return true
	}
}

// ButtonLabels lists the labels of the entry's keyboard, row by row.
func (e Entry) ButtonLabels() []string {
	var out []string
	for _, b := range e.Buttons() {
		out = append(out, b.Text)
	}
	return out
}

// Button is a keyboard button in a transcript entry.
type Button struct {
	Text            string `json:"text"`
	CallbackData    string `json:"callback_data,omitempty"`
	URL             string `json:"url,omitempty"`
	RequestContact  bool   `json:"request_contact,omitempty"`
	RequestLocation bool   `json:"request_location,omitempty"`
}

// Buttons lists the entry's keyboard buttons, row by row.
func (e Entry) Buttons() []Button {
	var mk struct {
		Inline [][]Button `json:"inline_keyboard"`
		Reply  [][]Button `json:"keyboard"`
	}
	if len(e.ReplyMarkup) == 0 || json.Unmarshal(e.ReplyMarkup, &mk) != nil {
		return nil
	}
	var out []Button
	for _, row := range append(mk.Inline, mk.Reply...) {
		out = append(out, row...)
	}
	return out
}

// CallbackData returns the callback_data of the inline button labelled
// label, and whether there is one.
func (e Entry) CallbackData(label string) (string, bool) {
	for _, b := range e.Buttons() {
		if b.Text == label && b.CallbackData != "" {
			return b.CallbackData, true
		}
	}
	return "", false
}

// WaitFor blocks until pred holds for the chat's transcript, or ctx ends;
// the error then shows the transcript.
func (s *Server) WaitFor(ctx context.Context, chatID int64, pred func(Transcript) bool) (Transcript, error) {
	for {
		s.mu.Lock()
		t := s.transcriptLocked(chatID, 0)
		changed := s.changed
		s.mu.Unlock()
		if pred(t) {
			return t, nil
		}
		select {
		case <-ctx.Done():
			return t, fmt.Errorf("sandbox: waiting on chat %d: %w\n%s", chatID, ctx.Err(), t)
		case <-changed:
		}
	}
}

// WaitBotMessage blocks until a bot message of the chat with Seq greater
// than afterSeq matches (a new message, or one edited after afterSeq), or
// ctx ends; the error then shows the transcript. Deleted messages do not
// match.
func (s *Server) WaitBotMessage(ctx context.Context, chatID, afterSeq int64, match Match) (Entry, error) {
	if match == nil {
		match = Any()
	}
	var found Entry
	_, err := s.WaitFor(ctx, chatID, func(t Transcript) bool {
		for _, e := range t.Messages {
			if e.From == "bot" && e.Seq > afterSeq && !e.Deleted && match(e) {
				found = e
				return true
			}
		}
		return false
	})
	if err != nil {
		return Entry{}, fmt.Errorf("sandbox: no matching bot message after seq %d: %w", afterSeq, err)
	}
	return found, nil
}

// LastBotMessage returns the chat's latest bot message that is not deleted.
func (s *Server) LastBotMessage(chatID int64) (Entry, bool) {
	t := s.Transcript(chatID)
	for i := len(t.Messages) - 1; i >= 0; i-- {
		if e := t.Messages[i]; e.From == "bot" && !e.Deleted {
			return e, true
		}
	}
	return Entry{}, false
}

// TB is the part of testing.TB the helpers use.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// ExpectBotMessage is WaitBotMessage that fails the test on timeout.
func (s *Server) ExpectBotMessage(tb TB, ctx context.Context, chatID, afterSeq int64, match Match) Entry {
	tb.Helper()
	e, err := s.WaitBotMessage(ctx, chatID, afterSeq, match)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	return e
}

// NewTest starts a sandbox on an httptest server for one test and closes
// both at cleanup. BotAPIURL and Token are ready for bot.New.
func NewTest(tb TB, opts Options) *Server {
	tb.Helper()
	s := New(opts)
	hs := httptest.NewServer(s.Handler())
	s.SetURL(hs.URL)
	tb.Cleanup(func() {
		s.Close()
		hs.CloseClientConnections()
		hs.Close()
	})
	return s
}
