package providers

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
)

// CreditHistoryPage is one page of a provider's credit changes, newest
// first, and the cursor to the next.
type CreditHistoryPage struct {
	Changes    []provider.CreditChange
	NextCursor string
}

// CreditHistory is a provider's credit file (诚信档案): every change of
// its standing with the reason and the official who made it. Regulators
// of the provider's region and platform admins (403 for anyone else); to
// a regulator of another region the provider does not exist (404), as
// setting its credit answers.
func (s *Service) CreditHistory(ctx context.Context, a actor.Actor, id, cursor string, limit int) (CreditHistoryPage, error) {
	if err := a.Require(identity.RoleRegulator, identity.RolePlatformAdmin); err != nil {
		return CreditHistoryPage{}, err
	}
	p, err := page.Parse(cursor, limit)
	if err != nil {
		return CreditHistoryPage{}, err
	}
	pr, err := s.d.Providers.Get(ctx, id)
	if err != nil {
		return CreditHistoryPage{}, err
	}
	if !a.Oversees(pr.Profile.Address.RegionCode) {
		return CreditHistoryPage{}, provider.ErrNotFound
	}
	all := pr.CreditChanges()
	start := 0
	if p.After != "" {
		// Ids are in time order: the page goes on below the cursor's id
		// (a change written since does not shift it).
		// A standing older than the history has no id and sorts last.
		for start < len(all) && all[start].ID >= p.After {
			start++
		}
	}
	end := min(start+p.Limit, len(all))
	out := CreditHistoryPage{Changes: all[start:end]}
	if end > start {
		out.NextCursor = page.Cursor(all[end-1].ID, end < len(all))
	}
	return out, nil
}
