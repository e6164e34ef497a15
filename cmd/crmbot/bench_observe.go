package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// observer sits in front of the sandbox's HTTP handler and watches the
// bot's Bot API calls as they are answered: each message sent or edited
// is handed to the simulated rep whose chat it is (with its buttons, so
// that taps use the bot's real callback data) and timed there, and every
// refused call is counted. Reading the sandbox's call log or waiting on
// its transcripts instead would take the sandbox's one lock thousands of
// times a second and measure the sandbox.
type observer struct {
	next http.Handler
	reps map[int64]*rep // by chat; set before any traffic, then only read

	queries sync.Map // callback query id → *rep, until the bot answers it

	replies   atomic.Int64 // messages sent or edited, all chats
	firstPoll atomic.Int64 // unix nanos of the first getUpdates or setWebhook
	lastReply atomic.Int64 // unix nanos

	mu      sync.Mutex
	refused map[string]int // "method: description" → count
	calls   map[string]int // by method
}

func newObserver(next http.Handler) *observer {
	return &observer{next: next, reps: map[int64]*rep{}, refused: map[string]int{}, calls: map[string]int{}}
}

// messageMethods are the Bot API methods whose result is the message the
// user sees.
var messageMethods = map[string]bool{
	"sendmessage": true, "editmessagetext": true, "editmessagereplymarkup": true, "editmessagecaption": true,
	"sendphoto": true, "senddocument": true, "sendvoice": true, "sendlocation": true, "sendcontact": true,
}

func (o *observer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/bot") {
		o.next.ServeHTTP(w, r)
		return
	}
	method := strings.ToLower(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:])
	switch method {
	case "getupdates", "setwebhook":
		o.firstPoll.CompareAndSwap(0, time.Now().UnixNano())
	}
	if method == "getupdates" { // long polls: nothing to look at but the updates
		o.count(method, true, "")
		o.next.ServeHTTP(w, r)
		return
	}
	var query struct {
		ID   string `json:"callback_query_id"`
		Text string `json:"text"`
	}
	if method == "answercallbackquery" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		json.Unmarshal(body, &query)
	}
	cw := &captureWriter{ResponseWriter: w}
	o.next.ServeHTTP(cw, r)
	at := time.Now()
	var env struct {
		OK          bool            `json:"ok"`
		Description string          `json:"description"`
		Result      json.RawMessage `json:"result"`
	}
	if json.Unmarshal(cw.buf.Bytes(), &env) != nil {
		return
	}
	o.count(method, env.OK, env.Description)
	switch {
	case !env.OK:
	case messageMethods[method]:
		o.replies.Add(1)
		o.lastReply.Store(at.UnixNano())
		var m struct {
			MessageID int64  `json:"message_id"`
			Text      string `json:"text"`
			Chat      struct {
				ID int64 `json:"id"`
			} `json:"chat"`
			ReplyMarkup struct {
				Inline [][]struct {
					CallbackData string `json:"callback_data"`
				} `json:"inline_keyboard"`
			} `json:"reply_markup"`
		}
		if json.Unmarshal(env.Result, &m) != nil || m.Chat.ID == 0 {
			return
		}
		if rp := o.reps[m.Chat.ID]; rp != nil {
			var data []string
			for _, row := range m.ReplyMarkup.Inline {
				for _, b := range row {
					if b.CallbackData != "" {
						data = append(data, b.CallbackData)
					}
				}
			}
			rp.observe(botMsg{id: m.MessageID, text: m.Text, buttons: data}, at)
		}
	case method == "answercallbackquery" && query.ID != "":
		if v, ok := o.queries.LoadAndDelete(query.ID); ok && query.Text != "" {
			v.(*rep).toast(query.Text, at)
		}
	}
}

func (o *observer) count(method string, ok bool, description string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls[method]++
	if !ok {
		o.refused[method+": "+description]++
	}
}

// captureWriter passes a response through and keeps a copy of its body.
type captureWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *captureWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}
