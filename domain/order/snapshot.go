package order

import (
	"maps"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/service"
)

// Snapshot is an order's stored form. The repository maps it to its
// document and adds the version.
type Snapshot struct {
	ID                string
	OrderedBy         string
	ElderID           string
	FamilyID          string
	ProviderID        string
	ItemID            string
	PriceVersion      int
	ServiceType       service.Type
	Pricing           Pricing
	Window            Window
	Address           geo.Address
	Notes             string
	Status            Status
	Entered           map[Status]time.Time
	CaregiverID       string
	Offers            []Offer
	Redispatches      []Redispatch
	CheckIn           *CheckIn
	Record            *ServiceRecord
	CheckOut          *CheckOut
	Cancellation      *Cancellation
	Position          *Position
	Departure         *Departure
	Rating            *Rating
	ElderConfirmation *ElderConfirmation
	CreatedAt         time.Time
	Pending           []event.Event
}

// Unmarshal rebuilds a stored order. It is not a constructor: what was
// valid when stored stays loadable after the rules change.
func Unmarshal(s Snapshot) *Order {
	entered := maps.Clone(s.Entered)
	if entered == nil {
		entered = map[Status]time.Time{}
	}
	o := &Order{id: s.ID, orderedBy: s.OrderedBy, elderID: s.ElderID, familyID: s.FamilyID,
		providerID: s.ProviderID, itemID: s.ItemID, priceVersion: s.PriceVersion, serviceType: s.ServiceType,
		pricing: s.Pricing, window: s.Window, address: s.Address, notes: s.Notes, status: s.Status,
		entered: entered, caregiverID: s.CaregiverID, offers: slices.Clone(s.Offers),
		redispatches: slices.Clone(s.Redispatches), checkIn: clonePtr(s.CheckIn), checkOut: clonePtr(s.CheckOut),
		cancellation: clonePtr(s.Cancellation), position: clonePtr(s.Position), departure: clonePtr(s.Departure), elderConfirmation: clonePtr(s.ElderConfirmation), createdAt: s.CreatedAt, Outbox: event.RestoreOutbox(s.Pending)}
	if s.Record != nil {
		r := s.Record.clone()
		o.record = &r
	}
	if s.Rating != nil {
		r := s.Rating.clone()
		o.rating = &r
	}
	return o
}

// Snapshot is the order as stored, pending events included.
func (o *Order) Snapshot() Snapshot {
	s := Snapshot{ID: o.id, OrderedBy: o.orderedBy, ElderID: o.elderID, FamilyID: o.familyID,
		ProviderID: o.providerID, ItemID: o.itemID, PriceVersion: o.priceVersion, ServiceType: o.serviceType,
		Pricing: o.pricing, Window: o.window, Address: o.address, Notes: o.notes, Status: o.status,
		Entered: maps.Clone(o.entered), CaregiverID: o.caregiverID, Offers: slices.Clone(o.offers),
		Redispatches: slices.Clone(o.redispatches), CheckIn: clonePtr(o.checkIn), CheckOut: clonePtr(o.checkOut),
		Cancellation: clonePtr(o.cancellation), Position: clonePtr(o.position), Departure: clonePtr(o.departure), ElderConfirmation: clonePtr(o.elderConfirmation), CreatedAt: o.createdAt, Pending: o.Pending()}
	if o.record != nil {
		r := o.record.clone()
		s.Record = &r
	}
	if o.rating != nil {
		r := o.rating.clone()
		s.Rating = &r
	}
	return s
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
