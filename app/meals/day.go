package meals

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/provider"
)

// The canteen's day (issue 15, item 6): the kitchen's production list,
// the delivery staff's list of where meals go, and their check-in at
// the door or the pick-up point.

// Production is the kitchen's list for one window on one day, for the
// canteen's admins and office staff (to anyone else the canteen is not
// found). Any day: the kitchen plans ahead.
func (s *Service) Production(ctx context.Context, a actor.Actor, providerID string, d calendar.Date, w meal.WindowKind) (meal.Production, error) {
	if _, err := s.managed(ctx, a, providerID); err != nil {
		return meal.Production{}, err
	}
	if !w.Valid() {
		return meal.Production{}, meal.ErrMenuNotFound
	}
	orders, err := s.d.Orders.OfSlot(ctx, SlotID(providerID, d, w))
	if err != nil {
		return meal.Production{}, err
	}
	m, err := s.d.Menus.Get(ctx, providerID, d, w)
	if err != nil && !fault.Is(err, meal.ErrMenuNotFound) {
		return meal.Production{}, err
	}
	return meal.ProductionOf(orders, m), nil
}

// DeliveryList is one window's meals that leave the canteen on one day.
type DeliveryList struct {
	Date   calendar.Date
	Window meal.WindowKind
	Stops  []meal.Stop
}

// Deliveries is the list the canteen's staff carry meals by, with the
// elders' names and addresses: for anyone working for the canteen
// (delivery staff are its caregivers; admins and office staff too), and
// only on its day in the canteen's zone — an address is theirs to see
// while they carry the meal there, not to collect (403
// meal_delivery_list_closed on another day). To anyone else the canteen
// is not found.
func (s *Service) Deliveries(ctx context.Context, a actor.Actor, providerID string, d calendar.Date, w meal.WindowKind) (DeliveryList, error) {
	if _, err := s.staffOf(ctx, a, providerID); err != nil {
		return DeliveryList{}, err
	}
	c, err := s.d.Canteens.Get(ctx, providerID)
	if err != nil {
		return DeliveryList{}, err
	}
	if today := calendar.Today(s.d.Now(), c.Zone()); d != today {
		return DeliveryList{}, meal.ErrDeliveryListClosed.With(map[string]any{"date": d.String(), "today": today.String()})
	}
	if !w.Valid() {
		return DeliveryList{}, meal.ErrMenuNotFound
	}
	orders, err := s.d.Orders.OfSlot(ctx, SlotID(providerID, d, w))
	if err != nil {
		return DeliveryList{}, err
	}
	names := map[string]string{}
	for _, o := range orders {
		if o.Status == meal.Cancelled || o.Mode == meal.DineIn {
			continue
		}
		if _, ok := names[o.ElderID]; ok {
			continue
		}
		// The family's audit log shows who was given the elder's address.
		if o.Mode == meal.HomeDelivery && s.d.Audit != nil {
			if err := s.d.Audit.RecordRead(ctx, a, o.FamilyID, "meal_delivery_address", o.ElderID); err != nil {
				return DeliveryList{}, err
			}
		}
		e, err := s.d.Elders.Get(ctx, o.ElderID)
		if err != nil {
			// An elder deleted since: the drop stays, nameless.
			s.d.Log.WarnContext(ctx, "delivery list: elder not read", "elder", o.ElderID, "err", err)
			names[o.ElderID] = ""
			continue
		}
		names[o.ElderID] = e.Profile.Name
	}
	return DeliveryList{Date: d, Window: w, Stops: meal.DeliveriesOf(orders, c, names)}, nil
}

// staffOf loads a canteen provider for anyone who works for it: its
// admins, office staff and caregivers. To anyone else it is not found.
func (s *Service) staffOf(ctx context.Context, a actor.Actor, providerID string) (*provider.Provider, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	p, err := s.d.Providers.Get(ctx, providerID)
	if fault.Is(err, provider.ErrNotFound) {
		return nil, meal.ErrCanteenNotFound
	}
	if err != nil {
		return nil, err
	}
	if !p.IsAdmin(a.UserID) && p.StaffMember(a.UserID) == nil {
		return nil, meal.ErrCanteenNotFound
	}
	return p, nil
}

// DeliverCommand is the delivery staff's check-in with a meal.
type DeliverCommand struct {
	MealOrderID string
	Report      meal.DeliveryReport
}

// ConfirmDelivery records a meal handed over at the elder's door (a
// delivery) or at its pick-up point, by anyone working for the order's
// canteen, as a visit's check-in is recorded: the geofence is the
// canteen's visit policy's, the phone's time is bounded. The meal is
// served and its subsidy committed exactly once, as at the counter, and
// the family is told. A second confirmation is 409 meal_already_served.
func (s *Service) ConfirmDelivery(ctx context.Context, a actor.Actor, cmd DeliverCommand) (*meal.Order, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	o, err := s.d.Orders.Get(ctx, cmd.MealOrderID)
	if err != nil {
		return nil, err
	}
	p, err := s.staffOf(ctx, a, o.ProviderID)
	if err != nil {
		return nil, meal.ErrOrderNotFound
	}
	place := o.Address
	if o.Mode == meal.Pickup {
		c, err := s.d.Canteens.Get(ctx, o.ProviderID)
		if err != nil {
			return nil, err
		}
		pp, ok := c.PickupPoint(o.PickupPointID)
		if !ok {
			return nil, meal.ErrOrderInvalid.WithFields(fault.FieldError{Field: "/pickupPointId", Code: "unknown"})
		}
		place = &pp.Address
	}
	radius := float64(p.Profile.Policy.Geofence())
	now := s.d.Now()
	return s.handOverOf(ctx, o, a.UserID, func(o *meal.Order) error {
		if place == nil {
			return meal.ErrNotForDelivery
		}
		return o.Deliver(a.UserID, cmd.Report, place.Location, radius, now)
	})
}
