package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/telecrm/crmbot/internal/crm"
)

// /orgname: the organisation's name a customer is told when they open
// their link ("Sara from Acme Trading has connected you…"). Admins set it;
// without one, customers hear the rep's name alone.

// maxOrgName bounds the organisation's name.
const maxOrgName = 100

func (b *Bot) routesOrgName() {
	b.command("orgname", b.orgName)
}

// orgName shows the name (no argument) or sets it to the argument.
func (b *Bot) orgName(r *req) error {
	if !crm.CanManageOrg(r.staff) {
		return crm.Errorf(crm.EForbidden, "only admins name the organisation")
	}
	name := strings.TrimSpace(r.arg)
	if name == "" {
		cur, err := b.links.OrgName(r.ctx)
		if err != nil {
			return err
		}
		if cur == "" {
			return r.send(r.t("link.org.none", nil), nil)
		}
		return r.send(r.t("link.org.current", map[string]any{"Name": esc(cur)}), nil)
	}
	if utf8.RuneCountInString(name) > maxOrgName {
		return r.send(r.t("link.org.too_long", nil), nil)
	}
	if err := b.links.SetOrgName(r.ctx, name, r.staff.ID); err != nil {
		return err
	}
	return r.send(r.t("link.org.set", map[string]any{"Name": esc(name)}), nil)
}
