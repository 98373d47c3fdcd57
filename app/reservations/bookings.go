package reservations

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// party says as whom the caller sees a booking: a member of its family,
// or an admin or office staff of its provider; to anyone else it does
// not exist.
func (s *Service) party(ctx context.Context, a actor.Actor, b *reservation.Booking) (reservation.Party, error) {
	if a.UserID == "" {
		return "", fault.ErrUnauthenticated
	}
	if b.FamilyID() == "" && b.Seat().BookedBy == a.UserID {
		return reservation.ByFamily, nil // a seat booked for oneself (a class)
	}
	f, err := s.d.Families.Get(ctx, b.FamilyID())
	if err != nil && !fault.Is(err, family.ErrNotFound) {
		return "", err
	}
	if f != nil && f.RequireMember(a.UserID) == nil {
		return reservation.ByFamily, nil
	}
	p, err := s.d.Providers.Get(ctx, b.ProviderID())
	if err != nil && !fault.Is(err, provider.ErrNotFound) {
		return "", err
	}
	if p != nil && p.InOffice(a.UserID) {
		return reservation.ByProvider, nil
	}
	return "", reservation.ErrBookingNotFound
}

// GetBooking returns a booking to its family and its provider.
func (s *Service) GetBooking(ctx context.Context, a actor.Actor, id string) (*reservation.Booking, error) {
	b, err := s.d.Bookings.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.party(ctx, a, b); err != nil {
		return nil, err
	}
	return b, nil
}

// ListFamilyBookings pages a family's bookings, newest first.
func (s *Service) ListFamilyBookings(ctx context.Context, a actor.Actor, familyID string, f BookingFilter, p page.Request) ([]*reservation.Booking, bool, error) {
	if _, err := familyaccess.Member(ctx, s.d.Families, a, familyID); err != nil {
		return nil, false, err
	}
	f.FamilyID, f.ProviderID = familyID, ""
	return s.d.Bookings.List(ctx, f, p)
}

// ListProviderBookings pages a provider's bookings for its managers.
func (s *Service) ListProviderBookings(ctx context.Context, a actor.Actor, providerID string, f BookingFilter, p page.Request) ([]*reservation.Booking, bool, error) {
	if _, err := s.manager(ctx, a, providerID); err != nil {
		return nil, false, err
	}
	f.ProviderID, f.FamilyID = providerID, ""
	return s.d.Bookings.List(ctx, f, p)
}

// CancelBooking ends a booking: a family member may (a reason is
// optional), its provider only with a reason. The booking is marked
// first and the seat given back after; a crash between leaves a
// cancelled booking on a seat, which the reconciler frees. The freed
// unit goes to the waitlist.
func (s *Service) CancelBooking(ctx context.Context, a actor.Actor, id, reason string) (*reservation.Booking, error) {
	b, err := s.d.Bookings.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	by, err := s.party(ctx, a, b)
	if err != nil {
		return nil, err
	}
	if k, ok := s.d.Kinds[b.Resource().Kind]; ok && b.Status() == reservation.Confirmed {
		if err := k.MayCancel(ctx, b, by, s.d.Now()); err != nil {
			return nil, err
		}
	}
	b, err = s.d.Bookings.Update(ctx, id, func(b *reservation.Booking) error {
		return b.Cancel(by, a.UserID, reason, s.d.Now(), s.d.NewID())
	})
	if err != nil {
		return nil, err
	}
	if err := s.freeSeat(ctx, b.SlotID(), b.ID()); err != nil {
		return nil, err
	}
	s.serve(ctx, b.SlotID())
	return b, nil
}

// freeSeat gives a cancelled booking's seat back in MongoDB, then Redis.
func (s *Service) freeSeat(ctx context.Context, slotID, holdID string) error {
	sl, version, err := s.updatePlaces(ctx, slotID, func(sl *reservation.Slot) error {
		if _, ok := sl.Release(holdID); !ok {
			return errNoSeat
		}
		return nil
	})
	if err == errNoSeat {
		// Freed already, by the reconciler (which saw the booking
		// cancelled before this step came) or an earlier try; its sync
		// may not have reached Redis yet, and the caller is about to be
		// told the place is free.
		if sl, version, err = s.d.Slots.Get(ctx, slotID); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	s.sync(ctx, sl, version, holdID)
	return nil
}

// errNoSeat spares a write when the seat is already free.
var errNoSeat = fault.New(fault.Conflict, "seat_already_free")
