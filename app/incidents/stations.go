package incidents

import (
	"context"

	"github.com/kincare/kincare/app/search"
	"github.com/kincare/kincare/domain/geo"
)

// NearestStation finds who is on emergency duty for an address through
// nearby search: among verified providers whose service area covers the
// address (the 15-minute circle, out to search's widest radius), the
// nearest with anyone on duty.
type NearestStation struct{ Search *search.Service }

// stationCandidates bounds the providers looked at.
const stationCandidates = 50

func (n NearestStation) OnDutyFor(ctx context.Context, a geo.Address) (string, []string, error) {
	hits, _, err := n.Search.Providers(ctx, search.Query{Near: a.Location, RadiusMetres: search.MaxRadiusMetres,
		Region: a.RegionCode, Limit: stationCandidates})
	if err != nil {
		return "", nil, err
	}
	for _, h := range hits {
		if duty := h.Provider.OnDuty(); len(duty) > 0 {
			return h.Provider.ID, duty, nil
		}
	}
	return "", nil, nil
}
