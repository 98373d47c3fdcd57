package reservations

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/reservation"
)

// KnownFull reports, from Redis alone, that a slot has nothing left of
// tier and that the caller's Idempotency-Key holds nothing there: a
// hold would be refused slot_full, so a use case may answer before it
// reads anything from MongoDB (a rush on a sold-out lunch then costs
// two Redis round trips a request instead of five document reads).
// A key that holds something — a retry of an order placed before the
// slot filled, a generator run again after a crash — answers false, and
// the ordinary path finds what it made. A slot Redis does not know
// (restarted, flushed, never held) answers false too: the ordinary path
// rebuilds it from MongoDB. It decides nothing: the hold still does.
func (s *Service) KnownFull(ctx context.Context, a actor.Actor, slotID string, tier reservation.Tier, key string) (bool, error) {
	if a.UserID == "" || !reservation.ValidSlotID(slotID) {
		return false, nil
	}
	now := s.d.Now()
	rem, err := s.d.Engine.Remaining(ctx, []string{slotID}, now)
	if err != nil || len(rem) != 1 || !rem[0].Known || rem[0].Of(tier) > 0 {
		return false, err
	}
	if key == "" {
		return true, nil // a fresh key every time: nothing to replay
	}
	_, held, err := s.d.Engine.Lookup(ctx, holdID(slotID, a.UserID, key), now)
	if err != nil || held {
		return false, err
	}
	return true, nil
}
