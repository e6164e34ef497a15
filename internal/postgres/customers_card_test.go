package postgres_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// The card's one statement finds what the separate look-ups find: the
// earliest open follow-up, the dates in calendar order, the qualification,
// the interests in the order added, and whether there is a value row.
func TestCustomerCardInfoMatchesTheLookUps(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	empty := f.customer(t, f.repA, "Sara", "")
	info, err := f.db.CustomerCardInfo(ctx, empty.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(info, crm.CardInfo{}) {
		t.Errorf("a new customer: got %+v, want nothing", info)
	}

	c := f.customer(t, f.repA, "Ali", "")
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, due := range []time.Time{at.Add(48 * time.Hour), at.Add(24 * time.Hour)} {
		if _, err := f.db.CreateFollowUp(ctx, crm.FollowUp{CustomerID: c.ID, AssigneeID: f.repA.ID, DueAt: due, Note: "call back"}, f.repA.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []crm.ImportantDate{
		{CustomerID: c.ID, Kind: crm.DateCompanyFounding, Calendar: "jalali", Month: 9, Day: 1, Year: 1390},
		{CustomerID: c.ID, Kind: crm.DateBirthday, Label: "his", Calendar: "gregorian", Month: 3, Day: 14},
	} {
		if _, err := f.db.AddImportantDate(ctx, d, f.repA.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, i := range []crm.Interest{{CustomerID: c.ID, Name: "tea", Quantity: 3, Unit: "boxes", Period: "month"}, {CustomerID: c.ID, Name: "rice"}} {
		if _, err := f.db.AddInterest(ctx, i, f.repA.ID, at); err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Minute)
	}
	q := crm.Qualification{CustomerID: c.ID, CanHelp: crm.AnswerYes, NeedsUs: crm.AnswerUnsure, HasLocation: true, Latitude: 35.7, Longitude: 51.4}
	if err := f.db.SaveQualification(ctx, q, f.repA.ID, at); err != nil {
		t.Fatal(err)
	}

	info, err = f.db.CustomerCardInfo(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if info.Next.ID == 0 || !info.Next.DueAt.Equal(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)) || info.Next.Note != "call back" ||
		info.Next.AssigneeID != f.repA.ID || info.Next.Status != crm.FollowUpOpen {
		t.Errorf("next follow-up: got %+v, want the one due on 21 November", info.Next)
	}
	dates, err := f.db.ImportantDates(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var want []crm.ImportantDate
	for _, d := range dates {
		want = append(want, d.ImportantDate)
	}
	if !reflect.DeepEqual(info.Dates, want) || len(want) != 2 {
		t.Errorf("dates: got %+v, want %+v", info.Dates, want)
	}
	qual, err := f.db.Qualification(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Qualification.At.Equal(qual.At) || !info.Qualification.UpdatedAt.Equal(qual.UpdatedAt) {
		t.Errorf("qualified at: got %v/%v, want %v/%v", info.Qualification.At, info.Qualification.UpdatedAt, qual.At, qual.UpdatedAt)
	}
	info.Qualification.At, info.Qualification.UpdatedAt, qual.At, qual.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(info.Qualification, qual) || qual.ByName == "" {
		t.Errorf("qualification: got %+v, want %+v", info.Qualification, qual)
	}
	interests, err := f.db.Interests(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Interests) != len(interests) || len(interests) != 2 {
		t.Fatalf("interests: got %+v, want %+v", info.Interests, interests)
	}
	for i := range interests {
		got, want := info.Interests[i], interests[i]
		if !got.CreatedAt.Equal(want.CreatedAt) {
			t.Errorf("interest %d added at: got %v, want %v", i, got.CreatedAt, want.CreatedAt)
		}
		got.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
		if got != want {
			t.Errorf("interest %d: got %+v, want %+v", i, got, want)
		}
	}
	if info.HasValue {
		t.Errorf("no purchase yet: HasValue")
	}
	if _, err := f.db.AddPurchase(ctx, crm.Purchase{CustomerID: c.ID, Kind: crm.KindInvoice, Number: "F-1", Amount: 1000, Currency: "IRR", IssuedAt: at, CreatedBy: f.repA.ID}, f.repA.ID); err != nil {
		t.Fatal(err)
	}
	if info, err = f.db.CustomerCardInfo(ctx, c.ID); err != nil || !info.HasValue {
		t.Errorf("after an invoice: HasValue %v, %v; want true", info.HasValue, err)
	}
}
