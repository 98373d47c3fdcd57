package meals

import (
	"context"
	"slices"
	"strconv"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/reservation"
)

// OrderCommand is a family member ordering one meal for an elder.
type OrderCommand struct {
	ElderID    string
	ProviderID string
	Date       calendar.Date
	Window     meal.WindowKind
	Items      []string
	Mode       meal.Mode
	// PickupPointID names the canteen's pick-up point (pickup only);
	// Address is where to deliver (delivery only; nil: the elder's home).
	PickupPointID string
	Address       *geo.Address
	// ConfirmConflicts orders dishes the elder's diet or allergies
	// forbid, knowingly.
	ConfirmConflicts bool
	Note             string
	// Key is the request's Idempotency-Key: the portion's hold, and so
	// the order's id, derives from it.
	Key string
	// SubscriptionID is set by the subscription generator for the days
	// it orders (never from a request).
	SubscriptionID string
}

// Placed is an order, and whether this call found it placed already.
type Placed struct {
	Order    *meal.Order
	Replayed bool
}

// PlaceOrder orders one meal. A window Redis knows to be sold out
// refuses first, before any read (reservations.KnownFull). Everything
// else that can refuse without taking a portion is checked next (the elder is the caller's family's,
// the canteen serves that window that day, the cutoff has not passed in
// the canteen's zone, the dishes are on the menu and suit the elder, the
// address is in the delivery area); then the portion, through the
// engine: a hold in Redis (a full window costs Redis alone), then the
// seat in one conditional write of the slot, so portions never
// oversell; then the subsidy, reserved in the ledger; then the order's
// own document. A retry with the same key finds the same hold, booking
// and order.
func (s *Service) PlaceOrder(ctx context.Context, a actor.Actor, cmd OrderCommand) (Placed, error) {
	now := s.d.Now()
	if a.UserID == "" {
		return Placed{}, fault.ErrUnauthenticated
	}
	// A sold-out window answers from Redis before anything is read: the
	// rush on a popular lunch is mostly refusals. What it tells is public
	// (the menu shows the portions left), and a retry of an order placed
	// before the window filled still goes on to find it.
	if cmd.Window.Valid() {
		full, err := s.d.Reservations.KnownFull(ctx, a, SlotID(cmd.ProviderID, cmd.Date, cmd.Window), reservation.Market, cmd.Key)
		if err != nil {
			return Placed{}, err
		}
		if full {
			return Placed{}, meal.ErrWindowFull
		}
	}
	// Family membership is the check: an elder of another family, to
	// anyone, is not found.
	e, err := s.d.Elders.Get(ctx, cmd.ElderID)
	if err != nil {
		return Placed{}, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.d.Families, a, e.FamilyID, elder.ErrNotFound)
	if err != nil {
		return Placed{}, err
	}
	_, c, _, err := s.visible(ctx, actor.Actor{}, cmd.ProviderID)
	if err != nil {
		return Placed{}, err
	}
	if !cmd.Window.Valid() {
		return Placed{}, meal.ErrOrderInvalid.WithFields(fault.FieldError{Field: "/window", Code: "enum"})
	}
	st, err := c.SittingOn(cmd.Date, cmd.Window)
	if err != nil {
		return Placed{}, err
	}
	m, err := s.d.Menus.Get(ctx, c.ProviderID, cmd.Date, cmd.Window)
	if err != nil {
		return Placed{}, err
	}
	if err := st.CheckOpen(now); err != nil {
		return Placed{}, err
	}
	items, err := m.Choose(cmd.Items)
	if err != nil {
		return Placed{}, err
	}
	if conflicts := meal.Conflicts(e.Profile.Diet, items); len(conflicts) > 0 && !cmd.ConfirmConflicts {
		return Placed{}, conflictError(conflicts)
	}
	o := &meal.Order{ProviderID: c.ProviderID, FamilyID: f.ID(), ElderID: e.ID, OrderedBy: a.UserID,
		SlotID: SlotID(c.ProviderID, cmd.Date, cmd.Window), Date: cmd.Date, Window: cmd.Window, Start: st.Start, End: st.End,
		CutoffAt: st.CutoffAt, TimeZone: st.TimeZone, Mode: cmd.Mode, ConflictsConfirmed: cmd.ConfirmConflicts,
		Status: meal.Placed, CreatedAt: now.UTC(), SubscriptionID: cmd.SubscriptionID,
		DietTags: slices.Clone(e.Profile.Diet.Tags)}
	if err := fulfil(o, c, e, cmd); err != nil {
		return Placed{}, err
	}
	if o.Note, err = meal.CleanNote(cmd.Note); err != nil {
		return Placed{}, err
	}
	for _, it := range items {
		o.Items = append(o.Items, meal.OrderedItem{ID: it.ID, Name: it.Name, MarketFen: it.Price.MarketFen,
			InclusiveFen: it.Price.InclusiveFen})
	}
	o.MarketFen, o.PriceFen = meal.Prices(items)
	return s.take(ctx, a, o, e, c, cmd.Key)
}

