package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// apiError is a Bot API failure as Telegram reports it: the HTTP status
// equals error_code.
type apiError struct {
	Code        int
	Description string
	RetryAfter  int
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Description) }

func badRequest(format string, args ...any) *apiError {
	return &apiError{Code: http.StatusBadRequest, Description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func forbidden(what string) *apiError {
	return &apiError{Code: http.StatusForbidden, Description: "Forbidden: " + what}
}

func tooManyRequests(retryAfter int) *apiError {
	return &apiError{
		Code:        http.StatusTooManyRequests,
		Description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		RetryAfter:  retryAfter,
	}
}

var (
	errNotFound     = &apiError{Code: http.StatusNotFound, Description: "Not Found"}
	errUnauthorized = &apiError{Code: http.StatusUnauthorized, Description: "Unauthorized"}
)

// envelope is Telegram's response object.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result,omitempty"`
	ErrorCode   int             `json:"error_code,omitempty"`
	Description string          `json:"description,omitempty"`
	Parameters  *respParams     `json:"parameters,omitempty"`
}

type respParams struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

// encodeEnvelope renders a result or an error; it returns the HTTP status,
// the body and, for a result, the result's JSON (a slice of the body).
// A result is written into the envelope as it was marshalled: marshalling
// the envelope around it again would only validate and compact it a
// second time.
func encodeEnvelope(result any, e *apiError) (status int, body []byte, raw json.RawMessage) {
	if e != nil {
		env := envelope{ErrorCode: e.Code, Description: e.Description}
		if e.RetryAfter > 0 {
			env.Parameters = &respParams{RetryAfter: e.RetryAfter}
		}
		body, _ = json.Marshal(env)
		return e.Code, body, nil
	}
	res, err := json.Marshal(result)
	if err != nil {
		return encodeEnvelope(nil, &apiError{Code: 500, Description: "Internal Server Error"})
	}
	const head, tail = `{"ok":true,"result":`, `}`
	body = make([]byte, 0, len(head)+len(res)+len(tail))
	body = append(append(append(body, head...), res...), tail...)
	return http.StatusOK, body, body[len(head) : len(head)+len(res) : len(head)+len(res)]
}

func writeEnvelope(w http.ResponseWriter, result any, e *apiError) (int, []byte) {
	status, body, _ := encodeEnvelope(result, e)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status, body
}

// upload is a file sent in a multipart request.
type upload struct {
	name string
	data []byte
}

// params are a Bot API call's parameters however they arrived (query string,
// url-encoded form, multipart form or JSON object). Like Telegram, every
// value is held as text: nested objects such as reply_markup are JSON text.
type params struct {
	v     map[string]string
	files map[string]upload
}

const maxUpload = 50 << 20

// parseParams reads a request's parameters by its content type.
func parseParams(r *http.Request) (params, *apiError) {
	p := params{v: map[string]string{}, files: map[string]upload{}}
	for k, vs := range r.URL.Query() {
		if len(vs) > 0 {
			p.v[k] = vs[0]
		}
	}
	if r.Body == nil || r.Method == http.MethodGet {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxUpload); err != nil {
			if errors.Is(err, io.EOF) { // a multipart body without parts: no parameters
				return p, nil
			}
			return p, badRequest("can't parse multipart form: %v", err)
		}
		for k, vs := range r.MultipartForm.Value {
			if len(vs) > 0 {
				p.v[k] = vs[0]
			}
		}
		for k, fhs := range r.MultipartForm.File {
			if len(fhs) == 0 {
				continue
			}
			f, err := fhs[0].Open()
			if err != nil {
				return p, badRequest("can't read file %s", k)
			}
			data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
			f.Close()
			if err != nil {
				return p, badRequest("can't read file %s", k)
			}
			if len(data) > maxUpload {
				return p, &apiError{Code: http.StatusRequestEntityTooLarge, Description: "Request Entity Too Large"}
			}
			p.files[k] = upload{name: fhs[0].Filename, data: data}
		}
	case "application/json":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxUpload))
		if err != nil {
			return p, badRequest("can't read request body")
		}
		if aerr := p.addJSON(body); aerr != nil {
			return p, aerr
		}
	default: // url-encoded, or no body type at all
		if err := r.ParseForm(); err != nil {
			return p, badRequest("can't parse form: %v", err)
		}
		for k, vs := range r.PostForm {
			if len(vs) > 0 {
				p.v[k] = vs[0]
			}
		}
	}
	return p, nil
}

// addJSON adds the fields of a JSON object body: strings as they are,
// other values as their JSON text, nulls not at all.
func (p params) addJSON(body []byte) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return badRequest("can't parse JSON object")
	}
	for k, raw := range obj {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			p.v[k] = s
		} else if !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			p.v[k] = string(raw)
		}
	}
	return nil
}

func (p params) str(name string) string { return p.v[name] }

// int64 parses an integer parameter; absent or empty is 0, false.
func (p params) int64(name string) (int64, bool, *apiError) {
	s := strings.TrimSpace(p.v[name])
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, false, badRequest("invalid %s specified", name)
		}
		n = int64(f)
	}
	return n, true, nil
}

func (p params) float(name string) (float64, bool, *apiError) {
	s := strings.TrimSpace(p.v[name])
	if s == "" {
		return 0, false, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, badRequest("invalid %s specified", name)
	}
	return f, true, nil
}

// bool reads "true"/"1" as true, as Telegram does.
func (p params) bool(name string) bool {
	switch strings.ToLower(strings.TrimSpace(p.v[name])) {
	case "true", "1":
		return true
	}
	return false
}

// record renders the parameters for the call log: values as text, uploads
// as "<name> (<n> bytes)".
func (p params) record() map[string]string {
	out := make(map[string]string, len(p.v)+len(p.files))
	for k, v := range p.v {
		out[k] = v
	}
	for k, f := range p.files {
		out[k] = fmt.Sprintf("%s (%d bytes)", f.name, len(f.data))
	}
	return out
}

// parseToken splits "<digits>:<secret>"; ok is false for anything else.
func parseToken(tok string) (int64, bool) {
	id, secret, found := strings.Cut(tok, ":")
	if !found || id == "" || secret == "" || len(tok) > 100 {
		return 0, false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	for _, c := range secret {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// splitBotPath parses "/bot<token>/<method>" and "/bot<token>/test/<method>".
func splitBotPath(path string) (token, method string, ok bool) {
	rest := strings.TrimPrefix(path, "/bot")
	token, rest, found := strings.Cut(rest, "/")
	if !found {
		return "", "", false
	}
	rest = strings.TrimPrefix(rest, "test/")
	if rest == "" || strings.Contains(rest, "/") {
		return token, "", false
	}
	if u, err := url.PathUnescape(rest); err == nil {
		rest = u
	}
	return token, rest, true
}
