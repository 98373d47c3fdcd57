package indicators

import (
	"context"
	"fmt"

	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/domain/incident"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/visit"
)

// Projector keeps the read model current. The relay shows it every batch
// of events before handing them on (notify.Relay.Observe); for each
// aggregate an event is about, it reads the aggregate once and writes
// its fact. Events are taken as "this aggregate changed", their data is
// not added up: the relay delivers at least once and a document's
// events may come again after a crash, and a fact written again from
// the same state is the same fact. A failure leaves the batch in its
// outbox, to be shown again.
type Projector struct {
	src   Sources
	facts Facts
}

func NewProjector(src Sources, facts Facts) *Projector { return &Projector{src: src, facts: facts} }

// Observe writes the facts of the aggregates the events are about.
func (p *Projector) Observe(ctx context.Context, events []event.Event) error {
	seen := map[event.Subject]bool{}
	for _, e := range events {
		if seen[e.Subject] {
			continue
		}
		seen[e.Subject] = true
		if err := p.refresh(ctx, e.Subject); err != nil {
			return fmt.Errorf("indicators: %s %s: %w", e.Subject.Kind, e.Subject.ID, err)
		}
	}
	return nil
}

func (p *Projector) refresh(ctx context.Context, s event.Subject) error {
	switch s.Kind {
	case "order":
		o, v, err := p.src.Order(ctx, s.ID)
		if fault.Is(err, order.ErrNotFound) {
			return p.facts.Delete(ctx, indicator.OrderKey(s.ID))
		}
		if err != nil {
			return err
		}
		return p.putOrder(ctx, o, v, nil)
	case "complaint":
		c, v, err := p.src.Complaint(ctx, s.ID)
		if fault.Is(err, complaint.ErrNotFound) {
			return p.facts.Delete(ctx, indicator.ComplaintKey(s.ID))
		}
		if err != nil {
			return err
		}
		return p.facts.Put(ctx, indicator.OfComplaint(c, v))
	case "incident":
		i, v, err := p.src.Incident(ctx, s.ID)
		if fault.Is(err, incident.ErrNotFound) {
			return p.facts.Delete(ctx, indicator.IncidentKey(s.ID))
		}
		if err != nil {
			return err
		}
		return p.putIncident(ctx, i, v, nil)
	case "meal_order":
		o, v, err := p.src.MealOrder(ctx, s.ID)
		if fault.Is(err, meal.ErrOrderNotFound) {
			return p.facts.Delete(ctx, indicator.MealKey(s.ID))
		}
		if err != nil {
			return err
		}
		return p.putMeal(ctx, o, v, nil)
	case "care":
		c, v, err := p.src.Care(ctx, s.ID)
		if fault.Is(err, visit.ErrNotFound) {
			return p.facts.Delete(ctx, indicator.CareKey(s.ID))
		}
		if err != nil {
			return err
		}
		return p.facts.Put(ctx, indicator.OfCare(c, v))
	case "visit":
		vi, v, err := p.src.Visit(ctx, s.ID)
		if fault.Is(err, visit.ErrVisitNotFound) {
			return p.facts.Delete(ctx, indicator.VisitKey(s.ID))
		}
		if err != nil {
			return err
		}
		return p.facts.Put(ctx, indicator.OfVisit(vi, v))
	case "slot":
		sl, v, err := p.src.Slot(ctx, s.ID)
		if fault.Is(err, reservation.ErrSlotNotFound) {
			return p.facts.Delete(ctx, indicator.PlaceKey(s.ID))
		}
		if err != nil {
			return err
		}
		return p.putPlace(ctx, sl, v, nil, nil)
	case "home_device":
		d, registered, v, err := p.src.HomeDevice(ctx, s.ID)
		if fault.Is(err, homedevice.ErrNotFound) {
			return p.facts.Delete(ctx, indicator.HomeDeviceKey(s.ID))
		}
		if err != nil {
			return err
		}
		return p.putHomeDevice(ctx, d, registered, v, nil)
	case "provider":
		pr, v, err := p.src.Provider(ctx, s.ID)
		if fault.Is(err, provider.ErrNotFound) {
			return p.facts.Delete(ctx, indicator.ProviderKey(s.ID))
		}
		if err != nil {
			return err
		}
		return p.facts.Put(ctx, indicator.OfProvider(pr, v))
	}
	return nil // not about anything the indicators count
}

// putOrder writes an order's fact; regions, when given, remembers the
// providers' regions for a rebuild.
func (p *Projector) putOrder(ctx context.Context, o *order.Order, v int64, regions map[string]string) error {
	code, ok := regions[o.ProviderID()]
	if !ok {
		var err error
		if code, err = p.src.ProviderRegion(ctx, o.ProviderID()); err != nil {
			return err
		}
		if regions != nil {
			regions[o.ProviderID()] = code
		}
	}
	return p.facts.Put(ctx, indicator.OfOrder(o, v, code))
}

// putIncident writes an alarm's fact, where its elder lives; regions
// as in putOrder, by elder.
func (p *Projector) putIncident(ctx context.Context, i *incident.Incident, v int64, regions map[string]string) error {
	code, ok := regions[i.ElderID()]
	if !ok {
		var err error
		if code, err = p.src.ElderRegion(ctx, i.ElderID()); err != nil {
			return err
		}
		if regions != nil {
			regions[i.ElderID()] = code
		}
	}
	return p.facts.Put(ctx, indicator.OfIncident(i, v, code))
}

