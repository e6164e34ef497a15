package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/transfer"
)

// csvTypes are the MIME types Telegram's apps give a CSV file.
var csvTypes = map[string]bool{"text/csv": true, "text/comma-separated-values": true, "application/csv": true,
	"text/x-csv": true, "application/vnd.ms-excel": true, "text/plain": true}

// isCSV reports whether a document is a CSV file by its name, or by its
// type when it has no extension.
func isCSV(d *models.Document) bool {
	switch strings.ToLower(path.Ext(d.FileName)) {
	case ".csv", ".txt":
		return true
	case "":
		return csvTypes[strings.ToLower(d.MimeType)]
	}
	return false
}

// importHelp is /import: the accepted columns in the user's language and
// in English, and a sample file.
func (b *Bot) importHelp(r *req) error {
	cols := make([]string, len(transfer.Columns))
	for i, c := range transfer.Columns {
		cols[i] = r.t("transfer.col."+c, nil)
	}
	return r.send(r.t("transfer.import.help", withFormat(map[string]any{"Columns": esc(strings.Join(cols, r.t("card.list_sep", nil))),
		"English": strings.Join(transfer.Columns, ", "), "Limit": transfer.MaxFileBytes >> 20})), nil)
}

// onDocument checks a document the user sent as an import file: refused
// at once when it is no CSV or too large, or while another flow is under
// way, else fetched, checked without
// writing anything, and reported with Import / Cancel.
func (b *Bot) onDocument(r *req) error {
	d := r.msg.Document
	name := clipRunes(d.FileName, 60)
	if !isCSV(d) {
		return r.send(r.t("transfer.import.not_csv", withFormat(map[string]any{"File": esc(name)})), nil)
	}
	if d.FileSize > transfer.MaxFileBytes {
		return r.send(r.t("transfer.import.too_large", map[string]any{"File": esc(name),
			"Size": format.Fixed(r.lang(), float64(d.FileSize)/(1<<20), 1), "Limit": transfer.MaxFileBytes >> 20}), nil)
	}
	// The check's Import button needs the chat's state: a flow under way
	// (a half-entered customer, a note) is not overwritten but finished
	// or cancelled first.
	st, err := r.state()
	if err != nil {
		return err
	}
	if st != nil && st.Flow != flowImport {
		return r.send(r.t("transfer.import.busy", map[string]any{"File": esc(name)}), nil)
	}
	data, ok, err := b.fetchImport(r, d.FileID, name)
	if !ok || err != nil {
		return err
	}
	plan, err := b.transfers.PlanImport(r.ctx, data, b.d.PhoneRegion, transfer.StaffImporter(r.staff))
	var fe *transfer.FileError
	if errors.As(err, &fe) {
		return b.sendRefused(r, name, fe)
	}
	if err != nil {
		return err
	}
	nonce := r.nonce()
	var kb *models.InlineKeyboardMarkup
	if len(plan.Rows) > 0 {
		sum := sha256.Sum256(data)
		if err := r.setState(flowImport, "confirm", flowMap(importFlow{flowBase: flowBase{Nonce: nonce}, FileID: d.FileID,
			SHA256: hex.EncodeToString(sum[:]), Name: name})); err != nil {
			return err
		}
		kb = ikm([]models.InlineKeyboardButton{ib(r.t("transfer.btn.import", nil), cb(actImportRun, nonce)),
			ib(r.t("transfer.btn.cancel", nil), cb(actImportCancel, nonce))})
	}
	return b.sendReport(r, name, plan.Report, true, kb)
}

// fetchImport downloads an import file; ok is false when the user has
// been told why it could not be read (Telegram refused it, or it is over
// the limit after all).
func (b *Bot) fetchImport(r *req, fileID, name string) ([]byte, bool, error) {
	if b.files == nil {
		return nil, false, crm.Errorf(crm.EInternal, "no file source configured")
	}
	rc, err := b.files.OpenFile(r.ctx, fileID)
	if refusedFile(err) {
		return nil, false, r.send(r.t("transfer.import.unavailable", map[string]any{"File": esc(name)}), nil)
	}
	if err != nil {
		return nil, false, err
	}
	defer rc.Close()
	data, err := transfer.ReadAll(rc)
	var fe *transfer.FileError
	if errors.As(err, &fe) {
		return nil, false, b.sendRefused(r, name, fe)
	}
	return data, err == nil, err
}

// refusedFile reports whether Telegram refused to hand over a file for
// good: any 4xx of getFile or of the download but 429, which is worth
// waiting for like a network error or a 5xx.
func refusedFile(err error) bool {
	var api interface{ BotAPICode() int }
	if !errors.As(err, &api) {
		return false
	}
	code := api.BotAPICode()
	return code >= 400 && code < 500 && code != 429
}

// importKey names one confirmation of one staff member's file.
func importKey(staffID int64, nonce string) string { return id(staffID) + ":" + nonce }

// onImportRun applies the checked file: the same bytes as checked, with
// the user's rights as they are now, once.
func (b *Bot) onImportRun(r *req, args []string) error {
	if len(args) != 1 || args[0] == "" {
		return r.staleButton()
	}
	key := importKey(r.staff.ID, args[0])
	st, ok, err := r.inFlow(args[0], flowImport)
	if err != nil {
		return err
	}
	if !ok {
		_, found, err := b.transfers.ImportedFile(r.ctx, key)
		if err != nil {
			return err
		}
		if !found {
			return r.staleButton()
		}
		// The message already says what the import did.
		return r.toast(r.t("transfer.import.already", nil), false)
	}
	f := loadFlow[importFlow](st)
	data, ok, err := b.fetchImport(r, f.FileID, f.Name)
	if !ok || err != nil {
		if err == nil {
			err = r.clearState()
		}
		return err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != f.SHA256 {
		if err := r.clearState(); err != nil {
			return err
		}
		return r.edit(r.t("transfer.import.changed", map[string]any{"File": esc(f.Name)}), ikm())
	}
	rep, already, err := b.transfers.ImportOnce(r.ctx, key, data, b.d.PhoneRegion, transfer.StaffImporter(r.staff))
	var fe *transfer.FileError
	switch {
	case errors.As(err, &fe):
		if err := r.clearState(); err != nil {
			return err
		}
		return b.editRefused(r, f.Name, fe)
	case crm.IsCode(err, crm.EConflict):
		// Someone changed a customer of the file meanwhile: the savepoint
		// left nothing, the check may be run again.
		return r.edit(r.t("transfer.import.conflict", map[string]any{"File": esc(f.Name)}), ikm())
	case err != nil:
		return err
	}
	if err := r.clearState(); err != nil {
		return err
	}
	name := f.Name
	if already { // a tap at the same moment did it
		name = ""
	}
	// The full list of rejected rows came with the check.
	return r.edit(b.reportText(r, name, rep, false), ikm())
}

// onImportCancel leaves the checked file unimported.
func (b *Bot) onImportCancel(r *req, args []string) error {
	if len(args) != 1 {
		return r.staleButton()
	}
	st, ok, err := r.inFlow(args[0], flowImport)
	if err != nil {
		return err
	}
	if !ok {
		return r.staleButton()
	}
	if err := r.clearState(); err != nil {
		return err
	}
	return r.edit(r.t("transfer.import.cancelled", map[string]any{"File": esc(loadFlow[importFlow](st).Name)}), ikm())
}
