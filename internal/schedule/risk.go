package schedule

import (
	"context"
	"time"

	"github.com/telecrm/crmbot/internal/crm"
)

// RiskStore is what the risk sweep reads and writes.
type RiskStore interface {
	Tx
	// ValuePolicy is the organisation's policy, defaults for locale.
	ValuePolicy(ctx context.Context, locale string) (crm.ValuePolicy, error)
	// RelationshipPolicy is the admin's relationship policy (zero: none).
	RelationshipPolicy(ctx context.Context) (crm.RelationshipPolicy, error)
	// RefreshStaleValues recomputes up to limit stale value rows.
	RefreshStaleValues(ctx context.Context, p crm.ValuePolicy, now time.Time, limit int) (int, error)
	// UpdateSegments places every buyer in a value segment.
	UpdateSegments(ctx context.Context) (int, error)
	// Rhythms are the live customers with a purchase rhythm whose flag may
	// change at now with factor k, or who await their win-back (a superset:
	// the sweep judges each with crm.Risk).
	Rhythms(ctx context.Context, k float64, now time.Time) ([]crm.Rhythm, error)
	SetRisks(ctx context.Context, ids []int64, risks []crm.RiskLevel) error
	// PlanWinBacks creates each of fs once per risk episode and reports
	// how many it created (the others had one).
	PlanWinBacks(ctx context.Context, fs []crm.FollowUp, at time.Time) (int, error)
	// RelationTargets are owned customers at a proactive level or higher.
	RelationTargets(ctx context.Context, business int) ([]crm.RelationTarget, error)
	// PlanRelation creates f unless another sweep planned one since last.
	PlanRelation(ctx context.Context, f crm.FollowUp, last, at time.Time) (bool, error)
}

// RiskBatch is how many follow-ups one statement plans, and a fifth of
// the value rows one read recomputes. A sweep goes on until every stale
// row is recomputed and every customer at risk has their win-back.
const RiskBatch = 2000

// RiskReport is what one sweep did.
type RiskReport struct {
	Refreshed, Segmented, RiskChanged, WinBacks, Relations int
}

// Risk is the value and risk sweep: it recomputes the value of customers
// whose purchases changed, re-ranks the value segments, flags customers
// past their buying rhythm (crm.Risk), plans one win-back follow-up for
// the owner per risk episode, and plans the check-ins (proactive) and
// review meetings (partnership) the relationship policy calls for.
type Risk struct {
	Store RiskStore
	// Locale is the organisation's default language (its default currency).
	Locale string
	// Note writes a planned follow-up's note for its assignee ("" none):
	// kind is "winback", "checkin" or "review". A sweep asks it once per
	// assignee for its win-backs.
	Note func(ctx context.Context, kind string, customerID, assigneeID int64) string
}

// RunOnce sweeps at now. Safe to run concurrently and repeatedly: each
// follow-up is planned under a mark that commits with it.
func (k Risk) RunOnce(ctx context.Context, now time.Time) (rep RiskReport, err error) {
	err = k.Store.InTx(ctx, func(ctx context.Context) error {
		p, err := k.Store.ValuePolicy(ctx, k.Locale)
		if err != nil {
			return err
		}
		for {
			n, err := k.Store.RefreshStaleValues(ctx, p, now, RiskBatch*5)
			if err != nil {
				return err
			}
			if rep.Refreshed += n; n < RiskBatch*5 {
				break
			}
		}
		if rep.Refreshed > 0 { // no value changed: the segments stand (a customer erased meanwhile leaves them until the next purchase)
			if rep.Segmented, err = k.Store.UpdateSegments(ctx); err != nil {
				return err
			}
		}
		rs, err := k.Store.Rhythms(ctx, p.RiskFactor, now)
		if err != nil {
			return err
		}
		var ids []int64
		var levels []crm.RiskLevel
		var plan []crm.FollowUp
		notes := map[int64]string{}
		for _, r := range rs {
			level := crm.Risk(r.Last, r.Interval, p.RiskFactor, now)
			if level != r.Risk {
				ids, levels = append(ids, r.CustomerID), append(levels, level)
			}
			if level == crm.RiskNone || r.WinBack || r.OwnerID == 0 {
				continue
			}
			plan = append(plan, k.noted(ctx, notes, "winback", r.CustomerID, r.OwnerID, now))
		}
		for len(plan) > 0 {
			batch := plan[:min(RiskBatch, len(plan))]
			n, err := k.Store.PlanWinBacks(ctx, batch, now)
			if err != nil {
				return err
			}
			rep.WinBacks += n
			plan = plan[len(batch):]
		}
		rep.RiskChanged = len(ids)
		if err := k.Store.SetRisks(ctx, ids, levels); err != nil {
			return err
		}
		return k.relations(ctx, now, &rep)
	})
	return rep, err
}

// relations plans the follow-ups of the proactive and partnership levels.
func (k Risk) relations(ctx context.Context, now time.Time, rep *RiskReport) error {
	pol, err := k.Store.RelationshipPolicy(ctx)
	if err != nil {
		return err
	}
	ts, err := k.Store.RelationTargets(ctx, pol.Business.Level)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if rep.Relations >= RiskBatch {
			return nil
		}
		kind := crm.RelationshipDue(t.Level, t.LastContact, t.LastPlanned, now)
		if kind == "" {
			continue
		}
		ok, err := k.Store.PlanRelation(ctx, k.followUp(ctx, kind, t.CustomerID, t.OwnerID, now), t.LastPlanned, now)
		if err != nil {
			return err
		}
		if ok {
			rep.Relations++
		}
	}
	return nil
}

// noted is followUp with the note asked once per assignee in notes (a
// sweep plans thousands of win-backs for a few hundred reps).
func (k Risk) noted(ctx context.Context, notes map[int64]string, kind string, customerID, ownerID int64, now time.Time) crm.FollowUp {
	f := crm.FollowUp{CustomerID: customerID, AssigneeID: ownerID, DueAt: now.Add(time.Hour)}
	if k.Note == nil {
		return f
	}
	note, ok := notes[ownerID]
	if !ok {
		note = k.Note(ctx, kind, customerID, ownerID)
		notes[ownerID] = note
	}
	f.Note = note
	return f
}

// followUp is a planned follow-up for the owner, due in an hour (the
// reminder job then reminds them within their working hours).
func (k Risk) followUp(ctx context.Context, kind string, customerID, ownerID int64, now time.Time) crm.FollowUp {
	f := crm.FollowUp{CustomerID: customerID, AssigneeID: ownerID, DueAt: now.Add(time.Hour)}
	if k.Note != nil {
		f.Note = k.Note(ctx, kind, customerID, ownerID)
	}
	return f
}
