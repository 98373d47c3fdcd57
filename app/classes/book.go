package classes

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/reservation"
)

// Booked is a seat, and whether this call found it booked already.
type Booked struct {
	Booking *reservation.Booking
	// Slot is the session's slot as the booking left it, or nil for a
	// booking found again: then its window is read afresh.
	Slot     *reservation.Slot
	Replayed bool
}

// Book takes a seat of a session. A free session books in one call,
// still through the engine: a hold in Redis under an id derived from the
// caller and their Idempotency-Key (a retry finds the same hold, then its
// booking), then the seat in one conditional write of the slot. A
// refusal (full, closed) costs Redis alone, so a rush on a popular class
// does not queue for MongoDB. A paid session is held first (POST
// /v1/slots/{id}/holds) and booked here naming the hold (holdID), so
// its price is reserved in the ledger before the seat is written
// (payments.go); in one call it is refused (paid_session_hold_required).
// A caller offered a seat from the waitlist accepts it the same way,
// naming the offer (the hold's id), and nobody is ever booked for them
// without it.
func (s *Service) Book(ctx context.Context, a actor.Actor, sessionID, key, holdID string) (Booked, error) {
	if err := a.Require(identity.RoleFamily); err != nil {
		return Booked{}, err
	}
	if !reservation.ValidSlotID(sessionID) {
		return Booked{}, course.ErrSessionNotFound
	}
	price, err := s.priceOf(ctx, sessionID)
	if err != nil {
		return Booked{}, err
	}
	if holdID != "" {
		if slot, ok := reservation.SlotOf(holdID); !ok || slot != sessionID {
			return Booked{}, reservation.ErrHoldNotFound
		}
	} else if price > 0 {
		// Only a session the caller may see is said to be paid.
		if _, _, _, err := s.visibleSession(ctx, a, sessionID); err != nil {
			return Booked{}, err
		}
		return Booked{}, course.ErrHoldRequired.With(map[string]any{"priceFen": price})
	} else {
		r, err := s.d.Reservations.Hold(ctx, a, reservations.HoldCommand{SlotID: sessionID, Tier: reservation.Market, Key: key})
		switch {
		case fault.Is(err, reservation.ErrHoldLimit):
			// Holding one already: most likely the seat offered to them.
			offer, ok, oerr := s.offerOf(ctx, sessionID, a.UserID)
			if oerr != nil {
				return Booked{}, oerr
			}
			if !ok {
				return Booked{}, err
			}
			holdID = offer
		case err != nil:
			return Booked{}, s.explain(ctx, sessionID, err)
		default:
			holdID = r.Hold.ID
		}
	}
	c, err := s.d.Reservations.ConfirmSeat(ctx, a, holdID, func(sl *reservation.Slot, h reservation.Hold) (reservation.Seat, error) {
		// A hold taken just before the organiser cancelled books nothing.
		sess, err := s.d.Sessions.Get(ctx, sessionID)
		if err != nil {
			return reservation.Seat{}, err
		}
		if sess.Status != course.Scheduled {
			return reservation.Seat{}, course.ErrSessionCancelled
		}
		if err := s.mayTake(ctx, a.UserID, h, sess); err != nil {
			return reservation.Seat{}, err
		}
		if sess.Paid() {
			if err := s.reserveSeat(ctx, sl, h.ID, a.UserID, sess.PriceFen); err != nil {
				return reservation.Seat{}, err
			}
		}
		return reservation.Seat{HoldID: h.ID, Tier: h.Tier, BookedBy: a.UserID, RecipientID: a.UserID,
			PriceFen: sess.PriceFen}, nil
	})
	if err != nil {
		if price > 0 && (fault.Is(err, reservation.ErrSlotFull) || fault.Is(err, reservation.ErrAlreadyBooked)) {
			// The slot refused the seat its price was reserved for.
			if rerr := s.releaseSeat(ctx, holdID, a.UserID); rerr != nil {
				s.d.Log.WarnContext(ctx, "a refused seat's amount not released; the reconciler will", "hold", holdID, "err", rerr)
			}
		}
		if fault.Is(err, course.ErrRestricted) {
			// A seat they may not take goes back at once (to the next
			// in line, for an offer).
			if _, rerr := s.d.Reservations.ReleaseHold(ctx, a, holdID); rerr != nil {
				s.d.Log.WarnContext(ctx, "a restricted person's hold not released", "hold", holdID, "err", rerr)
			}
		}
		if fault.Is(err, reservation.ErrHoldReleased) {
			// A retry of a refusal finds its hold given back: say why.
			if until, ok, rerr := s.restriction(ctx, a.UserID); rerr == nil && ok {
				return Booked{}, s.restricted(until)
			}
		}
		return Booked{}, s.explain(ctx, sessionID, err)
	}
	out := Booked{Booking: c.Booking, Slot: c.Slot, Replayed: c.Replayed}
	if out.Slot == nil {
		if out.Slot, _, err = s.d.Slots.Get(ctx, sessionID); err != nil {
			return Booked{}, err
		}
	}
	return out, nil
}

