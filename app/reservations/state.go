package reservations

import (
	"context"
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/reservation"
)

// forgetAfter is how long past a slot's end Redis keeps its keys, and
// keepSynced how long at least after it was told of the slot: a past
// slot rebuilt for a late hold or an availability page answers "closed"
// and its counts instead of vanishing as it is written.
const (
	forgetAfter = 24 * time.Hour
	keepSynced  = time.Hour
)

// stateOf is what Redis needs of a slot as MongoDB has it at version.
func stateOf(sl *reservation.Slot, version int64, now time.Time) SlotState {
	st := SlotState{SlotID: sl.ID(), Kind: sl.Resource().Kind, Version: version, Capacity: sl.Capacity(), Rules: sl.Rules(),
		Seated: map[reservation.Tier][]string{}, Waiting: map[reservation.Tier]int{},
		Promotions: sl.Promotions(now), ForgetAt: later(sl.Window().End.Add(forgetAfter), now.Add(keepSynced))}
	for _, seat := range sl.Seats() {
		st.Seated[seat.Tier] = append(st.Seated[seat.Tier], seat.HoldID)
	}
	for _, t := range reservation.Tiers {
		st.Waiting[t] = sl.Waiting(t)
	}
	return st
}

// sync tells Redis what MongoDB now holds for a slot, and which holds'
// seats it has just given back. A failure is logged, not returned:
// MongoDB has the change, and the engine is synced again on its next
// miss or by the reconciler.
func (s *Service) sync(ctx context.Context, sl *reservation.Slot, version int64, unseated ...string) {
	st := stateOf(sl, version, s.d.Now())
	st.Unseated = unseated
	if err := s.d.Engine.Sync(ctx, st); err != nil {
		s.d.Log.WarnContext(ctx, "reservation state not synced", "slot", sl.ID(), "err", err)
	}
}

// rebuild loads a slot from MongoDB into Redis, after Redis answered that
// it does not know it. A Redis that lost everything meets every parent
// of a popular slot at once: they share one read and one sync per slot
// on this replica instead of queueing hundreds of identical reads for
// the store's few connections. The shared work does not end with the
// first caller's request, so one parent hanging up fails nobody else.
func (s *Service) rebuild(ctx context.Context, slotID string) error {
	done := s.rebuilds.DoChan(slotID, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rebuildTimeout)
		defer cancel()
		sl, version, err := s.d.Slots.Get(ctx, slotID)
		if err != nil {
			return nil, err
		}
		if err := s.d.Engine.Sync(ctx, stateOf(sl, version, s.d.Now())); err != nil {
			return nil, fmt.Errorf("rebuild slot %s: %w", slotID, err)
		}
		return nil, nil
	})
	select {
	case r := <-done:
		return r.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// rebuildTimeout bounds a shared rebuild that no single request owns.
const rebuildTimeout = 30 * time.Second

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Synced tells Redis what another kind's use case wrote to a slot (a
// class moved or closed), as the engine's own writes do.
func (s *Service) Synced(ctx context.Context, sl *reservation.Slot, version int64) {
	s.sync(ctx, sl, version)
}
