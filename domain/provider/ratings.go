package provider

import (
	"slices"
)

// How ratings roll up. A rating lives on its order (the truth, written
// once by one conditional write); the provider's document keeps the
// totals families see and search sorts by, and the same write counts it
// for the caregiver who made the visit. Counting is keyed by the rating
// (its order's id), and the last RecentRatingKeys keys are kept, so a
// count repeated — a retry, or a reconciliation racing the request that
// rated — changes nothing. A count lost to a crash between the two
// writes is found and repaired by recounting from the orders.

// RecentRatingKeys is how many counted keys the document remembers: far
// more ratings than can arrive between a rating's own write and its
// count, which follows at once in the same request.
const RecentRatingKeys = 64

// Tally is a sum of stars and how many ratings gave them.
type Tally struct {
	Sum, Count int64
}

// Average is the mean rating, 0 when nobody has rated yet.
func (t Tally) Average() float64 {
	if t.Count == 0 {
		return 0
	}
	return float64(t.Sum) / float64(t.Count)
}

// Ratings is the provider's own tally.
func (s Stats) Ratings() Tally { return Tally{Sum: s.RatingSum, Count: s.RatingCount} }

// RatingAverage is the mean rating, 0 when nobody has rated yet.
func (s Stats) RatingAverage() float64 { return s.Ratings().Average() }

// CountRating adds a rating of stars, keyed by key, to the provider and
// to caregiverID if they are still on its staff. It reports false, and
// changes nothing, when key was counted already.
func (p *Provider) CountRating(key, caregiverID string, stars int) bool {
	if key == "" || slices.Contains(p.Stats.RecentRatings, key) {
		return false
	}
	p.Stats.RatingSum += int64(stars)
	p.Stats.RatingCount++
	p.Stats.RecentRatings = append(p.Stats.RecentRatings, key)
	if n := len(p.Stats.RecentRatings); n > RecentRatingKeys {
		p.Stats.RecentRatings = slices.Clone(p.Stats.RecentRatings[n-RecentRatingKeys:])
	}
	if st := p.StaffMember(caregiverID); st != nil && caregiverID != "" {
		st.Ratings.Sum += int64(stars)
		st.Ratings.Count++
	}
	return true
}

// RatingTotals are a provider's ratings counted afresh from its orders.
type RatingTotals struct {
	Provider   Tally
	Caregivers map[string]Tally
	// Recent are the keys of the newest ratings, oldest first.
	Recent []string
}

// MatchesRatings reports whether the provider's counters already say
// what t says (the keys aside: they only guard against counting twice).
func (p *Provider) MatchesRatings(t RatingTotals) bool {
	if p.Stats.Ratings() != t.Provider {
		return false
	}
	for _, st := range p.Staff {
		if st.Ratings != t.Caregivers[st.UserID] {
			return false
		}
	}
	return true
}

// ReplaceRatings sets every counter to t: the repair of a count lost
// between a rating's write and its count. Caregivers no longer on the
// staff are not kept.
func (p *Provider) ReplaceRatings(t RatingTotals) {
	p.Stats.RatingSum, p.Stats.RatingCount = t.Provider.Sum, t.Provider.Count
	recent := t.Recent
	if len(recent) > RecentRatingKeys {
		recent = recent[len(recent)-RecentRatingKeys:]
	}
	p.Stats.RecentRatings = slices.Clone(recent)
	for i := range p.Staff {
		p.Staff[i].Ratings = t.Caregivers[p.Staff[i].UserID]
	}
}

// SameRatings reports whether two states of the counters are the same,
// keys included: a recount only replaces counters nobody changed since
// it began.
func (s Stats) SameRatings(o Stats) bool {
	return s.RatingSum == o.RatingSum && s.RatingCount == o.RatingCount && slices.Equal(s.RecentRatings, o.RecentRatings)
}
