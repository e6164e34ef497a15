package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
)

func TestCreateCustomerWithPersianNameAndDigits(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"fa", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			rep := h.member(3, "Sara", "rep", lang, 0)
			got := h.text(rep.user, h.tr(lang, "menu.new_customer", nil))
			if len(got) != 1 || got[0].Text != h.tr(lang, "customer.ask_name", nil) {
				t.Fatalf("new customer key: %s", dump(got))
			}
			h.text(rep.user, "علي كريمي")
			got = h.text(rep.user, "not a phone")
			if got[0].Text != h.tr(lang, "customer.bad_phone", nil) {
				t.Fatalf("bad phone: %s", dump(got))
			}
			h.text(rep.user, "۰۹۱۲ ۳۴۵ ۶۷۸۹")
			got = h.text(rep.user, "پخش البرز")
			if !strings.Contains(texts(got), "علي كريمي") || !hasButton(got, actLogCall+":") {
				t.Fatalf("no card after creating: %s", dump(got))
			}
			var name, norm, company string
			var owner int64
			h.db.Pool.QueryRow(t.Context(), `SELECT name, name_norm, company, owner_id FROM customers`).Scan(&name, &norm, &company, &owner)
			if name != "علي كريمي" || norm != "علی کریمی" || company != "پخش البرز" || owner != rep.id {
				t.Fatalf("stored %q %q %q owner %d", name, norm, company, owner)
			}
			if p := scalar[string](h, `SELECT e164 FROM customer_phones`); p != "+989123456789" {
				t.Fatalf("phone stored as %q", p)
			}
			if n := scalar[int](h, `SELECT count(*) FROM stage_history h JOIN stages s ON s.id = h.to_stage_id WHERE s.key = 'suspect'`); n != 1 {
				t.Fatalf("stage history rows: %d", n)
			}
			if st := scalar[string](h, `SELECT coalesce(flow, '') FROM conversation_state`+"\nUNION ALL SELECT '' LIMIT 1"); st != "" {
				t.Fatalf("flow left open: %q", st)
			}
		})
	}
}

func TestManagerMayLeaveNewCustomerInThePool(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	mgr := h.member(2, "Maryam", "manager", "en", h.team("North"))
	h.text(mgr.user, "/new")
	h.text(mgr.user, "Omid")
	got := h.press(mgr.user, 1, cb(actSkipStep))
	got = h.press(mgr.user, 1, button(t, got, actSkipStep))
	got = h.press(mgr.user, 1, button(t, got, cb(actNewOwner, "p")))
	if !strings.Contains(texts(got), h.tr("en", "card.pool", nil)) {
		t.Fatalf("pool customer card: %s", dump(got))
	}
	if n := scalar[int](h, `SELECT count(*) FROM customers WHERE owner_id IS NULL AND name = 'Omid'`); n != 1 {
		t.Fatal("not in the pool")
	}
}

func TestDuplicatePhoneOffersTheExistingCard(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "fa")
	h := o.h
	// Rep A types the same number in another format: their own card opens.
	h.text(o.a.user, "/new")
	h.text(o.a.user, "Ali again")
	got := h.text(o.a.user, "0098 912 345 6789")
	if !strings.Contains(texts(got), h.tr("fa", "customer.duplicate_phone", map[string]any{"Name": "علی کریمی"})) || !hasButton(got, cb(actMore, id(o.customer))) {
		t.Fatalf("duplicate for the owner: %s", dump(got))
	}
	// Rep B may not see it: told whose it is without any data.
	h.text(o.b.user, "/new")
	h.text(o.b.user, "Someone")
	got = h.text(o.b.user, "+98 912 345 6789")
	if len(got) != 1 || got[0].Text != h.tr("fa", "customer.phone_taken_hidden", nil) || strings.Contains(dump(got), "کریمی") {
		t.Fatalf("duplicate for another rep: %s", dump(got))
	}
	// A contact card with the number behaves the same.
	got = h.handle(h.msgUpdate(o.b.user, h.now, func(m *models.Message) {
		m.Contact = &models.Contact{PhoneNumber: "989123456789", FirstName: "Ali"}
	}))
	if len(got) != 1 || got[0].Text != h.tr("fa", "customer.phone_taken_hidden", nil) {
		t.Fatalf("contact card with a taken number: %s", dump(got))
	}
	if n := scalar[int](h, `SELECT count(*) FROM customers`); n != 1 {
		t.Fatalf("%d customers, want 1", n)
	}
}

