package elders

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
)

// Create adds an elder to a family the caller belongs to. Health
// conditions cannot be given yet: consent names the elder, so it can
// only be recorded once the elder exists.
func (s *Service) Create(ctx context.Context, a actor.Actor, familyID string, in ProfileInput) (View, error) {
	f, err := familyaccess.Member(ctx, s.d.Families, a, familyID)
	if err != nil {
		return View{}, err
	}
	if in.Conditions != nil && len(*in.Conditions) > 0 {
		return View{}, consent.ErrRequired.With(map[string]any{"scope": string(consent.ElderHealth)}).
			WithFields(fault.FieldError{Field: "/conditions", Code: "consent_required"})
	}
	p, err := in.apply(elder.Profile{})
	if err != nil {
		return View{}, err
	}
	if p, err = p.Validate(calendar.Today(s.d.Now(), f.Location())); err != nil {
		return View{}, err
	}
	e := elder.Elder{ID: s.d.NewID(), FamilyID: familyID, Profile: p, CreatedBy: a.UserID, CreatedAt: s.d.Now().UTC()}
	if err := s.d.Elders.Create(ctx, e); err != nil {
		return View{}, fmt.Errorf("create elder: %w", err)
	}
	s.d.Audit.Record(ctx, a, familyID, audit.Create, "elder", e.ID)
	return s.view(e, f), nil
}

// Get shows an elder to a member of their family, and audits the read:
// the record holds an address, contacts and possibly health data.
func (s *Service) Get(ctx context.Context, a actor.Actor, elderID string) (View, error) {
	e, f, err := s.access(ctx, a, elderID)
	if err != nil {
		return View{}, err
	}
	if err := s.d.Audit.RecordRead(ctx, a, f.ID(), "elder", e.ID); err != nil {
		return View{}, err
	}
	return s.view(e, f), nil
}

// List pages through a family's elders.
func (s *Service) List(ctx context.Context, a actor.Actor, familyID string, p page.Request) ([]View, bool, error) {
	f, err := familyaccess.Member(ctx, s.d.Families, a, familyID)
	if err != nil {
		return nil, false, err
	}
	es, more, err := s.d.Elders.ListByFamily(ctx, familyID, p)
	if err != nil {
		return nil, false, err
	}
	out := make([]View, len(es))
	for i, e := range es {
		out[i] = s.view(e, f)
	}
	if err := s.d.Audit.RecordRead(ctx, a, familyID, "elder_list", familyID); err != nil {
		return nil, false, err
	}
	return out, more, nil
}

// Update changes profile fields and, under consent, health conditions.
func (s *Service) Update(ctx context.Context, a actor.Actor, elderID string, in ProfileInput) (View, error) {
	_, f, err := s.access(ctx, a, elderID)
	if err != nil {
		return View{}, err
	}
	var conditions []string
	if in.Conditions != nil {
		if err := f.RequireConsent(consent.ElderHealth, elderID); err != nil {
			return View{}, err.(*fault.Error).WithFields(fault.FieldError{Field: "/conditions", Code: "consent_required"})
		}
		if conditions, err = elder.ValidateConditions(*in.Conditions); err != nil {
			return View{}, err
		}
	}
	today := calendar.Today(s.d.Now(), f.Location())
	e, err := s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error {
		p, err := in.apply(e.Profile)
		if err != nil {
			return err
		}
		if e.Profile, err = p.Validate(today); err != nil {
			return err
		}
		if in.Conditions != nil {
			e.Health.Conditions = conditions
		}
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Update, "elder", elderID)
	if in.Conditions != nil {
		s.d.Audit.Record(ctx, a, f.ID(), audit.Update, "elder_health", elderID)
		if err := s.confirmHealthConsent(ctx, f.ID(), elderID); err != nil {
			return View{}, err
		}
	}
	return s.view(e, f), nil
}

// confirmHealthConsent closes the race with a withdrawal. Consent lives
// in the family's document and health in the elder's, and no write spans
// both: a health write checked before the withdrawal may land after its
// erase. So after writing, read the consent again; if it is gone, erase
// what was written and refuse.
func (s *Service) confirmHealthConsent(ctx context.Context, familyID, elderID string) error {
	f, err := s.d.Families.Get(ctx, familyID)
	if err != nil {
		return err
	}
	cerr := f.RequireConsent(consent.ElderHealth, elderID)
	if cerr == nil {
		return nil
	}
	if _, err := s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error {
		e.Health = elder.Health{}
		return nil
	}); err != nil {
		return fmt.Errorf("erase health written after consent was withdrawn: %w", err)
	}
	return cerr
}

// Delete removes an elder; owners only.
func (s *Service) Delete(ctx context.Context, a actor.Actor, elderID string) error {
	_, f, err := s.access(ctx, a, elderID)
	if err != nil {
		return err
	}
	if err := f.RequireOwner(a.UserID); err != nil {
		return err
	}
	if err := s.d.Elders.Delete(ctx, elderID); err != nil {
		return err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Delete, "elder", elderID)
	return nil
}

// AssessmentInput is an ability assessment as entered.
type AssessmentInput struct {
	Level, AssessedOn, AssessedBy string
}

// RecordAssessment adds an ability assessment, under consent.
func (s *Service) RecordAssessment(ctx context.Context, a actor.Actor, elderID string, in AssessmentInput) (View, error) {
	_, f, err := s.access(ctx, a, elderID)
	if err != nil {
		return View{}, err
	}
	if err := f.RequireConsent(consent.ElderHealth, elderID); err != nil {
		return View{}, err
	}
	on, err := calendar.ParseDate(in.AssessedOn)
	if err != nil {
		return View{}, elder.ErrInvalid.WithFields(fault.FieldError{Field: "/assessedOn", Code: "date_invalid"})
	}
	as, err := elder.Assessment{Level: elder.AbilityLevel(in.Level), AssessedOn: on, AssessedBy: in.AssessedBy}.
		Validate(calendar.Today(s.d.Now(), f.Location()))
	if err != nil {
		return View{}, err
	}
	e, err := s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error {
		e.Health.Record(as)
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Create, "elder_health", elderID)
	if err := s.confirmHealthConsent(ctx, f.ID(), elderID); err != nil {
		return View{}, err
	}
	return s.view(e, f), nil
}
