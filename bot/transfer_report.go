package bot

import (
	"bytes"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/transfer"
)

// maxShownIssues is how many rejected rows or refused cells a report
// lists; with more, the check's full list follows as a CSV document.
const maxShownIssues = 10

// reportText is an import's report: a check (dry), what was done, or
// (without a file name) what an earlier tap did. Each count is its own
// sentence, with its plural.
func (b *Bot) reportText(r *req, name string, rep transfer.Report, dry bool) string {
	title := "transfer.report.done"
	switch {
	case dry:
		title = "transfer.report.dry"
	case name == "":
		title = "transfer.report.already" // an earlier tap imported it
	}
	lines := []string{r.t(title, map[string]any{"File": esc(name)}), ""}
	lines = append(lines, r.n("transfer.report.rows", rep.Rows, nil), r.n("transfer.report.created", rep.Created, nil),
		r.n("transfer.report.updated", rep.Updated, nil), r.n("transfer.report.merged", rep.Merged, nil))
	// Only the check sends the full list; the final report points to it.
	more := "transfer.report.more_checked"
	if dry {
		more = "transfer.report.more"
	}
	issues, hidden := r.shownIssues(rep.Issues)
	if rep.Rejected > 0 {
		lines = append(lines, r.n("transfer.report.rejected", rep.Rejected, nil))
		lines = append(lines, r.issueLines(issues, rep.Rejected-hidden, more)...)
	}
	if hidden > 0 {
		lines = append(lines, r.n("transfer.report.not_yours", hidden, nil))
	}
	switch {
	case dry && rep.Created+rep.Updated == 0:
		lines = append(lines, "", r.t("transfer.report.nothing", nil))
	case dry:
		lines = append(lines, "", r.t("transfer.report.confirm", nil))
	}
	return joinWithin(lines, maxCardRunes)
}

// shownIssues are the rejected rows a report lists to the user: a rep is
// not told which lines (so which phones) belong to other reps' customers,
// only how many (hidden), so a file cannot probe who owns which phone.
func (r *req) shownIssues(issues []transfer.Issue) (shown []transfer.Issue, hidden int) {
	if r.staff.Role != crm.RoleRep {
		return issues, 0
	}
	for _, is := range issues {
		if is.Code == transfer.CodeNotYours {
			hidden++
			continue
		}
		shown = append(shown, is)
	}
	return shown, hidden
}

// issueLines lists the first issues, and says how many more there are of
// total with the plural message more.
func (r *req) issueLines(issues []transfer.Issue, total int, more string) []string {
	var out []string
	for i, is := range issues {
		if i == maxShownIssues {
			out = append(out, r.n(more, total-i, nil))
			break
		}
		out = append(out, r.issueLine(is))
	}
	return out
}

// issueLine is one issue in the user's language: its line, its column and
// the reason its code stands for.
func (r *req) issueLine(is transfer.Issue) string {
	reason := r.t("transfer.code."+is.Code, withFormat(nil))
	col := r.columnName(is.Column)
	switch {
	case is.Line > 0 && col != "":
		return r.t("transfer.issue.line_column", map[string]any{"Line": is.Line, "Column": col, "Reason": reason})
	case is.Line > 0:
		return r.t("transfer.issue.line", map[string]any{"Line": is.Line, "Reason": reason})
	}
	return r.t("transfer.issue.file", map[string]any{"Reason": reason})
}

// columnName is a column as the user knows it: its name in their language
// for one of ours, else the header the file wrote.
func (r *req) columnName(col string) string {
	if col == "" {
		return ""
	}
	for _, c := range transfer.Columns {
		if c == col {
			return r.t("transfer.col."+c, nil)
		}
	}
	return esc(clipRunes(col, 40))
}

// sendReport sends a report with its buttons, and the full list of
// rejected rows when the message shows only the first.
func (b *Bot) sendReport(r *req, name string, rep transfer.Report, dry bool, kb *models.InlineKeyboardMarkup) error {
	if kb == nil {
		kb = ikm()
	}
	if err := r.send(b.reportText(r, name, rep, dry), kb); err != nil {
		return err
	}
	return b.sendRejected(r, rep)
}

