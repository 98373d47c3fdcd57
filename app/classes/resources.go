package classes

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// Resources is how the reservation engine knows class sessions
// (reservations.Resources): who may see one, and when a seat may be
// given back.
type Resources struct {
	Slots     reservations.Slots
	Sessions  Sessions
	Courses   Courses
	Providers Providers
}

// Visible is nil for a scheduled session of a visible provider, or any
// session of a provider the caller manages.
func (r Resources) Visible(ctx context.Context, a actor.Actor, sessionID string) error {
	sess, err := r.Sessions.Get(ctx, sessionID)
	if fault.Is(err, course.ErrSessionNotFound) {
		return reservation.ErrSlotNotFound
	}
	if err != nil {
		return err
	}
	p, err := r.Providers.Get(ctx, sess.ProviderID)
	if fault.Is(err, provider.ErrNotFound) {
		return reservation.ErrSlotNotFound
	}
	if err != nil {
		return err
	}
	if a.UserID != "" && p.InOffice(a.UserID) {
		return nil
	}
	if !p.Visible() || sess.Status != course.Scheduled {
		return reservation.ErrSlotNotFound
	}
	return nil
}

// MayCancel lets an attendee give a seat back until the course's
// cancellation cutoff before the start; the organiser may at any time.
func (r Resources) MayCancel(ctx context.Context, b *reservation.Booking, by reservation.Party, now time.Time) error {
	if by == reservation.ByProvider {
		return nil
	}
	sess, err := r.Sessions.Get(ctx, b.SlotID())
	if err != nil {
		return err
	}
	c, err := r.Courses.Get(ctx, sess.CourseID)
	if err != nil {
		return err
	}
	// The slot's window, not the booking's copy: the session may have
	// moved since it was booked.
	sl, _, err := r.Slots.Get(ctx, b.SlotID())
	if err != nil {
		return err
	}
	cutoff := sl.Window().Start.Add(-c.CancelCutoff)
	if !now.Before(cutoff) {
		return course.ErrCancelCutoff.With(map[string]any{"cutoff": cutoff.UTC().Format(time.RFC3339)})
	}
	return nil
}
