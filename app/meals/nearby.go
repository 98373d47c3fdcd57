package meals

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/search"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/provider"
)

// Finder is the nearby search (app/search.Service): visible providers
// whose service area covers a place, nearest first.
type Finder interface {
	Providers(ctx context.Context, q search.Query) ([]search.Hit, string, error)
}

// Nearby is a canteen near an elder's home, with its menus of the day.
type Nearby struct {
	Provider       *provider.Provider
	DistanceMetres float64
	Canteen        meal.Canteen
	Sittings       []Sitting
}

// NearbyCommand searches canteens around an elder's home for a day.
type NearbyCommand struct {
	ElderID      string
	Date         calendar.Date // zero: today in the elder's canteens' zone
	RadiusMetres float64
	Cursor       string
	Limit        int
}

// CanteensNear finds canteens around one of the family's elders' home
// (the 15-minute circle: the nearby search that exists, restricted to
// canteens), each with the day's menus and the portions left. Canteens
// that set no windows yet are left out.
func (s *Service) CanteensNear(ctx context.Context, a actor.Actor, cmd NearbyCommand) ([]Nearby, string, error) {
	if a.UserID == "" {
		return nil, "", fault.ErrUnauthenticated
	}
	e, err := s.d.Elders.Get(ctx, cmd.ElderID)
	if err != nil {
		return nil, "", err
	}
	if _, err := familyaccess.OwnerOf(ctx, s.d.Families, a, e.FamilyID, elder.ErrNotFound); err != nil {
		return nil, "", err
	}
	home := e.Profile.Address
	hits, next, err := s.d.Finder.Providers(ctx, search.Query{Near: home.Location, Region: home.RegionCode,
		Kind: provider.Canteen, RadiusMetres: cmd.RadiusMetres, Cursor: cmd.Cursor, Limit: cmd.Limit})
	if err != nil {
		return nil, "", err
	}
	out := make([]Nearby, 0, len(hits))
	for _, h := range hits {
		c, err := s.d.Canteens.Get(ctx, h.Provider.ID)
		if fault.Is(err, meal.ErrCanteenNotFound) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		day := cmd.Date
		if day.IsZero() {
			day = calendar.Today(s.d.Now(), c.Zone())
		}
		ss, err := s.Menu(ctx, a, h.Provider.ID, day)
		if err != nil {
			return nil, "", err
		}
		out = append(out, Nearby{Provider: h.Provider, DistanceMetres: h.DistanceMetres, Canteen: c, Sittings: ss})
	}
	return out, next, nil
}
