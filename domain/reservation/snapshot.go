package reservation

import (
	"slices"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// SlotSnapshot is a slot's state for storage; UnmarshalSlot rebuilds a
// slot from one without the checks of New (what was stored was valid).
type SlotSnapshot struct {
	ID         string
	Resource   Resource
	ProviderID string
	Window     Window
	Capacity   Capacity
	Rules      Rules
	Seats      []Seat
	Waitlist   []Waiter
	Promotions []Promotion
	CreatedAt  time.Time
	Pending    []event.Event
}

func (s *Slot) Snapshot() SlotSnapshot {
	return SlotSnapshot{ID: s.id, Resource: s.resource, ProviderID: s.providerID, Window: s.window,
		Capacity: s.capacity, Rules: s.rules, Seats: slices.Clone(s.seats), Waitlist: slices.Clone(s.waitlist),
		Promotions: slices.Clone(s.promotions), CreatedAt: s.createdAt, Pending: s.Pending()}
}

func UnmarshalSlot(s SlotSnapshot) *Slot {
	return &Slot{id: s.ID, resource: s.Resource, providerID: s.ProviderID, window: s.Window, capacity: s.Capacity,
		rules: s.Rules, seats: slices.Clone(s.Seats), waitlist: slices.Clone(s.Waitlist),
		promotions: slices.Clone(s.Promotions), createdAt: s.CreatedAt, Outbox: event.RestoreOutbox(s.Pending)}
}

// BookingSnapshot is a booking's state for storage.
type BookingSnapshot struct {
	ID           string
	SlotID       string
	Resource     Resource
	ProviderID   string
	Window       Window
	Seat         Seat
	Status       BookingStatus
	Cancellation *Cancellation
	Pending      []event.Event
}

func (b *Booking) Snapshot() BookingSnapshot {
	return BookingSnapshot{ID: b.id, SlotID: b.slotID, Resource: b.resource, ProviderID: b.providerID,
		Window: b.window, Seat: b.seat, Status: b.status, Cancellation: b.cancellation, Pending: b.Pending()}
}

func UnmarshalBooking(s BookingSnapshot) *Booking {
	return &Booking{id: s.ID, slotID: s.SlotID, resource: s.Resource, providerID: s.ProviderID, window: s.Window,
		seat: s.Seat, status: s.Status, cancellation: s.Cancellation, Outbox: event.RestoreOutbox(s.Pending)}
}