// fulfil checks how the meal reaches the elder and prices its delivery.
func fulfil(o *meal.Order, c meal.Canteen, e elder.Elder, cmd OrderCommand) error {
	switch cmd.Mode {
	case meal.DineIn:
	case meal.Pickup:
		if _, ok := c.PickupPoint(cmd.PickupPointID); !ok {
			return meal.ErrOrderInvalid.WithFields(fault.FieldError{Field: "/pickupPointId", Code: "unknown"})
		}
		o.PickupPointID = cmd.PickupPointID
	case meal.HomeDelivery:
		addr := e.Profile.Address
		if cmd.Address != nil {
			a, err := geo.NewAddress("/address", *cmd.Address)
			if err != nil {
				return err
			}
			addr = a
		}
		if !c.Delivery.Covers(c.Location, addr) {
			return meal.ErrOutsideDelivery
		}
		o.Address, o.DeliveryFeeFen = &addr, c.Delivery.FeeFen
	default:
		return meal.ErrOrderInvalid.WithFields(fault.FieldError{Field: "/mode", Code: "enum"})
	}
	return nil
}

// conflictError lists what does not suit the elder, so the app can ask
// the orderer to confirm.
func conflictError(cs []meal.Conflict) error {
	fields := make([]fault.FieldError, 0, len(cs))
	for _, c := range cs {
		code, detail := "diet", string(c.Diet)
		if c.Allergen != "" {
			code, detail = "allergen", c.Allergen
		}
		fields = append(fields, fault.FieldError{Field: "/items/" + c.ItemID, Code: code, Detail: detail})
	}
	return meal.ErrDietConflict.With(map[string]any{"conflicts": strconv.Itoa(len(cs))}).WithFields(fields...)
}

// take holds and seats the portion, draws the subsidy and stores the
// order.
func (s *Service) take(ctx context.Context, a actor.Actor, o *meal.Order, e elder.Elder, c meal.Canteen, key string) (Placed, error) {
	if key == "" {
		key = s.d.NewID()
	}
	r, err := s.d.Reservations.Hold(ctx, a, reservations.HoldCommand{SlotID: o.SlotID, Tier: reservation.Market, Key: key})
	if err != nil {
		return Placed{}, engineError(err)
	}
	o.ID = r.Hold.ID
	if prior, err := s.d.Orders.Get(ctx, o.ID); err == nil {
		return Placed{Order: prior, Replayed: true}, nil
	} else if !fault.Is(err, meal.ErrOrderNotFound) {
		return Placed{}, err
	}
	_, err = s.d.Reservations.ConfirmSeat(ctx, a, o.ID, func(sl *reservation.Slot, h reservation.Hold) (reservation.Seat, error) {
		for _, seat := range sl.Seats() {
			if seat.RecipientID == o.ElderID && seat.HoldID != h.ID {
				return reservation.Seat{}, meal.ErrAlreadyOrdered.With(map[string]any{"mealOrderId": seat.HoldID})
			}
		}
		return reservation.Seat{HoldID: h.ID, Tier: h.Tier, BookedBy: a.UserID, FamilyID: o.FamilyID,
			RecipientID: o.ElderID, PriceFen: o.PriceFen}, nil
	})
	if err != nil {
		if fault.Is(err, meal.ErrAlreadyOrdered) {
			if _, rerr := s.d.Reservations.ReleaseHold(ctx, a, o.ID); rerr != nil {
				s.d.Log.WarnContext(ctx, "meal hold not released", "hold", o.ID, "err", rerr)
			}
		}
		return Placed{}, engineError(err)
	}
	draw, err := s.drawSubsidy(ctx, a, o, e, c)
	if err != nil {
		return Placed{}, err
	}
	o.Subsidy = draw
	o.Settle()
	// The missed-meal check rides on the order's first write.
	if err := o.WatchCollection(s.d.Now()); err != nil {
		return Placed{}, err
	}
	created, err := s.d.Orders.Create(ctx, o)
	if err != nil {
		return Placed{}, err
	}
	if !created {
		prior, err := s.d.Orders.Get(ctx, o.ID)
		return Placed{Order: prior, Replayed: true}, err
	}
	return Placed{Order: o}, nil
}

// engineError says in a meal's words what the engine refused.
func engineError(err error) error {
	switch {
	case fault.Is(err, reservation.ErrSlotFull):
		return meal.ErrWindowFull
	case fault.Is(err, reservation.ErrSlotClosed):
		return meal.ErrCutoffPassed
	case fault.Is(err, reservation.ErrSlotNotFound):
		return meal.ErrMenuNotFound
	}
	return err
}
