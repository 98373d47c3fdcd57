package classes

import (
	"context"
	"errors"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

// CancelSession calls a session off, for its organiser, with a reason.
// The session is marked first (nobody books it from then on), then its
// slot closes to holds and tells those still waiting, then every booking
// is cancelled by the organiser, which tells each attendee at once
// (urgent), and a paid seat's amount released. A crash part-way is
// finished by calling it again (answered session_cancelled).
func (s *Service) CancelSession(ctx context.Context, a actor.Actor, id, reason string) (View, error) {
	sess, _, manager, err := s.visibleSession(ctx, a, id)
	if err != nil {
		return View{}, err
	}
	if !manager {
		return View{}, course.ErrSessionNotFound
	}
	sl, _, err := s.d.Slots.Get(ctx, id)
	if err != nil {
		return View{}, err
	}
	now := s.d.Now()
	cancelled := sess
	sess, err = s.d.Sessions.Update(ctx, id, func(x *course.Session) error {
		return x.Cancel(reason, sl.Window().Start, now)
	})
	if fault.Is(err, course.ErrSessionCancelled) && cancelled.Status == course.Cancelled {
		// Called off before: finish what a crash part-way may have left
		// (bookings not yet cancelled, amounts not yet released), and
		// still say so.
		if ferr := s.finishCancel(ctx, a, cancelled); ferr != nil {
			return View{}, ferr
		}
		return View{}, err
	}
	if err != nil {
		return View{}, err
	}
	s.d.Reservations.Forget(reservation.Resource{Kind: reservation.ClassSession, ID: id})
	if err := s.finishCancel(ctx, a, sess); err != nil {
		return View{}, err
	}
	return s.GetSession(ctx, a, id)
}

// finishCancel closes a cancelled session's slot and cancels its
// bookings; running it again does what is left.
func (s *Service) finishCancel(ctx context.Context, a actor.Actor, sess course.Session) error {
	c, err := s.d.Courses.Get(ctx, sess.CourseID)
	if err != nil {
		return err
	}
	now := s.d.Now()
	sl, version, err := s.d.Slots.Update(ctx, sess.ID, func(sl *reservation.Slot) error {
		if !sl.OpenForHolds(now) && len(sl.Waitlist()) == 0 {
			return errAlreadyClosed
		}
		sl.CloseHolds(now)
		if len(sl.Waitlist()) > 0 {
			course.CancelledForWaiters(sl, c.Title.ZhCN, sess.CancelReason, s.d.NewID(), now)
			for _, w := range sl.Waitlist() {
				sl.Leave(w.UserID)
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, errAlreadyClosed):
		if sl, _, err = s.d.Slots.Get(ctx, sess.ID); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		s.d.Reservations.Synced(ctx, sl, version)
	}
	// Each booking is cancelled by the organiser (an urgent notice to its
	// attendee) and a paid seat's amount released with it: refunded, in
	// the ledger's sense, for every attendee at once.
	for _, seat := range sl.Seats() {
		_, err := s.cancelSeat(ctx, a, seat.HoldID, sess.CancelReason)
		if err != nil && !fault.Is(err, reservation.ErrAlreadyCancelled) {
			return err
		}
	}
	return nil
}

var errAlreadyClosed = fault.New(fault.Conflict, "session_already_closed")
