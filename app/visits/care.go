package visits

import (
	"context"
	"errors"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/visit"
)

// official is who acts on an elder's record: a regulator of the elder's
// region, or a station serving the elder's address (stationID set).
type official struct {
	role      visit.MarkerRole
	stationID string
}

// officialFor decides whether the actor speaks officially for the elder:
// a regulator whose regions cover the address; the office (admin or
// staff) of a station serving it, whose record names that station when
// the record has none yet or names it already. A member of the elder's
// family is refused with 403 (their word is not an official record);
// anyone else meets no such elder.
func (s *Service) officialFor(ctx context.Context, a actor.Actor, e elder.Elder, current string) (official, error) {
	if a.UserID == "" {
		return official{}, fault.ErrUnauthenticated
	}
	if a.Regulates(e.Profile.Address.RegionCode) {
		return official{role: visit.ByRegulator}, nil
	}
	if a.Roles.HasAny(identity.RoleProviderAdmin, identity.RoleProviderStaff) {
		ps, err := s.d.Stations.Serving(ctx, e.Profile.Address)
		if err != nil {
			return official{}, err
		}
		for _, p := range ps {
			if (p.IsAdmin(a.UserID) || office(p, a.UserID)) && (current == "" || current == p.ID) {
				return official{role: visit.ByStation, stationID: p.ID}, nil
			}
		}
	}
	if s.familyMember(ctx, a.UserID, e.FamilyID) {
		return official{}, visit.ErrOfficialOnly
	}
	return official{}, elder.ErrNotFound
}

// office reports whether userID is a station's office staff (not a
// caregiver: they visit, they do not mark).
func office(p *provider.Provider, userID string) bool {
	st := p.StaffMember(userID)
	return st != nil && st.Role == provider.StaffOffice
}

func (s *Service) familyMember(ctx context.Context, userID, familyID string) bool {
	f, err := s.d.Families.Get(ctx, familyID)
	return err == nil && f.RequireMember(userID) == nil
}

// MarkCommand sets an elder's vulnerable categories.
type MarkCommand struct {
	ElderID    string
	Categories []visit.Category
	Reason     string
}

// Mark records the categories as the official word of the caller. A
// regulator's marking leaves the record with the station serving the
// address nearest (or the one it names already).
func (s *Service) Mark(ctx context.Context, a actor.Actor, cmd MarkCommand) (*visit.Care, error) {
	e, err := s.d.Elders.Get(ctx, cmd.ElderID)
	if err != nil {
		return nil, err
	}
	current := ""
	if c, err := s.d.Cares.Get(ctx, e.ID); err == nil {
		current = c.StationID
	} else if !errors.Is(err, visit.ErrNotFound) {
		return nil, err
	}
	who, err := s.officialFor(ctx, a, e, current)
	if err != nil {
		return nil, err
	}
	station := who.stationID
	if station == "" && current == "" {
		ps, err := s.d.Stations.Serving(ctx, e.Profile.Address)
		if err != nil {
			return nil, err
		}
		if len(ps) > 0 {
			station = ps[0].ID
		}
	}
	zone := family.DefaultTimeZone
	if f, err := s.d.Families.Get(ctx, e.FamilyID); err == nil {
		zone = f.TimeZone()
	}
	fresh := func() *visit.Care {
		return &visit.Care{ElderID: e.ID, FamilyID: e.FamilyID}
	}
	return s.d.Cares.Upsert(ctx, e.ID, fresh, func(c *visit.Care) error {
		// What the record copies of the elder is refreshed by every
		// marking: a move changes the region that counts the elder.
		c.ElderName, c.RegionCode, c.TimeZone = e.Profile.Name, e.Profile.Address.RegionCode, zone
		return c.Mark(cmd.Categories, a.UserID, who.role, station, cmd.Reason, s.d.NewID(), s.d.Now())
	})
}

// AssignCommand names an elder's visitor.
type AssignCommand struct {
	ElderID string
	UserID  string
	Kind    visit.VisitorKind
}

