// Package oversight lets the accounts above a regulator read what the
// regulator did (监管留痕): the append-only log every regulator action
// writes (audittrail.Officials). Who is above whom is the regions' rule
// (region.Scope.Above): a regulator whose regions contain another's and
// reach beyond them, or a platform admin. Peers and those below read
// nothing of each other; nobody reads a family's data here, only ids.
package oversight

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/region"
)

// Log reads the regulators' actions.
type Log interface {
	// Each calls fn for the actions about subjects in regions (code
	// prefixes; nil: anywhere), newest first, with ids before before,
	// until fn says stop (false) or fails.
	Each(ctx context.Context, regions []string, before string, fn func(audit.OfficialAction) (bool, error)) error
}

// Service gathers the oversight use cases.
type Service struct{ log Log }

func NewService(log Log) *Service { return &Service{log: log} }

// Query is one page, optionally of one regulator's actions, about
// subjects in one region (a six-digit code: a province, city or
// district; 422 region_code_invalid otherwise), taken in one month.
type Query struct {
	ActorID string
	Region  string
	Month   indicator.Month
	Cursor  string
	Limit   int
}

// clockSlack is how far apart two replicas' clocks may be: an action's
// id (time ordered, from one replica's clock) and its time (from
// another's, perhaps) agree to within it, so a month's actions are read
// until this much before it began.
const clockSlack = time.Minute

// Page is one page of actions, newest first, and the cursor to the next.
type Page struct {
	Actions    []audit.OfficialAction
	NextCursor string
}

// List shows the caller the actions of the regulators below them, about
// subjects in the caller's regions; everything to a platform admin.
// Regulators and platform admins only (403).
func (s *Service) List(ctx context.Context, a actor.Actor, q Query) (Page, error) {
	if err := a.Require(identity.RoleRegulator, identity.RolePlatformAdmin); err != nil {
		return Page{}, err
	}
	p, err := page.Parse(q.Cursor, q.Limit)
	if err != nil {
		return Page{}, err
	}
	admin := a.Roles.Has(identity.RolePlatformAdmin)
	var filter string
	if q.Region != "" {
		c, err := region.ParseCode(q.Region)
		if err != nil {
			return Page{}, err
		}
		filter = c.Prefix()
	}
	var regions []string
	switch {
	case !admin:
		if regions = a.Regions.Narrow(filter); len(regions) == 0 {
			return Page{Actions: []audit.OfficialAction{}}, nil
		}
	case filter != "":
		regions = []string{filter}
	}
	out := Page{Actions: []audit.OfficialAction{}}
	more := false
	err = s.log.Each(ctx, regions, p.After, func(e audit.OfficialAction) (bool, error) {
		if !q.Month.IsZero() {
			if e.At.Before(q.Month.Start().Add(-clockSlack)) {
				return false, nil // newest first: the rest is older
			}
			if indicator.MonthOf(e.At) != q.Month {
				return true, nil
			}
		}
		if q.ActorID != "" && e.ActorID != q.ActorID {
			return true, nil
		}
		if !admin && (e.ActorID == a.UserID || !a.Regions.Above(region.UnmarshalScope(e.ActorRegions))) {
			return true, nil
		}
		if len(out.Actions) == p.Limit {
			more = true
			return false, nil
		}
		out.Actions = append(out.Actions, e)
		return true, nil
	})
	if err != nil {
		return Page{}, err
	}
	if n := len(out.Actions); n > 0 {
		out.NextCursor = page.Cursor(out.Actions[n-1].ID, more)
	}
	return out, nil
}
