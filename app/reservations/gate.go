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

// gateTTL is how long a replica trusts what it learnt about an offering
// being open to the public: a provider suspended or black-listed stops
// taking holds within about it (and books nobody at once: confirm asks
// MongoDB).
const gateTTL = 30 * time.Second

// gate lets the hold path know whether the public may hold on a slot
// without asking MongoDB each time: which offering a slot is of (that
// never changes), and whether each offering is open (active, its
// provider visible), asked again every gateTTL in the background while
// the last answer serves.
type gate struct {
	mu         sync.Mutex
	offeringOf map[string]string // slot → offering
	open       map[string]gateEntry
}

type gateEntry struct {
	err        error // nil or childcare.ErrNotFound
	until      time.Time
	refreshing bool
}

// gateSlotsMax bounds the slot map; past it, it starts again.
const gateSlotsMax = 100_000

// holdable answers whether the public may hold on slotID now.
func (s *Service) holdable(ctx context.Context, slotID string) error {
	s.gate.mu.Lock()
	offeringID, known := s.gate.offeringOf[slotID]
	s.gate.mu.Unlock()
	if !known {
		sl, _, err := s.d.Slots.Get(ctx, slotID)
		if err != nil {
			return err
		}
		offeringID = sl.Resource().ID
		s.gate.slotOf(offeringID, slotID)
	}
	if err := s.offeringOpen(ctx, offeringID); err != nil {
		if fault.Is(err, childcare.ErrNotFound) {
			return reservation.ErrSlotNotFound
		}
		return err
	}
	return nil
}

// offeringOpen is nil for an offering the public may see, from what
// this replica knows; a lapsed answer serves while a fresh one is asked.
func (s *Service) offeringOpen(ctx context.Context, offeringID string) error {
	now := s.d.Now()
	s.gate.mu.Lock()
	e, ok := s.gate.open[offeringID]
	refresh := ok && !now.Before(e.until) && !e.refreshing
	if refresh {
		e.refreshing = true
		s.gate.open[offeringID] = e
	}
	s.gate.mu.Unlock()
	switch {
	case refresh:
		go s.learn(context.WithoutCancel(ctx), offeringID)
		return e.err
	case ok:
		return e.err
	}
	return s.learn(ctx, offeringID)
}

// learn asks MongoDB whether the public may see an offering, and
// remembers the answer.
func (s *Service) learn(ctx context.Context, offeringID string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, _, err := s.offering(ctx, actor.Actor{}, offeringID)
	if err != nil && !fault.Is(err, childcare.ErrNotFound) {
		s.gate.remember(offeringID, func(e *gateEntry) { e.refreshing = false })
		return err // a store failure says nothing about the offering
	}
	until := s.d.Now().Add(gateTTL)
	s.gate.remember(offeringID, func(e *gateEntry) { *e = gateEntry{err: err, until: until} })
	return err
}

// slotOf records which offering slots are of.
func (g *gate) slotOf(offeringID string, slotIDs ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.offeringOf == nil || len(g.offeringOf) >= gateSlotsMax {
		g.offeringOf = map[string]string{}
	}
	for _, id := range slotIDs {
		g.offeringOf[id] = offeringID
	}
}

// remember changes what is known of an offering.
func (g *gate) remember(offeringID string, change func(*gateEntry)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open == nil {
		g.open = map[string]gateEntry{}
	}
	e := g.open[offeringID]
	change(&e)
	g.open[offeringID] = e
}
