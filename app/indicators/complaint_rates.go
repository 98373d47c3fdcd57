package indicators

import (
	"context"

	"github.com/kincare/kincare/domain/indicator"
)

// ComplaintRates are the complaint rates of the providers with orders,
// meals or complaints in the regions whose codes start with one of
// prefixes, over the complaint-rate window ending with the current month
// (indicator.RateMonths): read from the facts of those region-months,
// never from the live collections. It answers for whatever regions it is
// asked: the caller (the providers' register) has scoped them.
func (s *Service) ComplaintRates(ctx context.Context, prefixes []string) (map[string]indicator.ComplaintRate, error) {
	var facts []indicator.Fact
	for _, m := range indicator.RateMonths(indicator.MonthOf(s.now())) {
		for _, p := range prefixes {
			fs, err := s.facts.InRegion(ctx, p, m)
			if err != nil {
				return nil, err
			}
			facts = append(facts, fs...)
		}
	}
	return indicator.ComplaintRates(facts), nil
}
