package reservations

import (
	"context"
	"errors"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/reservation"
)

// Place is a user's place in a slot's waitlist (0 when not waiting).
type Place struct {
	SlotID   string
	Tier     reservation.Tier
	Position int
	Joined   bool
}

// JoinWaitlist queues the caller for a tier of a slot. If a unit is free
// already, they are served at once (a hold and an urgent push).
func (s *Service) JoinWaitlist(ctx context.Context, a actor.Actor, slotID string, t reservation.Tier) (Place, error) {
	if err := a.Require(identity.RoleFamily); err != nil {
		return Place{}, err
	}
	sl, err := s.visibleSlot(ctx, a, slotID)
	if err != nil {
		return Place{}, err
	}
	// One waits for a full tier: with units free and nobody ahead, a
	// waitlist would only be a way around the hold caps.
	now := s.d.Now()
	if !sl.OpenForHolds(now) {
		return Place{}, reservation.ErrSlotClosed
	}
	if _, waiting := waiterOf(sl, a.UserID); !waiting && sl.Waiting(t) == 0 {
		rem, err := s.remaining(ctx, []*reservation.Slot{sl})
		if err != nil {
			return Place{}, err
		}
		if rem[0].Of(t) > 0 {
			return Place{}, reservation.ErrPlacesLeft.With(map[string]any{"tier": string(t), "remaining": rem[0].Of(t)})
		}
	}
	var place Place
	var version int64
	sl, version, err = s.d.Slots.Update(ctx, slotID, func(sl *reservation.Slot) error {
		if !sl.OpenForHolds(now) {
			return reservation.ErrSlotClosed
		}
		pos, joined, err := sl.Join(reservation.Waiter{UserID: a.UserID, Tier: t}, now)
		place = Place{SlotID: slotID, Tier: t, Position: pos, Joined: joined}
		return err
	})
	if err != nil {
		return Place{}, err
	}
	// Joining again answers the queue the user is in, whichever tier
	// they asked for this time.
	if w, ok := waiterOf(sl, a.UserID); ok {
		place.Tier = w.Tier
	}
	s.sync(ctx, sl, version)
	s.serve(ctx, slotID)
	return place, nil
}

func waiterOf(sl *reservation.Slot, userID string) (reservation.Waiter, bool) {
	for _, w := range sl.Waitlist() {
		if w.UserID == userID {
			return w, true
		}
	}
	return reservation.Waiter{}, false
}

// WaitlistPlace is the caller's place now.
func (s *Service) WaitlistPlace(ctx context.Context, a actor.Actor, slotID string) (Place, error) {
	sl, err := s.visibleSlot(ctx, a, slotID)
	if err != nil {
		return Place{}, err
	}
	if w, ok := waiterOf(sl, a.UserID); ok {
		return Place{SlotID: slotID, Tier: w.Tier, Position: sl.Position(a.UserID)}, nil
	}
	return Place{SlotID: slotID}, nil
}

// LeaveWaitlist takes the caller off a slot's waitlist.
func (s *Service) LeaveWaitlist(ctx context.Context, a actor.Actor, slotID string) error {
	sl, version, err := s.d.Slots.Update(ctx, slotID, func(sl *reservation.Slot) error {
		if !sl.Leave(a.UserID) {
			return errNotWaiting
		}
		return nil
	})
	if errors.Is(err, errNotWaiting) {
		return nil
	}
	if err != nil {
		return err
	}
	s.sync(ctx, sl, version)
	return nil
}

var errNotWaiting = fault.New(fault.NotFound, "not_waiting")

// serve gives free units to the slot's waiters, first come first
// served: a hold taken in Redis under an id derived from the waiter (so
// replicas serving at once give one hold), then recorded on the slot
// with an urgent event. A hold nobody claims lapses, and the next serve
// gives the unit to the next waiter. Failures are logged: the sweep
// serves again.
func (s *Service) serve(ctx context.Context, slotID string) {
	if err := s.serveSlot(ctx, slotID); err != nil {
		s.d.Log.WarnContext(ctx, "waitlist not served", "slot", slotID, "err", err)
	}
}

func (s *Service) serveSlot(ctx context.Context, slotID string) error {
	sl, _, err := s.d.Slots.Get(ctx, slotID)
	if err != nil {
		return err
	}
	for _, t := range reservation.Tiers {
		for {
			w, ok := sl.Next(t)
			if !ok {
				break
			}
			now := s.d.Now()
			r, err := s.hold(ctx, HoldRequest{HoldID: promotionHoldID(slotID, w), SlotID: slotID, UserID: w.UserID,
				Tier: t, Fingerprint: string(t), Promoted: true, Now: now})
			if fault.Is(err, reservation.ErrSlotFull) || fault.Is(err, reservation.ErrSlotClosed) {
				break
			}
			if err != nil {
				return err
			}
			h := r.Hold
			var version int64
			sl, version, err = s.d.Slots.Update(ctx, slotID, func(sl *reservation.Slot) error {
				if !h.Live(now) {
					// Given before a crash and lapsed unannounced: the
					// waiter's turn is spent; tell nobody of a dead hold.
					sl.Leave(w.UserID)
					return nil
				}
				sl.Promote(reservation.Promotion{HoldID: h.ID, UserID: w.UserID, FamilyID: w.FamilyID, Tier: t,
					ExpiresAt: h.ExpiresAt}, now, s.d.NewID())
				return nil
			})
			if err != nil {
				return err
			}
			s.sync(ctx, sl, version)
			if h.Live(now) && !r.Replayed {
				s.remind(ctx, sl.Resource().Kind, h)
			}
		}
	}
	return nil
}
