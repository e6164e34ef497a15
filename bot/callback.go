package bot

import (
	"errors"
	"strconv"
	"strings"
)

// Callback data is "<action>:<arg>:<arg>…", at most 64 bytes (Telegram's
// limit). It only names what the user wants; every action re-checks on the
// server that the user may do it, since a client can send any data.

const maxCallbackData = 64

var errBadCallback = errors.New("bad callback data")

// cb builds callback data for action code with args. Args must not contain
// ':'; numbers are written in base 36 to stay short.
func cb(code string, args ...string) string {
	s := code
	for _, a := range args {
		s += ":" + a
	}
	if len(s) > maxCallbackData {
		// A programming error: keep it visible in tests, harmless in use.
		panic("callback data over 64 bytes: " + s)
	}
	return s
}

// id encodes an entity ID for callback data.
func id(n int64) string { return strconv.FormatInt(n, 36) }

// decodeCallback splits callback data into its action code and args.
func decodeCallback(data string) (string, []string, error) {
	if data == "" || len(data) > maxCallbackData {
		return "", nil, errBadCallback
	}
	parts := strings.Split(data, ":")
	if parts[0] == "" {
		return "", nil, errBadCallback
	}
	return parts[0], parts[1:], nil
}

// argID parses args[i] as an entity ID written by id; a missing or
// malformed ID is a stale button.
func argID(args []string, i int) (int64, bool) {
	if i >= len(args) {
		return 0, false
	}
	n, err := strconv.ParseInt(args[i], 36, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// argInt parses args[i] as a small decimal number.
func argInt(args []string, i int) (int, bool) {
	if i >= len(args) {
		return 0, false
	}
	n, err := strconv.Atoi(args[i])
	return n, err == nil
}
