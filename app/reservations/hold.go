package reservations

import (
	"context"
	"errors"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/reservation"
)

// HoldCommand is a parent asking for one unit of a slot. Key is the
// request's Idempotency-Key: the hold's id derives from it.
type HoldCommand struct {
	SlotID string
	Tier   reservation.Tier
	Key    string
}

// Hold takes a unit for minutes. It is Redis alone (one script) unless
// Redis does not know the slot, which is then rebuilt from MongoDB, or
// this replica has never asked whether the slot is open to the public
// (older answers are refreshed in the background): the hot path of a
// popular slot does not wait for MongoDB. The holder's reminder is kept
// by the engine with the hold, in the same round trip, and handed to the
// job queue when due (ForwardReminders): most holds are booked or let go
// before then, and their reminders never reach the queue.
func (s *Service) Hold(ctx context.Context, a actor.Actor, cmd HoldCommand) (HoldResult, error) {
	if err := a.Require(identity.RoleFamily); err != nil {
		return HoldResult{}, err
	}
	if !reservation.ValidSlotID(cmd.SlotID) {
		return HoldResult{}, reservation.ErrSlotNotFound
	}
	res, err := s.holdable(ctx, cmd.SlotID)
	if err != nil {
		return HoldResult{}, err
	}
	req := HoldRequest{HoldID: holdID(cmd.SlotID, a.UserID, cmd.Key), SlotID: cmd.SlotID, UserID: a.UserID,
		Tier: cmd.Tier, Fingerprint: string(cmd.Tier), Kind: res.Kind, KindLimit: s.d.KindLimit,
		RemindBefore: RemindBefore, Now: s.d.Now()}
	return s.hold(ctx, req)
}

// hold asks the engine, rebuilding the slot's state once if Redis lost it.
func (s *Service) hold(ctx context.Context, req HoldRequest) (HoldResult, error) {
	r, err := s.d.Engine.Hold(ctx, req)
	if !errors.Is(err, ErrStateMissing) {
		return r, err
	}
	if err := s.rebuild(ctx, req.SlotID); err != nil {
		return HoldResult{}, err
	}
	return s.d.Engine.Hold(ctx, req)
}

// remind schedules the holder's reminder of a hold given from the
// waitlist a few minutes before it lapses (a parent's own hold keeps its
// reminder in the engine, see Hold). It lives in Redis with the hold and
// tells nobody if the hold is booked or gone by then. A reminder the
// queue failed to take, or lost without the hold, the reconciler
// schedules again (remindAgain). Its type is the slot kind's (a class
// seat's words are not a place's).
func (s *Service) remind(ctx context.Context, kind string, h reservation.Hold) {
	now := s.d.Now()
	if h.ExpiresAt.Add(-RemindBefore).Sub(now) < MinReminderNotice {
		return // a hold too short to need reminding of
	}
	if err := s.scheduleReminder(ctx, kind, h, now); err != nil {
		s.d.Log.WarnContext(ctx, "hold reminder not scheduled", "hold", h.ID, "err", err)
	}
}

// scheduleReminder queues a hold's reminder for RemindBefore its expiry,
// or for now if that has passed. The event id is the hold's, so however
// often it is queued, the queue and the inbox hold it once.
func (s *Service) scheduleReminder(ctx context.Context, kind string, h reservation.Hold, now time.Time) error {
	due := later(h.ExpiresAt.Add(-RemindBefore), now)
	e, err := event.Reminder("hold-expiring-"+h.ID, reservation.TypeFor(kind, reservation.EventHoldExpiring), event.Subject{Kind: "hold", ID: h.ID},
		now, due, map[string]string{"userId": h.UserID, "holdId": h.ID, "slotId": h.SlotID,
			"tier": string(h.Tier), "expiresAt": h.ExpiresAt.UTC().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	_, err = s.d.Reminders.EnqueueEvent(ctx, e)
	return err
}

// GetHold returns one of the caller's holds.
func (s *Service) GetHold(ctx context.Context, a actor.Actor, id string) (reservation.Hold, error) {
	if a.UserID == "" {
		return reservation.Hold{}, reservation.ErrHoldNotFound
	}
	if _, ok := reservation.SlotOf(id); !ok {
		return reservation.Hold{}, reservation.ErrHoldNotFound
	}
	h, ok, err := s.d.Engine.Lookup(ctx, id, s.d.Now())
	if err != nil {
		return reservation.Hold{}, err
	}
	if !ok || h.UserID != a.UserID {
		return reservation.Hold{}, reservation.ErrHoldNotFound
	}
	return h, nil
}

// ReleaseHold gives a hold's unit back before it lapses; a place offered
// from the waitlist passes to the next waiter at once.
func (s *Service) ReleaseHold(ctx context.Context, a actor.Actor, id string) (reservation.Hold, error) {
	slotID, ok := reservation.SlotOf(id)
	if !ok || a.UserID == "" {
		return reservation.Hold{}, reservation.ErrHoldNotFound
	}
	h, err := s.d.Engine.Release(ctx, id, a.UserID, s.d.Now())
	if err != nil {
		return reservation.Hold{}, err
	}
	if h.Promoted {
		sl, version, err := s.d.Slots.Update(ctx, slotID, func(sl *reservation.Slot) error {
			sl.Decline(id)
			return nil
		})
		if err != nil {
			return reservation.Hold{}, err
		}
		s.sync(ctx, sl, version)
	}
	s.serve(ctx, slotID)
	return h, nil
}