// sendRejected sends every rejected row (as the report kept them) as a
// CSV document, when there are more than the message lists.
func (b *Bot) sendRejected(r *req, rep transfer.Report) error {
	issues, _ := r.shownIssues(rep.Issues)
	if len(issues) <= maxShownIssues {
		return nil
	}
	return b.sendIssues(r, issues, "rejected-rows.csv")
}

// sendIssues writes issues as a CSV (line, column, reason, code) in the
// user's language and sends it.
func (b *Bot) sendIssues(r *req, issues []transfer.Issue, fileName string) error {
	var buf bytes.Buffer
	w := transfer.NewWriter(&buf)
	if err := w.Write([]string{r.plain("transfer.csv.line"), r.plain("transfer.csv.column"), r.plain("transfer.csv.reason"), "code"}); err != nil {
		return err
	}
	for _, is := range issues {
		col := is.Column
		for _, c := range transfer.Columns {
			if c == is.Column {
				col = r.plain("transfer.col." + c)
			}
		}
		if err := w.Write([]string{itoa(is.Line), col, r.plain("transfer.code." + is.Code), is.Code}); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return r.b.d.Out.Reply(r.ctx, outbound.Message{Method: "sendDocument", ChatID: r.chatID, File: buf.Bytes(), FileName: fileName,
		Text: r.n("transfer.report.issues_file", len(issues), nil), ParseMode: "HTML"})
}

// plain is a message for a CSV cell: without the bidi controls a chat
// line needs.
func (r *req) plain(id string) string { return stripBidi(r.t(id, withFormat(nil))) }

// withFormat adds the names of the file format the messages cite (kept
// out of the message files: they are the same in every language) to data.
func withFormat(data map[string]any) map[string]any {
	out := map[string]any{"Format": "CSV UTF-8", "Encoding": "UTF-8"}
	for k, v := range data {
		out[k] = v
	}
	return out
}

// stripBidi drops the isolates and marks i18n adds for chat lines.
func stripBidi(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= '\u2066' && c <= '\u2069' || c == '\u200f' || c == '\u200e' {
			return -1
		}
		return c
	}, s)
}

// refusedText says why a whole file was refused, with the cells at fault
// and, for a wrong header, the columns that are accepted.
func (b *Bot) refusedText(r *req, name string, fe *transfer.FileError) string {
	lines := []string{r.t("transfer.refused", map[string]any{"File": esc(name), "Reason": r.t("transfer.code."+fe.Code, withFormat(nil))})}
	switch fe.Code {
	case transfer.CodeBadHeader:
		if fe.Column != "" {
			lines = append(lines, r.t("transfer.refused.column", map[string]any{"Column": r.columnName(fe.Column)}))
		}
		lines = append(lines, r.t("transfer.refused.header_hint", map[string]any{"English": strings.Join(transfer.Columns, ", ")}))
	case transfer.CodeNotUTF8:
		lines = append(lines, r.t("transfer.refused.utf8_hint", withFormat(nil)))
	case transfer.CodeFormula:
		lines = append(lines, r.t("transfer.refused.formula_hint", nil))
	}
	if len(fe.Issues) > 0 {
		lines = append(lines, "")
		lines = append(lines, r.issueLines(fe.Issues, len(fe.Issues), "transfer.report.more")...)
	}
	lines = append(lines, "", r.t("transfer.refused.nothing", nil))
	return joinWithin(lines, maxCardRunes)
}

// sendRefused answers a refused file (and lists every cell at fault as a
// document when there are more than the message shows).
func (b *Bot) sendRefused(r *req, name string, fe *transfer.FileError) error {
	if err := r.send(b.refusedText(r, name, fe), nil); err != nil {
		return err
	}
	if len(fe.Issues) > maxShownIssues {
		return b.sendIssues(r, fe.Issues, "refused-cells.csv")
	}
	return nil
}

// editRefused is sendRefused on the pressed message.
func (b *Bot) editRefused(r *req, name string, fe *transfer.FileError) error {
	return r.edit(b.refusedText(r, name, fe), ikm())
}
