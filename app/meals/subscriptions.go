package meals

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/recurrence"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/meal"
	domrec "github.com/kincare/kincare/domain/recurrence"
)

// Subscriptions keeps meal subscriptions, one document each, with their
// outbox.
type Subscriptions interface {
	Create(ctx context.Context, s *meal.Subscription) error
	// Get returns meal.ErrSubscriptionNotFound for an unknown id.
	Get(ctx context.Context, id string) (*meal.Subscription, error)
	Update(ctx context.Context, id string, fn func(*meal.Subscription) error) (*meal.Subscription, error)
	// Active pages through the active subscriptions by id.
	Active(ctx context.Context, after string, limit int) ([]*meal.Subscription, error)
	// OfElder is every subscription of an elder, any status.
	OfElder(ctx context.Context, elderID string) ([]*meal.Subscription, error)
}

// Generator makes a plan's occurrences a horizon ahead, once each
// (app/recurrence.Generator).
type Generator interface {
	RunPlan(ctx context.Context, t recurrence.Target, p recurrence.Plan) (recurrence.Result, error)
}

// Use gives the service the generator that makes subscribed days; it is
// built with the service's Target, hence after it.
func (s *Service) Use(g Generator) { s.gen = g }

// SubscribeCommand subscribes an elder to a canteen's window on chosen
// weekdays from StartsOn to EndsOn.
type SubscribeCommand struct {
	ElderID, ProviderID string
	Window              meal.WindowKind
	Weekdays            []time.Weekday
	StartsOn, EndsOn    calendar.Date
	Mode                meal.Mode
	PickupPointID       string
	Address             *geo.Address
	Note                string
}

// Subscribe makes a subscription for one of the family's elders and at
// once orders the subscribed days within the generator's horizon whose
// menus are published (later days, and menus published later, on the
// generator's next runs, each before its cutoff). Each day is ordered by
// the subscriber through PlaceOrder, so every rule of a single order
// holds: cutoff, portions, diet, delivery area, subsidy.
func (s *Service) Subscribe(ctx context.Context, a actor.Actor, cmd SubscribeCommand) (*meal.Subscription, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	e, err := s.d.Elders.Get(ctx, cmd.ElderID)
	if err != nil {
		return nil, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.d.Families, a, e.FamilyID, elder.ErrNotFound)
	if err != nil {
		return nil, err
	}
	_, c, _, err := s.visible(ctx, actor.Actor{}, cmd.ProviderID)
	if err != nil {
		return nil, err
	}
	w, ok := c.Window(cmd.Window)
	if !ok {
		return nil, meal.ErrSubscriptionInvalid.WithFields(fault.FieldError{Field: "/window", Code: "not_served"})
	}
	// The way the meal reaches the elder is checked now, as an order
	// would check it, so a subscription cannot fail every day for it.
	probe := &meal.Order{}
	if err := fulfil(probe, c, e, OrderCommand{Mode: cmd.Mode, PickupPointID: cmd.PickupPointID, Address: cmd.Address}); err != nil {
		return nil, err
	}
	sched, err := domrec.NewSchedule(domrec.Spec{Frequency: domrec.Weekly, Weekdays: cmd.Weekdays, TimeZone: c.Zone().String(),
		StartsOn: cmd.StartsOn, EndsOn: cmd.EndsOn, At: int(w.ServeFrom), Duration: time.Duration(w.ServeTo-w.ServeFrom) * time.Minute})
	if err != nil {
		return nil, err
	}
	// A delivery without an address goes to the elder's home as it is on
	// each day.
	var addr = probe.Address
	if cmd.Address == nil {
		addr = nil
	}
	sub, err := meal.NewSubscription(meal.SubscriptionDraft{ID: s.d.NewID(), FamilyID: f.ID(), ElderID: e.ID,
		CreatedBy: a.UserID, ProviderID: c.ProviderID, Window: cmd.Window, Schedule: sched, Mode: cmd.Mode,
		PickupPointID: probe.PickupPointID, Address: addr, Note: cmd.Note}, s.d.Now())
	if err != nil {
		return nil, err
	}
	if err := s.d.Subscriptions.Create(ctx, sub); err != nil {
		return nil, err
	}
	if s.gen != nil {
		if _, err := s.gen.RunPlan(ctx, s.Target(), sub); err != nil {
			s.d.Log.WarnContext(ctx, "meal subscription's first days left for the generator", "subscription", sub.ID(), "err", err)
		}
	}
	return sub, nil
}

// subscriptionOf loads a subscription for a member of its family.
func (s *Service) subscriptionOf(ctx context.Context, a actor.Actor, id string) (*meal.Subscription, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	sub, err := s.d.Subscriptions.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := familyaccess.OwnerOf(ctx, s.d.Families, a, sub.Draft().FamilyID, meal.ErrSubscriptionNotFound); err != nil {
		return nil, err
	}
	return sub, nil
}

// GetSubscription returns a subscription to its family.
func (s *Service) GetSubscription(ctx context.Context, a actor.Actor, id string) (*meal.Subscription, error) {
	return s.subscriptionOf(ctx, a, id)
}

// EndSubscription stops a subscription for its family.
func (s *Service) EndSubscription(ctx context.Context, a actor.Actor, id string) (*meal.Subscription, error) {
	if _, err := s.subscriptionOf(ctx, a, id); err != nil {
		return nil, err
	}
	return s.d.Subscriptions.Update(ctx, id, func(sub *meal.Subscription) error { return sub.End(s.d.Now()) })
}
