package orders

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

// ListQuery is one page of a list, narrowed by elder and statuses.
type ListQuery struct {
	ElderID  string
	Statuses []order.Status
	From, To time.Time // window start, From ≤ start < To; zero: open
	Cursor   string
	Limit    int
}

// Page is one page of orders with the cursor to the next.
type Page struct {
	Views      []View
	NextCursor string
}

// ForFamily lists a family's orders for one of its members.
func (s *Service) ForFamily(ctx context.Context, a actor.Actor, familyID string, q ListQuery) (Page, error) {
	if _, err := familyaccess.Member(ctx, s.d.Families, a, familyID); err != nil {
		return Page{}, err
	}
	return s.page(ctx, Filter{FamilyID: familyID, ElderID: q.ElderID, Statuses: q.Statuses, From: q.From, To: q.To}, q,
		order.PartyFamily, a)
}

// ForProvider lists a provider's orders for its admins and office staff.
func (s *Service) ForProvider(ctx context.Context, a actor.Actor, providerID string, q ListQuery) (Page, error) {
	p, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return Page{}, err
	}
	if !p.InOffice(a.UserID) {
		return Page{}, provider.ErrNotFound
	}
	return s.page(ctx, Filter{ProviderID: providerID, ElderID: q.ElderID, Statuses: q.Statuses, From: q.From, To: q.To},
		q, order.PartyProvider, a)
}

// ForCaregiver lists the orders assigned to the calling caregiver, past
// and present, of the providers they still work for: the orders of a
// provider they left are its records, no longer theirs to read.
func (s *Service) ForCaregiver(ctx context.Context, a actor.Actor, q ListQuery) (Page, error) {
	if a.UserID == "" {
		return Page{}, fault.ErrUnauthenticated
	}
	p, err := s.page(ctx, Filter{CaregiverID: a.UserID, Statuses: q.Statuses, From: q.From, To: q.To}, q,
		order.PartyCaregiver, a)
	if err != nil {
		return Page{}, err
	}
	employers := s.employersOf(a)
	kept := p.Views[:0]
	for _, v := range p.Views {
		ok, err := employers.employ(ctx, v.Order.ProviderID())
		if err != nil {
			return Page{}, err
		}
		if ok {
			kept = append(kept, v)
		}
	}
	// The cursor stays the page's last order read, so a page emptied by
	// the filter still leads to the next.
	p.Views = kept
	return p, nil
}

func (s *Service) page(ctx context.Context, f Filter, q ListQuery, as order.Party, a actor.Actor) (Page, error) {
	p, err := page.Parse(q.Cursor, q.Limit)
	if err != nil {
		return Page{}, err
	}
	list, more, err := s.d.Orders.List(ctx, f, p)
	if err != nil {
		return Page{}, err
	}
	now := s.d.Now()
	out := Page{Views: make([]View, len(list))}
	for i, o := range list {
		show := as != order.PartyCaregiver || (o.CaregiverID() == a.UserID && o.CaregiverMaySeeAddress(now))
		out.Views[i] = View{Order: o, As: as, ShowAddress: show}
	}
	if len(list) > 0 {
		out.NextCursor = page.Cursor(list[len(list)-1].ID(), more)
	}
	return out, nil
}
