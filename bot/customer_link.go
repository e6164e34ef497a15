package bot

import (
	"context"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/format"
	"github.com/telecrm/crmbot/internal/outbound"
)

// A customer's personal link to the bot, made from their card by whoever
// may change the customer (crm.CanEdit): the link as text and its QR code
// as a photo, to pass on by any means. One customer per link; it expires
// (crm.CustomerLinkTTL), may be revoked, and a new one revokes the old.
// Only a hash of its token is kept. The customer's side (opening it,
// consent, language, /stop) is customer_start.go; the relay is
// customer_relay.go.

// CustomerLinkStore keeps customer links and what linked customers chose.
type CustomerLinkStore interface {
	// CreateCustomerLink revokes the customer's open links and returns a
	// new one's token, id and expiry.
	CreateCustomerLink(ctx context.Context, customerID, by int64, ttl time.Duration) (token string, id int64, expires time.Time, err error)
	// CustomerLinkOf returns crm.ENotFound for an unknown link.
	CustomerLinkOf(ctx context.Context, linkID int64) (customerID int64, err error)
	// RevokeCustomerLink returns crm.ENotFound unless the link is open.
	RevokeCustomerLink(ctx context.Context, linkID, by int64) error
	// RedeemCustomerLink links account tgID to the link's customer; see
	// crm.LinkResult for what it may answer.
	RedeemCustomerLink(ctx context.Context, token string, tgID int64, locale string) (crm.Customer, crm.LinkResult, error)
	SetCustomerChatLocale(ctx context.Context, customerID int64, locale string) error
	SetCustomerConsent(ctx context.Context, customerID int64, at time.Time, version string) error
	SetCustomerOptOut(ctx context.Context, customerID int64, at time.Time) error
	// OrgName is "" when the admin set none.
	OrgName(ctx context.Context) (string, error)
	SetOrgName(ctx context.Context, name string, by int64) error
}

// Callback codes of customer links and the relay ("j…").
const (
	actLinkMake    = "jl" // jl:<customer>: make a link (staff)
	actLinkRevoke  = "jx" // jx:<link>: revoke it (staff)
	actRelayReply  = "jr" // jr:<customer>: answer a customer (staff)
	actRelayCancel = "jz" // jz:<nonce>: leave the answer unsent (staff)
	actConsentYes  = "jy" // jy: the customer agrees to be messaged
	actConsentNo   = "jn" // jn: not now
	actCustLang    = "jg" // jg:<lang>: the customer's language
)

// qrSize is the QR code's side in pixels: sharp on a phone, a few KB.
const qrSize = 512

// routesCustomerLink registers customer links, the customer side's
// buttons and the relay.
func (b *Bot) routesCustomerLink() {
	b.action(actLinkMake, b.editable(b.makeCustomerLink))
	b.action(actLinkRevoke, b.revokeCustomerLink)
	b.customerAction(actConsentYes, b.onConsentYes)
	b.customerAction(actConsentNo, b.onConsentNo)
	b.customerAction(actCustLang, b.onCustomerLang)
	b.routesRelay()
	b.routesOrgName()
}

// customerLinkURL is the deep link a token opens.
func (b *Bot) customerLinkURL(token string) string {
	return "https://t.me/" + b.d.BotUsername + "?start=" + token
}

// makeCustomerLink sends the user a new link for c with its expiry and a
// revoke button, and the same link as a QR code.
func (b *Bot) makeCustomerLink(r *req, c crm.Customer, _ []string) error {
	token, linkID, expires, err := b.links.CreateCustomerLink(r.ctx, c.ID, r.staff.ID, crm.CustomerLinkTTL)
	if err != nil {
		return err
	}
	link := b.customerLinkURL(token)
	png, err := qrcode.Encode(link, qrcode.Medium, qrSize)
	if err != nil {
		return crm.Errorf(crm.EInternal, "qr code: %v", err)
	}
	name := esc(clipRunes(c.Name, 120))
	data := map[string]any{"Name": name, "Link": esc(link), "Expires": format.DateTime(r.lang(), r.cal(), expires.In(r.userLoc()))}
	msg := "link.created"
	if c.Chat.TelegramUserID != 0 {
		msg = "link.created_relink"
	}
	kb := ikm(
		[]models.InlineKeyboardButton{ib(r.t("link.btn.revoke", nil), cb(actLinkRevoke, id(linkID)))},
		[]models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actCard, id(c.ID)))},
	)
	if err := r.finish(); err != nil {
		return err
	}
	if err := r.send(r.t(msg, data), kb); err != nil {
		return err
	}
	return r.b.d.Out.Reply(r.ctx, outbound.Message{Method: "sendPhoto", ChatID: r.chatID, File: png, FileName: "link-qr.png",
		Text: r.t("link.qr_caption", map[string]any{"Name": name}), ParseMode: "HTML"})
}

// revokeCustomerLink revokes the link a button names, when the user may
// still change its customer.
func (b *Bot) revokeCustomerLink(r *req, args []string) error {
	linkID, ok := argID(args, 0)
	if !ok {
		return r.staleButton()
	}
	cid, err := b.links.CustomerLinkOf(r.ctx, linkID)
	if crm.IsCode(err, crm.ENotFound) {
		return r.staleButton()
	}
	if err != nil {
		return err
	}
	c, err := r.loadEditable(cid)
	if err != nil {
		return err
	}
	err = b.links.RevokeCustomerLink(r.ctx, linkID, r.staff.ID)
	if crm.IsCode(err, crm.ENotFound) {
		return r.toast(r.t("link.not_open", nil), true)
	}
	if err != nil {
		return err
	}
	return r.edit(r.t("link.revoked", map[string]any{"Name": esc(clipRunes(c.Name, 120))}), ikm(
		[]models.InlineKeyboardButton{ib(r.t("common.back", nil), cb(actCard, id(c.ID)))}))
}

// linkButton is the card's button that makes a link for c.
func linkButton(r *req, c crm.Customer) models.InlineKeyboardButton {
	return ib(r.t("link.btn.make", nil), cb(actLinkMake, id(c.ID)))
}

// chatStatusLine says on the card whether c is linked to the bot, agreed
// to be messaged, opted out or cannot be reached.
func (r *req) chatStatusLine(c crm.Customer) string {
	ch := c.Chat
	switch {
	case ch.TelegramUserID == 0:
		return r.t("link.card.none", nil)
	case !ch.UnreachableAt.IsZero():
		return r.t("link.card.unreachable", nil)
	case !ch.OptedOutAt.IsZero():
		return r.t("link.card.opted_out", nil)
	case ch.ConsentAt.IsZero():
		return r.t("link.card.no_consent", nil)
	}
	return r.t("link.card.consent", nil)
}

// isCustomerLink reports whether a /start payload is a customer's link.
func isCustomerLink(arg string) bool { return strings.HasPrefix(arg, crm.CustomerLinkPrefix) }
