// Package usercache keeps recently read user accounts in memory, in front
// of the user store. Every authenticated request that shows or checks the
// caller's account reads it by id; on the embedded store that read costs
// more than everything else in the request together.
//
// Entries live a few seconds. Writes through this process update the
// cache at once; a write on another replica is seen within the TTL. That
// bounds how stale a role or a deletion can look elsewhere, well inside
// the 15 minutes an access token already lives.
package usercache

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/kincare/kincare/domain/identity"
)

// Store is the user store being cached.
type Store interface {
	ByID(ctx context.Context, id string) (*identity.User, error)
	ByPhone(ctx context.Context, phone identity.Phone) (*identity.User, error)
	FirstOrCreate(ctx context.Context, u *identity.User) (*identity.User, bool, error)
	Update(ctx context.Context, id string, fn func(*identity.User) error) (*identity.User, error)
	ListPendingDeletion(ctx context.Context, limit int) ([]*identity.User, error)
}

// Users is a Store with a read-through cache on ByID.
type Users struct {
	next  Store
	cache *expirable.LRU[string, identity.UserSnapshot]
}

// New caches up to size users for ttl.
func New(next Store, size int, ttl time.Duration) *Users {
	return &Users{next: next, cache: expirable.NewLRU[string, identity.UserSnapshot](size, nil, ttl)}
}

// ByID serves from memory when it can. Snapshots are cached, and each
// caller gets its own User, so no caller can change another's.
func (u *Users) ByID(ctx context.Context, id string) (*identity.User, error) {
	if s, ok := u.cache.Get(id); ok {
		return identity.UnmarshalUser(s), nil
	}
	user, err := u.next.ByID(ctx, id)
	if err != nil {
		return nil, err
	}
	u.cache.Add(strings.Clone(id), user.Snapshot()) // callers' strings may be borrowed
	return user, nil
}

func (u *Users) ByPhone(ctx context.Context, phone identity.Phone) (*identity.User, error) {
	return u.next.ByPhone(ctx, phone)
}

// FirstOrCreate keeps the account it answers: a login is followed at
// once by the same user's first authenticated requests.
func (u *Users) FirstOrCreate(ctx context.Context, nu *identity.User) (*identity.User, bool, error) {
	user, created, err := u.next.FirstOrCreate(ctx, nu)
	if err != nil {
		return nil, false, err
	}
	u.cache.Add(strings.Clone(user.ID()), user.Snapshot())
	return user, created, nil
}

// Update writes through and keeps the new state; on failure the entry is
// dropped, since the store's state is then unknown.
func (u *Users) Update(ctx context.Context, id string, fn func(*identity.User) error) (*identity.User, error) {
	user, err := u.next.Update(ctx, id, fn)
	if err != nil {
		u.cache.Remove(id)
		return nil, err
	}
	u.cache.Add(strings.Clone(id), user.Snapshot())
	return user, nil
}

func (u *Users) ListPendingDeletion(ctx context.Context, limit int) ([]*identity.User, error) {
	return u.next.ListPendingDeletion(ctx, limit)
}
