package classes

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

// View is a session as people see it: the course, the slot's window
// and capacity (the truth) and what the engine says is left.
type View struct {
	Session   course.Session
	Course    course.Course
	Slot      *reservation.Slot
	Remaining int
	Waiting   int
	// DistanceMetres is set in a search near a point, for offline ones.
	DistanceMetres *float64
}

// Start and End are the session's window as its slot has it.
func (v View) Start() time.Time { return v.Slot.Window().Start }
func (v View) End() time.Time   { return v.Slot.Window().End }

// ScheduleCommand makes one session of a course.
type ScheduleCommand struct {
	CourseID   string
	Start, End time.Time
	// Seats overrides the course's seats for this session.
	Seats    int
	JoinLink string
}

// ScheduleSession makes a session and its slot: the slot is written
// first, with the session's reminders and the closing of its waitlist
// in its outbox, then the session's own document. A crash between
// leaves a slot nobody can see (Visible asks for the session), which
// scheduling again with the same course, start and end does not repeat:
// the session's id is new each time, so the orphan stays harmless.
func (s *Service) ScheduleSession(ctx context.Context, a actor.Actor, cmd ScheduleCommand) (View, error) {
	c, err := s.d.Courses.Get(ctx, cmd.CourseID)
	if err != nil {
		return View{}, err
	}
	p, err := s.organizer(ctx, a, c.ProviderID, course.ErrNotFound)
	if err != nil {
		return View{}, err
	}
	now := s.d.Now()
	id := s.d.NewID()
	// Whole seconds: reminders name the start they remind of, and
	// compare it with the stored one (milliseconds in MongoDB).
	cmd.Start, cmd.End = cmd.Start.Truncate(time.Second), cmd.End.Truncate(time.Second)
	sess, err := course.NewSession(c, id, cmd.Start, cmd.End, reservations.Zone(p).String(), cmd.JoinLink, s.d.NewCode(), now)
	if err != nil {
		return View{}, err
	}
	seats := c.Seats
	if cmd.Seats != 0 {
		seats = cmd.Seats
	}
	sl, err := reservation.New(reservation.Draft{ID: id, Resource: reservation.Resource{Kind: reservation.ClassSession, ID: id},
		ProviderID: c.ProviderID, Window: reservation.Window{Start: sess.Start, End: sess.End, TimeZone: sess.TimeZone},
		Capacity: reservation.Capacity{Total: seats},
		Rules: reservation.Rules{HoldTTL: c.OfferTTL, MaxHoldsPerUser: 1, OneSeatPerUser: true,
			HoldsCloseAt: c.BookingClosesAt(sess.Start)}}, now)
	if err != nil {
		if fe, ok := fault.As(err); ok && fe.Code == reservation.ErrCapacityInvalid.Code {
			return View{}, course.ErrSessionInvalid.WithFields(fault.FieldError{Field: "/seats", Code: "range"})
		}
		return View{}, err
	}
	if !sl.OpenForHolds(now) {
		return View{}, course.ErrSessionInvalid.WithFields(fault.FieldError{Field: "/start", Code: "past_booking_deadline"})
	}
	course.Schedule(sl, c.Title.ZhCN, now)
	if _, err := s.d.Slots.CreateMany(ctx, []*reservation.Slot{sl}); err != nil {
		return View{}, err
	}
	if err := s.d.Sessions.Create(ctx, sess); err != nil {
		return View{}, err
	}
	s.d.Reservations.Known(sl.Resource(), sl.ID())
	s.prices.Store(sess.ID, sess.PriceFen)
	return View{Session: sess, Course: c, Slot: sl, Remaining: seats}, nil
}

// GetSession returns a session with what it has left.
func (s *Service) GetSession(ctx context.Context, a actor.Actor, id string) (View, error) {
	sess, _, _, err := s.visibleSession(ctx, a, id)
	if err != nil {
		return View{}, err
	}
	views, err := s.views(ctx, []course.Session{sess})
	if err != nil {
		return View{}, err
	}
	return views[0], nil
}

