package providers

import (
	"context"
	"slices"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
)

// ExpiryQuery narrows the expiry list: a region prefix within the
// caller's, how many days ahead (0–366; default 30), and, when Lapsed is
// set, only what has lapsed already (true) or only what has not yet
// (false).
type ExpiryQuery struct {
	Region     string
	WithinDays *int
	Lapsed     *bool
	Cursor     string
	Limit      int
}

// ExpiringProvider is one provider with what of it lapses.
type ExpiringProvider struct {
	Provider *provider.Provider
	Expiries []provider.Expiry
}

// ExpiryPage is one page, in provider id order, and the cursor to the
// next. Limit counts providers: a provider's expiries are never split.
type ExpiryPage struct {
	Items      []ExpiringProvider
	Today      calendar.Date
	Until      calendar.Date
	NextCursor string
}

// DefaultExpiryDays is how far ahead the list looks unless told.
const DefaultExpiryDays = 30

// Expiring lists, for the providers in the caller's regions (a platform
// admin: everywhere), the licences and caregiver certificates valid no
// later than WithinDays after today (Asia/Shanghai), lapsed ones
// included (证照到期清单). Regulators and platform admins only. A
// provider outside the caller's regions is on no page, whatever the
// region asked for: the page is empty, as the register's is.
func (s *Service) Expiring(ctx context.Context, a actor.Actor, q ExpiryQuery) (ExpiryPage, error) {
	if err := a.Require(identity.RoleRegulator, identity.RolePlatformAdmin); err != nil {
		return ExpiryPage{}, err
	}
	days := DefaultExpiryDays
	if q.WithinDays != nil {
		days = *q.WithinDays
	}
	if days < 0 || days > 366 {
		return ExpiryPage{}, ErrFilterInvalid.WithFields(fault.FieldError{Field: "query.withinDays", Code: "range"})
	}
	f, err := supervisedFilter(SupervisedQuery{Region: q.Region})
	if err != nil {
		return ExpiryPage{}, err
	}
	var anywhere bool
	if f.Regions, anywhere = supervisedRegions(a, q.Region); len(f.Regions) == 0 && !anywhere {
		return ExpiryPage{Items: []ExpiringProvider{}}, nil
	}
	p, err := page.Parse(q.Cursor, q.Limit)
	if err != nil {
		return ExpiryPage{}, err
	}
	today := calendar.Today(s.d.Now(), supervisorZone)
	out := ExpiryPage{Items: []ExpiringProvider{}, Today: today, Until: today.AddDays(days)}
	more := false
	err = s.d.Providers.EachSupervised(ctx, f, p.After, func(pr *provider.Provider) (bool, error) {
		es := pr.Expiries(out.Until)
		if q.Lapsed != nil {
			es = slices.DeleteFunc(es, func(e provider.Expiry) bool { return e.LapsedOn(today) != *q.Lapsed })
		}
		if len(es) == 0 {
			return true, nil
		}
		if len(out.Items) == p.Limit {
			more = true
			return false, nil
		}
		out.Items = append(out.Items, ExpiringProvider{Provider: pr, Expiries: es})
		return true, nil
	})
	if err != nil {
		return ExpiryPage{}, err
	}
	if n := len(out.Items); n > 0 {
		out.NextCursor = page.Cursor(out.Items[n-1].Provider.ID, more)
	}
	return out, nil
}
