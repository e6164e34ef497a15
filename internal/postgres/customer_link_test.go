package postgres_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
)

// A customer's link: redeemed once; a new link moves the customer to the
// account that opens it, with consent asked afresh; a relayed message's
// Telegram id is kept from sends; customers.unreachable_at follows the
// delivery path's marks (a 403 or a block) and a write to the bot clears it.
func TestCustomerLinkStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	db := f.db
	c := f.customer(t, f.repA, "Ali", "")
	tok, _, _, err := db.CreateCustomerLink(ctx, c.ID, f.repA.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, res, err := db.RedeemCustomerLink(ctx, tok, 900, "ar")
	if err != nil || res != crm.LinkLinked || got.Chat.TelegramUserID != 900 || got.Chat.Locale != "ar" {
		t.Fatalf("redeem: %v %v %+v", res, err, got.Chat)
	}
	if err := db.SetCustomerConsent(ctx, c.ID, time.Now(), crm.ConsentVersion); err != nil {
		t.Fatal(err)
	}
	if _, res, _ := db.RedeemCustomerLink(ctx, tok, 901, "fa"); res != crm.LinkUsed {
		t.Errorf("another account on a used link: %v", res)
	}
	if _, res, _ := db.RedeemCustomerLink(ctx, "c_nothing", 901, "fa"); res != crm.LinkUnknown {
		t.Errorf("an unknown token: %v", res)
	}

	// A new phone: the new link moves the customer, consent starts afresh.
	tok2, _, _, err := db.CreateCustomerLink(ctx, c.ID, f.repA.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, res, err = db.RedeemCustomerLink(ctx, tok2, 901, "fa")
	if err != nil || res != crm.LinkLinked || got.Chat.TelegramUserID != 901 || !got.Chat.ConsentAt.IsZero() || got.Chat.Locale != "fa" {
		t.Fatalf("relink: %v %v %+v", res, err, got.Chat)
	}
	if _, err := db.CustomerByTelegramID(ctx, 900); !crm.IsCode(err, crm.ENotFound) {
		t.Errorf("the old account still reaches the customer: %v", err)
	}

	// The relay's message id comes from sends.
	rid, err := db.RecordRelay(ctx, c.ID, f.repA.ID, f.repA.TelegramUserID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RelayCustomer(ctx, f.repA.TelegramUserID, 77); !crm.IsCode(err, crm.ENotFound) {
		t.Errorf("an unsent relay is found: %v", err)
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO sends (dedup_key, chat_id, kind, status, telegram_message_id) VALUES ($1, $2, 'customer_message', 'sent', 77)`,
		"relay:"+strconv.FormatInt(rid, 10), f.repA.TelegramUserID); err != nil {
		t.Fatal(err)
	}
	if cid, err := db.RelayCustomer(ctx, f.repA.TelegramUserID, 77); err != nil || cid != c.ID {
		t.Errorf("relay of message 77: %d %v", cid, err)
	}
	if _, err := db.RelayCustomer(ctx, f.repB.TelegramUserID, 77); !crm.IsCode(err, crm.ENotFound) {
		t.Errorf("another chat's message 77 is taken for the relay: %v", err)
	}

	// Unreachable follows the delivery path's marks.
	if err := db.MarkUnreachable(ctx, 901, "403"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Customer(ctx, c.ID); got.Chat.UnreachableAt.IsZero() || got.Messageable() {
		t.Fatalf("a 403 did not mark the customer: %+v", got.Chat)
	}
	if _, err := db.InsertUpdates(ctx, []postgres.InboxUpdate{{UpdateID: 1, ChatID: 901, UserID: 901, Kind: "message", Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Customer(ctx, c.ID); !got.Chat.UnreachableAt.IsZero() {
		t.Fatalf("writing to the bot did not clear the mark: %+v", got.Chat)
	}
}
