package transfer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

var bom = []byte("\uFEFF")

// ReadAll reads an import file from r, refusing it (CodeTooLarge) as soon
// as it is over MaxFileBytes, so a 50 MB upload is never held in memory.
func ReadAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, &FileError{Code: CodeTooLarge}
	}
	return data, nil
}

// Record is one data row of a file: its line and its cells by column key.
type Record struct {
	Line  int
	Cells map[string]string
}

// Records checks a file's text and header and returns its non-blank data
// rows. A *FileError refuses the file: not UTF-8, too large, an empty file
// or one without rows, a bad header, broken quoting, too many rows, or any
// cell a spreadsheet would run as a formula (each listed in Issues).
func Records(data []byte) ([]Record, []Issue, error) {
	if len(data) > MaxFileBytes {
		return nil, nil, &FileError{Code: CodeTooLarge}
	}
	data = bytes.TrimPrefix(data, bom)
	if !utf8.Valid(data) {
		return nil, nil, &FileError{Code: CodeNotUTF8, Issues: []Issue{{Line: invalidLine(data), Code: CodeNotUTF8}}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, &FileError{Code: CodeEmpty}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delimiter(data)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, csvError(err)
	}
	cols, err := mapHeader(header)
	if err != nil {
		return nil, nil, err
	}
	var recs []Record
	var issues, formulas []Issue
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if blank(cells) {
			continue
		}
		if len(recs)+len(issues) >= MaxRows {
			return nil, nil, &FileError{Code: CodeTooManyRows}
		}
		rec := Record{Line: line, Cells: make(map[string]string, len(cols))}
		extra := false
		for i, c := range cells {
			if i >= len(cols) {
				extra = extra || strings.TrimSpace(c) != ""
				continue
			}
			raw := strings.TrimSpace(c)
			if IsFormula(raw) && len(formulas) < maxIssues {
				formulas = append(formulas, Issue{Line: line, Code: CodeFormula, Column: header[i]})
			}
			if cols[i] != "" {
				rec.Cells[cols[i]] = Unescape(raw)
			}
		}
		if extra {
			issues = append(issues, Issue{Line: line, Code: CodeCells})
			continue
		}
		recs = append(recs, rec)
	}
	if len(formulas) > 0 {
		return nil, nil, &FileError{Code: CodeFormula, Issues: formulas}
	}
	if len(recs)+len(issues) == 0 {
		return nil, nil, &FileError{Code: CodeNoRows}
	}
	return recs, issues, nil
}

// mapHeader maps each header cell to its column key; an unknown or
// repeated column, or a header without a name column, refuses the file.
func mapHeader(header []string) ([]string, error) {
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			return nil, &FileError{Code: CodeBadHeader, Column: "#" + itoa(i+1)}
		}
		key, ok := headerIndex[headerKey(h)]
		if !ok || (key != "" && seen[key]) {
			return nil, &FileError{Code: CodeBadHeader, Column: strings.TrimSpace(h)}
		}
		seen[key] = true
		cols[i] = key
	}
	if !seen[ColName] {
		return nil, &FileError{Code: CodeBadHeader, Column: ColName}
	}
	return cols, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FileError{Code: CodeBadCSV, Issues: []Issue{{Line: pe.StartLine, Code: CodeBadCSV}}}
	}
	return &FileError{Code: CodeBadCSV}
}

// delimiter guesses the separator from the header line: a comma, or the
// semicolon or tab that spreadsheets in some locales write instead.
func delimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	best, n := ',', bytes.Count(first, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if c := bytes.Count(first, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
}

// invalidLine is the line of the first byte that is not UTF-8.
func invalidLine(data []byte) int {
	line := 1
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxFileBytes+1)
	for sc.Scan() {
		if !utf8.Valid(sc.Bytes()) {
			return line
		}
		line++
	}
	return line
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
