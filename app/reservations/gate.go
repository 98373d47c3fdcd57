package reservations

import (
	"context"
	"sync"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

// gateTTL is how long a replica trusts what it learnt about a slot being
// open to the public: a provider suspended or black-listed stops taking
// holds within it (and books nobody at once: confirm asks MongoDB).
const gateTTL = 30 * time.Second

// gate remembers, per slot, whether the public may hold on it (its
// offering active, its provider visible), so the hold path asks MongoDB
// once per slot and gateTTL, not once per hold.
type gate struct {
	mu      sync.Mutex
	entries map[string]gateEntry
}

type gateEntry struct {
	err   error // nil or reservation.ErrSlotNotFound
	until time.Time
}

// gateSweepAt is the size past which lapsed entries are dropped.
const gateSweepAt = 10_000

// holdable answers whether the public may hold on slotID now.
func (s *Service) holdable(ctx context.Context, slotID string) error {
	now := s.d.Now()
	s.gate.mu.Lock()
	e, ok := s.gate.entries[slotID]
	s.gate.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.err
	}
	err := s.publicSlot(ctx, slotID)
	if err != nil && !fault.Is(err, reservation.ErrSlotNotFound) {
		return err // a store failure says nothing about the slot
	}
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	if s.gate.entries == nil {
		s.gate.entries = map[string]gateEntry{}
	}
	if len(s.gate.entries) >= gateSweepAt {
		for id, old := range s.gate.entries {
			if !now.Before(old.until) {
				delete(s.gate.entries, id)
			}
		}
	}
	s.gate.entries[slotID] = gateEntry{err: err, until: now.Add(gateTTL)}
	return err
}

// publicSlot is nil for a slot whose offering the public may see.
func (s *Service) publicSlot(ctx context.Context, slotID string) error {
	sl, _, err := s.d.Slots.Get(ctx, slotID)
	if err != nil {
		return err
	}
	if _, _, err := s.offering(ctx, actor.Actor{}, sl.Resource().ID); err != nil {
		if fault.Is(err, childcare.ErrNotFound) {
			return reservation.ErrSlotNotFound
		}
		return err
	}
	return nil
}
