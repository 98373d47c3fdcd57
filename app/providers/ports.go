// Package providers holds the use cases of care providers: registration,
// the platform's verification, the regulator's credit standing, and the
// location index families search. Who may do what is decided here.
package providers

import (
	"context"
	"time"

	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/provider"
)

// Store keeps providers, one document each.
type Store interface {
	Create(ctx context.Context, p *provider.Provider) error
	// Get returns provider.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (*provider.Provider, error)
	Update(ctx context.Context, id string, fn func(*provider.Provider) error) (*provider.Provider, error)
	ListByAdmin(ctx context.Context, userID string) ([]*provider.Provider, error)
	// GetMany returns the providers with these ids that exist, any order.
	GetMany(ctx context.Context, ids []string) ([]*provider.Provider, error)
	// EachVisible calls fn for every provider families may find, for
	// rebuilding the location index.
	EachVisible(ctx context.Context, fn func(*provider.Provider) error) error
	// ListByStaff returns the providers userID works for.
	ListByStaff(ctx context.Context, userID string) ([]*provider.Provider, error)
	// ListInvitingPhone returns providers with a staff invite for phone
	// (possibly expired: callers check).
	ListInvitingPhone(ctx context.Context, phone identity.Phone, now time.Time) ([]*provider.Provider, error)
	// EachSupervised calls fn for the providers f keeps, with ids after
	// after, in id order, until fn says stop (false) or fails.
	EachSupervised(ctx context.Context, f SupervisedFilter, after string,
		fn func(*provider.Provider) (bool, error)) error
}

// SupervisedFilter is what the store narrows a regulator's list by;
// empty fields do not filter.
type SupervisedFilter struct {
	// Regions are region-code prefixes (2, 4 or 6 digits) the provider's
	// address must start with one of; nil: anywhere.
	Regions []string
	Credit  string
	Status  string
}

// LocationIndex is the pre-filter of nearby search: the locations of
// visible providers only. It can always be rebuilt from the Store.
type LocationIndex interface {
	Put(ctx context.Context, id string, p geo.Point) error
	Remove(ctx context.Context, id string) error
	Near(ctx context.Context, p geo.Point, radiusMetres float64) ([]string, error)
	Built(ctx context.Context) (bool, error)
	// Drop forgets the index, so the next search rebuilds it.
	Drop(ctx context.Context) error
	Rebuild(ctx context.Context, each func(yield func(id string, p geo.Point) error) error) error
}

// Users grants provider roles, and tells a user's phone for staff invites.
type Users interface {
	ByID(ctx context.Context, id string) (*identity.User, error)
	Update(ctx context.Context, id string, fn func(*identity.User) error) (*identity.User, error)
}

// Handover gives back the orders a caregiver held once they leave the
// staff: orders.Service. It is a follow-up the order timers repeat, so
// its failure is logged, not answered.
type Handover interface {
	StaffLeft(ctx context.Context, providerID, userID string) (int, error)
}

// ComplaintRates reads providers' complaint rates from the indicators'
// read model (indicators.Service), for the regions whose codes start
// with one of prefixes.
type ComplaintRates interface {
	ComplaintRates(ctx context.Context, prefixes []string) (map[string]indicator.ComplaintRate, error)
}
