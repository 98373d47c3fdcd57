// Package oversight lets the accounts above a regulator read what the
// regulator did (监管留痕): the append-only log every regulator action
// writes (audittrail.Officials). Who is above whom is the regions' rule
// (region.Scope.Above): a regulator whose regions contain another's and
// reach beyond them, or a platform admin. Peers and those below read
// nothing of each other; nobody reads a family's data here, only ids.
package oversight

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/identity"
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

// Query is one page, optionally of one regulator's actions.
type Query struct {
	ActorID string
	Cursor  string
	Limit   int
}

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
	var regions []string
	if !admin {
		if regions = a.Regions.Prefixes(); len(regions) == 0 {
			return Page{Actions: []audit.OfficialAction{}}, nil
		}
	}
	out := Page{Actions: []audit.OfficialAction{}}
	more := false
	err = s.log.Each(ctx, regions, p.After, func(e audit.OfficialAction) (bool, error) {
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
