package providers

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/audittrail"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
)

// Service gathers the provider use cases.
type Service struct {
	d Deps
	// rebuilding lets one search per replica rebuild a lost index while
	// the others wait, instead of each reading every provider.
	rebuilding sync.Mutex
	indexing   sync.Mutex
}

// Deps are the adapters the provider use cases need.
type Deps struct {
	Providers Store
	Index     LocationIndex
	Users     Users
	Handover  Handover
	Now       func() time.Time
	NewID     func() string
	Log       *slog.Logger
	// Officials logs what regulators do.
	Officials *audittrail.Officials
	// Rates serve the register's complaint-rate filter; nil: the filter
	// is refused.
	Rates ComplaintRates
}

func NewService(d Deps) *Service { return &Service{d: d} }

// Register records a provider as pending; the registering user becomes
// its admin and gains the provider_admin role.
func (s *Service) Register(ctx context.Context, a actor.Actor, p provider.Profile) (*provider.Provider, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	prov, err := provider.New(s.d.NewID(), a.UserID, p, s.d.NewID(), s.d.Now())
	if err != nil {
		return nil, err
	}
	if err := s.d.Providers.Create(ctx, prov); err != nil {
		return nil, fmt.Errorf("create provider: %w", err)
	}
	if _, err := s.d.Users.Update(ctx, a.UserID, func(u *identity.User) error {
		u.GrantRoles(identity.RoleProviderAdmin)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("grant provider_admin: %w", err)
	}
	return prov, nil
}

// Mine lists the providers the caller manages.
func (s *Service) Mine(ctx context.Context, a actor.Actor) ([]*provider.Provider, error) {
	return s.d.Providers.ListByAdmin(ctx, a.UserID)
}

// Get shows a provider: to anyone once it is visible (收费公开); before
// that, or when hidden, only to its admins, platform admins and the
// regulators of its region. To anyone else — a regulator of another
// region too — a hidden provider does not exist.
func (s *Service) Get(ctx context.Context, a actor.Actor, id string) (*provider.Provider, error) {
	p, err := s.d.Providers.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Visible() || p.IsAdmin(a.UserID) || p.StaffMember(a.UserID) != nil ||
		a.Oversees(p.Profile.Address.RegionCode) {
		return p, nil
	}
	return nil, provider.ErrNotFound
}

// Decision is a platform admin's verdict on a provider.
type Decision string

const (
	DecideVerify  Decision = "verify"
	DecideReject  Decision = "reject"
	DecideSuspend Decision = "suspend"
)

var ErrDecisionInvalid = fault.New(fault.Unprocessable, "decision_invalid")

// Decide verifies, rejects or suspends a provider; platform admins only.
func (s *Service) Decide(ctx context.Context, a actor.Actor, id string, d Decision, reason string) (*provider.Provider, error) {
	if err := a.Require(identity.RolePlatformAdmin); err != nil {
		return nil, err
	}
	p, err := s.d.Providers.Update(ctx, id, func(p *provider.Provider) error {
		switch d {
		case DecideVerify:
			return p.Verify(s.d.NewID(), s.d.Now())
		case DecideReject:
			return p.Reject(reason, s.d.NewID(), s.d.Now())
		case DecideSuspend:
			return p.Suspend(reason, s.d.NewID(), s.d.Now())
		}
		return ErrDecisionInvalid.WithFields(fault.FieldError{Field: "/decision", Code: "enum"})
	})
	if err != nil {
		return nil, err
	}
	return p, s.index(ctx, p)
}

// SetCredit records the regulator's standing; regulators only (403 for
// anyone else), and of the provider's region: to a regulator of another
// region the provider does not exist (404). A black listing hides the
// provider from search at once.
func (s *Service) SetCredit(ctx context.Context, a actor.Actor, id string, c provider.Credit, reason string) (*provider.Provider, error) {
	if err := a.Require(identity.RoleRegulator); err != nil {
		return nil, err
	}
	p, err := s.d.Providers.Update(ctx, id, func(p *provider.Provider) error {
		if !a.Regulates(p.Profile.Address.RegionCode) {
			return provider.ErrNotFound
		}
		return p.SetCredit(c, reason, provider.CreditSource{By: a.UserID}, s.d.NewID(), s.d.Now())
	})
	if err != nil {
		return nil, err
	}
	s.d.Officials.Record(ctx, a, audit.SetCredit, "provider", id, p.Profile.Address.RegionCode, string(c))
	return p, s.index(ctx, p)
}

// index keeps the location index in step with visibility. Index writes
// of one replica are serialised and each applies the provider's state as
// stored now, not as its own update left it, so two updates racing
// cannot leave the older state in the index. If the index cannot be
// written it is dropped, and the next search rebuilds it from the store:
// a stale entry must not outlive the failure.
func (s *Service) index(ctx context.Context, p *provider.Provider) error {
	s.indexing.Lock()
	defer s.indexing.Unlock()
	current, err := s.d.Providers.Get(ctx, p.ID)
	if err == nil {
		p = current
	}
	if p.Visible() {
		err = s.d.Index.Put(ctx, p.ID, p.Profile.Address.Location)
	} else {
		err = s.d.Index.Remove(ctx, p.ID)
	}
	if err != nil {
		s.d.Log.WarnContext(ctx, "location index not updated; dropping it to be rebuilt", "provider_id", p.ID, "err", err)
		if derr := s.d.Index.Drop(ctx); derr != nil {
			return fmt.Errorf("location index: update failed (%w) and could not be dropped: %w", err, derr)
		}
	}
	return nil
}

// EnsureIndex rebuilds the location index from the store when Redis has
// lost it (a restart, FLUSHALL).
func (s *Service) EnsureIndex(ctx context.Context) error {
	built, err := s.d.Index.Built(ctx)
	if err != nil || built {
		return err
	}
	s.rebuilding.Lock()
	defer s.rebuilding.Unlock()
	if built, err = s.d.Index.Built(ctx); err != nil || built {
		return err // another search rebuilt it while we waited
	}
	return s.d.Index.Rebuild(ctx, func(yield func(id string, p geo.Point) error) error {
		return s.d.Providers.EachVisible(ctx, func(p *provider.Provider) error {
			return yield(p.ID, p.Profile.Address.Location)
		})
	})
}

func timeZone(p *provider.Provider) (*time.Location, error) {
	loc, err := time.LoadLocation(p.Profile.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("provider %s time zone: %w", p.ID, err)
	}
	return loc, nil
}

// UpdateProfile edits a provider; its admins only. The location index
// follows the new address and visibility.
func (s *Service) UpdateProfile(ctx context.Context, a actor.Actor, id string, next provider.Profile) (*provider.Provider, error) {
	p, err := s.d.Providers.Update(ctx, id, func(p *provider.Provider) error {
		if err := hidden(a, p); err != nil {
			return err
		}
		return p.UpdateProfile(a.UserID, next, s.d.NewID(), s.d.Now())
	})
	if err != nil {
		return nil, err
	}
	return p, s.index(ctx, p)
}
