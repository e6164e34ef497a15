package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/telecrm/crmbot/internal/outbound"
)

// Client calls the Bot API over HTTP with JSON bodies (multipart when a
// file is uploaded). It knows nothing of
// rate limits or retries (the Sender does); it reports Telegram's answers
// exactly, as *APIError, so callers can tell a 429's retry_after, a 403 and
// a 5xx apart. It is safe for concurrent use.
type Client struct {
	base string // ".../bot<token>/"
	http *http.Client
}

// NewClient returns a client of the Bot API server at baseURL
// ("https://api.telegram.org" or the sandbox's URL) for a bot token. A nil
// httpClient means one with a 60 s timeout (long polls last up to 50 s)
// that keeps up to idleConns connections to the server open between
// calls.
func NewClient(baseURL, token string, httpClient *http.Client) *Client {
	if httpClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns, t.MaxIdleConnsPerHost = idleConns, idleConns
		httpClient = &http.Client{Timeout: 60 * time.Second, Transport: t}
	}
	return &Client{base: strings.TrimRight(baseURL, "/") + "/bot" + token + "/", http: httpClient}
}

// idleConns is how many connections to the Bot API server a client keeps
// open between calls: as many as the calls that run at once (a replica's
// notification workers, its outbox's senders), since Go's default of two
// per host made every call beyond the second dial a new connection (a TLS
// handshake with Telegram) and close it again.
const idleConns = 128

// APIError is an answer of the Bot API with ok=false.
type APIError struct {
	Method      string
	Code        int    // error_code: 400, 403, 429, 5xx, ...
	Description string // Telegram's text, e.g. "Forbidden: bot was blocked by the user"
	RetryAfter  int    // seconds, for 429
}

// BotAPICode is the Bot API's error code (for metrics).
func (e *APIError) BotAPICode() int { return e.Code }

func (e *APIError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("telegram %s: %d %s (retry after %ds)", e.Method, e.Code, e.Description, e.RetryAfter)
	}
	return fmt.Sprintf("telegram %s: %d %s", e.Method, e.Code, e.Description)
}

// NetError is a call that got no answer from the Bot API (connection
// refused or dropped, timeout, unreadable body). For a send, whether
// Telegram acted on it is unknown.
type NetError struct {
	Method string
	Err    error
}

func (e *NetError) Error() string { return fmt.Sprintf("telegram %s: %v", e.Method, e.Err) }
func (e *NetError) Unwrap() error { return e.Err }

// Call invokes method with params (any value that marshals to a JSON
// object, or an outbound.Multipart to upload files) and decodes the result
// into result (nil to ignore it).
func (c *Client) Call(ctx context.Context, method string, params, result any) error {
	body, ctype, err := encodeParams(params)
	if err != nil {
		return fmt.Errorf("telegram %s: encode: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+method, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("telegram %s: %w", method, err)
	}
	req.Header.Set("Content-Type", ctype)
	resp, err := c.http.Do(req)
	if err != nil {
		return &NetError{Method: method, Err: scrub(err, c.base)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return &NetError{Method: method, Err: err}
	}
	var env struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		if resp.StatusCode >= 500 {
			return &APIError{Method: method, Code: resp.StatusCode, Description: http.StatusText(resp.StatusCode)}
		}
		return &NetError{Method: method, Err: fmt.Errorf("undecodable answer (HTTP %d)", resp.StatusCode)}
	}
	if !env.OK {
		code := env.ErrorCode
		if code == 0 {
			code = resp.StatusCode
		}
		return &APIError{Method: method, Code: code, Description: env.Description, RetryAfter: env.Parameters.RetryAfter}
	}
	if result != nil && len(env.Result) > 0 {
		if err := json.Unmarshal(env.Result, result); err != nil {
			return fmt.Errorf("telegram %s: decode result: %w", method, err)
		}
	}
	return nil
}

// scrub keeps the bot token out of error messages.
func scrub(err error, base string) error {
	msg := err.Error()
	if i := strings.Index(base, "/bot"); i >= 0 {
		tok := strings.TrimSuffix(base[i+4:], "/")
		if tok != "" && strings.Contains(msg, tok) {
			return errors.New(strings.ReplaceAll(msg, tok, "***"))
		}
	}
	return err
}

// apiCode returns the error_code of an *APIError in err, 0 otherwise.
func apiCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// IsUnreachable reports a 403: the user blocked the bot, never started it,
// or the bot was removed from the chat. Retrying does not help.
func IsUnreachable(err error) bool { return apiCode(err) == http.StatusForbidden }

// RetryAfter returns a 429's retry_after, or 0.
func RetryAfter(err error) time.Duration {
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == http.StatusTooManyRequests {
		return time.Duration(max(ae.RetryAfter, 1)) * time.Second
	}
	return 0
}

// IsTemporary reports an error worth retrying later: a 429, a 5xx or no
// answer at all.
func IsTemporary(err error) bool {
	var ne *NetError
	var le *LocalError
	c := apiCode(err)
	return errors.As(err, &ne) || errors.As(err, &le) || c == http.StatusTooManyRequests || c >= 500
}

// LocalError is a failure on our side before the Bot API was called (the
// database was unreachable while booking a send slot): nothing was sent, so
// the send is retried later, never given up as refused.
type LocalError struct {
	Op  string
	Err error
}

func (e *LocalError) Error() string { return e.Op + ": " + e.Err.Error() }
func (e *LocalError) Unwrap() error { return e.Err }

// IsAmbiguous reports a send that got no answer: it may have been
// delivered.
func IsAmbiguous(err error) bool {
	var ne *NetError
	return errors.As(err, &ne)
}

// descIs reports a 400 whose description contains text.
func descIs(err error, text string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == http.StatusBadRequest && strings.Contains(ae.Description, text)
}

// encodeParams is a JSON body, or a multipart/form-data one for an
// outbound.Multipart: each parameter a text part (strings as they are,
// anything else as JSON, as the Bot API reads them), each file a file part.
func encodeParams(params any) (body []byte, contentType string, err error) {
	mp, ok := params.(outbound.Multipart)
	if !ok {
		if params == nil {
			return []byte("{}"), "application/json", nil
		}
		body, err = json.Marshal(params)
		return body, "application/json", err
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range mp.Params {
		s, isString := v.(string)
		if !isString {
			raw, err := json.Marshal(v)
			if err != nil {
				return nil, "", err
			}
			s = string(raw)
		}
		if err := w.WriteField(k, s); err != nil {
			return nil, "", err
		}
	}
	for _, f := range mp.Files {
		part, err := w.CreateFormFile(f.Field, f.Name)
		if err != nil {
			return nil, "", err
		}
		if _, err := part.Write(f.Data); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}
