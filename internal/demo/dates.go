package demo

import (
	"context"
	"fmt"

	"github.com/telecrm/crmbot/internal/calendar"
)

// dateSpec is an important date of a customer, in the calendar the
// customer keeps it in: Jalali for Iranians, Hijri or Gregorian in the Gulf.
type dateSpec struct {
	customer   string
	kind       string
	label      string
	cal        calendar.Calendar
	year       int // 0: unknown
	month, day int
	inDays     int // > 0: the date falls this many days from now (month and day are computed)
}

// dateSpecs returns the demo's important dates. Among them are 30 Esfand
// (only in Jalali leap years) and 29 February, whose yearly reminders must
// fall back in common years, and a few dates in the coming week so that
// the reminders show at once.
func dateSpecs() []dateSpec {
	return []dateSpec{
		{customer: "علي كريمي", kind: "birthday", cal: calendar.Jalali, year: 1352, month: 6, day: 21},
		{customer: "علي كريمي", kind: "company_founding", label: "افتتاح اولین شعبه‌ی نارنج", cal: calendar.Jalali, year: 1390, month: 2, day: 10},
		{customer: "علي كريمي", kind: "trip", label: "نمایشگاه هاست میلان", cal: calendar.Gregorian, year: 2023, month: 10, day: 13},
		{customer: "مریم صالحی", kind: "birthday", cal: calendar.Jalali, year: 1362, inDays: 3},
		{customer: "مریم صالحی", kind: "wedding_anniversary", cal: calendar.Jalali, year: 1388, month: 4, day: 15},
		{customer: "محمدرضا فتحی", kind: "birthday", cal: calendar.Jalali, year: 1375, month: 12, day: 30},
		{customer: "زهرا نیک‌نام", kind: "child_birthday", label: "تولد دخترش، آوا", cal: calendar.Jalali, year: 1398, month: 8, day: 5},
		{customer: "حمید رضایی", kind: "birthday", cal: calendar.Jalali, year: 1358, month: 11, day: 22},
		{customer: "سعید قاسمی", kind: "birthday", cal: calendar.Jalali, inDays: 12},
		{customer: "فهد العتيبي", kind: "birthday", cal: calendar.Hijri, year: 1400, month: 9, day: 12},
		{customer: "فهد العتيبي", kind: "company_founding", label: "افتتاح أول فرع لمطاعم ديرة الخير", cal: calendar.Gregorian, year: 2011, month: 3, day: 6},
		{customer: "سارة الغامدي", kind: "birthday", cal: calendar.Hijri, inDays: 5},
		{customer: "محمد القحطاني", kind: "company_founding", label: "افتتاح الفندق", cal: calendar.Gregorian, year: 2009, month: 10, day: 1},
		{customer: "نورة الدوسري", kind: "birthday", cal: calendar.Hijri, year: 1412, month: 3, day: 8},
		{customer: "خالد الزهراني", kind: "wedding_anniversary", cal: calendar.Hijri, year: 1435, month: 10, day: 20},
		{customer: "James Whitaker", kind: "birthday", cal: calendar.Gregorian, year: 1979, month: 11, day: 3},
		{customer: "Sophie Laurent", kind: "birthday", cal: calendar.Gregorian, year: 1988, month: 2, day: 29},
		{customer: "Sophie Laurent", kind: "company_founding", label: "Café Lumière opened", cal: calendar.Gregorian, year: 2019, month: 9, day: 14},
		{customer: "سعيد المهيري", kind: "birthday", cal: calendar.Gregorian, year: 1983, month: 5, day: 17},
		{customer: "Rahul Menon", kind: "wedding_anniversary", cal: calendar.Gregorian, year: 2014, month: 1, day: 26},
		{customer: "Fatima Al Suwaidi", kind: "birthday", cal: calendar.Gregorian, inDays: 1},
		{customer: "Mark O'Brien", kind: "child_birthday", label: "Son Liam's birthday", cal: calendar.Gregorian, year: 2017, month: 7, day: 4},
	}
}

// insertDates stores the important dates, entered by each customer's owner.
func (g *gen) insertDates(ctx context.Context) error {
	for _, d := range dateSpecs() {
		c := g.byName[d.customer]
		if c == nil {
			return fmt.Errorf("no customer %q", d.customer)
		}
		if d.inDays > 0 {
			cd := calendar.FromTime(d.cal, g.now.In(c.author.loc).AddDate(0, 0, d.inDays))
			d.month, d.day = cd.Month, cd.Day
		}
		if d.inDays == 0 && d.year != 0 {
			if err := (calendar.Date{Year: d.year, Month: d.month, Day: d.day}).Validate(d.cal); err != nil {
				return fmt.Errorf("%s: %w", d.customer, err)
			}
		}
		var year *int
		if d.year != 0 {
			year = &d.year
		}
		_, err := g.tx.Exec(ctx, `INSERT INTO important_dates (customer_id, kind, label, calendar, month, day, year,
				created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			c.id, d.kind, nullable(d.label), string(d.cal), d.month, d.day, year, c.author.id, c.lastMove().at)
		if err != nil {
			return fmt.Errorf("%s: %w", d.customer, err)
		}
	}
	return nil
}
