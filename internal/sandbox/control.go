package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The control API: the users' side of the chat and the sandbox's own
// controls as JSON over HTTP, under /sandbox/. Errors answer
// {"error": "..."} with a 4xx status.
//
//	POST   /sandbox/users/{user_id}             make a user known (no chat yet)
//	POST   /sandbox/users/{user_id}/messages    {"text", "first_name", "last_name", "username", "language_code", "date", "chat_id", "reply_to_message_id"}
//	POST   /sandbox/users/{user_id}/callbacks   {"message_id", "data", "forge", "chat_id"}
//	POST   /sandbox/users/{user_id}/contact     {"phone_number", "first_name", "last_name", "user_id", "vcard"}
//	POST   /sandbox/users/{user_id}/location    {"latitude", "longitude"}
//	POST   /sandbox/users/{user_id}/voice       {"duration"}
//	POST   /sandbox/users/{user_id}/block, /unblock
//	GET    /sandbox/chats                       the chats, with their latest seq
//	GET    /sandbox/chats/{chat_id}/transcript  ?since_seq=N, ?format=text
//	GET    /sandbox/files/{file_id}             the bytes of a file
//	GET    /sandbox/calls                       ?method=, ?since=
//	GET    /sandbox/updates                     pending and recent updates
//	GET    /sandbox/throttles                   every 429 given
//	GET    /sandbox/commands                    the command menus by scope|language
//	GET    /sandbox/bot                         the bot, token, seq and webhook
//	POST   /sandbox/faults, GET, DELETE         inject, list, clear faults
//	POST   /sandbox/reset                       forget everything
//	GET    /sandbox/personas, PUT               the demo's personas
func (s *Server) controlMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sandbox/users/{user_id}", s.ctlAddUser)
	mux.HandleFunc("POST /sandbox/users/{user_id}/messages", s.ctlMessage)
	mux.HandleFunc("POST /sandbox/users/{user_id}/callbacks", s.ctlCallback)
	mux.HandleFunc("POST /sandbox/users/{user_id}/contact", s.ctlContact)
	mux.HandleFunc("POST /sandbox/users/{user_id}/location", s.ctlLocation)
	mux.HandleFunc("POST /sandbox/users/{user_id}/voice", s.ctlVoice)
	mux.HandleFunc("POST /sandbox/users/{user_id}/block", s.ctlBlock(true))
	mux.HandleFunc("POST /sandbox/users/{user_id}/unblock", s.ctlBlock(false))
	mux.HandleFunc("GET /sandbox/chats", s.ctlChats)
	mux.HandleFunc("GET /sandbox/chats/{chat_id}/transcript", s.ctlTranscript)
	mux.HandleFunc("GET /sandbox/files/{file_id}", s.serveSandboxFile)
	mux.HandleFunc("GET /sandbox/calls", s.ctlCalls)
	mux.HandleFunc("GET /sandbox/updates", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"updates": s.Updates()})
	})
	mux.HandleFunc("GET /sandbox/throttles", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"throttles": nonNil(s.Throttles())})
	})
	mux.HandleFunc("GET /sandbox/commands", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"commands": s.Commands()})
	})
	mux.HandleFunc("GET /sandbox/bot", s.ctlBot)
	mux.HandleFunc("POST /sandbox/faults", s.ctlInjectFault)
	mux.HandleFunc("GET /sandbox/faults", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"faults": s.Faults()})
	})
	mux.HandleFunc("DELETE /sandbox/faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	})
	mux.HandleFunc("POST /sandbox/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	})
	mux.HandleFunc("GET /sandbox/personas", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Personas())
	})
	mux.HandleFunc("PUT /sandbox/personas", s.ctlSetPersonas)
	mux.HandleFunc("/sandbox/", func(w http.ResponseWriter, r *http.Request) {
		jsonError(w, http.StatusNotFound, fmt.Sprintf("no control route %s %s", r.Method, r.URL.Path))
	})
	return mux
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func jsonError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeResult answers a user action: the result, or the error with its
// status.
func writeResult(w http.ResponseWriter, v any, err error) {
	if err != nil {
		status := http.StatusBadRequest
		var se *Error
		if errors.As(err, &se) {
			status = se.Status
			err = errors.New(se.Msg)
		}
		jsonError(w, status, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// decode reads a JSON body into v; an empty body leaves v as it is.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		jsonError(w, http.StatusBadRequest, "can't read body: "+err.Error())
		return false
	}
	if strings.TrimSpace(string(body)) == "" {
		return true
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		jsonError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func pathInt(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		jsonError(w, http.StatusBadRequest, name+" must be an integer")
		return 0, false
	}
	return n, true
}

// profile is the sender fields a user action may carry.
type profile struct {
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Username     string `json:"username"`
	LanguageCode string `json:"language_code"`
	Date         int64  `json:"date"`
	ChatID       int64  `json:"chat_id"`
}

func (p profile) opts() MsgOpts {
	o := MsgOpts{FirstName: p.FirstName, LastName: p.LastName, Username: p.Username, LanguageCode: p.LanguageCode, ChatID: p.ChatID}
	if p.Date != 0 {
		o.Date = time.Unix(p.Date, 0)
	}
	return o
}

func (s *Server) ctlAddUser(w http.ResponseWriter, r *http.Request) {
	uid, ok := pathInt(w, r, "user_id")
	var req profile
	if !ok || !decode(w, r, &req) {
		return
	}
	writeResult(w, map[string]any{"ok": true}, s.AddUser(uid, req.opts()))
}

func (s *Server) ctlMessage(w http.ResponseWriter, r *http.Request) {
	uid, ok := pathInt(w, r, "user_id")
	var req struct {
		profile
		Text             string `json:"text"`
		ReplyToMessageID int64  `json:"reply_to_message_id"`
	}
	if !ok || !decode(w, r, &req) {
		return
	}
	o := req.opts()
	o.ReplyTo = req.ReplyToMessageID
	sent, err := s.SendText(uid, req.Text, o)
	writeResult(w, sent, err)
}

func (s *Server) ctlCallback(w http.ResponseWriter, r *http.Request) {
	uid, ok := pathInt(w, r, "user_id")
	var req struct {
		MessageID int64  `json:"message_id"`
		Data      string `json:"data"`
		Forge     bool   `json:"forge"`
		ChatID    int64  `json:"chat_id"`
	}
	if !ok || !decode(w, r, &req) {
		return
	}
	chat := req.ChatID
	if chat == 0 {
		chat = uid
	}
	sent, err := s.TapIn(chat, uid, req.MessageID, req.Data, req.Forge)
	writeResult(w, sent, err)
}

func (s *Server) ctlContact(w http.ResponseWriter, r *http.Request) {
	uid, ok := pathInt(w, r, "user_id")
	var req struct {
		Contact
		Date int64 `json:"date"`
	}
	if !ok || !decode(w, r, &req) {
		return
	}
	sent, err := s.ShareContact(uid, req.Contact, profile{Date: req.Date}.opts())
	writeResult(w, sent, err)
}

func (s *Server) ctlLocation(w http.ResponseWriter, r *http.Request) {
	uid, ok := pathInt(w, r, "user_id")
	var req struct {
		profile
		Latitude  *float64 `json:"latitude"`
		Longitude *float64 `json:"longitude"`
	}
	if !ok || !decode(w, r, &req) {
		return
	}
	if req.Latitude == nil || req.Longitude == nil {
		jsonError(w, http.StatusBadRequest, "latitude and longitude are required")
		return
	}
	sent, err := s.ShareLocation(uid, *req.Latitude, *req.Longitude, req.opts())
	writeResult(w, sent, err)
}

func (s *Server) ctlVoice(w http.ResponseWriter, r *http.Request) {
	uid, ok := pathInt(w, r, "user_id")
	var req struct {
		profile
		Duration int `json:"duration"`
	}
	if !ok || !decode(w, r, &req) {
		return
	}
	sent, err := s.SendVoice(uid, req.Duration, req.opts())
	writeResult(w, sent, err)
}

func (s *Server) ctlBlock(block bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		uid, ok := pathInt(w, r, "user_id")
		if !ok {
			return
		}
		var sent Sent
		var err error
		if block {
			sent, err = s.Block(uid)
		} else {
			sent, err = s.Unblock(uid)
		}
		writeResult(w, sent, err)
	}
}

// ChatInfo summarises a chat for GET /sandbox/chats.
type ChatInfo struct {
	Chat     Chat  `json:"chat"`
	Messages int   `json:"messages"`
	Seq      int64 `json:"seq"` // the latest seq of its messages
	Blocked  bool  `json:"blocked"`
}

// Chats lists every chat the sandbox knows.
func (s *Server) Chats() []ChatInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []ChatInfo{}
	for _, c := range s.st.chats {
		info := ChatInfo{Chat: c.chat, Messages: len(c.msgs), Blocked: c.blocked}
		for _, m := range c.msgs {
			info.Seq = max(info.Seq, m.seq)
		}
		out = append(out, info)
	}
	return out
}