func TestContactCardCreatesCustomer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rep := h.member(3, "Sara", "rep", "ar", 0)
	got := h.handle(h.msgUpdate(rep.user, h.now, func(m *models.Message) {
		m.Contact = &models.Contact{PhoneNumber: "971501234567", FirstName: "خالد", LastName: "المنصوري"}
	}))
	if !strings.Contains(texts(got), "خالد المنصوري") || !strings.Contains(texts(got), "+971501234567") {
		t.Fatalf("contact: %s", dump(got))
	}
	// Typing the number in Arabic-Indic digits opens the card.
	got = h.text(rep.user, "+٩٧١ ٥٠ ١٢٣ ٤٥٦٧")
	if !strings.Contains(texts(got), "خالد المنصوري") || !hasButton(got, actStageMenu+":") {
		t.Fatalf("typed phone: %s", dump(got))
	}
	// An unknown number offers a new customer with it.
	got = h.text(rep.user, "0912 111 2233")
	data := button(t, got, actNewWithPhone+":")
	h.press(rep.user, 1, data)
	h.text(rep.user, "Fatima")
	got = h.press(rep.user, 1, cb(actSkipStep))
	if n := scalar[int](h, `SELECT count(*) FROM customer_phones WHERE e164 = '+989121112233'`); n != 1 {
		t.Fatalf("new customer from an unknown number: %s", dump(got))
	}
}

func TestFindAcrossLetterFormsAndDigits(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "fa")
	h := o.h
	ctx := context.Background()
	h.db.CreateCustomer(ctx, crm.Customer{Name: "کریم علوی", OwnerID: o.b.id}, o.b.id)
	for _, q := range []string{"كريمي", "علي", "۰۹۱۲", "٠٩١٢٣٤", "پخش"} {
		got := h.text(o.a.user, q)
		if !strings.Contains(texts(got), "علی کریمی") || !hasButton(got, actStageMenu+":") {
			t.Errorf("%q does not open Ali's card: %s", q, dump(got))
		}
	}
	// Rep B's customer is not found by rep A; the manager finds both.
	if got := h.text(o.a.user, "کریم"); strings.Contains(dump(got), "علوی") {
		t.Errorf("rep A sees rep B's customer: %s", dump(got))
	}
	got := h.text(o.manager.user, "کریم")
	if !hasButton(got, cb(actCard, id(o.customer))) || !strings.Contains(dump(got), "کریم علوی") {
		t.Errorf("manager's search: %s", dump(got))
	}
	if got := h.text(o.a.user, "ژ"); got[0].Text != h.tr("fa", "search.too_short", nil) {
		t.Errorf("one letter: %s", dump(got))
	}
	if got := h.text(o.a.user, "ناموجود"); got[0].Text != h.tr("fa", "search.none", map[string]any{"Query": "ناموجود"}) {
		t.Errorf("no match: %s", dump(got))
	}
}

func TestSearchPagination(t *testing.T) {
	t.Parallel()
	for _, query := range []string{"karimi", strings.Repeat("کریمی", 5)} { // the second is too long for callback data
		t.Run(fmt.Sprint(len(query)), func(t *testing.T) {
			h := newHarness(t)
			rep := h.member(3, "Sara", "rep", "en", 0)
			for i := range 11 {
				h.db.CreateCustomer(context.Background(), crm.Customer{Name: fmt.Sprintf("%s %02d", query, i), OwnerID: rep.id}, rep.id)
			}
			got := h.text(rep.user, query)
			if n := len(allButtons(got)); n != searchPageSize+1 {
				t.Fatalf("first page has %d buttons: %s", n, dump(got))
			}
			if !strings.Contains(texts(got), "11 customers") {
				t.Fatalf("header: %s", dump(got))
			}
			next := button(t, got, actSearch+":1")
			got = h.press(rep.user, 5, next)
			if len(got) < 1 || got[0].Method != "editMessageText" || len(allButtons(got)) != 3+1 || !hasButton(got, actSearch+":0") {
				t.Fatalf("second page: %s", dump(got))
			}
		})
	}
}

