// Package elders holds the use cases of care recipients: their profiles,
// health (under consent), and the allowances only administrators set.
package elders

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/provider"
)

// Store keeps elders, one document each.
type Store interface {
	Create(ctx context.Context, e elder.Elder) error
	// Get returns elder.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (elder.Elder, error)
	Update(ctx context.Context, id string, fn func(*elder.Elder) error) (elder.Elder, error)
	Delete(ctx context.Context, id string) error
	// DeleteRemoving erases the elder only while their removal removalID
	// is under way: elder.ErrRemovalTakenBack if it is not.
	DeleteRemoving(ctx context.Context, id, removalID string) error
	// ListByFamily returns a page in id order and whether more follow.
	ListByFamily(ctx context.Context, familyID string, p page.Request) ([]elder.Elder, bool, error)
}

// Families reads the family an elder belongs to.
type Families interface {
	Get(ctx context.Context, id string) (*family.Family, error)
}

// Providers reads the assessment provider an official assessor records
// for.
type Providers interface {
	Get(ctx context.Context, id string) (*provider.Provider, error)
}

// Orders tells whether an elder has ever been ordered for: from then on
// the birth date has priced something (orders.History).
type Orders interface {
	Ordered(ctx context.Context, elderID string) (bool, error)
}

// Dependent is a capability that acts in an elder's name going forward
// (meal subscriptions, the meal card and orders; recurring home-care
// orders). ElderRemoved stops it for the elder, as the family owner a;
// it must be idempotent: a removal that failed part-way is finished by
// the owner's retry.
type Dependent interface {
	ElderRemoved(ctx context.Context, a actor.Actor, elderID string) error
}

// Alarms says which incidents stand in the way of removing an elder
// (app/incidents RemovalBlockers): open ones, acknowledged ones, and
// those being raised; checked are the alarms noted on the elder that it
// judged, for elder.BeginRemoval.
type Alarms interface {
	RemovalBlockers(ctx context.Context, e elder.Elder) (open, checked []string, err error)
}
