package recurrence

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/recurrence"
)

// Rules keeps recurring-order rules, one document each, changed through
// Update (load, change, conditional write with the rule's events).
type Rules interface {
	Create(ctx context.Context, r *recurrence.Rule) error
	// Get returns recurrence.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (*recurrence.Rule, error)
	Update(ctx context.Context, id string, fn func(*recurrence.Rule) error) (*recurrence.Rule, error)
	// ForElder pages through an elder's rules, newest first.
	ForElder(ctx context.Context, elderID string, p page.Request) ([]*recurrence.Rule, bool, error)
	// Active pages through the active rules by id.
	Active(ctx context.Context, after string, limit int) ([]*recurrence.Rule, error)
}

// Orders is where generated orders go: app/orders, whose create path
// (price, allowance reservation, store, order.created to the provider's
// dispatch) every order takes.
type Orders interface {
	Create(ctx context.Context, a actor.Actor, cmd orders.CreateCommand) (*order.Order, error)
	Cancel(ctx context.Context, a actor.Actor, id, reason string) (*order.Order, error)
}

// OrderStore finds an order a crashed attempt made.
type OrderStore interface {
	Get(ctx context.Context, id string) (*order.Order, int64, error)
}

// Elders reads elders.
type Elders interface {
	Get(ctx context.Context, id string) (elder.Elder, error)
}
