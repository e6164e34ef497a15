package delivery

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// OpenFile fetches a file a user sent, as the Bot API serves it: getFile
// names its file_path, and the bytes are at <server>/file/bot<token>/<path>.
// The caller reads (and bounds) the body and closes it. A file over the
// bots' 20 MB download limit is refused by getFile (*APIError 400).
func (c *Client) OpenFile(ctx context.Context, fileID string) (io.ReadCloser, error) {
	var f struct {
		FilePath string `json:"file_path"`
	}
	if err := c.Call(ctx, "getFile", map[string]any{"file_id": fileID}, &f); err != nil {
		return nil, err
	}
	if f.FilePath == "" {
		return nil, &APIError{Method: "getFile", Code: http.StatusBadRequest, Description: "no file_path in the answer"}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.fileURL(f.FilePath), nil)
	if err != nil {
		return nil, fmt.Errorf("telegram file: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &NetError{Method: "file", Err: scrub(err, c.base)}
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, &APIError{Method: "file", Code: resp.StatusCode, Description: http.StatusText(resp.StatusCode)}
	}
	return resp.Body, nil
}

// fileURL is where the Bot API serves file_path: c.base is
// "<server>/bot<token>/", files are under "<server>/file/bot<token>/".
func (c *Client) fileURL(filePath string) string {
	i := strings.LastIndex(c.base, "/bot")
	return c.base[:i] + "/file" + c.base[i:] + strings.TrimPrefix(filePath, "/")
}
