package classes

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/reservation"
)

// Join is an online session's room, for one attendee, while it is open.
type Join struct {
	URL             string
	OpensAt, EndsAt time.Time
	SessionID       string
	BookingID       string
}

// JoinLink gives an online session's link to a booked attendee, from 30
// minutes before the start until the end. To anyone else, and outside
// that window, there is no link (join_link_unavailable, 404): the link
// must not travel further than the people booked.
func (s *Service) JoinLink(ctx context.Context, a actor.Actor, sessionID string) (Join, error) {
	sess, _, _, err := s.visibleSession(ctx, a, sessionID)
	if err != nil {
		return Join{}, err
	}
	sl, _, err := s.d.Slots.Get(ctx, sessionID)
	if err != nil {
		return Join{}, err
	}
	seat, booked := sl.SeatOf(a.UserID)
	w := sl.Window()
	if !booked || sess.Status != course.Scheduled || sess.Format != course.Online || !course.JoinOpen(w.Start, w.End, s.d.Now()) {
		return Join{}, course.ErrJoinUnavailable
	}
	return Join{URL: sess.JoinLink, OpensAt: w.Start.Add(-course.JoinOpensBefore), EndsAt: w.End, SessionID: sess.ID,
		BookingID: seat.HoldID}, nil
}

// CheckIn records an attendee's arrival with the session's code, valid
// from 15 minutes before the start until the end; a paid seat's amount
// is committed.
func (s *Service) CheckIn(ctx context.Context, a actor.Actor, sessionID, code string) (course.Attendance, error) {
	if _, _, _, err := s.visibleSession(ctx, a, sessionID); err != nil {
		return course.Attendance{}, err
	}
	sl, _, err := s.d.Slots.Get(ctx, sessionID)
	if err != nil {
		return course.Attendance{}, err
	}
	seat, booked := sl.SeatOf(a.UserID)
	if !booked {
		return course.Attendance{}, reservation.ErrBookingNotFound
	}
	w := sl.Window()
	sess, err := s.d.Sessions.Update(ctx, sessionID, func(x *course.Session) error {
		return x.CheckIn(seat.HoldID, a.UserID, code, w.Start, w.End, s.d.Now())
	})
	if err != nil {
		return course.Attendance{}, err
	}
	if err := s.commitSeat(ctx, seat, a.UserID); err != nil {
		return course.Attendance{}, err
	}
	if err := s.noteAttendance(ctx, sess, seat, true); err != nil {
		return course.Attendance{}, err
	}
	at, _ := sess.AttendanceOf(seat.HoldID)
	return at, nil
}

// MarkCommand is organiser staff recording whether a booked person came.
type MarkCommand struct {
	SessionID, BookingID string
	Attended             bool
}

// MarkAttendance records attendance for one booking of the session, by
// its organiser's staff, from the check-in window on.
func (s *Service) MarkAttendance(ctx context.Context, a actor.Actor, cmd MarkCommand) (course.Attendance, error) {
	_, _, manager, err := s.visibleSession(ctx, a, cmd.SessionID)
	if err != nil {
		return course.Attendance{}, err
	}
	if !manager {
		return course.Attendance{}, course.ErrSessionNotFound
	}
	sl, _, err := s.d.Slots.Get(ctx, cmd.SessionID)
	if err != nil {
		return course.Attendance{}, err
	}
	seat, ok := sl.Seat(cmd.BookingID)
	if !ok {
		return course.Attendance{}, reservation.ErrBookingNotFound
	}
	sess, err := s.d.Sessions.Update(ctx, cmd.SessionID, func(x *course.Session) error {
		return x.Mark(seat.HoldID, seat.BookedBy, cmd.Attended, a.UserID, sl.Window().Start, s.d.Now())
	})
	if err != nil {
		return course.Attendance{}, err
	}
	// Recorded attendance settles a paid seat: the class was given, or
	// the seat was kept for them past the cancellation cutoff.
	if err := s.commitSeat(ctx, seat, a.UserID); err != nil {
		return course.Attendance{}, err
	}
	// An absence counts towards the no-show rule; a presence takes back
	// an absence recorded by mistake.
	if err := s.noteAttendance(ctx, sess, seat, cmd.Attended); err != nil {
		return course.Attendance{}, err
	}
	at, _ := sess.AttendanceOf(seat.HoldID)
	return at, nil
}

// Roster is a session's attendees for its organiser: the check-in code
// to show at the door, each seat and its attendance.
type Roster struct {
	Session course.Session
	Window  reservation.Window
	Seats   []reservation.Seat
}

// GetRoster returns the roster to the session's organiser only.
func (s *Service) GetRoster(ctx context.Context, a actor.Actor, sessionID string) (Roster, error) {
	sess, _, manager, err := s.visibleSession(ctx, a, sessionID)
	if err != nil {
		return Roster{}, err
	}
	if !manager {
		return Roster{}, course.ErrSessionNotFound
	}
	sl, _, err := s.d.Slots.Get(ctx, sessionID)
	if err != nil {
		return Roster{}, err
	}
	return Roster{Session: sess, Window: sl.Window(), Seats: sl.Seats()}, nil
}
