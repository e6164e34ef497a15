package bot

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/outbound"
)

// A customer's history: activities and stage moves interleaved, newest
// first, a page at a time, with voice notes playable and long notes
// readable in full.

// Callback codes of the history page (actHistory is shared).
const (
	actHistoryVoice = "hv" // hv:<activity> re-sends the voice note
	actHistoryNote  = "hn" // hn:<activity> sends the whole note
)

const (
	historyPageSize = 5
	historyNoteLen  = 300  // characters of a note shown on the page
	telegramTextMax = 4096 // UTF-16 units of a message's text
)

func (b *Bot) routesHistory() {
	b.action(actHistory, b.showHistory)
	b.action(actHistoryVoice, b.playVoice)
	b.action(actHistoryNote, b.fullNote)
}

func (b *Bot) showHistory(r *req, args []string) error {
	cid, ok := argID(args, 0)
	if !ok {
		return r.staleButton()
	}
	page, _ := argInt(args, 1)
	page = max(page, 0)
	c, err := r.loadViewable(cid)
	if err != nil {
		return err
	}
	entries, total, err := b.activities.History(r.ctx, cid, page*historyPageSize, historyPageSize)
	if err != nil {
		return err
	}
	pages := max((total+historyPageSize-1)/historyPageSize, 1)
	parts := []string{r.t("history.title", map[string]any{"Name": esc(c.Name), "Page": page + 1, "Pages": pages})}
	if total == 0 {
		parts = append(parts, r.t("history.empty", nil))
	}
	var rows [][]models.InlineKeyboardButton
	for _, e := range entries {
		switch {
		case e.Activity != nil:
			a := *e.Activity
			parts = append(parts, r.historyActivity(a))
			var row []models.InlineKeyboardButton
			if a.VoiceFileID != "" {
				row = append(row, ib(r.t("history.play", map[string]any{"When": r.dateTime(a.OccurredAt)}), cb(actHistoryVoice, id(a.ID))))
			}
			if len([]rune(a.Note)) > historyNoteLen {
				row = append(row, ib(r.t("history.full_note", map[string]any{"When": r.dateTime(a.OccurredAt)}), cb(actHistoryNote, id(a.ID))))
			}
			rows = append(rows, row)
		case e.StageChange != nil:
			parts = append(parts, r.historyStage(*e.StageChange))
		case e.FollowUp != nil:
			parts = append(parts, r.historyFollowUp(*e.FollowUp))
		case e.Survey != nil:
			parts = append(parts, r.historySurvey(*e.Survey))
		case e.Campaign != nil:
			parts = append(parts, r.historyCampaign(*e.Campaign))
		}
	}
	var nav []models.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, ib(r.t("common.previous", nil), cb(actHistory, id(cid), strconv.Itoa(page-1))))
	}
	if page+1 < pages {
		nav = append(nav, ib(r.t("common.next", nil), cb(actHistory, id(cid), strconv.Itoa(page+1))))
	}
	rows = append(rows, nav, []models.InlineKeyboardButton{ib(r.t("activity.open_card", nil), cb(actCard, id(cid)))})
	text := fitMessage(strings.Join(parts, "\n\n"), r.t("history.trimmed", nil))
	return r.edit(text, ikm(rows...))
}

// historyActivity is one activity of the history page.
func (r *req) historyActivity(a crm.Activity) string {
	who := a.StaffName
	if who == "" {
		who = r.t("history.someone", nil)
	}
	lines := []string{r.t("history.entry."+string(a.Kind), map[string]any{"When": r.dateTime(a.OccurredAt), "Who": esc(who)})}
	if a.Outcome != "" {
		lines = append(lines, r.t("history.outcome_line", map[string]any{"Outcome": r.t("outcome."+string(a.Outcome), nil)}))
	}
	if a.Duration > 0 {
		lines = append(lines, r.t("activity.duration_line", map[string]any{"Duration": format.Duration(r.lang(), a.Duration)}))
	}
	if a.Note != "" {
		lines = append(lines, r.t("activity.note_line", map[string]any{"Note": esc(clip(a.Note, historyNoteLen, r.t("history.trimmed", nil)))}))
	}
	if a.VoiceFileID != "" {
		lines = append(lines, r.t("activity.voice_line", map[string]any{"Duration": format.Duration(r.lang(), a.VoiceDuration)}))
	}
	if a.HasLocation {
		lines = append(lines, r.t("activity.location_line", nil))
	}
	return strings.Join(lines, "\n")
}

