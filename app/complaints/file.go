package complaints

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// FileCommand is a family member's complaint. FamilyID is needed only
// for a complaint about a provider: an order or a booking names its
// family.
type FileCommand struct {
	Subject   complaint.Subject
	FamilyID  string
	Category  string
	Text      string
	PhotoKeys []string
	Desired   string
}

// File opens a complaint for a member of the family the subject belongs
// to: an order or a booking of another family is not found, exactly as
// one that does not exist. An order or a booking takes one complaint
// (complaint_exists names it). The provider's office is told at once and
// has RespondWithin to answer.
func (s *Service) File(ctx context.Context, a actor.Actor, cmd FileCommand) (*complaint.Complaint, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	familyID, providerID, err := s.subject(ctx, a, cmd)
	if err != nil {
		return nil, err
	}
	p, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return nil, err
	}
	c, err := complaint.New(complaint.Draft{ID: s.d.NewID(), FamilyID: familyID, FiledBy: a.UserID, Subject: cmd.Subject,
		ProviderID: p.ID, ProviderName: p.Profile.LegalName, RegionCode: p.Profile.Address.RegionCode,
		TimeZone: p.Profile.TimeZone, Category: complaint.Category(cmd.Category), Text: cmd.Text,
		PhotoKeys: cmd.PhotoKeys, Desired: complaint.Resolution(cmd.Desired), RespondWithin: s.d.RespondWithin},
		s.d.NewID(), s.d.Now())
	if err != nil {
		return nil, err
	}
	if err := s.d.Complaints.Create(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// subject finds the family and the provider of what the complaint is
// about, for a member of that family.
func (s *Service) subject(ctx context.Context, a actor.Actor, cmd FileCommand) (familyID, providerID string, err error) {
	switch cmd.Subject.Kind {
	case complaint.AboutOrder:
		o, _, err := s.d.Orders.Get(ctx, cmd.Subject.ID)
		if err != nil {
			return "", "", err
		}
		if _, err := familyaccess.OwnerOf(ctx, s.d.Families, a, o.FamilyID(), order.ErrNotFound); err != nil {
			return "", "", err
		}
		return o.FamilyID(), o.ProviderID(), nil
	case complaint.AboutBooking:
		b, err := s.d.Bookings.Get(ctx, cmd.Subject.ID)
		if err != nil {
			return "", "", err
		}
		if _, err := familyaccess.OwnerOf(ctx, s.d.Families, a, b.FamilyID(), reservation.ErrBookingNotFound); err != nil {
			return "", "", err
		}
		return b.FamilyID(), b.ProviderID(), nil
	case complaint.AboutProvider:
		if cmd.FamilyID == "" {
			return "", "", complaint.ErrInvalid.WithFields(fault.FieldError{Field: "/familyId", Code: "required"})
		}
		if _, err := familyaccess.Member(ctx, s.d.Families, a, cmd.FamilyID); err != nil {
			return "", "", err
		}
		p, err := s.d.Providers.Get(ctx, cmd.Subject.ID)
		if err != nil {
			return "", "", err
		}
		// One that never served families (pending, rejected) is not
		// there to complain about; a suspended or black-listed one is.
		if p.Status != provider.Verified && p.Status != provider.Suspended {
			return "", "", provider.ErrNotFound
		}
		return cmd.FamilyID, p.ID, nil
	}
	return "", "", complaint.ErrInvalid.WithFields(fault.FieldError{Field: "/subject/kind", Code: "enum"})
}
