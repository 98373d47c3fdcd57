// Package familyaccess is the one object-level check of family-owned
// data: a family exists only to its members, and a record of another
// family is not found, exactly as a record that does not exist.
package familyaccess

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
)

// Families reads families.
type Families interface {
	Get(ctx context.Context, id string) (*family.Family, error)
}

// Member loads a family for one of its members; to anyone else it is
// family_not_found.
func Member(ctx context.Context, fs Families, a actor.Actor, familyID string) (*family.Family, error) {
	f, err := fs.Get(ctx, familyID)
	if err != nil {
		return nil, err
	}
	if err := f.RequireMember(a.UserID); err != nil {
		return nil, err
	}
	return f, nil
}

// OwnerOf loads the family that owns a record, for one of its members;
// to anyone else the record is notFound.
func OwnerOf(ctx context.Context, fs Families, a actor.Actor, familyID string, notFound error) (*family.Family, error) {
	f, err := Member(ctx, fs, a, familyID)
	if fault.Is(err, family.ErrNotFound) {
		return nil, notFound
	}
	return f, err
}
