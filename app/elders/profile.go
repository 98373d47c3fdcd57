package elders

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
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

// Update changes profile fields and, under consent, health conditions. A
// new birth date is kept as self-reported once the old one counted for
// something (elder.Elder.SetProfile).
func (s *Service) Update(ctx context.Context, a actor.Actor, elderID string, in ProfileInput) (View, error) {
	current, f, err := s.access(ctx, a, elderID)
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
	ordered, err := s.orderedIfMoving(ctx, current, in)
	if err != nil {
		return View{}, err
	}
	e, err := s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error {
		p, err := in.apply(e.Profile)
		if err != nil {
			return err
		}
		if p, err = p.Validate(today); err != nil {
			return err
		}
		e.SetProfile(p, ordered)
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

// Delete removes an elder; owners only. An elder with an alarm not yet
// resolved is not removed (elder_has_open_incident, naming it), and
// nothing is changed then. Otherwise the removal begins (no alarm is
// raised for the elder from then on; BeginRemoval), then everything that
// acts in the elder's name going forward is stopped (meal card,
// subscriptions and orders not yet served, recurring home-care orders,
// home-care orders nobody has set out for, home devices, the ladder),
// each step idempotent; the elder's record goes last. So a failure or a
// crash part-way leaves the elder in place, and the owner's retry
// finishes the steps and the removal: nothing is left acting for an
// elder the family no longer sees. Should nobody retry, the repair
// (app/families RepairRemovals) gives the elder their alarms back once
// elder.RemovalGrace has passed; a removal still running then finds its
// erasure refused and begins again.
func (s *Service) Delete(ctx context.Context, a actor.Actor, elderID string) error {
	_, f, err := s.access(ctx, a, elderID)
	if err != nil {
		return err
	}
	if err := f.RequireOwner(a.UserID); err != nil {
		return err
	}
	for range markTries {
		if _, err := s.BeginRemoval(ctx, a, elderID); err != nil {
			return err
		}
		if err := s.Stop(ctx, a, elderID); err != nil {
			return err
		}
		err := s.erase(ctx, elderID)
		if errors.Is(err, elder.ErrRemovalTakenBack) {
			// The removal ran past elder.RemovalGrace and the repair
			// took it back: an alarm may have been raised since, so
			// the removal begins again and judges it.
			continue
		}
		if err != nil {
			return err
		}
		s.d.Audit.Record(ctx, a, f.ID(), audit.Delete, "elder", elderID)
		return nil
	}
	return fmt.Errorf("elders: removal of elder %s kept being taken back", elderID)
}

// erase erases an elder whose removal is under way, by a write that
// fails (elder.ErrRemovalTakenBack) if the repair took it back
// meanwhile: never an elder an alarm may have been raised for since.
func (s *Service) erase(ctx context.Context, elderID string) error {
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return err
	}
	if !e.Removing() {
		return elder.ErrRemovalTakenBack
	}
	return s.d.Elders.DeleteRemoving(ctx, elderID, e.Removal.ID)
}

// Stop ends everything that acts in an elder's name going forward (see
// Delete), as a, a member of the elder's family whom the caller has
// already judged may remove the elder: the owner deleting the elder, or
// the last member leaving a family, whose dissolution erases its
// elders (app/families). It is the one path both take, so a family
// that dissolves leaves no meal, visit or recurring order behind either.
// Idempotent, like each step.
func (s *Service) Stop(ctx context.Context, a actor.Actor, elderID string) error {
	for _, d := range s.dependents {
		if err := d.ElderRemoved(ctx, a, elderID); err != nil {
			return fmt.Errorf("stop for elder %s: %w", elderID, err)
		}
	}
	return nil
}

// orderedIfMoving says whether the elder has been ordered for, asked
// only when the input moves a birth date not yet on record: the one
// question whose answer SetProfile needs, and a scan of orders on the
// embedded store.
func (s *Service) orderedIfMoving(ctx context.Context, e elder.Elder, in ProfileInput) (bool, error) {
	if in.BirthDate == nil || !e.BirthDateOfRecord.IsZero() {
		return false, nil
	}
	if d, err := calendar.ParseDate(*in.BirthDate); err != nil || d == e.Profile.BirthDate {
		return false, nil // a bad date is refused by apply
	}
	ordered, err := s.d.Orders.Ordered(ctx, e.ID)
	if err != nil {
		return false, fmt.Errorf("orders of elder %s: %w", e.ID, err)
	}
	return ordered, nil
}

// ErrNotAnAssessor is someone recording an assessment for a provider
// they may not assess for: not its staff, or it holds no assessment
// licence, or it is not verified.
var ErrNotAnAssessor = fault.New(fault.Forbidden, "assessor_not_licensed")

// AssessmentInput is an ability assessment as entered. ProviderID names
// the assessment provider an assessor records for; BirthDate, from an
// official assessor only, confirms the elder's birth date.
type AssessmentInput struct {
	Level, AssessedOn, AssessedBy string
	ProviderID, BirthDate         string
}

// Recorded is an assessment as its recorder sees it afterwards: a member
// of the elder's family sees the elder; an assessing body only what it
// recorded and the birth date that now counts, not the family's
// addresses and contacts.
type Recorded struct {
	View       View
	Assessment elder.Assessment
	ByFamily   bool
}

// RecordAssessment adds an ability assessment, under the family's
// consent to health data. What decides eligibility is who records it
// (elder.Assessment.IsOfficial): a regulator, a platform administrator,
// or staff of a verified provider licensed to assess, naming it, record
// official assessments for any elder whose family consented (a regulator
// for elders in their regions only); a family member's is kept as
// self-reported, whatever body it names. To anyone else the elder does
// not exist.
func (s *Service) RecordAssessment(ctx context.Context, a actor.Actor, elderID string, in AssessmentInput) (Recorded, error) {
	source, err := s.assessor(ctx, a, in.ProviderID)
	if err != nil {
		return Recorded{}, err
	}
	if source == elder.Official && in.ProviderID == "" {
		// An official outside the elder's region is no official for
		// them: at most a family member, whose word is self-reported.
		e, err := s.d.Elders.Get(ctx, elderID)
		if err != nil {
			return Recorded{}, err
		}
		if !a.Oversees(e.Profile.Address.RegionCode) {
			source = elder.SelfReported
		}
	}
	var f *family.Family
	if source == elder.Official {
		e, err := s.d.Elders.Get(ctx, elderID)
		if err != nil {
			return Recorded{}, err
		}
		if f, err = s.d.Families.Get(ctx, e.FamilyID); err != nil {
			return Recorded{}, err
		}
	} else if _, f, err = s.access(ctx, a, elderID); err != nil {
		return Recorded{}, err
	}
	if err := f.RequireConsent(consent.ElderHealth, elderID); err != nil {
		return Recorded{}, err
	}
	var fields []fault.FieldError
	on, err := calendar.ParseDate(in.AssessedOn)
	if err != nil {
		fields = append(fields, fault.FieldError{Field: "/assessedOn", Code: "date_invalid"})
	}
	var born calendar.Date
	if in.BirthDate != "" {
		if born, err = calendar.ParseDate(in.BirthDate); err != nil {
			fields = append(fields, fault.FieldError{Field: "/birthDate", Code: "date_invalid"})
		}
	}
	if len(fields) > 0 {
		return Recorded{}, elder.ErrInvalid.WithFields(fields...)
	}
	today := calendar.Today(s.d.Now(), f.Location())
	as, err := elder.Assessment{Level: elder.AbilityLevel(in.Level), AssessedOn: on, AssessedBy: in.AssessedBy,
		Source: source, RecordedBy: a.UserID, ProviderID: in.ProviderID}.Validate(today)
	if err != nil {
		return Recorded{}, err
	}
	e, err := s.d.Elders.Update(ctx, elderID, func(e *elder.Elder) error {
		return e.RecordAssessment(as, born, today)
	})
	if err != nil {
		return Recorded{}, err
	}
	s.d.Audit.Record(ctx, a, f.ID(), audit.Create, "elder_health", elderID)
	if source == elder.Official && in.ProviderID == "" {
		s.d.Officials.Record(ctx, a, audit.RecordAssessment, "elder", elderID, e.Profile.Address.RegionCode, string(as.Level))
	}
	if err := s.confirmHealthConsent(ctx, f.ID(), elderID); err != nil {
		return Recorded{}, err
	}
	return Recorded{View: s.view(e, f), Assessment: as, ByFamily: source == elder.SelfReported}, nil
}

// assessor says whose word an assessment the caller records is: official
// for a licensed assessment provider's staff naming it, a regulator or a
// platform administrator; self-reported for anyone else (who must then
// be of the elder's family).
func (s *Service) assessor(ctx context.Context, a actor.Actor, providerID string) (elder.AssessmentSource, error) {
	if a.UserID == "" {
		return "", fault.ErrUnauthenticated
	}
	if providerID != "" {
		p, err := s.d.Providers.Get(ctx, providerID)
		if err != nil {
			return "", err
		}
		if !p.MayAssess(a.UserID) {
			return "", ErrNotAnAssessor
		}
		return elder.Official, nil
	}
	if a.Roles.HasAny(identity.RoleRegulator, identity.RolePlatformAdmin) {
		return elder.Official, nil
	}
	return elder.SelfReported, nil
}
