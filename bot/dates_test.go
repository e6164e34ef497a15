package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/calendar"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/outbound"
)

func TestParseYearlyDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		cal  calendar.Calendar
		lang string
		want crm.ImportantDate
		ok   bool
	}{
		{"۳۰ اسفند", calendar.Jalali, "fa", crm.ImportantDate{Calendar: "jalali", Month: 12, Day: 30}, true},
		{"1370/12/30", calendar.Jalali, "fa", crm.ImportantDate{Calendar: "jalali", Month: 12, Day: 30, Year: 1370}, true},
		{"۱۳۷۰/۱۲/۳۰", calendar.Gregorian, "en", crm.ImportantDate{Calendar: "jalali", Month: 12, Day: 30, Year: 1370}, true},
		{"29 Feb", calendar.Jalali, "fa", crm.ImportantDate{Calendar: "gregorian", Month: 2, Day: 29}, true},
		{"february 29 1988", calendar.Gregorian, "en", crm.ImportantDate{Calendar: "gregorian", Month: 2, Day: 29, Year: 1988}, true},
		{"١٥ رمضان", calendar.Gregorian, "ar", crm.ImportantDate{Calendar: "hijri", Month: 9, Day: 15}, true},
		{"٢٩ فبراير", calendar.Gregorian, "ar", crm.ImportantDate{Calendar: "gregorian", Month: 2, Day: 29}, true},
		{"2 جمادى الآخرة", calendar.Hijri, "ar", crm.ImportantDate{Calendar: "hijri", Month: 6, Day: 2}, true},
		{"10 آذر", calendar.Jalali, "fa", crm.ImportantDate{Calendar: "jalali", Month: 9, Day: 10}, true},
		// The one month table (internal/when's) knows the Persian names of Hijri months too.
		{"۵ ربیع‌الآخر", calendar.Hijri, "fa", crm.ImportantDate{Calendar: "hijri", Month: 4, Day: 5}, true},
		{"3 sept", calendar.Gregorian, "en", crm.ImportantDate{Calendar: "gregorian", Month: 9, Day: 3}, true},
		{"1404/12/30", calendar.Jalali, "fa", crm.ImportantDate{}, false}, // 1404 is a common year
		{"31 مهر", calendar.Jalali, "fa", crm.ImportantDate{}, false},
		{"30 Feb", calendar.Gregorian, "en", crm.ImportantDate{}, false},
		{"12/30", calendar.Jalali, "fa", crm.ImportantDate{}, false},
		{"hello", calendar.Jalali, "fa", crm.ImportantDate{}, false},
	}
	for _, tt := range tests {
		got, ok := parseYearlyDate(tt.in, tt.cal, tt.lang)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("parseYearlyDate(%q) = %+v %v, want %+v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAddImportantDateTypedOrPicked(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(100, "Sara", "rep", "fa", 0)
	cid := h.customer("Ali", rep.id)
	got := h.press(rep.user, 1, cb(actDates, id(cid)))
	got = h.press(rep.user, 1, button(t, got, actDateAdd+":"))
	n := strings.Split(button(t, got, actDateKind+":"), ":")[1]
	h.press(rep.user, 1, cb(actDateKind, n, "0")) // birthday
	got = h.text(rep.user, "۳۰ اسفند")
	if !strings.Contains(texts(got), "۳۰ اسفند") {
		t.Fatalf("saved: %s", dump(got))
	}
	// The picker: wedding anniversary on 29 February (Gregorian months).
	got = h.press(rep.user, 1, cb(actDateAdd, id(cid)))
	n = strings.Split(button(t, got, actDateKind+":"), ":")[1]
	h.press(rep.user, 1, cb(actDateKind, n, "1"))
	got = h.press(rep.user, 1, cb(actDateCalendar, n, "g"))
	got = h.press(rep.user, 1, button(t, got, cb(actDateMonth, n, "g", "2")))
	h.press(rep.user, 1, button(t, got, cb(actDateDay, n, "g", "2", "29")))
	rows, err := h.db.Pool.Query(context.Background(), `SELECT kind, calendar, month, day FROM important_dates WHERE customer_id = $1 ORDER BY id`, cid)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for rows.Next() {
		var kind, cal string
		var m, d int16
		if err := rows.Scan(&kind, &cal, &m, &d); err != nil {
			t.Fatal(err)
		}
		all = append(all, kind+" "+cal+" "+itoa(int(m))+"/"+itoa(int(d)))
	}
	if strings.Join(all, "; ") != "birthday jalali 12/30; wedding_anniversary gregorian 2/29" {
		t.Fatalf("stored %v", all)
	}
}

func TestImportantDatesRemindTheDayBeforeAndOnTheDay(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	fa := h.member(100, "Sara", "rep", "fa", 0)
	en := h.member(101, "John", "rep", "en", 0)
	c1 := h.customer("Ali", fa.id)
	c2 := h.customer("Jane", en.id)
	esfand := scalar[int64](h, `INSERT INTO important_dates (customer_id, kind, calendar, month, day) VALUES ($1, 'birthday', 'jalali', 12, 30) RETURNING id`, c1)
	feb := scalar[int64](h, `INSERT INTO important_dates (customer_id, kind, calendar, month, day) VALUES ($1, 'wedding_anniversary', 'gregorian', 2, 29) RETURNING id`, c2)
	ctx := context.Background()
	scan := func(at time.Time) map[string]time.Time {
		t.Helper()
		h.now = at
		if err := h.scanDates(ctx); err != nil {
			t.Fatal(err)
		}
		if err := h.scanDates(ctx); err != nil { // idempotent by key
			t.Fatal(err)
		}
		out := map[string]time.Time{}
		for _, n := range h.takeNotes() {
			if n.Kind != "date_greeting" {
				t.Fatalf("kind %q", n.Kind)
			}
			out[n.DedupKey] = n.Due
		}
		return out
	}
	teh, _ := time.LoadLocation("Asia/Tehran")
	// 1405 is a common Jalali year: 30 Esfand falls on 29 Esfand = 2027-03-20.
	got := scan(time.Date(2027, 3, 19, 3, 0, 0, 0, time.UTC)) // 28 Esfand, 06:30 Tehran (a Friday)
	wantBefore, wantDay := "date:"+itoa(int(esfand))+":2027-03-20:before", "date:"+itoa(int(esfand))+":2027-03-20:day"
	if len(got) != 2 || got[wantBefore].IsZero() || !got[wantDay].Equal(time.Date(2027, 3, 20, 8, 0, 0, 0, teh)) {
		t.Fatalf("the day before 29 Esfand: %v", got)
	}
	if !got[wantBefore].Equal(time.Date(2027, 3, 19, 8, 0, 0, 0, teh)) {
		t.Errorf("before due %v, want 08:00 Tehran", got[wantBefore].In(teh))
	}
	got = scan(time.Date(2027, 3, 20, 9, 0, 0, 0, time.UTC))
	if len(got) != 1 || got[wantDay].IsZero() {
		t.Fatalf("on 29 Esfand: %v", got)
	}
	// 29 February in 2027 falls on 28 February, for the English rep.
	got = scan(time.Date(2027, 2, 27, 7, 0, 0, 0, time.UTC))
	fb, fd := "date:"+itoa(int(feb))+":2027-02-28:before", "date:"+itoa(int(feb))+":2027-02-28:day"
	if len(got) != 2 || got[fb].IsZero() || got[fd].IsZero() {
		t.Fatalf("the day before 28 February: %v", got)
	}
	// The greeting: in the owner's language, with a suggested message.
	m, skip := h.render(notificationFor(en, feb, fb))
	if skip || !strings.Contains(m.Text, "Jane") || !strings.Contains(m.Text, h.tr("en", "greeting.wedding_anniversary", map[string]any{"Name": "Jane"})) {
		t.Fatalf("greeting (skip %v): %s", skip, m.Text)
	}
	if !strings.HasPrefix(m.Text, h.tr("en", "dates.reminder.before", map[string]any{"Kind": h.tr("en", "dates.kind.wedding_anniversary", nil), "Name": "Jane", "Date": "29 February"})) {
		t.Errorf("greeting text %q", m.Text)
	}
	// A customer that changed hands: skipped.
	h.exec(`UPDATE customers SET owner_id = $1 WHERE id = $2`, fa.id, c2)
	if _, skip := h.render(notificationFor(en, feb, fb)); !skip {
		t.Error("a greeting for a customer who changed hands must be skipped")
	}
	// Nothing outside the two days.
	if got := scan(time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC)); len(got) != 0 {
		t.Errorf("scheduled out of season: %v", got)
	}
}

func notificationFor(m member, ref int64, key string) outbound.Notification {
	return outbound.Notification{Kind: "date_greeting", ChatID: m.user.ID, StaffID: m.id, RefID: ref, DedupKey: key}
}
