// Package children holds the use cases of a family's young children and
// their authorized pickup persons, all under the family's consent.
package children

import (
	"context"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/family"
)

// Store keeps children, one document each with their pickup persons.
type Store interface {
	Create(ctx context.Context, c child.Child) error
	// Get returns child.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (child.Child, error)
	Update(ctx context.Context, id string, fn func(*child.Child) error) (child.Child, error)
	Delete(ctx context.Context, id string) error
	ListByFamily(ctx context.Context, familyID string, p page.Request) ([]child.Child, bool, error)
	DeleteByFamily(ctx context.Context, familyID string) error
}

// Families reads the family a child belongs to.
type Families interface {
	Get(ctx context.Context, id string) (*family.Family, error)
}
