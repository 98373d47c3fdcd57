package complaints

import (
	"context"

	"github.com/kincare/kincare/domain/complaint"
)

// PublicStats are a provider's complaint figures over the last 90 days,
// for its public page: computed from the complaints themselves, so they
// are exact and need no counter kept beside them.
func (s *Service) PublicStats(ctx context.Context, providerID string) (complaint.PublicStats, error) {
	m, err := s.PublicStatsOf(ctx, []string{providerID})
	return m[providerID], err
}

// PublicStatsOf is PublicStats for several providers in one query (a
// page of search results).
func (s *Service) PublicStatsOf(ctx context.Context, providerIDs []string) (map[string]complaint.PublicStats, error) {
	out := make(map[string]complaint.PublicStats, len(providerIDs))
	if len(providerIDs) == 0 {
		return out, nil
	}
	now := s.d.Now()
	cs, err := s.d.Complaints.FiledSince(ctx, providerIDs, now.Add(-complaint.StatsWindow))
	if err != nil {
		return nil, err
	}
	byProvider := map[string][]*complaint.Complaint{}
	for _, c := range cs {
		byProvider[c.ProviderID()] = append(byProvider[c.ProviderID()], c)
	}
	for _, id := range providerIDs {
		out[id] = complaint.Summarize(byProvider[id], now)
	}
	return out, nil
}
