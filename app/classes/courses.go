package classes

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
)

// CreateCourse publishes a course for a provider that organises classes
// (a class organiser, a childcare provider or a community station), by
// one of its admins or office staff, once the provider is verified.
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
