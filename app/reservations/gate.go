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
// without asking MongoDB each time: which resource a slot is of (that
// never changes), and whether each resource is open (an offering active
// and its provider visible; a class session as its kind says), asked
// again every gateTTL in the background while the last answer serves.
type gate struct {
	mu         sync.Mutex
	resourceOf map[string]reservation.Resource // slot → resource
	open       map[reservation.Resource]gateEntry
}

type gateEntry struct {
	err        error // nil or reservation.ErrSlotNotFound
	until      time.Time
	refreshing bool
}

// gateSlotsMax bounds the slot map; past it, it starts again.
const gateSlotsMax = 100_000

// holdable answers whether the public may hold on slotID now.
func (s *Service) holdable(ctx context.Context, slotID string) (reservation.Resource, error) {
	s.gate.mu.Lock()
	r, known := s.gate.resourceOf[slotID]
	s.gate.mu.Unlock()
	if !known {
		sl, _, err := s.d.Slots.Get(ctx, slotID)
		if err != nil {
			return r, err
		}
		r = sl.Resource()
		s.gate.slotOf(r, slotID)
	}
	return r, s.resourceOpen(ctx, r)
}

// resourceOpen is nil for a resource the public may see, from what this
// replica knows; a lapsed answer serves while a fresh one is asked.
func (s *Service) resourceOpen(ctx context.Context, r reservation.Resource) error {
	now := s.d.Now()
	s.gate.mu.Lock()
	e, ok := s.gate.open[r]
	refresh := ok && !now.Before(e.until) && !e.refreshing
	if refresh {
		e.refreshing = true
		s.gate.open[r] = e
	}
	s.gate.mu.Unlock()
	switch {
	case refresh:
		go s.learn(context.WithoutCancel(ctx), r)
		return e.err
	case ok:
		return e.err
	}
	// Many first holds at once (a class opening) share one answer.
	done := s.learning.DoChan(r.Kind+"/"+r.ID, func() (any, error) {
		return nil, s.learn(context.WithoutCancel(ctx), r)
	})
	select {
	case res := <-done:
		return res.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// learn asks MongoDB whether the public may see a resource, and
// remembers the answer.
func (s *Service) learn(ctx context.Context, r reservation.Resource) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := s.resourceVisible(ctx, actor.Actor{}, r)
	if err != nil && !fault.Is(err, reservation.ErrSlotNotFound) {
		s.gate.remember(r, func(e *gateEntry) { e.refreshing = false })
		return err // a store failure says nothing about the resource
	}
	until := s.d.Now().Add(gateTTL)
	s.gate.remember(r, func(e *gateEntry) { *e = gateEntry{err: err, until: until} })
	return err
}

// Forget drops what this replica learnt of a resource: its owner just
// changed it (a class cancelled), and holds must hear of it at once.
func (s *Service) Forget(r reservation.Resource) {
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	delete(s.gate.open, r)
}

// Known tells the hold path which resource slots are of, when another
// kind's use case has just read or made them: the parents it shows them
// to hold next, and need not wait for MongoDB to say it again.
func (s *Service) Known(r reservation.Resource, slotIDs ...string) { s.gate.slotOf(r, slotIDs...) }

// resourceVisible is nil when a may see the resource's slots, and
// reservation.ErrSlotNotFound when not.
func (s *Service) resourceVisible(ctx context.Context, a actor.Actor, r reservation.Resource) error {
	if r.Kind != childcare.ResourceKind {
		k, ok := s.d.Kinds[r.Kind]
		if !ok {
			return reservation.ErrSlotNotFound
		}
		return k.Visible(ctx, a, r.ID)
	}
	_, _, err := s.offering(ctx, a, r.ID)
	if fault.Is(err, childcare.ErrNotFound) {
		return reservation.ErrSlotNotFound
	}
	return err
}

// slotOf records which resource slots are of.
func (g *gate) slotOf(r reservation.Resource, slotIDs ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.resourceOf == nil || len(g.resourceOf) >= gateSlotsMax {
		g.resourceOf = map[string]reservation.Resource{}
	}
	for _, id := range slotIDs {
		g.resourceOf[id] = r
	}
}

// remember changes what is known of a resource.
func (g *gate) remember(r reservation.Resource, change func(*gateEntry)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open == nil {
		g.open = map[reservation.Resource]gateEntry{}
	}
	e := g.open[r]
	change(&e)
	g.open[r] = e
}
