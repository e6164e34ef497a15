package bot

import (
	"bytes"
	"errors"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/outbound"
	"github.com/telecrm/crmbot/internal/transfer"
)

// errExportTooLarge stops an export over maxExportBytes.
var errExportTooLarge = errors.New("export over the upload limit")

// cappedBuffer is a buffer that refuses to grow past max bytes, so a huge
// export stops early instead of being held in memory whole.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if c.Len()+len(p) > c.max {
		return 0, errExportTooLarge
	}
	return c.Buffer.Write(p)
}

// export is /export: customers.csv and activities.csv of what the user may
// see (a rep their own customers, a manager their team's, an admin all),
// each with the count of its rows.
func (b *Bot) export(r *req) error {
	scope := transfer.ScopeFor(r.staff)
	customers := &cappedBuffer{max: b.exportMax}
	nc, err := b.transfers.ExportCustomers(r.ctx, scope, r.lang(), transfer.NewWriter(customers))
	if errors.Is(err, errExportTooLarge) {
		return b.exportTooLarge(r, "customers.csv")
	}
	if err != nil {
		return err
	}
	activities := &cappedBuffer{max: b.exportMax}
	na, err := b.transfers.ExportActivities(r.ctx, scope, transfer.NewWriter(activities))
	if errors.Is(err, errExportTooLarge) {
		return b.exportTooLarge(r, "activities.csv")
	}
	if err != nil {
		return err
	}
	if err := r.send(r.t(exportTitle(r.staff), nil), nil); err != nil {
		return err
	}
	for _, f := range []struct {
		name, caption string
		buf           *cappedBuffer
	}{
		{"customers.csv", r.n("transfer.export.customers", nc, nil), customers},
		{"activities.csv", r.n("transfer.export.activities", na, nil), activities},
	} {
		if err := b.d.Out.Reply(r.ctx, outbound.Message{Method: "sendDocument", ChatID: r.chatID, File: f.buf.Bytes(), FileName: f.name,
			Text: f.caption, ParseMode: "HTML"}); err != nil {
			return err
		}
	}
	return nil
}

// exportTitle says whose customers the export holds.
func exportTitle(s crm.Staff) string {
	switch s.Role {
	case crm.RoleAdmin:
		return "transfer.export.title_all"
	case crm.RoleManager:
		return "transfer.export.title_team"
	}
	return "transfer.export.title_own"
}

// exportTooLarge answers an export over Telegram's upload limit.
func (b *Bot) exportTooLarge(r *req, name string) error {
	return r.send(r.t("transfer.export.too_large", map[string]any{"File": name, "Limit": r.fileSize(b.exportMax)}), nil)
}

// maxExportBytes is the largest export file sent in the chat: well under
// Telegram's upload limit, since each file is held in memory and queued
// in the outbox until it is sent.
const maxExportBytes = 20 << 20

// fileSize is n bytes in the user's language: in megabytes from 1 MB, in
// kilobytes below (never "0 MB"), with at most one fraction digit.
func (r *req) fileSize(n int) string {
	if n >= 1<<20 {
		return r.t("transfer.size.mb", map[string]any{"N": format.Float(r.lang(), float64(n)/(1<<20), 1)})
	}
	return r.t("transfer.size.kb", map[string]any{"N": format.Float(r.lang(), float64(n)/(1<<10), 1)})
}
