// Package serving decides whether a provider's people serve an elder,
// for the use cases that let them act for an elder who is not their
// family's: raising an incident at the elder's, registering a home
// device. A provider serves an elder when it is a community station whose
// service area covers the elder's address (as the ladder and the monthly
// visits find stations), or when it holds an order for the elder that has
// not ended. Its admins and office staff act for it; a caregiver only
// while holding an order for the elder that is under way, from
// acceptance to check-out. Membership is read at each call, so staff who
// left serve nobody (DESIGN.md invariant 11).
//
// It reads only: stores and the station search are ports; it imports app
// packages for their query types, and no adapter.
package serving

import (
	"context"

	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

type (
	// Stations are the community stations serving an address.
	Stations interface {
		Serving(ctx context.Context, a geo.Address) ([]*provider.Provider, error)
	}
	// Orders lists orders (orders.Store's query).
	Orders interface {
		List(ctx context.Context, f orders.Filter, p page.Request) ([]*order.Order, bool, error)
	}
	Providers interface {
		Get(ctx context.Context, id string) (*provider.Provider, error)
	}
)

// Checker answers who serves an elder.
type Checker struct {
	Stations  Stations
	Orders    Orders
	Providers Providers
}

// open are the statuses of an order that has not ended; under way those
// a caregiver holds until check-out.
var (
	open = []order.Status{order.StatusCreated, order.StatusDispatching, order.StatusOffered, order.StatusAccepted,
		order.StatusEnRoute, order.StatusArrived, order.StatusInService, order.StatusCompleted}
	underWay = []order.Status{order.StatusAccepted, order.StatusEnRoute, order.StatusArrived, order.StatusInService}
)

// openOrders bounds the orders of an elder looked at: an elder has a few
// open at a time.
const openOrders = 100

// Office reports the provider whose admin or office staff userID is and
// which serves the elder, if any: a station covering the address first,
// then a provider with an open order for the elder.
func (c Checker) Office(ctx context.Context, userID string, e elder.Elder) (string, bool, error) {
	if userID == "" {
		return "", false, nil
	}
	stations, err := c.Stations.Serving(ctx, e.Profile.Address)
	if err != nil {
		return "", false, err
	}
	for _, p := range stations {
		if inOffice(p, userID) {
			return p.ID, true, nil
		}
	}
	os, _, err := c.Orders.List(ctx, orders.Filter{ElderID: e.ID, Statuses: open}, page.Request{Limit: openOrders})
	if err != nil {
		return "", false, err
	}
	seen := map[string]bool{}
	for _, o := range os {
		if seen[o.ProviderID()] {
			continue
		}
		seen[o.ProviderID()] = true
		p, err := c.Providers.Get(ctx, o.ProviderID())
		if err != nil {
			if fault.Is(err, provider.ErrNotFound) {
				continue
			}
			return "", false, err
		}
		if inOffice(p, userID) {
			return p.ID, true, nil
		}
	}
	return "", false, nil
}

// Caregiver reports the provider for which userID, one of its caregivers
// now, holds an order for the elder that is under way, if any.
func (c Checker) Caregiver(ctx context.Context, userID string, e elder.Elder) (string, bool, error) {
	if userID == "" {
		return "", false, nil
	}
	os, _, err := c.Orders.List(ctx, orders.Filter{ElderID: e.ID, CaregiverID: userID, Statuses: underWay},
		page.Request{Limit: openOrders})
	if err != nil {
		return "", false, err
	}
	for _, o := range os {
		p, err := c.Providers.Get(ctx, o.ProviderID())
		if err != nil {
			if fault.Is(err, provider.ErrNotFound) {
				continue
			}
			return "", false, err
		}
		if st := p.StaffMember(userID); st != nil && st.Role == provider.StaffCaregiver {
			return p.ID, true, nil
		}
	}
	return "", false, nil
}

func inOffice(p *provider.Provider, userID string) bool {
	if p.IsAdmin(userID) {
		return true
	}
	st := p.StaffMember(userID)
	return st != nil && st.Role == provider.StaffOffice
}