// Assign makes a user the visitor of a marked elder: the station's own
// staff, a volunteer a station verified, or a community worker the
// official vouches for.
func (s *Service) Assign(ctx context.Context, a actor.Actor, cmd AssignCommand) (*visit.Care, error) {
	e, err := s.d.Elders.Get(ctx, cmd.ElderID)
	if err != nil {
		return nil, err
	}
	c, err := s.d.Cares.Get(ctx, e.ID)
	if errors.Is(err, visit.ErrNotFound) {
		if _, err := s.officialFor(ctx, a, e, ""); err != nil {
			return nil, err
		}
		return nil, visit.ErrNotVulnerable
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.officialFor(ctx, a, e, c.StationID); err != nil {
		return nil, err
	}
	if err := s.eligible(ctx, c.StationID, cmd.UserID, cmd.Kind); err != nil {
		return nil, err
	}
	return s.d.Cares.Update(ctx, e.ID, func(c *visit.Care) error {
		return c.Assign(cmd.UserID, cmd.Kind, a.UserID, s.d.NewID(), s.d.Now())
	})
}

func (s *Service) eligible(ctx context.Context, stationID, userID string, kind visit.VisitorKind) error {
	ineligible := visit.ErrVisitorIneligible.WithFields(fault.FieldError{Field: "/userId", Code: "ineligible"})
	if _, err := s.d.Users.ByID(ctx, userID); err != nil {
		if fe, ok := fault.As(err); ok && fe.Kind == fault.NotFound {
			return ineligible
		}
		return err
	}
	switch kind {
	case visit.ProviderStaff:
		if stationID == "" {
			return ineligible
		}
		p, err := s.d.Providers.Get(ctx, stationID)
		if err != nil {
			return err
		}
		if !p.IsAdmin(userID) && p.StaffMember(userID) == nil {
			return ineligible
		}
	case visit.ByVolunteer:
		v, err := s.d.Volunteers.Get(ctx, userID)
		if errors.Is(err, visit.ErrVolunteerNotFound) {
			return ineligible
		}
		if err != nil {
			return err
		}
		if !v.Verified() {
			return visit.ErrVolunteerNotVerified
		}
	case visit.CommunityWorker:
	default:
		return visit.ErrInvalid.WithFields(fault.FieldError{Field: "/kind", Code: "enum"})
	}
	return nil
}

// CareView is an elder's record and the elder it is about.
type CareView struct {
	Care  *visit.Care
	Elder elder.Elder
}

// Care is an elder's record, for the family, the officials and the
// assigned visitor, with the elder's name and address: the visitor must
// find the door, and the officials answer for the visits. A read by
// anyone outside the family is in the family's audit log before the
// address is returned (a read that cannot be logged fails): the family
// sees who was given the elder's address.
func (s *Service) Care(ctx context.Context, a actor.Actor, elderID string) (CareView, error) {
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return CareView{}, err
	}
	c, err := s.d.Cares.Get(ctx, e.ID)
	if err != nil && !errors.Is(err, visit.ErrNotFound) {
		return CareView{}, err
	}
	if c != nil && c.Visitor != nil && c.Visitor.UserID == a.UserID && c.Vulnerable() {
		return s.careView(ctx, a, c, e)
	}
	current := ""
	if c != nil {
		current = c.StationID
	}
	_, err = s.officialFor(ctx, a, e, current)
	familyReads := errors.Is(err, visit.ErrOfficialOnly) // the family reads what officials wrote
	if err != nil && !familyReads {
		return CareView{}, err
	}
	if c == nil {
		return CareView{}, visit.ErrNotFound
	}
	if familyReads {
		return CareView{Care: c, Elder: e}, nil
	}
	return s.careView(ctx, a, c, e)
}

// careView is the record with the elder's address for someone outside
// the family, once the read is in the family's audit log.
func (s *Service) careView(ctx context.Context, a actor.Actor, c *visit.Care, e elder.Elder) (CareView, error) {
	if err := s.d.Audit.RecordRead(ctx, a, e.FamilyID, AuditElderAddress, e.ID); err != nil {
		return CareView{}, err
	}
	return CareView{Care: c, Elder: e}, nil
}

// AuditElderAddress is the audit log's resource for a read of an elder's
// address and care notes by a visitor or an official.
const AuditElderAddress = "elder_address"