// putHomeDevice writes a home device's fact, where its elder lives;
// regions as in putOrder, by elder.
func (p *Projector) putHomeDevice(ctx context.Context, d homedevice.Device, registered bool, v int64,
	regions map[string]string) error {
	code, ok := regions[d.ElderID]
	if !ok {
		var err error
		if code, err = p.src.ElderRegion(ctx, d.ElderID); err != nil {
			return err
		}
		if regions != nil {
			regions[d.ElderID] = code
		}
	}
	return p.facts.Put(ctx, indicator.OfHomeDevice(d, registered, v, code))
}

// putMeal writes a meal order's fact, where its canteen's provider is
// (as service orders count); regions as in putOrder.
func (p *Projector) putMeal(ctx context.Context, o *meal.Order, v int64, regions map[string]string) error {
	code, ok := regions[o.ProviderID]
	if !ok {
		var err error
		if code, err = p.src.ProviderRegion(ctx, o.ProviderID); err != nil {
			return err
		}
		if regions != nil {
			regions[o.ProviderID] = code
		}
	}
	return p.facts.Put(ctx, indicator.OfMeal(o, v, code))
}

// putPlace writes a childcare slot's fact, where its provider is, with
// its offering's care type; regions and careTypes as in putOrder, by
// provider and by offering.
func (p *Projector) putPlace(ctx context.Context, sl *reservation.Slot, v int64, regions, careTypes map[string]string) error {
	if sl.Resource().Kind != reservation.ChildcarePlace {
		return nil // a meal window's or a class's: not places
	}
	code, ok := regions[sl.ProviderID()]
	if !ok {
		var err error
		if code, err = p.src.ProviderRegion(ctx, sl.ProviderID()); err != nil {
			return err
		}
		if regions != nil {
			regions[sl.ProviderID()] = code
		}
	}
	offering := sl.Resource().ID
	care, ok := careTypes[offering]
	if !ok {
		var err error
		if care, err = p.src.CareType(ctx, offering); err != nil {
			return err
		}
		if careTypes != nil {
			careTypes[offering] = care
		}
	}
	return p.facts.Put(ctx, indicator.OfPlace(sl, v, code, care))
}

// Rebuild forgets the read model and writes it again from the source
// collections, through the same derivations the events use, so that it
// equals what the events built (test/indicators_test.go). Events handed
// on while it runs write their facts as usual; a fact is kept at the
// newest version either way. It reports how many facts it wrote.
func (p *Projector) Rebuild(ctx context.Context) (int, error) {
	if err := p.facts.Reset(ctx); err != nil {
		return 0, err
	}
	n := 0
	regions := map[string]string{}
	err := p.src.EachOrder(ctx, func(o *order.Order, v int64) error {
		n++
		return p.putOrder(ctx, o, v, regions)
	})
	if err != nil {
		return n, fmt.Errorf("indicators: rebuild orders: %w", err)
	}
	err = p.src.EachComplaint(ctx, func(c *complaint.Complaint, v int64) error {
		n++
		return p.facts.Put(ctx, indicator.OfComplaint(c, v))
	})
	if err != nil {
		return n, fmt.Errorf("indicators: rebuild complaints: %w", err)
	}
	elders := map[string]string{}
	err = p.src.EachIncident(ctx, func(i *incident.Incident, v int64) error {
		n++
		return p.putIncident(ctx, i, v, elders)
	})
	if err != nil {
		return n, fmt.Errorf("indicators: rebuild incidents: %w", err)
	}
	err = p.src.EachMealOrder(ctx, func(o *meal.Order, v int64) error {
		n++
		return p.putMeal(ctx, o, v, regions)
	})
	if err != nil {
		return n, fmt.Errorf("indicators: rebuild meal orders: %w", err)
	}
	err = p.src.EachCare(ctx, func(c *visit.Care, v int64) error {
		n++
		return p.facts.Put(ctx, indicator.OfCare(c, v))
	})
	if err != nil {
		return n, fmt.Errorf("indicators: rebuild care records: %w", err)
	}
	err = p.src.EachVisit(ctx, func(vi *visit.Visit, v int64) error {
		n++
		return p.facts.Put(ctx, indicator.OfVisit(vi, v))
	})
	if err != nil {
		return n, fmt.Errorf("indicators: rebuild visits: %w", err)
	}
	err = p.src.EachProvider(ctx, func(pr *provider.Provider, v int64) error {
		n++
		return p.facts.Put(ctx, indicator.OfProvider(pr, v))
	})
	if err != nil {
		return n, fmt.Errorf("indicators: rebuild providers: %w", err)
	}
	err = p.src.EachHomeDevice(ctx, func(d homedevice.Device, registered bool, v int64) error {
		n++
		return p.putHomeDevice(ctx, d, registered, v, elders)
	})
	if err != nil {
		return n, fmt.Errorf("indicators: rebuild home devices: %w", err)
	}
	careTypes := map[string]string{}
	err = p.src.EachChildcareSlot(ctx, func(sl *reservation.Slot, v int64) error {
		n++
		return p.putPlace(ctx, sl, v, regions, careTypes)
	})
	if err != nil {
		return n, fmt.Errorf("indicators: rebuild childcare slots: %w", err)
	}
	return n, nil
}

// RebuildIfEmpty builds a read model that was never built: the first
// start of a version with indicators, on collections full of history
// whose events were handed on long ago. Events handed on meanwhile are
// safe (see Rebuild). It reports the facts written (0: nothing to do).
func (p *Projector) RebuildIfEmpty(ctx context.Context) (int, error) {
	empty, err := p.facts.Empty(ctx)
	if err != nil || !empty {
		return 0, err
	}
	return p.Rebuild(ctx)
}
