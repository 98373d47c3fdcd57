package complaints

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
)

// party says as whom the caller stands in a complaint, or refuses with
// complaint_not_found: a member of its family, an admin or office staff
// member of its provider, or a regulator of the provider's region once it
// was escalated. The
// family comes first: a regulator does not judge their own family's
// complaint, nor a provider's staff answer as the provider for it.
func (s *Service) party(ctx context.Context, a actor.Actor, c *complaint.Complaint) (complaint.Actor, error) {
	if a.UserID == "" {
		return complaint.Actor{}, fault.ErrUnauthenticated
	}
	f, err := s.d.Families.Get(ctx, c.FamilyID())
	if err != nil && !fault.Is(err, family.ErrNotFound) {
		return complaint.Actor{}, err
	}
	if f != nil && f.RequireMember(a.UserID) == nil {
		return complaint.ByFamily(a.UserID), nil
	}
	p, err := s.d.Providers.Get(ctx, c.ProviderID())
	if err != nil && !fault.Is(err, provider.ErrNotFound) {
		return complaint.Actor{}, err
	}
	if p != nil && p.InOffice(a.UserID) {
		return complaint.ByProvider(a.UserID), nil
	}
	if a.Regulates(c.RegionCode()) && c.RegulatorMaySee(s.d.Now()) {
		return complaint.ByRegulator(a.UserID), nil
	}
	return complaint.Actor{}, complaint.ErrNotFound
}

// View is a complaint as one caller may see it.
type View struct {
	Complaint *complaint.Complaint
	As        complaint.Party
}

// Get returns a complaint to someone allowed to see it. A regulator's
// read is an official act (it shows a family's words): it goes in the
// officials' log.
func (s *Service) Get(ctx context.Context, a actor.Actor, id string) (View, error) {
	v, err := s.view(ctx, a, id)
	if err == nil && v.As == complaint.PartyRegulator {
		s.d.Officials.Record(ctx, a, audit.ReadComplaint, "complaint", id, v.Complaint.RegionCode(), "")
	}
	return v, err
}

func (s *Service) view(ctx context.Context, a actor.Actor, id string) (View, error) {
	c, err := s.d.Complaints.Get(ctx, id)
	if err != nil {
		return View{}, err
	}
	by, err := s.party(ctx, a, c)
	if err != nil {
		return View{}, err
	}
	return View{Complaint: c, As: by.Party}, nil
}

// act loads the complaint for the caller, as whichever party they are
// in it, and applies step in one versioned write with its events. The
// complaint decides whether that party may take the step now.
func (s *Service) act(ctx context.Context, a actor.Actor, id string,
	step func(c *complaint.Complaint, by complaint.Actor) error) (View, error) {
	v, err := s.view(ctx, a, id)
	if err != nil {
		return View{}, err
	}
	by := complaint.Actor{UserID: a.UserID, Party: v.As}
	c, err := s.d.Complaints.Update(ctx, id, func(c *complaint.Complaint) error { return step(c, by) })
	if err != nil {
		return View{}, err
	}
	return View{Complaint: c, As: v.As}, nil
}