// priceOf is a session's seat price. It never changes once the session
// is scheduled (the course's price then), so each replica remembers it
// and the one-call path of a rush stays off MongoDB.
func (s *Service) priceOf(ctx context.Context, sessionID string) (int64, error) {
	if p, ok := s.prices.Load(sessionID); ok {
		return p.(int64), nil
	}
	sess, err := s.d.Sessions.Get(ctx, sessionID)
	if err != nil {
		return 0, err
	}
	s.prices.Store(sessionID, sess.PriceFen)
	return sess.PriceFen, nil
}

// offerOf is the live seat the waitlist offered the user, if any; a
// user who has a seat already is told so.
func (s *Service) offerOf(ctx context.Context, sessionID, userID string) (string, bool, error) {
	sl, _, err := s.d.Slots.Get(ctx, sessionID)
	if err != nil {
		return "", false, err
	}
	if seat, ok := sl.SeatOf(userID); ok {
		return "", false, reservation.ErrAlreadyBooked.With(map[string]any{"bookingId": seat.HoldID})
	}
	for _, p := range sl.Promotions(s.d.Now()) {
		if p.UserID == userID {
			return p.HoldID, true, nil
		}
	}
	return "", false, nil
}

// explain turns the engine's words for a slot that takes no holds into
// a class's: the session was cancelled, has begun, or booking closed.
func (s *Service) explain(ctx context.Context, sessionID string, err error) error {
	missing := fault.Is(err, reservation.ErrSlotNotFound)
	if !missing && !fault.Is(err, reservation.ErrSlotClosed) {
		return err
	}
	sess, gerr := s.d.Sessions.Get(ctx, sessionID)
	switch {
	case gerr == nil && sess.Status == course.Cancelled:
		return course.ErrSessionCancelled
	case missing:
		return course.ErrSessionNotFound
	case gerr != nil:
		return err
	}
	sl, _, gerr := s.d.Slots.Get(ctx, sessionID)
	if gerr != nil {
		return err
	}
	if !s.d.Now().Before(sl.Window().Start) {
		return course.ErrSessionStarted
	}
	return course.ErrBookingClosed.With(map[string]any{"closedAt": sl.Rules().HoldsCloseAt.UTC().Format("2006-01-02T15:04:05Z07:00")})
}

// Wait queues the caller for a seat of a full session. When a seat
// frees, the first in line is offered it (a hold with an urgent push
// saying until when) and books it with Book; an offer nobody takes
// passes to the next. The waitlist closes at the booking deadline. A
// person under the no-show rule waits for free classes only.
func (s *Service) Wait(ctx context.Context, a actor.Actor, sessionID string) (reservations.Place, error) {
	if !reservation.ValidSlotID(sessionID) {
		return reservations.Place{}, course.ErrSessionNotFound
	}
	if sl, _, err := s.d.Slots.Get(ctx, sessionID); err == nil {
		if seat, ok := sl.SeatOf(a.UserID); ok {
			return reservations.Place{}, reservation.ErrAlreadyBooked.With(map[string]any{"bookingId": seat.HoldID})
		}
	}
	if err := s.mayWait(ctx, a, sessionID); err != nil {
		return reservations.Place{}, err
	}
	p, err := s.d.Reservations.JoinWaitlist(ctx, a, sessionID, reservation.Market)
	if err != nil {
		return reservations.Place{}, s.explain(ctx, sessionID, err)
	}
	return p, nil
}

// GetBooking returns a class booking to the one who booked it and to the
// session's organiser, with the session's current window.
func (s *Service) GetBooking(ctx context.Context, a actor.Actor, id string) (*reservation.Booking, *reservation.Slot, error) {
	b, err := s.d.Reservations.GetBooking(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	if b.Resource().Kind != reservation.ClassSession {
		return nil, nil, reservation.ErrBookingNotFound
	}
	sl, _, err := s.d.Slots.Get(ctx, b.SlotID())
	if err != nil {
		return nil, nil, err
	}
	return b, sl, nil
}

// CancelBooking gives a seat back: the attendee until the cancellation
// cutoff, the organiser with a reason. The seat is offered to the first
// in line at once, and a paid seat's amount is released. A booking found
// cancelled already has its amount released too (a crash may have come
// between), and is still answered booking_already_cancelled.
func (s *Service) CancelBooking(ctx context.Context, a actor.Actor, id, reason string) (*reservation.Booking, *reservation.Slot, error) {
	if _, _, err := s.GetBooking(ctx, a, id); err != nil {
		return nil, nil, err
	}
	b, err := s.cancelSeat(ctx, a, id, reason)
	if err != nil {
		return nil, nil, err
	}
	sl, _, err := s.d.Slots.Get(ctx, b.SlotID())
	if err != nil {
		return nil, nil, err
	}
	return b, sl, nil
}

// cancelSeat cancels a booking through the engine, then settles its
// amount.
func (s *Service) cancelSeat(ctx context.Context, a actor.Actor, id, reason string) (*reservation.Booking, error) {
	b, err := s.d.Reservations.CancelBooking(ctx, a, id, reason)
	if fault.Is(err, reservation.ErrAlreadyCancelled) {
		if found, gerr := s.d.Bookings.Get(ctx, id); gerr == nil {
			if serr := s.settleBooking(ctx, found, a.UserID); serr != nil {
				return nil, serr
			}
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if err := s.settleBooking(ctx, b, a.UserID); err != nil {
		return nil, err
	}
	return b, nil
}
