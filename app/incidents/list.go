package incidents

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/incident"
)

// Page is one page of incidents as the caller may see them.
type Page struct {
	Views      []View
	NextCursor string
}

// ForElder lists an elder's incidents, newest first, to the elder's
// family; anyone else is told the elder does not exist.
func (s *Service) ForElder(ctx context.Context, a actor.Actor, elderID, cursor string, limit int) (Page, error) {
	if a.UserID == "" {
		return Page{}, fault.ErrUnauthenticated
	}
	p, err := page.Parse(cursor, limit)
	if err != nil {
		return Page{}, err
	}
	e, _, err := s.familyElder(ctx, a.UserID, elderID)
	if err != nil {
		return Page{}, err
	}
	is, more, err := s.d.Incidents.ForElder(ctx, elderID, p)
	if err != nil {
		return Page{}, err
	}
	as := incident.Responder{UserID: a.UserID, Rung: incident.RungFamily, Role: incident.RoleFamily}
	out := Page{Views: make([]View, len(is))}
	for k, i := range is {
		out.Views[k] = s.view(i, as, e)
	}
	if len(is) > 0 {
		out.NextCursor = page.Cursor(is[len(is)-1].ID(), more)
	}
	return out, nil
}

// Mine lists the incidents a later rung called the caller to — the
// station's duty list and the operators' queue — newest first; live
// keeps those still open or acknowledged.
func (s *Service) Mine(ctx context.Context, a actor.Actor, live bool, cursor string, limit int) (Page, error) {
	if a.UserID == "" {
		return Page{}, fault.ErrUnauthenticated
	}
	p, err := page.Parse(cursor, limit)
	if err != nil {
		return Page{}, err
	}
	is, more, err := s.d.Incidents.ForResponder(ctx, a.UserID, live, p)
	if err != nil {
		return Page{}, err
	}
	out := Page{}
	for _, i := range is {
		r, ok := i.Responder(a.UserID)
		if !ok || r.Role == incident.RoleFamily {
			continue // the family finds theirs by elder, as members now
		}
		v, err := s.withElder(ctx, i, r)
		if err != nil {
			return Page{}, err
		}
		out.Views = append(out.Views, v)
	}
	if len(is) > 0 {
		out.NextCursor = page.Cursor(is[len(is)-1].ID(), more)
	}
	return out, nil
}
