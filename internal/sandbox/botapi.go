package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// call is one Bot API request being served.
type call struct {
	botID  int64
	method string
	p      params
}

type methodFunc func(ctx context.Context, c *call) (any, *apiError)

// lookup finds a method by name, case-insensitively as Telegram does.
func (s *Server) lookup(method string) methodFunc {
	switch strings.ToLower(method) {
	case "getme":
		return s.getMe
	case "getupdates":
		return s.getUpdates
	case "setwebhook":
		return s.setWebhook
	case "deletewebhook":
		return s.deleteWebhook
	case "getwebhookinfo":
		return s.getWebhookInfo
	case "sendmessage":
		return s.sendMessage
	case "sendphoto":
		return s.sendPhoto
	case "senddocument":
		return s.sendDocument
	case "sendvoice":
		return s.sendVoice
	case "sendlocation":
		return s.sendLocation
	case "sendcontact":
		return s.sendContact
	case "editmessagetext":
		return s.editMessageText
	case "editmessagecaption":
		return s.editMessageCaption
	case "editmessagereplymarkup":
		return s.editMessageReplyMarkup
	case "deletemessage":
		return s.deleteMessage
	case "answercallbackquery":
		return s.answerCallbackQuery
	case "sendchataction":
		return s.sendChatAction
	case "setmycommands":
		return s.setMyCommands
	case "getmycommands":
		return s.getMyCommands
	case "deletemycommands":
		return s.deleteMyCommands
	case "setmydescription":
		return s.setMyDescription
	case "getmydescription":
		return s.getMyDescription
	case "setmyshortdescription":
		return s.setMyShortDescription
	case "getmyshortdescription":
		return s.getMyShortDescription
	case "setchatmenubutton":
		return s.setChatMenuButton
	case "getchatmenubutton":
		return s.getChatMenuButton
	case "getfile":
		return s.getFile
	}
	return nil
}

// serveBotAPI answers /bot<token>/<method>.
func (s *Server) serveBotAPI(w http.ResponseWriter, r *http.Request) {
	token, method, ok := splitBotPath(r.URL.Path)
	botID, valid := parseToken(token)
	if !valid {
		// api.telegram.org answers a malformed token as an unknown page.
		writeEnvelope(w, nil, errNotFound)
		return
	}
	if s.opts.Token != "" && token != s.opts.Token {
		writeEnvelope(w, nil, errUnauthorized)
		return
	}
	if !ok {
		writeEnvelope(w, nil, errNotFound)
		return
	}
	p, perr := parseParams(r)
	fn := s.lookup(method)
	if perr == nil && fn == nil {
		perr = errNotFound
	}
	if perr != nil {
		s.answer(w, method, p, nil, perr, "")
		return
	}

	if f := s.matchFault(method); f != nil {
		if handled := s.applyFault(w, r, f, method, p); handled {
			return
		}
	}

	res, aerr := fn(r.Context(), &call{botID: botID, method: method, p: p})
	if aerr == nil && r.Context().Err() != nil && strings.EqualFold(method, "getUpdates") {
		return // the poller went away; nobody reads the answer
	}
	s.answer(w, method, p, res, aerr, "")
}

// answer logs a call, then writes its answer: a client that has its answer
// also finds the call in the log.
func (s *Server) answer(w http.ResponseWriter, method string, p params, res any, aerr *apiError, fault string) {
	status, body, raw := encodeEnvelope(res, aerr)
	s.recordCall(method, p, aerr, raw, fault)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Call is one Bot API request as the call log keeps it.
type Call struct {
	Seq         int64             `json:"seq"`
	Time        time.Time         `json:"time"`
	Method      string            `json:"method"`
	Params      map[string]string `json:"params"`
	OK          bool              `json:"ok"`
	ErrorCode   int               `json:"error_code,omitempty"`
	Description string            `json:"description,omitempty"`
	RetryAfter  int               `json:"retry_after,omitempty"`
	// Result is the result the bot received, for successful calls.
	Result json.RawMessage `json:"result,omitempty"`
	// Fault names the injected fault that answered the call, if any.
	Fault string `json:"fault,omitempty"`
}

// CallFilter selects calls: by method (case-insensitive) and/or those with
// Seq greater than Since.
type CallFilter struct {
	Method string
	Since  int64
}

func (s *Server) recordCall(method string, p params, aerr *apiError, result json.RawMessage, fault string) {
	c := Call{Method: method, Params: p.record(), OK: aerr == nil, Fault: fault}
	if aerr != nil {
		c.ErrorCode, c.Description, c.RetryAfter = aerr.Code, aerr.Description, aerr.RetryAfter
	} else {
		c.Result = result
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.callSeq++
	c.Seq = s.st.callSeq
	c.Time = s.now()
	s.st.calls = append(s.st.calls, c)
	// The log may grow to twice its size before the oldest are dropped,
	// so that a full log is not copied on every call; Calls and the page
	// see only the newest MaxCalls.
	if len(s.st.calls) >= 2*s.opts.MaxCalls {
		s.st.calls = append([]Call(nil), s.st.calls[len(s.st.calls)-s.opts.MaxCalls:]...)
	}
	s.notifyLocked()
}

// Calls returns the logged Bot API calls that pass the filter, oldest first.
func (s *Server) Calls(f CallFilter) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.st.calls[max(0, len(s.st.calls)-s.opts.MaxCalls):] {
		if c.Seq <= f.Since || (f.Method != "" && !strings.EqualFold(c.Method, f.Method)) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// getMeResult is what getMe answers.
type getMeResult struct {
	User
	CanJoinGroups           bool `json:"can_join_groups"`
	CanReadAllGroupMessages bool `json:"can_read_all_group_messages"`
	SupportsInlineQueries   bool `json:"supports_inline_queries"`
}

func (s *Server) getMe(_ context.Context, c *call) (any, *apiError) {
	return getMeResult{User: s.botUser(c.botID), CanJoinGroups: true}, nil
}
