// Package families holds the use cases of family groups: creating them,
// inviting and removing members, and recording consents. Every use case
// checks that the caller belongs to the family; to anyone else a family
// does not exist.
package families

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/identity"
)

// Store keeps families, one document each.
type Store interface {
	Create(ctx context.Context, f *family.Family) error
	// Get returns family.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (*family.Family, error)
	Update(ctx context.Context, id string, fn func(*family.Family) error) (*family.Family, error)
	Delete(ctx context.Context, id string) error
	ListByMember(ctx context.Context, userID string) ([]*family.Family, error)
	// ListEmpty returns ids of families without members, at most limit.
	ListEmpty(ctx context.Context, limit int) ([]string, error)
}

// Invites keeps invites by the digest of their code.
type Invites interface {
	Create(ctx context.Context, inv family.Invite) error
	// Get returns family.ErrInviteNotFound for an unknown digest.
	Get(ctx context.Context, digest string) (family.Invite, error)
	// MarkUsed spends a live invite; false if it was not live any more.
	MarkUsed(ctx context.Context, digest, userID string, now time.Time) (bool, error)
	// Unuse gives back an invite whose acceptance could not complete.
	Unuse(ctx context.Context, digest, userID string) error
	Revoke(ctx context.Context, familyID, digest string, now time.Time) (bool, error)
	ListLive(ctx context.Context, familyID string, now time.Time) ([]family.Invite, error)
	ListForPhone(ctx context.Context, phone identity.Phone, now time.Time) ([]family.Invite, error)
	DeleteByFamily(ctx context.Context, familyID string) error
	DeleteForPhone(ctx context.Context, phone identity.Phone) error
}

// Users looks up the people behind member ids and invite phones, and
// links an elder's own account (elder_account.go).
type Users interface {
	ByID(ctx context.Context, id string) (*identity.User, error)
	ByPhone(ctx context.Context, phone identity.Phone) (*identity.User, error)
	Update(ctx context.Context, id string, fn func(*identity.User) error) (*identity.User, error)
}

// ElderRecords is what family use cases need of elders: to check one
// belongs to the family, and to erase health data or everything.
type ElderRecords interface {
	Get(ctx context.Context, id string) (elder.Elder, error)
	Update(ctx context.Context, id string, fn func(*elder.Elder) error) (elder.Elder, error)
	ListByFamily(ctx context.Context, familyID string, p page.Request) ([]elder.Elder, bool, error)
	DeleteByFamily(ctx context.Context, familyID string) error
	// RemovingSince lists, in id order after after, at most limit elders
	// whose removal began (or was last renewed) at or before cutoff.
	RemovingSince(ctx context.Context, cutoff time.Time, after string, limit int) ([]elder.Elder, error)
}

// ChildRecords is what family use cases need of children: to scrub or
// erase them.
type ChildRecords interface {
	Update(ctx context.Context, id string, fn func(*child.Child) error) (child.Child, error)
	ListByFamily(ctx context.Context, familyID string, p page.Request) ([]child.Child, bool, error)
	DeleteByFamily(ctx context.Context, familyID string) error
}

// ElderStopper ends what acts in an elder's name going forward (meal
// card and subscriptions, recurring and cancellable orders): app/elders
// Stop, the same path an elder's removal takes. It acts as a, who must
// still be a member of the elder's family when it is called.
// BeginRemoval comes first (app/elders): it refuses elders with an alarm
// not yet resolved (elder_has_open_incident) before anything changes,
// and stops alarms being raised for the others; its cancel takes that
// back for a family that lives on.
type ElderStopper interface {
	CheckRemoval(ctx context.Context, elderIDs ...string) error
	BeginRemoval(ctx context.Context, a actor.Actor, elderIDs ...string) (cancel func(context.Context) error, err error)
	Stop(ctx context.Context, a actor.Actor, elderID string) error
}

// AuditEraser removes a dissolved family's audit log.
type AuditEraser interface {
	DeleteByFamily(ctx context.Context, familyID string) error
}
