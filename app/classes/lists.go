package classes

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// ListCourses pages a provider's courses, oldest first: to anyone for a
// visible provider, to its managers always.
func (s *Service) ListCourses(ctx context.Context, a actor.Actor, providerID string, p page.Request) ([]course.Course, bool, error) {
	pr, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return nil, false, err
	}
	if !pr.Visible() && !(a.UserID != "" && pr.InOffice(a.UserID)) {
		return nil, false, provider.ErrNotFound
	}
	return s.d.Courses.ListByProvider(ctx, providerID, p)
}

// ListSessions pages a course's sessions by start, each with the seats
// it has left (one engine round trip a page): scheduled ones to anyone
// who may see the course, cancelled ones too to its organiser.
func (s *Service) ListSessions(ctx context.Context, a actor.Actor, courseID string, p page.Request) ([]View, bool, error) {
	c, err := s.GetCourse(ctx, a, courseID)
	if err != nil {
		return nil, false, err
	}
	manager := false
	if a.UserID != "" {
		pr, err := s.d.Providers.Get(ctx, c.ProviderID)
		if err != nil && !fault.Is(err, provider.ErrNotFound) {
			return nil, false, err
		}
		manager = err == nil && pr.InOffice(a.UserID)
	}
	ss, more, err := s.d.Sessions.ListByCourse(ctx, courseID, manager, p)
	if err != nil {
		return nil, false, err
	}
	views, err := s.views(ctx, ss)
	return views, more, err
}

// EditCourse changes a course, for its organiser's admins and office
// staff; to anyone else it is not found. Sessions already scheduled keep
// what they copied (their seats and price); the words are read live.
func (s *Service) EditCourse(ctx context.Context, a actor.Actor, id string, p course.Patch) (course.Course, error) {
	c, err := s.d.Courses.Get(ctx, id)
	if err != nil {
		return course.Course{}, err
	}
	if _, err := s.organizer(ctx, a, c.ProviderID, course.ErrNotFound); err != nil {
		return course.Course{}, err
	}
	return s.d.Courses.Update(ctx, id, func(c *course.Course) error {
		next, err := c.Edit(p)
		if err != nil {
			return err
		}
		*c = next
		return nil
	})
}

// MyBooking is one of a person's class seats with its session's window
// as it is now.
type MyBooking struct {
	Booking *reservation.Booking
	Slot    *reservation.Slot
}

// ListMyBookings pages the caller's own class bookings, newest first,
// of one status when given.
func (s *Service) ListMyBookings(ctx context.Context, a actor.Actor, status reservation.BookingStatus, p page.Request) ([]MyBooking, bool, error) {
	if a.UserID == "" {
		return nil, false, fault.ErrUnauthenticated
	}
	bs, more, err := s.d.Bookings.List(ctx, reservations.BookingFilter{RecipientID: a.UserID, Status: status,
		ResourceKind: reservation.ClassSession}, p)
	if err != nil {
		return nil, false, err
	}
	out := make([]MyBooking, 0, len(bs))
	for _, b := range bs {
		sl, _, err := s.d.Slots.Get(ctx, b.SlotID())
		if err != nil {
			return nil, false, err
		}
		out = append(out, MyBooking{Booking: b, Slot: sl})
	}
	return out, more, nil
}
