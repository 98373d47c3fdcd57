package reservation

import (
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/text"
)

// BookingStatus is where a booking stands.
type BookingStatus string

const (
	Confirmed BookingStatus = "confirmed"
	Cancelled BookingStatus = "cancelled"
)

// Party is who cancelled.
type Party string

const (
	ByFamily   Party = "family"
	ByProvider Party = "provider"
)

// Cancellation is why and by whom a booking ended.
type Cancellation struct {
	By     Party
	UserID string
	Reason string
	At     time.Time
}

const maxReason = 500

// Booking is a confirmed unit of a slot for a care recipient, ordered by
// a family member. Its id is the hold's: confirming a hold twice finds
// the booking instead of making a second one.
type Booking struct {
	id           string
	slotID       string
	resource     Resource
	providerID   string
	window       Window
	seat         Seat
	status       BookingStatus
	cancellation *Cancellation
	event.Outbox
}

// NewBooking is the booking a seat on s stands for, announcing itself.
func NewBooking(s *Slot, st Seat, eventID string) *Booking {
	b := &Booking{id: st.HoldID, slotID: s.id, resource: s.resource, providerID: s.providerID, window: s.window,
		seat: st, status: Confirmed}
	b.announce(eventID, EventConfirmed, st.At, nil)
	return b
}

func (b *Booking) ID() string                  { return b.id }
func (b *Booking) SlotID() string              { return b.slotID }
func (b *Booking) Resource() Resource          { return b.resource }
func (b *Booking) ProviderID() string          { return b.providerID }
func (b *Booking) Window() Window              { return b.window }
func (b *Booking) Seat() Seat                  { return b.seat }
func (b *Booking) FamilyID() string            { return b.seat.FamilyID }
func (b *Booking) Status() BookingStatus       { return b.status }
func (b *Booking) Cancellation() *Cancellation { return b.cancellation }

// Cancel ends a booking. A provider must say why; a family may.
func (b *Booking) Cancel(by Party, userID, reason string, now time.Time, eventID string) error {
	if b.status == Cancelled {
		return ErrAlreadyCancelled
	}
	reason, bad := text.Rule{Max: maxReason, Required: by == ByProvider}.Clean("/reason", reason)
	if bad != nil {
		return ErrReasonRequired.WithFields(*bad)
	}
	b.status = Cancelled
	b.cancellation = &Cancellation{By: by, UserID: userID, Reason: reason, At: now.UTC()}
	t := EventCancelledByFamily
	if by == ByProvider {
		t = EventCancelledByProvider
	}
	b.announce(eventID, t, now, map[string]string{"reason": reason})
	return nil
}

func (b *Booking) announce(id string, t event.Type, now time.Time, extra map[string]string) {
	d := map[string]string{
		"bookingId": b.id, "slotId": b.slotID, "resourceKind": b.resource.Kind, "resourceId": b.resource.ID,
		"providerId": b.providerID, "familyId": b.seat.FamilyID, "bookedBy": b.seat.BookedBy,
		"recipientId": b.seat.RecipientID, "tier": string(b.seat.Tier),
		"start": b.window.Start.Format(time.RFC3339), "end": b.window.End.Format(time.RFC3339),
		"timeZone": b.window.TimeZone, "startLocal": b.window.StartLocal(),
	}
	for k, v := range extra {
		if v != "" {
			d[k] = v
		}
	}
	if e, err := event.New(id, TypeFor(b.resource.Kind, t), event.Subject{Kind: "booking", ID: b.id}, now, d); err == nil {
		b.Record(e)
	}
}
