package bot

import (
	"context"
	"io"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/transfer"
)

// Import, export and erasure from the chat (the command line's are in
// cmd/crmbot/transfer.go; the rules are internal/transfer's).
//
//   - Import: any staff member sends a .csv document (/import explains the
//     format). The bot checks it at once, without writing anything, and
//     answers with a report and Import / Cancel; Import fetches the same
//     file again (its sha256 must match), re-checks who may do what and
//     applies it in one savepoint, once per confirmation. Who may import
//     what is transfer.StaffImporter's: a rep their own customers, a
//     manager their team's, an admin anyone's.
//   - Export: /export sends customers.csv and activities.csv of what the
//     user may see (transfer.ScopeFor).
//   - Erasure: an admin's 🗑 on the card, confirmed, runs EraseCustomer.
//
// transfer_import.go, transfer_report.go, transfer_export.go and
// transfer_erase.go hold each part.

// TransferStore imports, exports and erases customers.
type TransferStore interface {
	// PlanImport checks a file and works out what importing it would do,
	// writing nothing; a *transfer.FileError refuses the file.
	PlanImport(ctx context.Context, data []byte, region string, im transfer.Importer) (transfer.Plan, error)
	// ImportOnce applies a file once per key; already reports an earlier
	// run, whose counts it returns.
	ImportOnce(ctx context.Context, key string, data []byte, region string, im transfer.Importer) (r transfer.Report, already bool, err error)
	// ImportedFile returns the counts of the import applied for key.
	ImportedFile(ctx context.Context, key string) (r transfer.Report, found bool, err error)
	ExportCustomers(ctx context.Context, scope transfer.Scope, lang string, w *transfer.Writer) (int, error)
	ExportActivities(ctx context.Context, scope transfer.Scope, w *transfer.Writer) (int, error)
	// EraseCustomer returns crm.ENotFound unless the customer is live.
	EraseCustomer(ctx context.Context, id, by int64) (crm.Erasure, error)
}

// FileSource fetches a file a user sent by its file_id (getFile and the
// file's URL). An error with a BotAPICode() of 4xx (but 429) is a file
// Telegram will not hand over; any other error is worth retrying.
type FileSource interface {
	OpenFile(ctx context.Context, fileID string) (io.ReadCloser, error)
}

// Callback codes of import, export and erasure ("x…").
const (
	actImportRun    = "xi" // xi:<nonce>: import the checked file
	actImportCancel = "xc" // xc:<nonce>: leave it
	actEraseAsk     = "xe" // xe:<customer>: ask to erase (admins)
	actEraseDo      = "xy" // xy:<customer>:<nonce>: erase for good (admins; the nonce of the xe question)
)

// flowImport is a checked file waiting for Import or Cancel.
const flowImport = "transfer.import"

// importFlow is the state of a checked file: the same file (by file_id
// and content hash) is what Import applies.
type importFlow struct {
	flowBase
	FileID string `json:"fid,omitempty"`
	SHA256 string `json:"sha,omitempty"` // hex
	Name   string `json:"fn,omitempty"`
}

// routesTransfer registers import, export and erasure.
func (b *Bot) routesTransfer() {
	b.command("import", b.importHelp)
	b.command("export", b.export)
	b.action(actImportRun, b.onImportRun)
	b.action(actImportCancel, b.onImportCancel)
	b.action(actEraseAsk, b.onEraseAsk)
	b.action(actEraseDo, b.onEraseDo)
}
