package visits

import (
	"context"

	"github.com/kincare/kincare/app/search"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
)

// ServingStations finds the community stations of an address as the
// incident ladder finds its station (incidents.NearestStation): verified
// providers whose service area covers the address, nearest first, here
// those licensed for home or day care (居家养老服务站, 日间照料中心).
type ServingStations struct{ Search *search.Service }

// stationCandidates bounds the providers looked at.
const stationCandidates = 50

func (n ServingStations) Serving(ctx context.Context, a geo.Address) ([]*provider.Provider, error) {
	hits, _, err := n.Search.Providers(ctx, search.Query{Near: a.Location, RadiusMetres: search.MaxRadiusMetres,
		Region: a.RegionCode, Limit: stationCandidates})
	if err != nil {
		return nil, err
	}
	var out []*provider.Provider
	for _, h := range hits {
		if h.Provider.HasKind(provider.HomeCare) || h.Provider.HasKind(provider.DayCareCentre) {
			out = append(out, h.Provider)
		}
	}
	return out, nil
}
