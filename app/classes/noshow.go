package classes

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/reservation"
)

// The no-show rule (course.NoShowRule): organiser staff marking a booked
// person absent records a no-show on that person's standing; Limit of
// them within Window restricts the person for For after the last: they
// may not book any class directly, nor wait for a paid one, but may wait
// for free classes and accept the seat a free class's waitlist offers
// them. The refusal says why and until when (class_booking_restricted),
// and the standing's write that starts the rule carries the push that
// tells them (class.booking_restricted). Marking the person present
// afterwards takes the no-show back.

// restriction is the end of the no-show rule in force for a user, if any.
func (s *Service) restriction(ctx context.Context, userID string) (time.Time, bool, error) {
	if s.d.Standings == nil {
		return time.Time{}, false, nil
	}
	st, err := s.d.Standings.Get(ctx, userID)
	if err != nil {
		return time.Time{}, false, err
	}
	until, ok := st.RestrictedUntil(s.d.NoShowRule, s.d.Now())
	return until, ok, nil
}

// restricted is the refusal, with the rule's numbers for its words.
func (s *Service) restricted(until time.Time) error {
	r := s.d.NoShowRule
	return course.ErrRestricted.With(map[string]any{"until": until.UTC().Format(time.RFC3339), "noShows": r.Limit,
		"windowDays": int(r.Window / (24 * time.Hour)), "days": int(r.For / (24 * time.Hour))})
}

// mayTake refuses a seat to a person under the rule, unless it is the
// seat a free class's waitlist offered them.
func (s *Service) mayTake(ctx context.Context, userID string, h reservation.Hold, sess course.Session) error {
	until, ok, err := s.restriction(ctx, userID)
	if err != nil || !ok {
		return err
	}
	if h.Promoted && !sess.Paid() {
		return nil
	}
	return s.restricted(until)
}

// mayWait refuses a person under the rule the waitlist of a paid class.
func (s *Service) mayWait(ctx context.Context, a actor.Actor, sessionID string) error {
	price, err := s.priceOf(ctx, sessionID)
	if err != nil || price == 0 {
		return err
	}
	until, ok, err := s.restriction(ctx, a.UserID)
	if err != nil || !ok {
		return err
	}
	return s.restricted(until)
}

// noteAttendance counts a no-show for the person marked absent, or takes
// one back when they are marked (or check in) present.
func (s *Service) noteAttendance(ctx context.Context, sess course.Session, seat reservation.Seat, attended bool) error {
	if s.d.Standings == nil {
		return nil
	}
	if attended {
		st, err := s.d.Standings.Get(ctx, seat.BookedBy)
		if err != nil {
			return err
		}
		if !st.Forget(seat.HoldID) {
			return nil
		}
		_, err = s.d.Standings.Update(ctx, seat.BookedBy, func(st *course.Standing) error {
			st.Forget(seat.HoldID)
			return nil
		})
		return err
	}
	loc, err := time.LoadLocation(sess.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	now := s.d.Now()
	_, err = s.d.Standings.Update(ctx, seat.BookedBy, func(st *course.Standing) error {
		st.NoteNoShow(course.NoShow{BookingID: seat.HoldID, SessionID: sess.ID, At: now}, s.d.NoShowRule, s.d.NewID(), now, loc)
		return nil
	})
	return err
}
