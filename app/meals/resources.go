package meals

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// Resources is how the reservation engine knows meal windows
// (reservations.Resources): who may see one, and when a portion may be
// given back.
type Resources struct {
	Slots     reservations.Slots
	Providers Providers
}

// Visible is nil for a window of a visible canteen, or any window of a
// canteen the caller manages.
func (r Resources) Visible(ctx context.Context, a actor.Actor, slotID string) error {
	sl, _, err := r.Slots.Get(ctx, slotID)
	if err != nil {
		return err
	}
	p, err := r.Providers.Get(ctx, sl.ProviderID())
	if fault.Is(err, provider.ErrNotFound) {
		return reservation.ErrSlotNotFound
	}
	if err != nil {
		return err
	}
	if a.UserID != "" && p.InOffice(a.UserID) {
		return nil
	}
	if !p.Visible() || !IsCanteen(p) {
		return reservation.ErrSlotNotFound
	}
	return nil
}

// MayCancel lets a family give a portion back until the window's cutoff
// (the moment its holds close); the canteen may at any time.
func (r Resources) MayCancel(ctx context.Context, b *reservation.Booking, by reservation.Party, now time.Time) error {
	if by == reservation.ByProvider {
		return nil
	}
	sl, _, err := r.Slots.Get(ctx, b.SlotID())
	if err != nil {
		return err
	}
	if cutoff := sl.Rules().HoldsCloseAt; !now.Before(cutoff) {
		return meal.ErrCutoffPassed.With(map[string]any{"cutoff": cutoff.UTC().Format(time.RFC3339)})
	}
	return nil
}
