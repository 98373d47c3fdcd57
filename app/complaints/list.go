package complaints

import (
	"context"
	"regexp"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
)

// ListQuery is one page of a list, narrowed by statuses.
type ListQuery struct {
	Statuses []complaint.Status
	// Region narrows the regulator's list to providers in a province,
	// city or district (2, 4 or 6 digits).
	Region string
	Cursor string
	Limit  int
}

// Page is one page of complaints with the cursor to the next.
type Page struct {
	Views      []View
	NextCursor string
}

// ForFamily lists a family's complaints for one of its members.
func (s *Service) ForFamily(ctx context.Context, a actor.Actor, familyID string, q ListQuery) (Page, error) {
	if _, err := familyaccess.Member(ctx, s.d.Families, a, familyID); err != nil {
		return Page{}, err
	}
	return s.page(ctx, Filter{FamilyID: familyID, Statuses: q.Statuses}, q, complaint.PartyFamily)
}

// ForProvider lists the complaints about a provider for its admins and
// office staff; to anyone else the provider is not found.
func (s *Service) ForProvider(ctx context.Context, a actor.Actor, providerID string, q ListQuery) (Page, error) {
	p, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return Page{}, err
	}
	if !p.InOffice(a.UserID) {
		return Page{}, provider.ErrNotFound
	}
	return s.page(ctx, Filter{ProviderID: providerID, Statuses: q.Statuses}, q, complaint.PartyProvider)
}

var regionPrefix = regexp.MustCompile(`^[1-9][0-9](?:[0-9]{2}){0,2}$`)

// ErrRegionInvalid is a region filter that is not a province, city or
// district code.
var ErrRegionInvalid = fault.New(fault.Invalid, "region_invalid")

// ForRegulator lists the complaints that went to the regulator about
// providers in the caller's regions, newest first, optionally narrowed to
// one region (see the package comment on regions).
func (s *Service) ForRegulator(ctx context.Context, a actor.Actor, q ListQuery) (Page, error) {
	if err := a.Require(identity.RoleRegulator); err != nil {
		return Page{}, err
	}
	if q.Region != "" && !regionPrefix.MatchString(q.Region) {
		return Page{}, ErrRegionInvalid.WithFields(fault.FieldError{Field: "query.region", Code: "pattern"})
	}
	within := a.Regions.Narrow(q.Region)
	if len(within) == 0 {
		// Nothing lies both in the caller's regions and under the filter.
		return Page{Views: []View{}}, nil
	}
	return s.page(ctx, Filter{Escalated: true, Statuses: q.Statuses, Within: within}, q, complaint.PartyRegulator)
}

func (s *Service) page(ctx context.Context, f Filter, q ListQuery, as complaint.Party) (Page, error) {
	p, err := page.Parse(q.Cursor, q.Limit)
	if err != nil {
		return Page{}, err
	}
	list, more, err := s.d.Complaints.List(ctx, f, p)
	if err != nil {
		return Page{}, err
	}
	out := Page{Views: make([]View, len(list))}
	for i, c := range list {
		out.Views[i] = View{Complaint: c, As: as}
	}
	if len(list) > 0 {
		out.NextCursor = page.Cursor(list[len(list)-1].ID(), more)
	}
	return out, nil
}