func TestCardShowsDatesInTheUsersCalendarAndDigits(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ lang, last, next, birthday string }{
		{"fa", "دیروز", "\u2068فردا\u2069، ساعت \u2068۱۰:۳۰\u2069", "۱۵ اسفند ۱۳۶۵"},
		{"ar", "أمس", "\u2068غداً\u2069، الساعة \u2068١١:٠٠\u2069", "١٥ إسفند ١٣٦٥"},
		{"en", "yesterday", "tomorrow, 07:00", "15 Esfand 1365"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			h := newHarness(t)
			rep := h.member(3, "Sara", "rep", tt.lang, 0)
			c, _ := h.db.CreateCustomer(context.Background(), crm.Customer{Name: "Ali <b>", Company: "Alborz & Co",
				Phones: []string{"+989123456789"}, Tags: []string{"VIP", "tea"}, OwnerID: rep.id}, rep.id)
			h.exec(`UPDATE customers SET last_contact_at = $2 WHERE id = $1`, c.ID, h.now.Add(-24*time.Hour))
			h.exec(`INSERT INTO follow_ups (customer_id, assignee_id, due_at) VALUES ($1, $2, $3), ($1, $2, $4)`,
				c.ID, rep.id, h.now.Add(22*time.Hour), h.now.Add(72*time.Hour))
			h.exec(`INSERT INTO important_dates (customer_id, kind, calendar, month, day, year) VALUES ($1, 'birthday', 'jalali', 12, 15, 1365)`, c.ID)
			got := h.press(rep.user, 1, cb(actCard, id(c.ID)))
			text := texts(got)
			for _, want := range []string{"Ali &lt;b&gt;", "Alborz &amp; Co", "\u2066+989123456789\u2069", tt.last, tt.next, tt.birthday, h.tr(tt.lang, "card.date_kind.birthday", nil), "VIP"} {
				if !strings.Contains(text, want) {
					t.Errorf("card lacks %q:\n%s", want, text)
				}
			}
			for _, btn := range []string{actLogCall, actLogVisit, actNote, actStageMenu, actFollowUp, actHistory, actMore} {
				if !hasButton(got, btn+":"+id(c.ID)) {
					t.Errorf("card lacks button %s", btn)
				}
			}
		})
	}
}

func TestEditFieldsTagsAndClaim(t *testing.T) {
	t.Parallel()
	o := newOrg(t, "en")
	h := o.h
	c := id(o.customer)
	h.press(o.a.user, 1, cb(actEditField, c, "j"))
	got := h.text(o.a.user, "Buyer")
	if !strings.Contains(texts(got), "💼 Buyer") {
		t.Fatalf("job title: %s", dump(got))
	}
	h.press(o.a.user, 1, cb(actTagAdd, c))
	h.text(o.a.user, "tea، coffee, vip")
	tags := scalar[[]string](h, `SELECT tags FROM customers WHERE id = $1`, o.customer)
	if strings.Join(tags, ",") != "VIP,tea,coffee" {
		t.Fatalf("tags %v", tags)
	}
	h.press(o.a.user, 1, cb(actTagRemove, c, "0"))
	h.press(o.a.user, 1, cb(actSetPersona, c, "ENTJ"))
	h.press(o.a.user, 1, cb(actSetRelation, c, "4"))
	h.press(o.a.user, 1, cb(actClearField, c, "c"))
	h.press(o.a.user, 1, cb(actPhoneAdd, c))
	h.text(o.a.user, "۰۹۳۵ ۱۱۱ ۲۲۳۳")
	h.press(o.a.user, 1, cb(actPhoneRemove, c, "989123456789"))
	var persona, company string
	var level int
	h.db.Pool.QueryRow(t.Context(), `SELECT personality_type, relationship_level, coalesce(company, '') FROM customers WHERE id = $1`, o.customer).Scan(&persona, &level, &company)
	phones := scalar[[]string](h, `SELECT array_agg(e164) FROM customer_phones WHERE customer_id = $1 AND is_primary`, o.customer)
	if persona != "ENTJ" || level != 4 || company != "" || len(phones) != 1 || phones[0] != "+989351112233" {
		t.Fatalf("persona %q level %d company %q primary phones %v", persona, level, company, phones)
	}

	// Rep B claims a pool customer; rep A then cannot.
	pool, _ := h.db.CreateCustomer(context.Background(), crm.Customer{Name: "Pooled"}, o.admin.id)
	got = h.press(o.a.user, 1, cb(actCard, id(pool.ID)))
	if !hasButton(got, cb(actClaim, id(pool.ID))) || hasButton(got, actStageMenu+":") {
		t.Fatalf("a rep's view of a pool customer: %s", dump(got))
	}
	h.press(o.b.user, 1, cb(actClaim, id(pool.ID)))
	if owner := scalar[int64](h, `SELECT owner_id FROM customers WHERE id = $1`, pool.ID); owner != o.b.id {
		t.Fatalf("claim: owner %d", owner)
	}
	if got := h.press(o.a.user, 1, cb(actClaim, id(pool.ID))); !onlyToast(got, h.tr("en", "error.forbidden", nil)) {
		t.Fatalf("claiming a claimed customer: %s", dump(got))
	}
}
