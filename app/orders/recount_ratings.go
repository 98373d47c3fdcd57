package orders

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
)

// Recount is what one recount of the ratings found.
type Recount struct {
	Providers int // providers with rated orders
	Repaired  int // whose counters were wrong and were set right
}

const recountPage = 500

// errRaced stops a repair a rating counted meanwhile made stale.
var errRaced = errors.New("orders: ratings counted during the recount")

// RecountRatings checks every provider's rating counters against its
// rated orders, the truth, and repairs those that differ: a rating
// written to its order by a request that died before counting it. It
// reads every rated order once; only a provider found wrong is read
// again and written. Run at start and now and then; replicas doing it at
// once repair each provider once, the others find it right.
func (s *Service) RecountRatings(ctx context.Context) (Recount, error) {
	// Tallies only, not the ratings: the whole platform's are read.
	byProvider := map[string]provider.RatingTotals{}
	for after := ""; ; {
		page, err := s.d.Orders.Ratings(ctx, "", after, recountPage)
		if err != nil {
			return Recount{}, fmt.Errorf("orders: read ratings: %w", err)
		}
		for _, f := range page {
			t, ok := byProvider[f.ProviderID]
			if !ok {
				t.Caregivers = map[string]provider.Tally{}
			}
			add(&t, f)
			byProvider[f.ProviderID] = t
		}
		if len(page) < recountPage {
			break
		}
		after = page[len(page)-1].OrderID
	}
	ids := make([]string, 0, len(byProvider))
	for id := range byProvider {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	res := Recount{Providers: len(ids)}
	var errs []error
	for _, id := range ids {
		p, err := s.d.Providers.Get(ctx, id)
		if fault.Is(err, provider.ErrNotFound) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if p.MatchesRatings(byProvider[id]) {
			continue
		}
		if err := s.repairRatings(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("provider %s: %w", id, err))
			continue
		}
		res.Repaired++
	}
	return res, errors.Join(errs...)
}

// repairRatings recounts one provider from its orders and replaces its
// counters, unless a rating was counted while it read them (then the
// counters and the orders it read may disagree about that rating): it
// starts again.
func (s *Service) repairRatings(ctx context.Context, providerID string) error {
	for range 3 {
		before, err := s.d.Providers.Get(ctx, providerID)
		if err != nil {
			return err
		}
		facts, err := s.ratingFacts(ctx, providerID)
		if err != nil {
			return err
		}
		want := totalsOf(facts)
		_, err = s.d.Providers.Update(ctx, providerID, func(p *provider.Provider) error {
			if !p.Stats.SameRatings(before.Stats) {
				return errRaced
			}
			p.ReplaceRatings(want)
			return nil
		})
		if !errors.Is(err, errRaced) {
			return err
		}
	}
	return errRaced
}

func (s *Service) ratingFacts(ctx context.Context, providerID string) ([]RatingFact, error) {
	var out []RatingFact
	for after := ""; ; {
		page, err := s.d.Orders.Ratings(ctx, providerID, after, recountPage)
		if err != nil {
			return nil, fmt.Errorf("orders: read ratings: %w", err)
		}
		out = append(out, page...)
		if len(page) < recountPage {
			return out, nil
		}
		after = page[len(page)-1].OrderID
	}
}

// totalsOf counts one provider's ratings. Its recent keys are those of
// the newest ratings: a request still on its way to count one finds it
// counted.
func totalsOf(facts []RatingFact) provider.RatingTotals {
	t := provider.RatingTotals{Caregivers: map[string]provider.Tally{}}
	for _, f := range facts {
		add(&t, f)
	}
	newest := slices.Clone(facts)
	slices.SortFunc(newest, func(a, b RatingFact) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.OrderID, b.OrderID))
	})
	if n := len(newest); n > provider.RecentRatingKeys {
		newest = newest[n-provider.RecentRatingKeys:]
	}
	for _, f := range newest {
		t.Recent = append(t.Recent, f.OrderID)
	}
	return t
}

func add(t *provider.RatingTotals, f RatingFact) {
	t.Provider.Sum += int64(f.Stars)
	t.Provider.Count++
	if f.CaregiverID != "" {
		c := t.Caregivers[f.CaregiverID]
		c.Sum += int64(f.Stars)
		c.Count++
		t.Caregivers[f.CaregiverID] = c
	}
}
