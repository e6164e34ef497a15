package bot

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/i18n"
)

// ProductNewsStore is what a proactive check-in's product suggestions
// read (internal/postgres).
type ProductNewsStore interface {
	// NewProducts: product names first invoiced at or after since, newest first.
	NewProducts(ctx context.Context, since time.Time) ([]string, error)
	// InterestsAndBought: the customer's interest keys (crm.FoldKey) and
	// the product names they were ever quoted or invoiced.
	InterestsAndBought(ctx context.Context, customerID int64) (keys, bought []string, err error)
}

// newsCacheFor is how long the organisation's list of new products is kept
// between check-ins (it reads every invoice's items).
const newsCacheFor = time.Hour

// productNews keeps the new products a while for the check-ins of one sweep.
type productNews struct {
	mu    sync.Mutex
	at    time.Time
	names []string
}

// suggestions are the new products (crm.ProductNews) to name in a check-in
// with a customer: new in the last crm.CheckInEvery, matching one of their
// interests, not bought yet. Nothing when they have no interests; a
// database error leaves the note without suggestions (the follow-up
// matters more than the hint).
func (b *Bot) suggestions(ctx context.Context, customerID int64) []string {
	keys, bought, err := b.news.InterestsAndBought(ctx, customerID)
	if err != nil || len(keys) == 0 {
		return nil
	}
	now := b.d.Now()
	b.newsCache.mu.Lock()
	defer b.newsCache.mu.Unlock()
	if b.newsCache.at.IsZero() || now.Sub(b.newsCache.at) > newsCacheFor || now.Before(b.newsCache.at) {
		names, err := b.news.NewProducts(ctx, now.Add(-crm.CheckInEvery))
		if err != nil {
			return nil
		}
		b.newsCache.at, b.newsCache.names = now, names
	}
	had := map[string]bool{}
	for _, p := range bought {
		had[crm.FoldKey(p)] = true
	}
	return crm.ProductNews(keys, b.newsCache.names, had)
}

// newsLine is the line a check-in note gains when there is something new
// to suggest, in lang.
func (b *Bot) newsLine(lang string, products []string) string {
	if len(products) == 0 {
		return ""
	}
	sep := ", "
	if lang != "en" {
		sep = "، "
	}
	names := make([]string, len(products))
	for i, p := range products {
		names[i] = i18n.Isolate(lang, p)
	}
	return "\n" + b.d.I18n.For(lang).T("value.note.news", map[string]any{"Products": strings.Join(names, sep)})
}
