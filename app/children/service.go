package children

import (
	"context"
	"fmt"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// Service gathers the child use cases.
type Service struct{ d Deps }

// Deps are the adapters the child use cases need.
type Deps struct {
	Children Store
	Families Families
	Audit    *audittrail.Recorder
	Now      func() time.Time
	NewID    func() string
}

func NewService(d Deps) *Service { return &Service{d: d} }

// View is a child with their age counted in months in the family's zone.
type View struct {
	Child     child.Child
	AgeMonths int
}

// view shows the pickup persons authorized now: a one-time person whose
// day is over is no longer one.
func (s *Service) view(c child.Child, f *family.Family) View {
	now := s.d.Now()
	c.PickupPersons = c.Pickups(now)
	return View{Child: c, AgeMonths: c.Profile.AgeMonthsOn(calendar.Today(now, f.Location()))}
}

// access loads a child for a member of their family; to anyone else the
// child does not exist.
func (s *Service) access(ctx context.Context, a actor.Actor, childID string) (child.Child, *family.Family, error) {
	c, err := s.d.Children.Get(ctx, childID)
	if err != nil {
		return child.Child{}, nil, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.d.Families, a, c.FamilyID, child.ErrNotFound)
	if err != nil {
		return child.Child{}, nil, err
	}
	return c, f, nil
}

// ProfileInput is a child's profile as sent; nil means unchanged.
type ProfileInput struct {
	Name, BirthDate, Gender, Allergies, HealthNotes *string
}

func (in ProfileInput) apply(p child.Profile) (child.Profile, error) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.Name, in.Name)
	set(&p.Allergies, in.Allergies)
	set(&p.HealthNotes, in.HealthNotes)
	if in.Gender != nil {
		p.Gender = child.Gender(*in.Gender)
	}
	if in.BirthDate != nil {
		d, err := calendar.ParseDate(*in.BirthDate)
		if err != nil {
			return p, child.ErrInvalid.WithFields(fault.FieldError{Field: "/birthDate", Code: "date_invalid"})
		}
		p.BirthDate = d
	}
	return p, nil
}

// Create adds a child; the family must have consented to child data.
func (s *Service) Create(ctx context.Context, a actor.Actor, familyID string, in ProfileInput) (View, error) {
	f, err := familyaccess.Member(ctx, s.d.Families, a, familyID)
	if err != nil {
		return View{}, err
	}
	if err := f.RequireConsent(consent.ChildData, ""); err != nil {
		return View{}, err
	}
	p, err := in.apply(child.Profile{})
	if err != nil {
		return View{}, err
	}
	if p, err = p.Validate(calendar.Today(s.d.Now(), f.Location())); err != nil {
		return View{}, err
	}
	c := child.Child{ID: s.d.NewID(), FamilyID: familyID, Profile: p, CreatedBy: a.UserID, CreatedAt: s.d.Now().UTC()}
	if err := s.d.Children.Create(ctx, c); err != nil {
		return View{}, fmt.Errorf("create child: %w", err)
	}
	s.d.Audit.Record(ctx, a, familyID, audit.Create, "child", c.ID)
	if err := s.confirmConsent(ctx, familyID); err != nil {
		return View{}, err
	}
	return s.view(c, f), nil
}

// Get shows a child to a member of their family, audited.
func (s *Service) Get(ctx context.Context, a actor.Actor, childID string) (View, error) {
	c, f, err := s.access(ctx, a, childID)
	if err != nil {
		return View{}, err
	}
	if err := s.d.Audit.RecordRead(ctx, a, f.ID(), "child", c.ID); err != nil {
		return View{}, err
	}
	return s.view(c, f), nil
}

// List pages through a family's children, audited.
func (s *Service) List(ctx context.Context, a actor.Actor, familyID string, p page.Request) ([]View, bool, error) {
	f, err := familyaccess.Member(ctx, s.d.Families, a, familyID)
	if err != nil {
		return nil, false, err
	}
	cs, more, err := s.d.Children.ListByFamily(ctx, familyID, p)
	if err != nil {
		return nil, false, err
	}
	out := make([]View, len(cs))
	for i, c := range cs {
		out[i] = s.view(c, f)
	}
	if err := s.d.Audit.RecordRead(ctx, a, familyID, "child_list", familyID); err != nil {
		return nil, false, err
	}
	return out, more, nil
}

// Update changes a child's profile, under consent.
func (s *Service) Update(ctx context.Context, a actor.Actor, childID string, in ProfileInput) (View, error) {
	_, f, err := s.access(ctx, a, childID)
	if err != nil {
		return View{}, err
	}
	if err := f.RequireConsent(consent.ChildData, ""); err != nil {
		return View{}, err
	}
	today := calendar.Today(s.d.Now(), f.Location())
	c, err := s.d.Children.Update(ctx, childID, func(c *child.Child) error {
		p, err := in.apply(c.Profile)
		if err != nil {
			return err
		}
		c.Profile, err = p.Validate(today)
		return err
	})
	if err != nil {
		return View{}, err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Update, "child", childID)
	if err := s.confirmConsent(ctx, f.ID()); err != nil {
		return View{}, err
	}
	return s.view(c, f), nil
}

// Delete removes a child's record; any member may.
func (s *Service) Delete(ctx context.Context, a actor.Actor, childID string) error {
	_, f, err := s.access(ctx, a, childID)
	if err != nil {
		return err
	}
	if err := s.d.Children.Delete(ctx, childID); err != nil {
		return err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Delete, "child", childID)
	return nil
}