func (s *Server) ctlChats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"chats": s.Chats()})
}

func (s *Server) ctlTranscript(w http.ResponseWriter, r *http.Request) {
	chatID, ok := pathInt(w, r, "chat_id")
	if !ok {
		return
	}
	var since int64
	if v := r.URL.Query().Get("since_seq"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			jsonError(w, http.StatusBadRequest, "since_seq must be an integer")
			return
		}
		since = n
	}
	t := s.TranscriptSince(chatID, since)
	if r.URL.Query().Get("format") == "text" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, t.String())
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) ctlCalls(w http.ResponseWriter, r *http.Request) {
	f := CallFilter{Method: r.URL.Query().Get("method")}
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			jsonError(w, http.StatusBadRequest, "since must be an integer")
			return
		}
		f.Since = n
	}
	writeJSON(w, http.StatusOK, map[string]any{"calls": nonNil(s.Calls(f))})
}

func (s *Server) ctlBot(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	var hook *WebhookInfo
	if h := s.st.hook; h != nil {
		hook = &WebhookInfo{URL: h.url, PendingUpdateCount: len(s.st.updates), MaxConnections: h.maxConn,
			LastErrorDate: h.lastErrorDate, LastErrorMessage: h.lastErrorMessage}
	}
	seq, pending := s.st.seq, len(s.st.updates)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"bot": s.botUser(s.defaultBotID()), "token": s.Token(), "seq": seq,
		"pending_updates": pending, "webhook": hook, "url": s.BotAPIURL(),
	})
}

func (s *Server) ctlInjectFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if !decode(w, r, &f) {
		return
	}
	id, err := s.InjectFault(f)
	if err != nil {
		jsonError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), "sandbox: "))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id})
}

func (s *Server) ctlSetPersonas(w http.ResponseWriter, r *http.Request) {
	var list []Persona
	if !decode(w, r, &list) {
		return
	}
	if err := s.SetPersonas(list); err != nil {
		writeResult(w, nil, err)
		return
	}
	writeJSON(w, http.StatusOK, s.Personas())
}
