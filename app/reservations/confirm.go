package reservations

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/reservation"
)

// ErrChildAlreadyBooked is a child with a confirmed place whose window
// overlaps the one being confirmed.
var ErrChildAlreadyBooked = fault.New(fault.Conflict, "child_already_booked")

// ConfirmCommand turns a hold into a booking for one of the family's
// children.
type ConfirmCommand struct {
	HoldID  string
	ChildID string
}

// Confirmed is the booking, and whether it existed before this call.
type Confirmed struct {
	Booking *reservation.Booking
	// Slot is the slot as the seat's write left it (nil when the booking
	// was found again).
	Slot     *reservation.Slot
	Replayed bool
}

// Confirm seats a live hold. The seat is one conditional write of the
// slot's document, so confirmed places never exceed capacity even when
// Redis admitted more holds than it should (after losing its state);
// the booking's own document follows, and if a crash comes between, the
// next confirm of the hold or the reconciler writes it from the seat.
func (s *Service) Confirm(ctx context.Context, a actor.Actor, cmd ConfirmCommand) (Confirmed, error) {
	if err := a.Require(identity.RoleFamily); err != nil {
		return Confirmed{}, err
	}
	return s.ConfirmSeat(ctx, a, cmd.HoldID, func(sl *reservation.Slot, h reservation.Hold) (reservation.Seat, error) {
		if sl.Resource().Kind != childcare.ResourceKind {
			return reservation.Seat{}, reservation.ErrHoldNotFound // a class seat is taken at its session
		}
		return s.eligibleSeat(ctx, a, sl, h, cmd.ChildID)
	})
}

// SeatFunc makes the seat a live hold becomes, or refuses it: each kind
// of resource checks its own eligibility and price.
type SeatFunc func(sl *reservation.Slot, h reservation.Hold) (reservation.Seat, error)

// ConfirmSeat is the engine's confirmation for every kind: the caller's
// live hold becomes the seat seatOf makes, in one conditional write of
// the slot, then its booking.
func (s *Service) ConfirmSeat(ctx context.Context, a actor.Actor, holdID string, seatOf SeatFunc) (Confirmed, error) {
	slotID, ok := reservation.SlotOf(holdID)
	if !ok {
		return Confirmed{}, reservation.ErrHoldNotFound
	}
	if b, err := s.d.Bookings.Get(ctx, holdID); err == nil {
		if b.Seat().BookedBy != a.UserID {
			return Confirmed{}, reservation.ErrHoldNotFound
		}
		return Confirmed{Booking: b, Replayed: true}, nil
	} else if !fault.Is(err, reservation.ErrBookingNotFound) {
		return Confirmed{}, err
	}
	now := s.d.Now()
	h, err := s.d.Engine.Claim(ctx, holdID, a.UserID, now, s.d.ClaimGrace)
	if err != nil {
		return Confirmed{}, err
	}
	sl, _, err := s.d.Slots.Get(ctx, slotID)
	if err != nil {
		return Confirmed{}, err
	}
	if h.Status == reservation.Booked {
		if seat, ok := sl.Seat(holdID); ok {
			b, err := s.writeBooking(ctx, sl, seat)
			return Confirmed{Booking: b, Replayed: true}, err
		}
	}
	seat, err := seatOf(sl, h)
	if err != nil {
		return Confirmed{}, err
	}
	sl, version, err := s.updatePlaces(ctx, slotID, func(sl *reservation.Slot) error {
		_, _, err := sl.Confirm(seat, now)
		return err
	})
	if fault.Is(err, reservation.ErrSlotFull) || fault.Is(err, reservation.ErrAlreadyBooked) {
		// Redis admitted a hold MongoDB has no room for, or a second
		// seat for one person: give it back.
		if _, rerr := s.d.Engine.Release(ctx, holdID, a.UserID, now); rerr != nil {
			s.d.Log.WarnContext(ctx, "hold refused a seat not released", "hold", holdID, "err", rerr)
		}
		return Confirmed{}, err
	}
	if err != nil {
		return Confirmed{}, err
	}
	s.sync(ctx, sl, version)
	seated, _ := sl.Seat(holdID)
	b, err := s.writeBooking(ctx, sl, seated)
	return Confirmed{Booking: b, Slot: sl}, err
}

// eligibleSeat checks the child may take the place and prices it: the
// child is the caller's family's, with the family's consent to keep
// children's data, of an age the offering takes on the slot's first day
// (in the provider's zone), and without another place at the same time.
func (s *Service) eligibleSeat(ctx context.Context, a actor.Actor, sl *reservation.Slot, h reservation.Hold, childID string) (reservation.Seat, error) {
	c, err := s.d.Children.Get(ctx, childID)
	if err != nil {
		return reservation.Seat{}, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.d.Families, a, c.FamilyID, child.ErrNotFound)
	if err != nil {
		return reservation.Seat{}, err
	}
	if err := f.RequireConsent(consent.ChildData, ""); err != nil {
		return reservation.Seat{}, err
	}
	// A provider suspended or black-listed since the hold was taken books
	// nobody: its offering is hidden, and so is the slot.
	o, _, err := s.offering(ctx, a, sl.Resource().ID)
	if fault.Is(err, childcare.ErrNotFound) {
		return reservation.Seat{}, reservation.ErrSlotNotFound
	}
	if err != nil {
		return reservation.Seat{}, err
	}
	w := sl.Window()
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	if err := o.Eligible(c.Profile.AgeMonthsOn(calendar.Today(w.Start, loc))); err != nil {
		return reservation.Seat{}, err
	}
	others, err := s.d.Bookings.Overlapping(ctx, c.ID, w.Start, w.End)
	if err != nil {
		return reservation.Seat{}, err
	}
	for _, b := range others {
		if b.ID() != h.ID {
			return reservation.Seat{}, ErrChildAlreadyBooked.With(map[string]any{"bookingId": b.ID()})
		}
	}
	return reservation.Seat{HoldID: h.ID, Tier: h.Tier, BookedBy: a.UserID, FamilyID: f.ID(), RecipientID: c.ID,
		PriceFen: o.PriceFen(h.Tier)}, nil
}

// writeBooking stores the booking a seat stands for, or finds it stored.
func (s *Service) writeBooking(ctx context.Context, sl *reservation.Slot, seat reservation.Seat) (*reservation.Booking, error) {
	b := reservation.NewBooking(sl, seat, s.d.NewID())
	created, err := s.d.Bookings.Create(ctx, b)
	if err != nil {
		return nil, err
	}
	if !created {
		return s.d.Bookings.Get(ctx, seat.HoldID)
	}
	return b, nil
}