// PickupInput is a pickup person as a parent enters them.
type PickupInput struct {
	Name, Relation, Phone, IDLast4, PhotoRef string
}

// AddPickup authorizes someone to collect the child. It is audited, and
// the rest of the family is told.
func (s *Service) AddPickup(ctx context.Context, a actor.Actor, childID string, in PickupInput) (child.PickupPerson, error) {
	_, f, err := s.access(ctx, a, childID)
	if err != nil {
		return child.PickupPerson{}, err
	}
	if err := f.RequireConsent(consent.ChildData, ""); err != nil {
		return child.PickupPerson{}, err
	}
	phone, err := identity.ParsePhone(in.Phone)
	if err != nil {
		return child.PickupPerson{}, child.ErrInvalid.WithFields(fault.FieldError{Field: "/phone", Code: "phone_invalid"})
	}
	p, err := child.ValidatePickup(childID, child.PickupPerson{ID: s.d.NewID(), Name: in.Name, Relation: in.Relation,
		Phone: phone, IDLast4: in.IDLast4, PhotoRef: in.PhotoRef, AddedBy: a.UserID, AddedAt: s.d.Now().UTC()})
	if err != nil {
		return child.PickupPerson{}, err
	}
	if _, err := s.d.Children.Update(ctx, childID, func(c *child.Child) error {
		if err := c.AddPickup(p); err != nil {
			return err
		}
		return c.AnnouncePickup(s.d.NewID(), child.EventPickupAdded, p, a.UserID, s.d.Now())
	}); err != nil {
		return child.PickupPerson{}, err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Create, "pickup_person", p.ID)
	if err := s.confirmConsent(ctx, f.ID()); err != nil {
		return child.PickupPerson{}, err
	}
	return p, nil
}

// AddOneTimePickup authorizes someone to collect the child until until
// (the coming midnight where the child is cared for; untilLocal is how
// that reads on the provider's clock). Audited, and the rest of the
// family is told, as for every pickup change. app/childday decides until.
func (s *Service) AddOneTimePickup(ctx context.Context, a actor.Actor, childID string, in PickupInput, until time.Time,
	untilLocal string) (child.PickupPerson, error) {
	_, f, err := s.access(ctx, a, childID)
	if err != nil {
		return child.PickupPerson{}, err
	}
	if err := f.RequireConsent(consent.ChildData, ""); err != nil {
		return child.PickupPerson{}, err
	}
	phone, err := identity.ParsePhone(in.Phone)
	if err != nil {
		return child.PickupPerson{}, child.ErrInvalid.WithFields(fault.FieldError{Field: "/phone", Code: "phone_invalid"})
	}
	now := s.d.Now()
	p, err := child.ValidatePickup(childID, child.PickupPerson{ID: s.d.NewID(), Name: in.Name, Relation: in.Relation,
		Phone: phone, IDLast4: in.IDLast4, PhotoRef: in.PhotoRef, AddedBy: a.UserID, AddedAt: now.UTC()})
	if err != nil {
		return child.PickupPerson{}, err
	}
	var added child.PickupPerson
	if _, err := s.d.Children.Update(ctx, childID, func(c *child.Child) error {
		if err := c.AddOneTimePickup(p, until, now); err != nil {
			return err
		}
		added = c.PickupPersons[len(c.PickupPersons)-1]
		return c.AnnounceOneTimePickup(s.d.NewID(), added, a.UserID, untilLocal, now)
	}); err != nil {
		return child.PickupPerson{}, err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Create, "pickup_person", p.ID)
	if err := s.confirmConsent(ctx, f.ID()); err != nil {
		return child.PickupPerson{}, err
	}
	return added, nil
}

// RemovePickup withdraws an authorization at once.
func (s *Service) RemovePickup(ctx context.Context, a actor.Actor, childID, pickupID string) error {
	_, f, err := s.access(ctx, a, childID)
	if err != nil {
		return err
	}
	if _, err := s.d.Children.Update(ctx, childID, func(c *child.Child) error {
		p, err := c.RemovePickup(pickupID)
		if err != nil {
			return err
		}
		return c.AnnouncePickup(s.d.NewID(), child.EventPickupRemoved, p, a.UserID, s.d.Now())
	}); err != nil {
		return err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Delete, "pickup_person", pickupID)
	return nil
}

// confirmConsent closes the race with a withdrawal: the consent lives in
// the family's document and children in their own, so a write checked
// before a withdrawal may land after its erase. After writing, read the
// consent again; if it is gone, erase the family's children again and
// refuse.
func (s *Service) confirmConsent(ctx context.Context, familyID string) error {
	f, err := s.d.Families.Get(ctx, familyID)
	if err != nil {
		return err
	}
	cerr := f.RequireConsent(consent.ChildData, "")
	if cerr == nil {
		return nil
	}
	if err := s.d.Children.DeleteByFamily(ctx, familyID); err != nil {
		return fmt.Errorf("erase child data written after consent was withdrawn: %w", err)
	}
	return cerr
}

// ViewIn is the view of c in family f at now, for exports.
func ViewIn(c child.Child, f *family.Family, now time.Time) View {
	return View{Child: c, AgeMonths: c.Profile.AgeMonthsOn(calendar.Today(now, f.Location()))}
}
