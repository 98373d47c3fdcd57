package reservations

import (
	"context"
	"strings"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

var (
	// ErrNotAtDoor is a slot no child can be admitted on at the door:
	// a month of full-day care is enrolment, not a drop-in.
	ErrNotAtDoor = fault.New(fault.Unprocessable, "slot_not_for_drop_in")
	// ErrNotRunning is a slot whose window does not include the time at
	// the door.
	ErrNotRunning = fault.New(fault.Unprocessable, "slot_not_running")
)

// DoorCommand is a provider's staff booking a place for a child who came
// without one (临时托): on a slot of their provider running at the time At
// (the childcare day's clock), at the tier's price.
type DoorCommand struct {
	ProviderID string
	SlotID     string
	ChildID    string
	Tier       reservation.Tier
	At         time.Time
}

// doorMark begins the own part of a door booking's id (hold ids of the
// public are lower-case base32, of waitlist promotions "w…").
const doorMark = "D"

// BookedAtDoor reports whether a booking was made at the door by staff.
func BookedAtDoor(bookingID string) bool {
	_, suffix, ok := strings.Cut(bookingID, "_")
	return ok && strings.HasPrefix(suffix, doorMark)
}

// AdmitAtDoor books a place for a child at the door, through the same
// engine as every place: the slot's document takes the seat only within
// its tier's pool, in one conditional write, and Redis learns of it. It
// passes no hold: the child is there, and holds close when a session
// starts; but it asks Redis first what is left, so it does not take a
// unit a parent holds for minutes. The child must be of an age the
// offering takes, their family must have consented to children's data,
// and they must have no other place at the same time.
func (s *Service) AdmitAtDoor(ctx context.Context, a actor.Actor, cmd DoorCommand) (*reservation.Booking, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	if !reservation.ValidSlotID(cmd.SlotID) {
		return nil, reservation.ErrSlotNotFound
	}
	sl, _, err := s.d.Slots.Get(ctx, cmd.SlotID)
	if err != nil {
		return nil, err
	}
	p, err := s.d.Providers.Get(ctx, sl.ProviderID())
	if err != nil {
		return nil, err
	}
	if !p.Works(a.UserID) || sl.ProviderID() != cmd.ProviderID || sl.Resource().Kind != childcare.ResourceKind {
		return nil, reservation.ErrSlotNotFound
	}
	o, err := s.d.Offerings.Get(ctx, sl.Resource().ID)
	if err != nil {
		return nil, err
	}
	if o.CareType == childcare.FullDay {
		return nil, ErrNotAtDoor
	}
	w := sl.Window()
	if cmd.At.Before(w.Start.Add(-time.Hour)) || !cmd.At.Before(w.End) {
		// A child may be brought a little before the session opens.
		return nil, ErrNotRunning.With(map[string]any{"start": w.StartLocal()})
	}
	tier, err := reservation.ParseTier(string(cmd.Tier))
	if err != nil {
		return nil, err
	}
	c, err := s.d.Children.Get(ctx, cmd.ChildID)
	if err != nil {
		return nil, err
	}
	f, err := s.d.Families.Get(ctx, c.FamilyID)
	if fault.Is(err, family.ErrNotFound) {
		return nil, child.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := f.RequireConsent(consent.ChildData, ""); err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	if err := o.Eligible(c.Profile.AgeMonthsOn(calendar.Today(w.Start, loc))); err != nil {
		return nil, err
	}
	others, err := s.d.Bookings.Overlapping(ctx, c.ID, w.Start, w.End)
	if err != nil {
		return nil, err
	}
	if len(others) > 0 {
		return nil, ErrChildAlreadyBooked.With(map[string]any{"bookingId": others[0].ID()})
	}
	rem, err := s.remaining(ctx, []*reservation.Slot{sl})
	if err != nil {
		return nil, err
	}
	if rem[0].Known && rem[0].Of(tier) < 1 {
		return nil, reservation.ErrSlotFull.With(map[string]any{"tier": string(tier)})
	}
	seat := reservation.Seat{HoldID: reservation.HoldID(sl.ID(), doorMark+digest(c.ID, sl.ID(), s.d.NewID())[:19]),
		Tier: tier, BookedBy: a.UserID, FamilyID: c.FamilyID, RecipientID: c.ID, PriceFen: o.PriceFen(tier)}
	sl, version, err := s.updatePlaces(ctx, sl.ID(), func(sl *reservation.Slot) error {
		_, _, err := sl.Confirm(seat, s.d.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	s.sync(ctx, sl, version)
	seated, _ := sl.Seat(seat.HoldID)
	return s.writeBooking(ctx, sl, seated)
}