// views joins sessions with their courses and slots, and counts what
// each has left in one engine round trip.
func (s *Service) views(ctx context.Context, ss []course.Session) ([]View, error) {
	out := make([]View, 0, len(ss))
	slots := make([]*reservation.Slot, 0, len(ss))
	courses := map[string]course.Course{}
	for _, sess := range ss {
		c, ok := courses[sess.CourseID]
		if !ok {
			var err error
			if c, err = s.d.Courses.Get(ctx, sess.CourseID); err != nil {
				return nil, err
			}
			courses[sess.CourseID] = c
		}
		sl, _, err := s.d.Slots.Get(ctx, sess.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, View{Session: sess, Course: c, Slot: sl})
		slots = append(slots, sl)
		// Parents book what they were just shown.
		s.d.Reservations.Known(sl.Resource(), sl.ID())
		s.prices.Store(sess.ID, sess.PriceFen)
	}
	rem, err := s.d.Reservations.Remaining(ctx, slots)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Remaining, out[i].Waiting = rem[i].Market, rem[i].WaitingM
		if out[i].Session.Status != course.Scheduled {
			out[i].Remaining = 0
		}
	}
	return out, nil
}

// ChangeCommand changes a session: its window, its seats, or both.
type ChangeCommand struct {
	SessionID  string
	Start, End *time.Time
	Seats      *int
}

// ChangeSession moves or resizes a session, for its organiser. Seats go
// up at any time and down only to what is booked (the engine's rule).
// A move is one write of the slot: its new window and booking deadline,
// the reminders of the new start and an urgent notice to everyone
// booked; reminders of the old start then reach nobody. The session's
// copy of the window follows.
func (s *Service) ChangeSession(ctx context.Context, a actor.Actor, cmd ChangeCommand) (View, error) {
	sess, p, manager, err := s.visibleSession(ctx, a, cmd.SessionID)
	if err != nil {
		return View{}, err
	}
	if !manager || p == nil {
		return View{}, course.ErrSessionNotFound
	}
	if sess.Status != course.Scheduled {
		return View{}, course.ErrSessionCancelled
	}
	if cmd.Start != nil || cmd.End != nil {
		if err := s.move(ctx, sess, cmd); err != nil {
			return View{}, err
		}
	}
	if cmd.Seats != nil {
		if _, err := s.d.Reservations.SetCapacity(ctx, a, sess.ID, reservation.Capacity{Total: *cmd.Seats}); err != nil {
			if fe, ok := fault.As(err); ok && fe.Code == reservation.ErrCapacityInvalid.Code {
				return View{}, course.ErrSessionInvalid.WithFields(fault.FieldError{Field: "/seats", Code: "range"})
			}
			return View{}, err
		}
	}
	return s.GetSession(ctx, a, sess.ID)
}

func (s *Service) move(ctx context.Context, sess course.Session, cmd ChangeCommand) error {
	c, err := s.d.Courses.Get(ctx, sess.CourseID)
	if err != nil {
		return err
	}
	now := s.d.Now()
	sl, version, err := s.d.Slots.Update(ctx, sess.ID, func(sl *reservation.Slot) error {
		from := sl.Window()
		if !now.Before(from.Start) {
			return course.ErrSessionStarted
		}
		to := from
		if cmd.Start != nil {
			to.Start = cmd.Start.UTC().Truncate(time.Second)
		}
		if cmd.End != nil {
			to.End = cmd.End.UTC().Truncate(time.Second)
		}
		if err := course.CheckWindow(to.Start, to.End, now); err != nil {
			return err
		}
		if to.Start.Equal(from.Start) && to.End.Equal(from.End) {
			return nil
		}
		if err := sl.Reschedule(to, c.BookingClosesAt(to.Start)); err != nil {
			return err
		}
		if !to.Start.Equal(from.Start) {
			course.Schedule(sl, c.Title.ZhCN, now)
			course.Rescheduled(sl, c.Title.ZhCN, from, s.d.NewID(), now)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.d.Reservations.Synced(ctx, sl, version)
	w := sl.Window()
	_, err = s.d.Sessions.Update(ctx, sess.ID, func(x *course.Session) error {
		x.Start, x.End = w.Start, w.End
		return nil
	})
	return err
}
