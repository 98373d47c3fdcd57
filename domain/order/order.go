package order

import (
	"maps"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/service"
)

// MaxNotes bounds the family's notes for the caregiver ("knock loudly").
const MaxNotes = 500

// Draft is what a new order is made from: the quote the family accepted
// and what it said about the visit.
type Draft struct {
	ID           string
	OrderedBy    string // the family member who orders and pays
	ElderID      string // the care recipient, who is usually someone else
	FamilyID     string
	ProviderID   string
	ItemID       string
	PriceVersion int
	ServiceType  service.Type
	Pricing      Pricing
	Window       Window
	Address      geo.Address // a snapshot: the elder moving later does not move this visit
	Notes        string      // for the caregiver
}

// Order is one document; the repository adds its version.
type Order struct {
	id           string
	orderedBy    string
	elderID      string
	familyID     string
	providerID   string
	itemID       string
	priceVersion int
	serviceType  service.Type
	pricing      Pricing
	window       Window
	address      geo.Address
	notes        string

	status       Status
	entered      map[Status]time.Time
	caregiverID  string
	offers       []Offer
	redispatches []Redispatch
	checkIn      *CheckIn
	record       *ServiceRecord
	checkOut     *CheckOut
	cancellation *Cancellation
	position     *Position
	departure    *Departure
	rating       *Rating
	// elderConfirmation is the elder's own confirmation with the visit
	// code, and the wrong codes before it.
	elderConfirmation *ElderConfirmation
	createdAt         time.Time

	// The events this order's next write announces.
	event.Outbox
}

// New validates a draft and records order.created.
func New(d Draft, eventID string, now time.Time) (*Order, error) {
	if eventID == "" || now.IsZero() {
		return nil, errEventID
	}
	now = now.UTC()
	v := validator{}
	for field, id := range map[string]string{"/id": d.ID, "/orderedBy": d.OrderedBy, "/elderId": d.ElderID,
		"/familyId": d.FamilyID, "/providerId": d.ProviderID, "/itemId": d.ItemID} {
		v.id(field, id)
	}
	if d.PriceVersion < 1 {
		v.add("/priceVersion", "range")
	}
	if !d.ServiceType.Valid() {
		v.add("/serviceType", "enum")
	}
	d.Pricing.check(&v)
	d.Window.check(&v, now)
	if a, err := geo.NewAddress("/address", d.Address); err != nil {
		v.merge(err)
	} else {
		d.Address = a
	}
	d.Notes = v.notes("/notes", d.Notes, MaxNotes)
	if err := v.err(ErrInvalid); err != nil {
		return nil, err
	}
	o := &Order{id: d.ID, orderedBy: d.OrderedBy, elderID: d.ElderID, familyID: d.FamilyID,
		providerID: d.ProviderID, itemID: d.ItemID, priceVersion: d.PriceVersion, serviceType: d.ServiceType,
		pricing: d.Pricing, window: d.Window, address: d.Address, notes: d.Notes,
		status: StatusCreated, entered: map[Status]time.Time{StatusCreated: now}, createdAt: now}
	o.announce(eventID, EventCreated, now, nil)
	return o, nil
}

func (o *Order) ID() string                 { return o.id }
func (o *Order) OrderedBy() string          { return o.orderedBy }
func (o *Order) ElderID() string            { return o.elderID }
func (o *Order) FamilyID() string           { return o.familyID }
func (o *Order) ProviderID() string         { return o.providerID }
func (o *Order) ItemID() string             { return o.itemID }
func (o *Order) PriceVersion() int          { return o.priceVersion }
func (o *Order) ServiceType() service.Type  { return o.serviceType }
func (o *Order) Pricing() Pricing           { return o.pricing }
func (o *Order) Window() Window             { return o.window }
func (o *Order) Address() geo.Address       { return o.address }
func (o *Order) Notes() string              { return o.notes }
func (o *Order) Status() Status             { return o.status }
func (o *Order) CaregiverID() string        { return o.caregiverID }
func (o *Order) Offers() []Offer            { return slices.Clone(o.offers) }
func (o *Order) Redispatches() []Redispatch { return slices.Clone(o.redispatches) }
func (o *Order) CreatedAt() time.Time       { return o.createdAt }

// EnteredAt is when the order last entered s.
func (o *Order) EnteredAt(s Status) (time.Time, bool) {
	t, ok := o.entered[s]
	return t, ok
}

// Timestamps is when the order last entered each status it has been in.
func (o *Order) Timestamps() map[Status]time.Time { return maps.Clone(o.entered) }

// Visit is what happened at the door: check-in, service record and
// check-out, each nil until it happens.
type Visit struct {
	CheckIn  *CheckIn
	Record   *ServiceRecord
	CheckOut *CheckOut
}

// Visit is a copy of the visit data.
func (o *Order) Visit() Visit {
	v := Visit{CheckIn: clonePtr(o.checkIn), CheckOut: clonePtr(o.checkOut)}
	if o.record != nil {
		r := o.record.clone()
		v.Record = &r
	}
	return v
}

// Cancellation is how the order was cancelled, if it was.
func (o *Order) Cancellation() (Cancellation, bool) { return deref(o.cancellation) }

func deref[T any](p *T) (T, bool) {
	if p == nil {
		var zero T
		return zero, false
	}
	return *p, true
}

// enter moves the order to s at now.
func (o *Order) enter(s Status, now time.Time) {
	o.status = s
	o.entered[s] = now.UTC()
}
