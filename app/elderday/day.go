// Package elderday is what an elder sees on their own account (one old
// person, one phone): today's home-care visits and meals, who is coming
// and when, and the visit they confirm with the caregiver's code. It
// shows the elder's own records only, and never a price, an allowance or
// anything of the family's other members and elders. It must not import
// the HTTP adapter; its authorization is the link of the account to the
// elder, on both sides (elder.OwnAccount and actor.IsElder).
package elderday

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

// Elders reads the elder the account is linked to.
type Elders interface {
	Get(ctx context.Context, id string) (elder.Elder, error)
}

// Families reads the elder's family, for its time zone.
type Families interface {
	Get(ctx context.Context, id string) (*family.Family, error)
}

// Orders lists the elder's home-care orders by window start.
type Orders interface {
	List(ctx context.Context, f orders.Filter, p page.Request) ([]*order.Order, bool, error)
}

// MealOrders lists the elder's meal orders from a day on.
type MealOrders interface {
	Upcoming(ctx context.Context, elderID string, from calendar.Date) ([]*meal.Order, error)
}

// Providers reads who serves a visit or a meal.
type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
}

// Confirmer confirms a visit as the elder: app/orders.
type Confirmer interface {
	ConfirmAsElder(ctx context.Context, a actor.Actor, id, code string) (*order.Order, error)
}

// Deps are what the elder's day is made from.
type Deps struct {
	Elders     Elders
	Families   Families
	Orders     Orders
	MealOrders MealOrders
	Providers  Providers
	Confirmer  Confirmer
	Now        func() time.Time
}

// Service gathers the elder's own use cases.
type Service struct{ d Deps }

func NewService(d Deps) *Service { return &Service{d: d} }

// Day is the elder's today, in their family's time zone.
type Day struct {
	Date      calendar.Date
	TimeZone  string
	ElderName string
	Visits    []Visit
	Meals     []Meal
}

// Visit is a home-care visit as the elder sees it: what, when, who
// serves it and how far it is; no price, no notes the family left for
// the caregiver.
type Visit struct {
	OrderID      string
	ServiceType  string
	Status       order.Status
	Start, End   time.Time
	ProviderName string
	// Coming says a caregiver is on the way or at the door.
	Coming bool
	// AwaitingCode says the caregiver has checked out and the elder may
	// confirm with the code on the caregiver's phone.
	AwaitingCode     bool
	ConfirmedByElder bool
}

// Meal is a meal as the elder sees it: which, when, where, what.
type Meal struct {
	ID           string
	Window       meal.WindowKind
	Start, End   time.Time
	Mode         meal.Mode
	Status       meal.Status
	ProviderName string
	Dishes       []string
}

// ErrElderOnly is any caller but an elder's own account.
var ErrElderOnly = fault.New(fault.Forbidden, "elder_account_required")

// Today is the elder's own day: their home-care visits whose window
// starts today and their meals dated today, in their family's zone.
// Cancelled visits and meals are left out: the elder need not wait for
// them.
func (s *Service) Today(ctx context.Context, a actor.Actor) (Day, error) {
	e, f, err := s.own(ctx, a)
	if err != nil {
		return Day{}, err
	}
	loc := f.Location()
	now := s.d.Now()
	today := calendar.Today(now, loc)
	start := time.Date(today.Year, today.Month, today.Day, 0, 0, 0, 0, loc)
	day := Day{Date: today, TimeZone: f.TimeZone(), ElderName: e.Profile.Name, Visits: []Visit{}, Meals: []Meal{}}
	names := providerNames{providers: s.d.Providers, known: map[string]string{}}
	os, _, err := s.d.Orders.List(ctx, orders.Filter{ElderID: e.ID, From: start, To: start.AddDate(0, 0, 1)},
		page.Request{Limit: page.MaxLimit})
	if err != nil {
		return Day{}, fmt.Errorf("visits of the day: %w", err)
	}
	for _, o := range os {
		if gone(o.Status()) {
			continue
		}
		v, err := s.visit(ctx, &names, o)
		if err != nil {
			return Day{}, err
		}
		day.Visits = append(day.Visits, v)
	}
	slices.SortFunc(day.Visits, func(x, y Visit) int { return x.Start.Compare(y.Start) })
	ms, err := s.d.MealOrders.Upcoming(ctx, e.ID, today)
	if err != nil {
		return Day{}, fmt.Errorf("meals of the day: %w", err)
	}
	for _, m := range ms {
		if m.Date != today || m.Status == meal.Cancelled {
			continue
		}
		name, err := names.of(ctx, m.ProviderID)
		if err != nil {
			return Day{}, err
		}
		dishes := make([]string, len(m.Items))
		for i, it := range m.Items {
			dishes[i] = it.Name
		}
		day.Meals = append(day.Meals, Meal{ID: m.ID, Window: m.Window, Start: m.Start, End: m.End, Mode: m.Mode,
			Status: m.Status, ProviderName: name, Dishes: dishes})
	}
	slices.SortFunc(day.Meals, func(x, y Meal) int { return x.Start.Compare(y.Start) })
	return day, nil
}

// ConfirmVisit is the elder confirming today's visit with the code the
// caregiver's phone shows (app/orders ConfirmAsElder), answered as the
// elder sees the visit.
func (s *Service) ConfirmVisit(ctx context.Context, a actor.Actor, orderID, code string) (Visit, error) {
	if !a.Roles.Has(identity.RoleElder) {
		return Visit{}, ErrElderOnly
	}
	o, err := s.d.Confirmer.ConfirmAsElder(ctx, a, orderID, code)
	if err != nil {
		return Visit{}, err
	}
	names := providerNames{providers: s.d.Providers, known: map[string]string{}}
	return s.visit(ctx, &names, o)
}

func (s *Service) visit(ctx context.Context, names *providerNames, o *order.Order) (Visit, error) {
	name, err := names.of(ctx, o.ProviderID())
	if err != nil {
		return Visit{}, err
	}
	w := o.Window()
	st := o.Status()
	return Visit{OrderID: o.ID(), ServiceType: string(o.ServiceType()), Status: st, Start: w.Start, End: w.End,
		ProviderName: name, Coming: st == order.StatusEnRoute || st == order.StatusArrived,
		AwaitingCode: st == order.StatusCompleted && !o.ConfirmedByElder(), ConfirmedByElder: o.ConfirmedByElder()}, nil
}

// own loads the elder whose own account a is, and their family. Only an
// elder's account may ask (403 for anyone else); an account whose link
// the elder's record no longer holds (unlinked, or the elder removed)
// finds nothing (404).
func (s *Service) own(ctx context.Context, a actor.Actor) (elder.Elder, *family.Family, error) {
	if !a.IsElder(a.ElderID) {
		return elder.Elder{}, nil, ErrElderOnly
	}
	return familyaccess.OwnElder(ctx, s.d.Elders, s.d.Families, a, a.ElderID)
}

// providerNames reads each provider's name once per request.
type providerNames struct {
	providers Providers
	known     map[string]string
}

func (n *providerNames) of(ctx context.Context, id string) (string, error) {
	if name, ok := n.known[id]; ok {
		return name, nil
	}
	p, err := n.providers.Get(ctx, id)
	if fault.Is(err, provider.ErrNotFound) {
		n.known[id] = ""
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("provider %s: %w", id, err)
	}
	n.known[id] = p.Profile.LegalName
	return p.Profile.LegalName, nil
}

// gone are the statuses of a visit that will not happen.
func gone(s order.Status) bool {
	switch s {
	case order.StatusCancelledByFamily, order.StatusCancelledByProvider, order.StatusExpired:
		return true
	}
	return false
}
