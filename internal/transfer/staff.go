package transfer

import "github.com/telecrm/crmbot/internal/crm"

// StaffImporter is a staff member importing from the bot. What they may
// do follows Importer's rules: an admin gives customers to anyone active
// or the pool and may update any customer; a manager to themselves, their
// team or the pool, updating their team's customers; a rep only to
// themselves, updating only their own. Rows that name no owner go to the
// importer, except an admin's, which go to the unassigned pool (as on the
// command line) for the team to claim.
func StaffImporter(s crm.Staff) Importer {
	im := Importer{Staff: s, DefaultOwner: s.ID}
	if s.Role == crm.RoleAdmin {
		im.DefaultOwner = 0
	}
	return im
}
