package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/textnorm"
)

// searchPageSize is how many results one page of search shows.
const searchPageSize = 8

// searchStateFlow keeps a query too long for callback data. No flow
// handler is registered for it, so the next message simply clears it.
const searchStateFlow = "search"

// search shows page page of the customers matching query that the user
// may see; a fresh search with a single match opens its card at once.
func (b *Bot) search(r *req, query string, page int, edit bool) error {
	q := textnorm.Fold(query)
	if utf8.RuneCountInString(q) < 2 {
		return r.send(r.t("search.too_short", nil), nil)
	}
	limit, offset := searchPageSize, page*searchPageSize
	cs, total, err := b.customers.SearchCustomers(r.ctx, r.staff, q, limit, offset)
	if err != nil {
		return err
	}
	visible := cs[:0]
	for _, c := range cs {
		if crm.CanView(r.staff, c) { // the store filters too; never trust one layer
			visible = append(visible, c)
		}
	}
	switch {
	case total == 0 && page == 0:
		return r.send(r.t("search.none", map[string]any{"Query": esc(clipRunes(query, 60))}), nil)
	case total == 1 && page == 0 && len(visible) == 1 && !edit:
		return b.showCard(r, visible[0], false)
	case len(visible) == 0:
		return crm.Errorf(crm.EStale, "search page %d is empty", page)
	}
	var rows [][]models.InlineKeyboardButton
	for _, c := range visible {
		rows = append(rows, []models.InlineKeyboardButton{ib(resultLabel(r, c), cb(actCard, id(c.ID)))})
	}
	nav, err := searchNav(r, q, page, total)
	if err != nil {
		return err
	}
	rows = append(rows, nav)
	text := r.n("search.found", total, map[string]any{"Query": esc(clipRunes(query, 60)), "Page": page + 1, "Pages": (total + searchPageSize - 1) / searchPageSize})
	if edit {
		return r.edit(text, ikm(rows...))
	}
	return r.send(text, ikm(rows...))
}

// resultLabel is a result button: the name, then the company or phone.
func resultLabel(r *req, c crm.Customer) string {
	switch {
	case c.Company != "":
		return r.t("search.result", map[string]any{"Name": clipRunes(c.Name, 30), "Detail": clipRunes(c.Company, 24)})
	case len(c.Phones) > 0:
		return r.t("search.result", map[string]any{"Name": clipRunes(c.Name, 30), "Detail": c.Phones[0]})
	}
	return clipRunes(c.Name, 50)
}

// searchNav builds the previous/next buttons. The folded query rides in
// the callback data when it fits; otherwise it waits in the chat's state.
func searchNav(r *req, q string, page, total int) ([]models.InlineKeyboardButton, error) {
	pages := (total + searchPageSize - 1) / searchPageSize
	inData := !strings.Contains(q, ":") && len(actSearch)+len(q)+len(":999:") <= maxCallbackData
	if !inData && pages > 1 {
		if err := r.setState(searchStateFlow, "results", flowMap(searchFlow{Query: q})); err != nil {
			return nil, err
		}
	}
	data := func(p int) string {
		if inData {
			return cb(actSearch, strconv.Itoa(p), q)
		}
		return cb(actSearch, strconv.Itoa(p))
	}
	var nav []models.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, ib(r.t("common.previous", nil), data(page-1)))
	}
	if page+1 < pages {
		nav = append(nav, ib(r.t("common.next", nil), data(page+1)))
	}
	return nav, nil
}

// onSearchPage shows another page of a search: cs:<page>[:<query>].
func (b *Bot) onSearchPage(r *req, args []string) error {
	page, ok := argInt(args, 0)
	if !ok || page < 0 || page > 999 {
		return crm.Errorf(crm.EStale, "bad page")
	}
	if len(args) >= 2 {
		return b.search(r, strings.Join(args[1:], ":"), page, true)
	}
	st, err := r.state()
	if err != nil {
		return err
	}
	if st == nil || st.Flow != searchStateFlow || loadFlow[searchFlow](st).Query == "" {
		return crm.Errorf(crm.EStale, "search expired")
	}
	return b.search(r, loadFlow[searchFlow](st).Query, page, true)
}
