package classes

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
)

// CreateCourse publishes a course for a provider that organises classes
// (a class organiser, a childcare provider or a community station), by
// one of its admins or office staff, once the provider is verified. Its
// speaker is typed, or named from the organiser's experts (SpeakerID).
func (s *Service) CreateCourse(ctx context.Context, a actor.Actor, providerID string, c course.Course) (course.Course, error) {
	p, err := s.organizer(ctx, a, providerID, provider.ErrNotFound)
	if err != nil {
		return course.Course{}, err
	}
	if !Organizes(p) {
		return course.Course{}, course.ErrNotOrganizer
	}
	if p.Status != provider.Verified {
		return course.Course{}, fault.ErrForbidden
	}
	c.ID, c.ProviderID, c.CreatedBy = s.d.NewID(), p.ID, a.UserID
	if c.SpeakerID != "" {
		// The speaker is one of the organiser's experts: the course keeps
		// a copy of their words as they are today.
		e, err := s.expert(ctx, p.ID, c.SpeakerID)
		if err != nil {
			return course.Course{}, err
		}
		c.Speaker = e.Speaker
	}
	c, err = course.New(c, s.d.Now())
	if err != nil {
		return course.Course{}, err
	}
	if err := s.d.Courses.Create(ctx, c); err != nil {
		return course.Course{}, err
	}
	return c, nil
}

// GetCourse returns a course of a visible provider, or of one the
// caller manages.
func (s *Service) GetCourse(ctx context.Context, a actor.Actor, id string) (course.Course, error) {
	c, err := s.d.Courses.Get(ctx, id)
	if err != nil {
		return course.Course{}, err
	}
	p, err := s.d.Providers.Get(ctx, c.ProviderID)
	if fault.Is(err, provider.ErrNotFound) {
		return course.Course{}, course.ErrNotFound
	}
	if err != nil {
		return course.Course{}, err
	}
	if !p.Visible() && !(a.UserID != "" && p.InOffice(a.UserID)) {
		return course.Course{}, course.ErrNotFound
	}
	return c, nil
}

// expert is one of the provider's experts; another's, or none, is a
// course field error.
func (s *Service) expert(ctx context.Context, providerID, id string) (course.Expert, error) {
	var e course.Expert
	var err error
	if s.d.Experts == nil {
		err = course.ErrExpertNotFound
	} else {
		e, err = s.d.Experts.Get(ctx, id)
	}
	if fault.Is(err, course.ErrExpertNotFound) || (err == nil && e.ProviderID != providerID) {
		return course.Expert{}, course.ErrInvalid.WithFields(fault.FieldError{Field: "/speakerId", Code: "not_found"})
	}
	return e, err
}

// AddExpert adds a speaker to a provider's expert list, for its admins
// and office staff, on the terms of CreateCourse.
func (s *Service) AddExpert(ctx context.Context, a actor.Actor, providerID string, sp course.Speaker) (course.Expert, error) {
	p, err := s.organizer(ctx, a, providerID, provider.ErrNotFound)
	if err != nil {
		return course.Expert{}, err
	}
	if !Organizes(p) {
		return course.Expert{}, course.ErrNotOrganizer
	}
	if p.Status != provider.Verified {
		return course.Expert{}, fault.ErrForbidden
	}
	e, err := course.NewExpert(course.Expert{ID: s.d.NewID(), ProviderID: p.ID, Speaker: sp, CreatedBy: a.UserID}, s.d.Now())
	if err != nil {
		return course.Expert{}, err
	}
	if err := s.d.Experts.Create(ctx, e); err != nil {
		return course.Expert{}, err
	}
	return e, nil
}

// ListExperts pages a provider's experts, oldest first: to anyone for a
// visible provider (they speak in public), to its managers always.
func (s *Service) ListExperts(ctx context.Context, a actor.Actor, providerID string, pg page.Request) ([]course.Expert, bool, error) {
	p, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return nil, false, err
	}
	if !p.Visible() && !(a.UserID != "" && p.InOffice(a.UserID)) {
		return nil, false, provider.ErrNotFound
	}
	return s.d.Experts.ListByProvider(ctx, providerID, pg)
}
