package crm

// Access rules. Every command and every button press goes through these on
// the server: callback data only names what the user wants, never what they
// may do.
//
//   - an inactive staff member may do nothing;
//   - an admin sees and changes every customer;
//   - a manager sees and changes the customers of their team's members and
//     of the pool, and reassigns among them;
//   - a rep sees and changes their own customers, and sees and claims the
//     unassigned pool.

// CanView reports whether actor may see customer c.
func CanView(actor Staff, c Customer) bool {
	if !actor.Active || c.Deleted() {
		return false
	}
	switch actor.Role {
	case RoleAdmin:
		return true
	case RoleManager:
		return c.OwnerID == 0 || c.OwnerID == actor.ID || (actor.TeamID != 0 && c.OwnerTeamID == actor.TeamID)
	case RoleRep:
		return c.OwnerID == 0 || c.OwnerID == actor.ID
	}
	return false
}

// CanEdit reports whether actor may change customer c (log activities, move
// stages, edit fields). A rep must claim a pool customer first.
func CanEdit(actor Staff, c Customer) bool {
	if !CanView(actor, c) {
		return false
	}
	if actor.Role == RoleRep {
		return c.OwnerID == actor.ID
	}
	return true
}

// CanClaim reports whether actor may take pool customer c as their own.
func CanClaim(actor Staff, c Customer) bool {
	return CanView(actor, c) && c.OwnerID == 0
}

// CanAssign reports whether actor may give customer c to staff member to.
func CanAssign(actor Staff, c Customer, to Staff) bool {
	if !CanEdit(actor, c) || !to.Active {
		return false
	}
	switch actor.Role {
	case RoleAdmin:
		return true
	case RoleManager:
		return to.ID == actor.ID || (actor.TeamID != 0 && to.TeamID == actor.TeamID)
	}
	return false
}

// CanInvite reports whether actor may invite someone with role r: admins
// invite anyone, managers invite reps to their own team.
func CanInvite(actor Staff, r Role, teamID int64) bool {
	if !actor.Active {
		return false
	}
	switch actor.Role {
	case RoleAdmin:
		return r.Valid()
	case RoleManager:
		return r == RoleRep && actor.TeamID != 0 && teamID == actor.TeamID
	}
	return false
}

// CanManageOrg reports whether actor may change teams, stages, settings
// and deactivate staff.
func CanManageOrg(actor Staff) bool { return actor.Active && actor.Role == RoleAdmin }

// CanSeeTeam reports whether actor may see the team overview of teamID.
func CanSeeTeam(actor Staff, teamID int64) bool {
	if !actor.Active {
		return false
	}
	return actor.Role == RoleAdmin || (actor.Role == RoleManager && actor.TeamID == teamID && teamID != 0)
}