// historyStage is one stage move of the history page.
func (r *req) historyStage(s crm.StageChange) string {
	who := s.ByName
	if who == "" {
		who = r.t("history.someone", nil)
	}
	data := map[string]any{"When": r.dateTime(s.At), "Who": esc(who), "To": esc(s.To.Name(r.lang()))}
	text := r.t("history.stage_first", data)
	if s.From.ID != 0 {
		data["From"] = esc(s.From.Name(r.lang()))
		text = r.t("history.stage", data)
	}
	reason := s.ReasonText
	if reason == "" && s.ReasonCode != "" && s.ReasonCode != "other" {
		reason = r.t("history.reason_code."+s.ReasonCode, nil)
	}
	if reason != "" {
		text += "\n" + r.t("history.reason", map[string]any{"Reason": esc(clip(reason, historyNoteLen, r.t("history.trimmed", nil)))})
	}
	return text
}

// historyFollowUp is one follow-up event of the history page: "Sara
// planned a follow-up for Tue 10:00", "… chose no next step".
func (r *req) historyFollowUp(e crm.FollowUpEvent) string {
	who := e.ByName
	if who == "" {
		who = r.t("history.someone", nil)
	}
	data := map[string]any{"When": r.dateTime(e.At), "Who": esc(who)}
	if !e.DueAt.IsZero() {
		data["Due"] = r.dateTime(e.DueAt)
	}
	return r.t("history.followup."+string(e.Kind), data)
}

// utf16Len is the length Telegram counts.
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// fitMessage trims HTML text to Telegram's limit at a line break, ending
// with marker. It cuts only between entries' lines, so no tag is split.
func fitMessage(text, marker string) string {
	if utf16Len(text) <= telegramTextMax {
		return text
	}
	lines := strings.Split(text, "\n")
	for len(lines) > 1 {
		lines = lines[:len(lines)-1]
		out := strings.Join(lines, "\n") + "\n" + marker
		if utf16Len(out) <= telegramTextMax {
			return out
		}
	}
	return marker
}

// splitText cuts plain text into messages within Telegram's limit,
// preferring line breaks and spaces.
func splitText(s string, limit int) []string {
	var out []string
	for utf16Len(s) > limit {
		rs := []rune(s)
		n, units := 0, 0
		for n < len(rs) {
			u := 1
			if rs[n] > 0xFFFF {
				u = 2
			}
			if units+u > limit {
				break
			}
			units += u
			n++
		}
		cut := n
		if i := strings.LastIndexAny(string(rs[:n]), "\n "); i > 0 {
			if c := len([]rune(string(rs[:n])[:i])); c > n/2 {
				cut = c
			}
		}
		out = append(out, strings.TrimSpace(string(rs[:cut])))
		s = strings.TrimSpace(string(rs[cut:]))
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// historyActivityFor loads an activity the user may see.
func (b *Bot) historyActivityFor(r *req, args []string) (crm.Activity, bool, error) {
	aid, ok := argID(args, 0)
	if !ok {
		return crm.Activity{}, false, nil
	}
	a, err := b.activities.Activity(r.ctx, aid)
	if crm.IsCode(err, crm.ENotFound) {
		return a, false, nil
	}
	if err != nil {
		return a, false, err
	}
	if _, err := r.loadViewable(a.CustomerID); err != nil {
		return a, false, err
	}
	return a, true, nil
}

// playVoice re-sends a voice note from the history by its file_id.
func (b *Bot) playVoice(r *req, args []string) error {
	a, ok, err := b.historyActivityFor(r, args)
	if err != nil {
		return err
	}
	if !ok || a.VoiceFileID == "" {
		return r.staleButton()
	}
	if err := r.finish(); err != nil {
		return err
	}
	return b.d.Out.Reply(r.ctx, outbound.Message{Method: "sendVoice", ChatID: r.chatID, FileID: a.VoiceFileID})
}

// fullNote sends a note whole, as plain text split within Telegram's
// limit, each part numbered.
func (b *Bot) fullNote(r *req, args []string) error {
	a, ok, err := b.historyActivityFor(r, args)
	if err != nil {
		return err
	}
	if !ok || a.Note == "" {
		return r.staleButton()
	}
	if err := r.finish(); err != nil {
		return err
	}
	parts := splitText(a.Note, telegramTextMax-32)
	for i, p := range parts {
		if len(parts) > 1 {
			p = r.t("history.part", map[string]any{"N": i + 1, "Of": len(parts)}) + "\n" + p
		}
		if err := b.d.Out.Reply(r.ctx, outbound.Message{Method: "sendMessage", ChatID: r.chatID, Text: p, NoPreview: true}); err != nil {
			return err
		}
	}
	return nil
}
