package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

// Fixtures and update builders for the activities, follow-ups, dates and
// "my day" tests.

// member is a staff member with their Telegram user.
type member struct {
	id   int64
	user models.User
}

var memberTZ = map[string]string{"fa": "Asia/Tehran", "ar": "Asia/Dubai", "en": "UTC"}
var memberCal = map[string]string{"fa": "jalali", "ar": "gregorian", "en": "gregorian"}

// exec runs SQL on the test database.
func (h *harness) exec(sql string, args ...any) {
	h.t.Helper()
	if _, err := h.db.Pool.Exec(context.Background(), sql, args...); err != nil {
		h.t.Fatalf("exec %q: %v", sql, err)
	}
}

// scalar runs a one-value query.
func scalar[T any](h *harness, sql string, args ...any) T {
	h.t.Helper()
	var v T
	if err := h.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		h.t.Fatalf("query %q: %v", sql, err)
	}
	return v
}

func (h *harness) team(name string) int64 {
	return scalar[int64](h, `INSERT INTO teams (name) VALUES ($1) RETURNING id`, name)
}

// member adds active, onboarded staff speaking lang, who has used the bot
// before (newMember is one who never wrote to it).
func (h *harness) member(tg int64, name, role, lang string, team int64) member {
	h.t.Helper()
	m := h.newMember(tg, name, role, lang, team)
	h.exec(`UPDATE staff SET welcomed_at = now() WHERE id = $1`, m.id)
	return m
}

// newMember adds active, onboarded staff who never wrote to the bot (as an
// admin's import or the demo's personas are).
func (h *harness) newMember(tg int64, name, role, lang string, team int64) member {
	h.t.Helper()
	sid := scalar[int64](h, `INSERT INTO staff (telegram_user_id, display_name, role, team_id, locale, calendar, time_zone, onboarded)
		VALUES ($1, $2, $3, nullif($4, 0::bigint), $5, $6, $7, true) RETURNING id`, tg, name, role, team, lang, memberCal[lang], memberTZ[lang])
	if role == "manager" && team != 0 {
		h.exec(`UPDATE teams SET manager_id = $1 WHERE id = $2`, sid, team)
	}
	return member{sid, models.User{ID: tg, FirstName: name, LanguageCode: lang}}
}

// customer adds a customer owned by owner (0: the pool).
func (h *harness) customer(name string, owner int64) int64 {
	return scalar[int64](h, `INSERT INTO customers (name, name_norm, owner_id, stage_id)
		VALUES ($1, lower($1), nullif($2, 0::bigint), (SELECT id FROM stages WHERE key = 'suspect' AND template = 'ladder')) RETURNING id`, name, owner)
}

// msgUpdate builds a private message update sent at date.
func (h *harness) msgUpdate(u models.User, date time.Time, fill func(m *models.Message)) *models.Update {
	h.seq++
	m := &models.Message{ID: int(h.seq), From: &u, Chat: models.Chat{ID: u.ID, Type: models.ChatTypePrivate}, Date: int(date.Unix())}
	fill(m)
	return &models.Update{ID: h.seq, Message: m}
}

// pressUpdate builds a button press on message 1.
func (h *harness) pressUpdate(u models.User, data string) *models.Update {
	h.seq++
	q := &models.CallbackQuery{ID: "cq" + id(h.seq), From: u, Data: data, Message: models.MaybeInaccessibleMessage{
		Type: models.MaybeInaccessibleMessageTypeMessage, Message: &models.Message{ID: 1, Chat: models.Chat{ID: u.ID, Type: models.ChatTypePrivate}}}}
	return &models.Update{ID: h.seq, CallbackQuery: q}
}

// takeNotes returns and forgets the scheduled notifications.
func (h *harness) takeNotes() []outbound.Notification {
	h.notes.mu.Lock()
	defer h.notes.mu.Unlock()
	ns := h.notes.ns
	h.notes.ns = nil
	return ns
}

// button finds the callback data of the first button whose data starts
// with prefix in the replies.
func button(t *testing.T, msgs []outbound.Message, prefix string) string {
	t.Helper()
	for _, m := range msgs {
		if kb, ok := m.ReplyMarkup.(*models.InlineKeyboardMarkup); ok && kb != nil {
			for _, row := range kb.InlineKeyboard {
				for _, b := range row {
					if strings.HasPrefix(b.CallbackData, prefix) {
						return b.CallbackData
					}
				}
			}
		}
	}
	t.Fatalf("no button %q in %s", prefix, dump(msgs))
	return ""
}

// hasButton reports whether any reply has a button with data prefix.
func hasButton(msgs []outbound.Message, prefix string) bool {
	for _, m := range msgs {
		if kb, ok := m.ReplyMarkup.(*models.InlineKeyboardMarkup); ok && kb != nil {
			for _, row := range kb.InlineKeyboard {
				for _, b := range row {
					if strings.HasPrefix(b.CallbackData, prefix) {
						return true
					}
				}
			}
		}
	}
	return false
}

func dump(msgs []outbound.Message) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString("\n  " + m.Method + ": " + m.Text)
		if kb, ok := m.ReplyMarkup.(*models.InlineKeyboardMarkup); ok && kb != nil {
			for _, row := range kb.InlineKeyboard {
				b.WriteString("\n    |")
				for _, x := range row {
					b.WriteString(" " + x.Text + " [" + x.CallbackData + "] |")
				}
			}
		}
	}
	return b.String()
}

// texts joins the replies' texts.
func texts(msgs []outbound.Message) string {
	var parts []string
	for _, m := range msgs {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n")
}

// tr is a message in lang.
func (h *harness) tr(lang, id string, data map[string]any) string {
	return h.bot.d.I18n.For(lang).T(id, data)
}

// logCall presses "log a call" and an outcome on customer cid and returns
// the details replies and the flow's nonce.
func (h *harness) logCall(m member, cid int64, outcome string) ([]outbound.Message, string) {
	h.t.Helper()
	got := h.press(m.user, 1, cb(actLogCall, id(cid)))
	data := button(h.t, got, actOutcome+":")
	n := strings.Split(data, ":")[1]
	got = h.press(m.user, 1, cb(actOutcome, n, outcome))
	if !hasButton(got, actNextStep+":") {
		h.t.Fatalf("after the outcome: no next step offered: %s", dump(got))
	}
	return got, n
}

// crmStaff is an unsaved active rep with locale and time zone.
func crmStaff(lang, tz string) crm.Staff {
	return crm.Staff{ID: 1, Role: crm.RoleRep, Locale: lang, TimeZone: tz, Calendar: memberCal[lang], Active: true}
}
