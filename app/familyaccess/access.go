// Package familyaccess is the one object-level check of family-owned
// data: a family exists only to its members, and a record of another
// family is not found, exactly as a record that does not exist. It also
// holds the one check of an elder's own linked account (OwnElder).
package familyaccess

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/elder"
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

// Elders reads elders.
type Elders interface {
	Get(ctx context.Context, id string) (elder.Elder, error)
}

// OwnElder loads an elder and its family for the elder's own linked
// account. Both sides of the link must agree — the account's
// (actor.IsElder) and the elder's record (elder.OwnAccount) — so a link
// half-written by a crash, or ended, grants nothing. Anyone else, an
// account whose link the record no longer holds, or an elder whose family
// is gone, gets elder_not_found.
func OwnElder(ctx context.Context, es Elders, fs Families, a actor.Actor, elderID string) (elder.Elder, *family.Family, error) {
	if !a.IsElder(elderID) {
		return elder.Elder{}, nil, elder.ErrNotFound
	}
	e, err := es.Get(ctx, elderID)
	if err != nil {
		return elder.Elder{}, nil, err
	}
	if !e.OwnAccount(a.UserID) {
		return elder.Elder{}, nil, elder.ErrNotFound
	}
	f, err := fs.Get(ctx, e.FamilyID)
	if fault.Is(err, family.ErrNotFound) {
		return elder.Elder{}, nil, elder.ErrNotFound
	}
	if err != nil {
		return elder.Elder{}, nil, err
	}
	return e, f, nil
}
